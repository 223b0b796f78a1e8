/*
 * sp-sync: mirror the store into PostgreSQL.  Rows go through COPY into
 * temporary tables, then one INSERT ... ON CONFLICT per table, all in one
 * transaction; a watermark per listener and store, kept in PostgreSQL,
 * makes the next run send only what changed.
 */
#include <sys/random.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "sp.h"
#include "sp_err.h"
#include "sp_store.h"

/* The PostgreSQL schema version this build writes (table meta). */
#define PG_VERSION_SCHEMA	1
/* The oldest server sp-sync supports, as PQserverVersion() gives it. */
#define PG_MIN_SERVER		120000
#define PG_MIN_NAME		"12"
#define COPY_BUF		65536

static const struct option longopts[] = {
	{ "db",		required_argument,	NULL,	'd' },
	{ "dry-run",	no_argument,		NULL,	'n' },
	{ "dsn",	required_argument,	NULL,	'D' },
	{ "help",	no_argument,		NULL,	'h' },
	{ "listener",	required_argument,	NULL,	'l' },
	{ "prune",	no_argument,		NULL,	'p' },
	{ "quiet",	no_argument,		NULL,	'q' },
	{ "schema",	required_argument,	NULL,	's' },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

static const char *dbpath;
static int dryrun;
static const char *dsn;
static const char *listener;
static int prune;
static int quiet;
static const char *schema = "sp";

/*
 * Migrations of the PostgreSQL schema: migration[i] takes it from
 * version i to i + 1.  Never edit one that has shipped; append.
 * Version 1 is migration[0] and then, in the same transaction, after the
 * first sync has loaded its rows, fkeys: the plays' indexes and the
 * foreign keys, then built in one pass and checked by one query each,
 * not row by row (the tables are new: no one else sees them yet).
 * The foreign keys are deferred to the commit, so a sync may load its
 * tables in any order.
 */
static const char *const migration[] = {
	/* 0 -> 1: the store's tables, plays with their listener, views. */
	"CREATE TABLE albums ("
	" id text PRIMARY KEY,"
	" name text,"
	" album_type text,"
	" release_date text,"
	" release_date_precision text,"
	" release_year integer,"
	" total_tracks integer,"
	" label text,"
	" popularity integer,"
	" upc text,"
	" status text CHECK (status IN ('ok', 'not_found')),"
	" fetched_at timestamptz);"
	"CREATE INDEX albums_status ON albums (status, fetched_at);"
	"CREATE INDEX albums_year ON albums (release_year);"
	"CREATE TABLE tracks ("
	" id text PRIMARY KEY,"
	" name text,"
	" album_id text,"
	" duration_ms integer,"
	" explicit boolean,"
	" popularity integer,"
	" isrc text,"
	" disc_number integer,"
	" track_number integer,"
	" linked_id text,"
	" status text CHECK (status IN ('ok', 'not_found')),"
	" fetched_at timestamptz);"
	"CREATE INDEX tracks_status ON tracks (status, fetched_at);"
	"CREATE INDEX tracks_album ON tracks (album_id);"
	"CREATE TABLE artists ("
	" id text PRIMARY KEY,"
	" name text,"
	" popularity integer,"
	" followers integer,"
	" genre_count integer,"
	" status text CHECK (status IN ('ok', 'not_found')),"
	" fetched_at timestamptz);"
	"CREATE INDEX artists_status ON artists (status, fetched_at);"
	"CREATE TABLE genres ("
	" genre text PRIMARY KEY,"
	" family text);"
	"CREATE INDEX genres_family ON genres (family);"
	"CREATE TABLE track_artists ("
	" track_id text NOT NULL,"
	" artist_id text NOT NULL,"
	" position integer NOT NULL,"
	" PRIMARY KEY (track_id, position));"
	"CREATE INDEX track_artists_artist ON track_artists (artist_id);"
	"CREATE TABLE artist_genres ("
	" artist_id text NOT NULL,"
	" genre text NOT NULL,"
	" position integer NOT NULL,"
	" PRIMARY KEY (artist_id, position));"
	"CREATE INDEX artist_genres_genre ON artist_genres (genre);"
	"CREATE TABLE plays ("
	" id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	" listener text NOT NULL,"
	" ts timestamptz NOT NULL,"
	" ms_played integer NOT NULL,"
	" track_id text,"
	" track_name text,"
	" artist_name text,"
	" album_name text,"
	" reason_start text,"
	" reason_end text,"
	" shuffle boolean,"
	" skipped boolean,"
	" offline boolean,"
	" offline_ts bigint,"
	" incognito boolean,"
	" platform text,"
	" conn_country text,"
	" source text NOT NULL CHECK (source IN ('extended', 'account')));"
	/*
	 * plays.track_id names a row of tracks, but is not a declared
	 * foreign key: its check, one per row at commit, would take half
	 * the time of a first sync.  sp-sync checks it once per sync.
	 */
	/* What each store sent last: its rows up to these, per listener. */
	"CREATE TABLE sync_state ("
	" listener text NOT NULL,"
	" store_id text NOT NULL,"
	" plays_rowid bigint NOT NULL,"
	" tracks_rowid bigint NOT NULL,"
	" tracks_fetched text,"
	" albums_rowid bigint NOT NULL,"
	" albums_fetched text,"
	" artists_rowid bigint NOT NULL,"
	" artists_fetched text,"
	" synced_at timestamptz NOT NULL,"
	" PRIMARY KEY (listener, store_id));"
	/*
	 * The counting rules of sp-report: a listen is a play of 30 s or
	 * more, credited to the track's first artist; its time and its
	 * count are split equally among that artist's distinct genres,
	 * when the artist is enriched and has some.
	 */
	"CREATE VIEW listens AS"
	" SELECT p.listener, p.id AS play_id, p.ts, p.ms_played, p.track_id,"
	" ta.artist_id"
	" FROM plays p LEFT JOIN track_artists ta"
	" ON ta.track_id = p.track_id AND ta.position = 0"
	" WHERE p.ms_played >= 30000;"
	"CREATE VIEW listen_genres AS"
	" SELECT l.listener, l.play_id, g.genre,"
	" l.ms_played::numeric / g.n AS ms_played, 1::numeric / g.n AS listens"
	" FROM listens l"
	" JOIN artists a ON a.id = l.artist_id AND a.status = 'ok'"
	" JOIN (SELECT artist_id, genre,"
	"  count(*) OVER (PARTITION BY artist_id) AS n"
	"  FROM (SELECT DISTINCT artist_id, genre FROM artist_genres) d) g"
	" ON g.artist_id = l.artist_id;"
	"CREATE VIEW listener_genres AS"
	" SELECT lg.listener, lg.genre, ge.family,"
	" round(sum(lg.ms_played))::bigint AS ms_played,"
	" round(sum(lg.listens), 3) AS listens,"
	" sum(lg.ms_played) / sum(sum(lg.ms_played))"
	"  OVER (PARTITION BY lg.listener) AS share"
	" FROM listen_genres lg LEFT JOIN genres ge ON ge.genre = lg.genre"
	" GROUP BY lg.listener, lg.genre, ge.family;"
	"CREATE VIEW listener_families AS"
	" SELECT lg.listener, ge.family,"
	" round(sum(lg.ms_played))::bigint AS ms_played,"
	" round(sum(lg.listens), 3) AS listens,"
	" sum(lg.ms_played) / sum(sum(lg.ms_played))"
	"  OVER (PARTITION BY lg.listener) AS share"
	" FROM listen_genres lg LEFT JOIN genres ge ON ge.genre = lg.genre"
	" GROUP BY lg.listener, ge.family;"
	"CREATE VIEW listener_decades AS"
	" SELECT l.listener, al.release_year / 10 * 10 AS decade,"
	" sum(l.ms_played)::bigint AS ms_played, count(*) AS listens"
	" FROM listens l LEFT JOIN tracks t ON t.id = l.track_id"
	" LEFT JOIN albums al ON al.id = t.album_id"
	" GROUP BY l.listener, al.release_year / 10 * 10;"
	"CREATE VIEW listener_artists AS"
	" SELECT l.listener, l.artist_id, a.name,"
	" sum(l.ms_played)::bigint AS ms_played, count(*) AS listens"
	" FROM listens l JOIN artists a ON a.id = l.artist_id"
	" GROUP BY l.listener, l.artist_id, a.name;",
};
#define NMIGRATION	(sizeof(migration) / sizeof(migration[0]))
static const char fkeys[] =
    /* The store's natural key, per listener (see docs/schema.md). */
    "CREATE UNIQUE INDEX plays_key ON plays (listener, ts, ms_played,"
    " (coalesce(track_id, coalesce(track_name, '') || E'\\x1f' ||"
    " coalesce(artist_name, ''))));"
    "CREATE INDEX plays_track ON plays (track_id);"
    "ALTER TABLE tracks ADD FOREIGN KEY (album_id) REFERENCES albums"
    " DEFERRABLE INITIALLY DEFERRED;"
    "ALTER TABLE track_artists"
    " ADD FOREIGN KEY (track_id) REFERENCES tracks"
    " DEFERRABLE INITIALLY DEFERRED,"
    " ADD FOREIGN KEY (artist_id) REFERENCES artists"
    " DEFERRABLE INITIALLY DEFERRED;"
    "ALTER TABLE artist_genres"
    " ADD FOREIGN KEY (artist_id) REFERENCES artists"
    " DEFERRABLE INITIALLY DEFERRED,"
    " ADD FOREIGN KEY (genre) REFERENCES genres"
    " DEFERRABLE INITIALLY DEFERRED";

/* The tables a sync sends, in the order it sends them. */
enum table {
	T_ALBUMS, T_TRACKS, T_TRACK_ARTISTS, T_ARTISTS, T_ARTIST_GENRES,
	T_GENRES, T_PLAYS, NTABLE
};

/*
 * Per table: its name, the SQLite query of the rows to send (?1 the
 * rowid and ?2 the fetched_at the last sync went up to; a row above
 * either changed since; links are reached from their changed tracks or
 * artists, an order CROSS JOIN fixes), its temporary table in
 * PostgreSQL, and whether the summary counts it (links travel with
 * their track or artist).
 */
static const struct {
	const char	*name;
	const char	*select;
	const char	*temp;
	int		 counted;
} tab[NTABLE] = {
	[T_ALBUMS] = { "albums",
	    "SELECT id, name, album_type, release_date, release_date_precision,"
	    " release_year, total_tracks, label, popularity, upc, status,"
	    " fetched_at FROM albums WHERE rowid > ?1 OR fetched_at > ?2",
	    "CREATE TEMP TABLE in_albums (id text, name text, album_type text,"
	    " release_date text, release_date_precision text, release_year"
	    " integer, total_tracks integer, label text, popularity integer,"
	    " upc text, status text, fetched_at timestamptz) ON COMMIT DROP",
	    1 },
	[T_TRACKS] = { "tracks",
	    "SELECT id, name, album_id, duration_ms, explicit, popularity,"
	    " isrc, disc_number, track_number, linked_id, status, fetched_at"
	    " FROM tracks WHERE rowid > ?1 OR fetched_at > ?2",
	    "CREATE TEMP TABLE in_tracks (id text, name text, album_id text,"
	    " duration_ms integer, explicit boolean, popularity integer,"
	    " isrc text, disc_number integer, track_number integer,"
	    " linked_id text, status text, fetched_at timestamptz)"
	    " ON COMMIT DROP",
	    1 },
	[T_TRACK_ARTISTS] = { "track_artists",
	    "SELECT ta.track_id, ta.artist_id, ta.position"
	    " FROM tracks t CROSS JOIN track_artists ta ON ta.track_id = t.id"
	    " WHERE t.rowid > ?1 OR t.fetched_at > ?2",
	    "CREATE TEMP TABLE in_track_artists (track_id text, artist_id"
	    " text, position integer) ON COMMIT DROP",
	    0 },
	[T_ARTISTS] = { "artists",
	    "SELECT id, name, popularity, followers, genre_count, status,"
	    " fetched_at FROM artists WHERE rowid > ?1 OR fetched_at > ?2",
	    "CREATE TEMP TABLE in_artists (id text, name text, popularity"
	    " integer, followers integer, genre_count integer, status text,"
	    " fetched_at timestamptz) ON COMMIT DROP",
	    1 },
	[T_ARTIST_GENRES] = { "artist_genres",
	    "SELECT ag.artist_id, ag.genre, ag.position"
	    " FROM artists a CROSS JOIN artist_genres ag ON ag.artist_id = a.id"
	    " WHERE a.rowid > ?1 OR a.fetched_at > ?2",
	    "CREATE TEMP TABLE in_artist_genres (artist_id text, genre text,"
	    " position integer) ON COMMIT DROP",
	    0 },
	[T_GENRES] = { "genres",
	    "SELECT genre, family FROM genres WHERE ?1 = 0 OR genre IN"
	    " (SELECT ag.genre FROM artists a"
	    " CROSS JOIN artist_genres ag ON ag.artist_id = a.id"
	    " WHERE a.rowid > ?1 OR a.fetched_at > ?2)",
	    "CREATE TEMP TABLE in_genres (genre text, family text)"
	    " ON COMMIT DROP",
	    1 },
	[T_PLAYS] = { "plays",
	    "SELECT ts, ms_played, track_id, track_name, artist_name,"
	    " album_name, reason_start, reason_end, shuffle, skipped, offline,"
	    " offline_ts, incognito, platform, conn_country, source"
	    " FROM plays WHERE id > ?1",
	    "CREATE TEMP TABLE in_plays (ts timestamptz, ms_played integer,"
	    " track_id text, track_name text, artist_name text, album_name"
	    " text, reason_start text, reason_end text, shuffle boolean,"
	    " skipped boolean, offline boolean, offline_ts bigint, incognito"
	    " boolean, platform text, conn_country text, source text)"
	    " ON COMMIT DROP",
	    1 },
};

/* Which watermark each table's query takes. */
enum mark { M_PLAYS, M_TRACKS, M_ALBUMS, M_ARTISTS, NMARK };
static const enum mark tabmark[NTABLE] = {
	[T_ALBUMS] = M_ALBUMS, [T_TRACKS] = M_TRACKS,
	[T_TRACK_ARTISTS] = M_TRACKS, [T_ARTISTS] = M_ARTISTS,
	[T_ARTIST_GENRES] = M_ARTISTS, [T_GENRES] = M_ARTISTS,
	[T_PLAYS] = M_PLAYS,
};

/*
 * A play to send whose track is not in the store's tracks (?1: the plays
 * watermark).  The store's tracks are all in PostgreSQL after the sync,
 * so this stands for plays.track_id's foreign key: one pass, not a
 * check per row at commit.
 */
static const char sql_orphan[] =
    "SELECT p.track_id FROM plays p WHERE p.id > ?1"
    " AND p.track_id IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM tracks t WHERE t.id = p.track_id)"
    " LIMIT 1";

/* The store's extent now: the next watermark, and its row counts. */
static const char sql_extent[] =
    "SELECT (SELECT coalesce(max(id), 0) FROM plays),"
    " (SELECT coalesce(max(rowid), 0) FROM tracks),"
    " (SELECT max(fetched_at) FROM tracks),"
    " (SELECT coalesce(max(rowid), 0) FROM albums),"
    " (SELECT max(fetched_at) FROM albums),"
    " (SELECT coalesce(max(rowid), 0) FROM artists),"
    " (SELECT max(fetched_at) FROM artists),"
    " (SELECT count(*) FROM plays) + (SELECT count(*) FROM tracks) +"
    " (SELECT count(*) FROM albums) + (SELECT count(*) FROM artists) +"
    " (SELECT count(*) FROM genres)";

/*
 * The store's identity, kept in a table of its own (sp_sync) that only
 * sp-sync writes: a random UUID, made on the first sync.
 */
static const char sql_id_get[] = "SELECT store_id FROM sp_sync LIMIT 1";
static const char sql_id_table[] =
    "CREATE TABLE IF NOT EXISTS sp_sync (store_id TEXT NOT NULL)";
static const char sql_id_put[] =
    "INSERT INTO sp_sync (store_id) SELECT ?1"
    " WHERE NOT EXISTS (SELECT 1 FROM sp_sync)";

/* PostgreSQL: the schema, its version, the watermark. */
static const char pg_has_schema[] =
    "SELECT 1 FROM pg_namespace WHERE nspname = $1";
static const char pg_lock[] =
    "SELECT pg_advisory_xact_lock(hashtext('sp-sync ' || $1))";
static const char pg_has_meta[] =
    "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'meta'";
static const char pg_meta_create[] =
    "CREATE TABLE meta (version integer NOT NULL);"
    "INSERT INTO meta VALUES (0)";
static const char pg_meta_get[] = "SELECT version FROM meta";
static const char pg_meta_put[] = "UPDATE meta SET version = $1";
static const char pg_mark_get[] =
    "SELECT plays_rowid, tracks_rowid, tracks_fetched, albums_rowid,"
    " albums_fetched, artists_rowid, artists_fetched FROM sync_state"
    " WHERE listener = $1 AND store_id = $2";
static const char pg_mark_put[] =
    "INSERT INTO sync_state VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
    " now()) ON CONFLICT (listener, store_id) DO UPDATE SET"
    " plays_rowid = excluded.plays_rowid,"
    " tracks_rowid = excluded.tracks_rowid,"
    " tracks_fetched = excluded.tracks_fetched,"
    " albums_rowid = excluded.albums_rowid,"
    " albums_fetched = excluded.albums_fetched,"
    " artists_rowid = excluded.artists_rowid,"
    " artists_fetched = excluded.artists_fetched,"
    " synced_at = excluded.synced_at";
/* Whether the listener has plays yet: if not, they are copied in. */
static const char pg_has_plays[] =
    "SELECT 1 FROM plays WHERE listener = $1 LIMIT 1";
static const char pg_copy_plays[] =
    "COPY plays (listener, ts, ms_played, track_id, track_name,"
    " artist_name, album_name, reason_start, reason_end, shuffle, skipped,"
    " offline, offline_ts, incognito, platform, conn_country, source)"
    " FROM STDIN";
static const char pg_won[] =
    "CREATE TEMP TABLE won_tracks (id text PRIMARY KEY) ON COMMIT DROP;"
    "CREATE TEMP TABLE won_artists (id text PRIMARY KEY) ON COMMIT DROP";

/*
 * A catalog row is replaced only by one fetched later, and a not_found
 * never replaces an ok.  A value only full objects carry (an album's
 * label, a track's popularity) is kept when the newer row lacks it.
 */
#define NEWER(t) \
    " WHERE excluded.fetched_at > coalesce(" t ".fetched_at, '-infinity')" \
    " AND (" t ".status IS DISTINCT FROM 'ok'" \
    " OR excluded.status IS DISTINCT FROM 'not_found')"

/* The merges, in order; $1 is the listener where one is used. */
enum merge {
	G_ALBUMS, G_TRACKS, G_TRACK_ARTISTS_DEL, G_TRACK_ARTISTS,
	G_ARTISTS, G_GENRES, G_ARTIST_GENRES_DEL, G_ARTIST_GENRES,
	G_PLAYS, G_PRUNE, NMERGE
};
static const struct {
	const char	*what;		/* for messages and progress */
	const char	*sql;
	int		 listener;	/* takes $1 */
} merge[NMERGE] = {
	[G_ALBUMS] = { "albums",
	    "INSERT INTO albums AS o SELECT * FROM in_albums"
	    " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
	    " album_type = excluded.album_type,"
	    " release_date = excluded.release_date,"
	    " release_date_precision = excluded.release_date_precision,"
	    " release_year = excluded.release_year,"
	    " total_tracks = excluded.total_tracks,"
	    " label = coalesce(excluded.label, o.label),"
	    " popularity = coalesce(excluded.popularity, o.popularity),"
	    " upc = coalesce(excluded.upc, o.upc),"
	    " status = excluded.status, fetched_at = excluded.fetched_at"
	    NEWER("o"), 0 },
	[G_TRACKS] = { "tracks",
	    "WITH up AS (INSERT INTO tracks AS o SELECT * FROM in_tracks"
	    " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
	    " album_id = excluded.album_id,"
	    " duration_ms = excluded.duration_ms,"
	    " explicit = excluded.explicit,"
	    " popularity = coalesce(excluded.popularity, o.popularity),"
	    " isrc = coalesce(excluded.isrc, o.isrc),"
	    " disc_number = excluded.disc_number,"
	    " track_number = excluded.track_number,"
	    " linked_id = excluded.linked_id,"
	    " status = excluded.status, fetched_at = excluded.fetched_at"
	    NEWER("o") " RETURNING o.id)"
	    " INSERT INTO won_tracks SELECT id FROM up", 0 },
	[G_TRACK_ARTISTS_DEL] = { "track_artists",
	    "DELETE FROM track_artists"
	    " WHERE track_id IN (SELECT id FROM won_tracks)", 0 },
	[G_TRACK_ARTISTS] = { "track_artists",
	    "INSERT INTO track_artists SELECT i.track_id, i.artist_id,"
	    " i.position FROM in_track_artists i"
	    " JOIN won_tracks w ON w.id = i.track_id", 0 },
	[G_ARTISTS] = { "artists",
	    "WITH up AS (INSERT INTO artists AS o SELECT * FROM in_artists"
	    " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
	    " popularity = excluded.popularity,"
	    " followers = excluded.followers,"
	    " genre_count = excluded.genre_count,"
	    " status = excluded.status, fetched_at = excluded.fetched_at"
	    NEWER("o") " RETURNING o.id)"
	    " INSERT INTO won_artists SELECT id FROM up", 0 },
	/* A genre's family follows the newest artists that carry it. */
	[G_GENRES] = { "genres",
	    "INSERT INTO genres AS o SELECT * FROM in_genres"
	    " ON CONFLICT (genre) DO UPDATE SET family = excluded.family"
	    " WHERE o.family IS DISTINCT FROM excluded.family"
	    " AND excluded.genre IN (SELECT i.genre FROM in_artist_genres i"
	    " JOIN won_artists w ON w.id = i.artist_id)", 0 },
	[G_ARTIST_GENRES_DEL] = { "artist_genres",
	    "DELETE FROM artist_genres"
	    " WHERE artist_id IN (SELECT id FROM won_artists)", 0 },
	[G_ARTIST_GENRES] = { "artist_genres",
	    "INSERT INTO artist_genres SELECT i.artist_id, i.genre,"
	    " i.position FROM in_artist_genres i"
	    " JOIN won_artists w ON w.id = i.artist_id", 0 },
	[G_PLAYS] = { "plays",
	    "INSERT INTO plays AS o (listener, ts, ms_played, track_id,"
	    " track_name, artist_name, album_name, reason_start, reason_end,"
	    " shuffle, skipped, offline, offline_ts, incognito, platform,"
	    " conn_country, source) SELECT $1::text, i.* FROM in_plays i"
	    " ON CONFLICT (listener, ts, ms_played,"
	    " (coalesce(track_id, coalesce(track_name, '') || E'\\x1f' ||"
	    " coalesce(artist_name, ''))))"
	    " DO UPDATE SET track_id = excluded.track_id,"
	    " track_name = excluded.track_name,"
	    " artist_name = excluded.artist_name,"
	    " album_name = excluded.album_name,"
	    " reason_start = excluded.reason_start,"
	    " reason_end = excluded.reason_end,"
	    " shuffle = excluded.shuffle, skipped = excluded.skipped,"
	    " offline = excluded.offline, offline_ts = excluded.offline_ts,"
	    " incognito = excluded.incognito, platform = excluded.platform,"
	    " conn_country = excluded.conn_country, source = excluded.source"
	    " WHERE (o.track_id, o.track_name, o.artist_name, o.album_name,"
	    " o.reason_start, o.reason_end, o.shuffle, o.skipped, o.offline,"
	    " o.offline_ts, o.incognito, o.platform, o.conn_country,"
	    " o.source) IS DISTINCT FROM (excluded.track_id,"
	    " excluded.track_name, excluded.artist_name, excluded.album_name,"
	    " excluded.reason_start, excluded.reason_end, excluded.shuffle,"
	    " excluded.skipped, excluded.offline, excluded.offline_ts,"
	    " excluded.incognito, excluded.platform, excluded.conn_country,"
	    " excluded.source)", 1 },
	/* --prune: this listener's plays the store no longer has. */
	[G_PRUNE] = { "plays",
	    "DELETE FROM plays o WHERE o.listener = $1 AND NOT EXISTS"
	    " (SELECT 1 FROM in_plays i WHERE i.ts = o.ts"
	    " AND i.ms_played = o.ms_played"
	    " AND coalesce(i.track_id, coalesce(i.track_name, '') ||"
	    " E'\\x1f' || coalesce(i.artist_name, '')) ="
	    " coalesce(o.track_id, coalesce(o.track_name, '') || E'\\x1f' ||"
	    " coalesce(o.artist_name, '')))", 1 },
};

struct sync {
	PGconn		*pg;
	struct sp_store	*store;
	sqlite3		*db;
	char		 store_id[37];
	/* The watermark the last sync left, and the one this one leaves. */
	long long	 rowid[NMARK], newrowid[NMARK];
	char		*fetched[NMARK], *newfetched[NMARK];
	unsigned long long total;	/* rows in the store's tables */
	unsigned long long sent[NTABLE];
	unsigned long long pruned;
	const char	*who;		/* the listener */
	int		 fkeys;		/* a new schema: add its foreign keys */
	int		 direct;	/* a first sync of the listener */
	char		 buf[COPY_BUF];
	size_t		 len;
	int		 tty;
	int		 dirty;		/* a progress line is on the screen */
	double		 t0, shown;
	int		 status;
};

_Noreturn static void
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: sp-sync [-hnqV] [-d file] [--dsn dsn] [--listener name] "
	    "[--schema name]\n"
	    "               [--prune]\n"
	    "  -d, --db file      the database (default $SP_DB, else "
	    "~/.local/share/sp/sp.db)\n"
	    "  --dsn dsn          the PostgreSQL connection string or URI "
	    "(default: PG*)\n"
	    "  -h, --help         print this help and exit\n"
	    "  --listener name    whose plays these are (default: the login "
	    "name)\n"
	    "  -n, --dry-run      say what would be sent, change nothing\n"
	    "  --prune            delete this listener's plays the store no "
	    "longer has\n"
	    "  -q, --quiet        no progress and no summary on stderr\n"
	    "  --schema name      the PostgreSQL schema (default sp)\n"
	    "  -V, --version      print the version and exit\n");
	exit(status);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Progress on a terminal: one line, rewritten in place. */
static void
progress(struct sync *s, const char *what, unsigned long long n, int force)
{
	char num[32];
	double t;

	if (!s->tty)
		return;
	t = now();
	if (!force && t - s->shown < 0.2)
		return;
	s->shown = t;
	s->dirty = 1;
	if (n > 0)
		fprintf(stderr, "\rsp-sync: %s: %s rows\033[K", what,
		    sp_fmt_count(n, num));
	else
		fprintf(stderr, "\rsp-sync: %s\033[K", what);
}

static void
progress_end(struct sync *s)
{
	if (s->dirty)
		fputs("\r\033[K", stderr);
	s->dirty = 0;
}

/* A libpq message on one line: runs of white space become one space. */
static void
pgwarn(struct sync *s, const char *what, const char *msg)
{
	char *m, *p, *q;

	progress_end(s);
	if ((m = strdup(msg != NULL ? msg : "")) == NULL) {
		sp_warnx_at(NULL, "out of memory");
		return;
	}
	for (p = q = m; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\t' || *p == '\r' || *p == ' ') {
			if (q > m && q[-1] != ' ')
				*q++ = ' ';
		} else
			*q++ = *p;
	}
	while (q > m && q[-1] == ' ')
		q--;
	*q = '\0';
	sp_warnx_at(NULL, "%s: %s", what, m);
	free(m);
}

/*
 * Wait for the server's answer; on SIGINT or SIGTERM ask the server to
 * cancel what it runs.  0, or -1 when the connection failed.
 */
static int
pgwait(struct sync *s)
{
	struct pollfd pfd;
	PGcancel *c;
	char err[256];
	int cancelled = 0;

	for (;;) {
		if (!PQconsumeInput(s->pg))
			return -1;
		if (!PQisBusy(s->pg))
			return 0;
		if (sp_signal() != 0 && !cancelled) {
			if ((c = PQgetCancel(s->pg)) != NULL) {
				PQcancel(c, err, sizeof(err));
				PQfreeCancel(c);
			}
			cancelled = 1;
		}
		pfd.fd = PQsocket(s->pg);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return -1;
	}
}

/* The status a failed statement ends the run with. */
static int
pgfailed(struct sync *s, const char *what, PGresult *r)
{
	const char *state;

	if (sp_signal() != 0)
		return 128 + sp_signal();
	if (PQstatus(s->pg) == CONNECTION_BAD) {
		pgwarn(s, "connection lost", PQerrorMessage(s->pg));
		return SP_TEMPFAIL;
	}
	state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (state != NULL && strcmp(state, "57014") == 0 && sp_signal() != 0)
		return 128 + sp_signal();
	pgwarn(s, what, r != NULL ?
	    PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) :
	    PQerrorMessage(s->pg));
	return SP_FATAL_DB;
}

static int
pgok(const PGresult *r)
{
	return PQresultStatus(r) == PGRES_COMMAND_OK ||
	    PQresultStatus(r) == PGRES_TUPLES_OK;
}

/*
 * Run one statement with n text parameters and return its last result
 * (the caller clears it), or NULL with s->status set.  A COPY result is
 * returned as soon as it comes.
 */
static PGresult *
pgrun(struct sync *s, const char *what, const char *sql, int n,
    const char *const *param)
{
	PGresult *r, *last = NULL;
	ExecStatusType st;

	if ((n > 0 ? PQsendQueryParams(s->pg, sql, n, NULL, param, NULL,
	    NULL, 0) : PQsendQuery(s->pg, sql)) == 0 || pgwait(s) != 0) {
		s->status = pgfailed(s, what, NULL);
		return NULL;
	}
	/* The first failed result, else the last one. */
	while ((r = PQgetResult(s->pg)) != NULL) {
		st = PQresultStatus(r);
		if (st == PGRES_COPY_IN) {
			PQclear(last);
			return r;
		}
		if (last != NULL && !pgok(last))
			PQclear(r);
		else {
			PQclear(last);
			last = r;
		}
		if (pgwait(s) != 0)
			break;
	}
	if (last == NULL || !pgok(last)) {
		s->status = pgfailed(s, what, last);
		PQclear(last);
		return NULL;
	}
	return last;
}

/* pgrun() for a statement whose result is not needed: 0 or -1. */
static int
pgdo(struct sync *s, const char *what, const char *sql, int n,
    const char *const *param)
{
	PGresult *r;

	if ((r = pgrun(s, what, sql, n, param)) == NULL)
		return -1;
	PQclear(r);
	return 0;
}

/*
 * Connect: the DSN (a conninfo string or URI) and libpq's PG* variables,
 * password files and service files; nothing here ever prints them.  A
 * server never reached is a temporary failure; a refused password an
 * authentication failure; the rest (no such database) a database error.
 */
static int
pgconnect(struct sync *s)
{
	const char *const kw[] = { "dbname", "application_name", NULL };
	const char *const val[] = { dsn, "sp-sync", NULL };
	PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
	struct pollfd pfd;
	int reached = 0, authok = 0, v;
	char msg[128];

	if ((s->pg = PQconnectStartParams(kw, val, 1)) == NULL) {
		sp_warnx_at(NULL, "out of memory");
		return SP_FATAL_IO;
	}
	while (PQstatus(s->pg) != CONNECTION_BAD && ps != PGRES_POLLING_OK &&
	    ps != PGRES_POLLING_FAILED) {
		if (sp_signal() != 0)
			return 128 + sp_signal();
		pfd.fd = PQsocket(s->pg);
		pfd.events = ps == PGRES_POLLING_READING ? POLLIN : POLLOUT;
		if (poll(&pfd, 1, -1) < 0) {
			if (errno != EINTR)
				break;
			continue;	/* a signal: checked above */
		}
		ps = PQconnectPoll(s->pg);
		switch (PQstatus(s->pg)) {
		case CONNECTION_AUTH_OK:
		case CONNECTION_SETENV:
		case CONNECTION_CHECK_WRITABLE:
		case CONNECTION_CONSUME:
			authok = 1;
			/* FALLTHROUGH */
		case CONNECTION_MADE:
		case CONNECTION_AWAITING_RESPONSE:
		case CONNECTION_SSL_STARTUP:
		case CONNECTION_GSS_STARTUP:
			reached = 1;
			break;
		default:
			break;
		}
	}
	if (PQstatus(s->pg) != CONNECTION_OK) {
		if (PQconnectionNeedsPassword(s->pg)) {
			progress_end(s);
			sp_warnx_at(NULL, "the server asks for a password: "
			    "set PGPASSWORD, or use ~/.pgpass or a service "
			    "file");
			return SP_FATAL_AUTH;
		}
		if (PQconnectionUsedPassword(s->pg) && !authok &&
		    strstr(PQerrorMessage(s->pg), "does not exist") == NULL) {
			pgwarn(s, "authentication failed",
			    PQerrorMessage(s->pg));
			return SP_FATAL_AUTH;
		}
		pgwarn(s, "cannot connect to PostgreSQL",
		    PQerrorMessage(s->pg));
		return reached ? SP_FATAL_DB : SP_TEMPFAIL;
	}
	if ((v = PQserverVersion(s->pg)) < PG_MIN_SERVER) {
		snprintf(msg, sizeof(msg), "%s",
		    PQparameterStatus(s->pg, "server_version") != NULL ?
		    PQparameterStatus(s->pg, "server_version") : "?");
		sp_warnx_at(NULL, "PostgreSQL %s is too old: sp-sync needs "
		    "PostgreSQL %s or later", msg, PG_MIN_NAME);
		return SP_FATAL_DB;
	}
	return SP_OK;
}

/*
 * Inside the transaction: create the schema on the first run, bring it
 * up to this version, refuse a newer one.  The advisory lock makes
 * syncs into one schema take turns.
 */
static int
pgschema(struct sync *s)
{
	const char *p[1] = { schema };
	char num[16], *ident, *sql;
	PGresult *r;
	int v, rc;

	if (pgdo(s, "schema", pg_lock, 1, p) != 0)
		return -1;
	if ((r = pgrun(s, "schema", pg_has_schema, 1, p)) == NULL)
		return -1;
	rc = PQntuples(r);
	PQclear(r);
	if (rc == 0) {
		if ((ident = PQescapeIdentifier(s->pg, schema,
		    strlen(schema))) == NULL) {
			s->status = pgfailed(s, "schema", NULL);
			return -1;
		}
		rc = asprintf(&sql, "CREATE SCHEMA %s", ident);
		PQfreemem(ident);
		if (rc < 0) {
			sp_warnx_at(NULL, "out of memory");
			s->status = SP_FATAL_IO;
			return -1;
		}
		rc = pgdo(s, "schema", sql, 0, NULL);
		free(sql);
		if (rc != 0)
			return -1;
	}
	if ((r = pgrun(s, "schema", pg_has_meta, 1, p)) == NULL)
		return -1;
	rc = PQntuples(r);
	PQclear(r);
	if (rc == 0 && pgdo(s, "schema", pg_meta_create, 0, NULL) != 0)
		return -1;
	if ((r = pgrun(s, "schema", pg_meta_get, 0, NULL)) == NULL)
		return -1;
	v = PQntuples(r) == 1 ? atoi(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	if (v < 0 || (size_t)v > NMIGRATION) {
		progress_end(s);
		sp_warnx_at(NULL, "schema %s is version %d, newer than this "
		    "sp-sync knows (%zu): upgrade sp", schema, v, NMIGRATION);
		s->status = SP_FATAL_DB;
		return -1;
	}
	if ((size_t)v == NMIGRATION)
		return 0;
	s->fkeys = v == 0;
	for (; (size_t)v < NMIGRATION; v++)
		if (pgdo(s, "schema", migration[v], 0, NULL) != 0)
			return -1;
	snprintf(num, sizeof(num), "%d", v);
	p[0] = num;
	return pgdo(s, "schema", pg_meta_put, 1, p);
}

/* A failed SQLite call: its message, status 4; returns -1. */
static int
litefail(struct sync *s)
{
	progress_end(s);
	sp_warnx_at(NULL, "database: %s", sqlite3_errmsg(s->db));
	s->status = SP_FATAL_DB;
	return -1;
}

/* The store's id, made and written on its first sync (not under -n). */
static int
storeid(struct sync *s)
{
	sqlite3_stmt *st;
	unsigned char b[16];
	const unsigned char *id;
	int rc = -1;

	if (sqlite3_prepare_v2(s->db, sql_id_get, -1, &st, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW &&
		    (id = sqlite3_column_text(st, 0)) != NULL) {
			snprintf(s->store_id, sizeof(s->store_id), "%s", id);
			rc = 0;
		}
		sqlite3_finalize(st);
		if (rc == 0)
			return 0;
	}
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		sp_warn_at(NULL, "getrandom");
		s->status = SP_FATAL_IO;
		return -1;
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(s->store_id, sizeof(s->store_id),
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	if (dryrun)
		return 0;
	if (sp_store_begin(s->store) != 0 ||
	    sqlite3_exec(s->db, sql_id_table, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, sql_id_put, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, s->store_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || sp_store_commit(s->store) != 0)
		goto fail;
	/* Another sp-sync may have written its id first: take that one. */
	if (sqlite3_prepare_v2(s->db, sql_id_get, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (id = sqlite3_column_text(st, 0)) != NULL)
		snprintf(s->store_id, sizeof(s->store_id), "%s", id);
	sqlite3_finalize(st);
	return 0;
fail:
	litefail(s);
	sp_store_rollback(s->store);
	return -1;
}

/* The store's extent (in its read transaction): the next watermark. */
static int
extent(struct sync *s)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	int i, rc;

	if (sqlite3_prepare_v2(s->db, sql_extent, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		goto fail;
	}
	s->newrowid[M_PLAYS] = sqlite3_column_int64(st, 0);
	for (i = M_TRACKS; i < NMARK; i++) {
		s->newrowid[i] = sqlite3_column_int64(st, 1 + 2 * (i - 1));
		t = sqlite3_column_text(st, 2 + 2 * (i - 1));
		if (t != NULL && (s->newfetched[i] = strdup((const char *)t)) ==
		    NULL) {
			sqlite3_finalize(st);
			sp_warnx_at(NULL, "out of memory");
			s->status = SP_FATAL_IO;
			return -1;
		}
	}
	s->total = (unsigned long long)sqlite3_column_int64(st, 7);
	sqlite3_finalize(st);
	return 0;
fail:
	return litefail(s);
}

/* Whether a play to send names a track the store does not have. */
static int
orphan(struct sync *s)
{
	sqlite3_stmt *st;
	const unsigned char *id;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql_orphan, -1, &st, NULL) != SQLITE_OK) {
		return litefail(s);
	}
	sqlite3_bind_int64(st, 1, s->rowid[M_PLAYS]);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_text(st, 0);
		progress_end(s);
		sp_warnx_at(NULL, "a play names track %s, which is not in "
		    "tracks: run sp-audit", id != NULL ? (const char *)id : "");
		s->status = SP_FATAL_DB;
	} else if (rc != SQLITE_DONE)
		litefail(s);
	sqlite3_finalize(st);
	return s->status == SP_OK ? 0 : -1;
}

/* The watermark this listener's store left in PostgreSQL, if any. */
static int
getmark(struct sync *s, const char *who)
{
	const char *p[2] = { who, s->store_id };
	PGresult *r;
	int i;

	if ((r = pgrun(s, "sync_state", pg_mark_get, 2, p)) == NULL)
		return -1;
	if (PQntuples(r) == 1 && !prune)
		s->rowid[M_PLAYS] = atoll(PQgetvalue(r, 0, 0));
	for (i = M_TRACKS; PQntuples(r) == 1 && i < NMARK; i++) {
		s->rowid[i] = atoll(PQgetvalue(r, 0, 1 + 2 * (i - 1)));
		if (!PQgetisnull(r, 0, 2 + 2 * (i - 1)) &&
		    (s->fetched[i] = strdup(PQgetvalue(r, 0, 2 + 2 * (i - 1))))
		    == NULL) {
			PQclear(r);
			sp_warnx_at(NULL, "out of memory");
			s->status = SP_FATAL_IO;
			return -1;
		}
	}
	PQclear(r);
	return 0;
}

static int
putmark(struct sync *s, const char *who)
{
	char n[NMARK][24];
	const char *p[9];
	int i;

	for (i = 0; i < NMARK; i++)
		snprintf(n[i], sizeof(n[i]), "%lld", s->newrowid[i]);
	p[0] = who;
	p[1] = s->store_id;
	p[2] = n[M_PLAYS];
	p[3] = n[M_TRACKS];
	p[4] = s->newfetched[M_TRACKS];
	p[5] = n[M_ALBUMS];
	p[6] = s->newfetched[M_ALBUMS];
	p[7] = n[M_ARTISTS];
	p[8] = s->newfetched[M_ARTISTS];
	return pgdo(s, "sync_state", pg_mark_put, 9, p);
}

static int
flush(struct sync *s, const char *what)
{
	if (s->len > 0 && PQputCopyData(s->pg, s->buf, (int)s->len) != 1) {
		s->status = pgfailed(s, what, NULL);
		return -1;
	}
	s->len = 0;
	return 0;
}

/* Append n bytes of text, escaped for COPY's text format. */
static int
putesc(struct sync *s, const char *what, const unsigned char *t, int n)
{
	int k;

	for (k = 0; k < n; k++) {
		if (s->len + 4 > sizeof(s->buf) && flush(s, what) != 0)
			return -1;
		switch (t[k]) {
		case '\\':
			s->buf[s->len++] = '\\';
			s->buf[s->len++] = '\\';
			break;
		case '\n':
			s->buf[s->len++] = '\\';
			s->buf[s->len++] = 'n';
			break;
		case '\r':
			s->buf[s->len++] = '\\';
			s->buf[s->len++] = 'r';
			break;
		case '\t':
			s->buf[s->len++] = '\\';
			s->buf[s->len++] = 't';
			break;
		default:
			s->buf[s->len++] = (char)t[k];
		}
	}
	return 0;
}

/* Append one column, COPY text format: \N for NULL, escaped text. */
static int
putcol(struct sync *s, const char *what, sqlite3_stmt *st, int i, int last)
{
	const unsigned char *t;
	char num[32];
	int n;

	if (s->len + 64 > sizeof(s->buf) && flush(s, what) != 0)
		return -1;
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		memcpy(s->buf + s->len, "\\N", 2);
		s->len += 2;
		break;
	case SQLITE_INTEGER:
		n = snprintf(num, sizeof(num), "%lld",
		    (long long)sqlite3_column_int64(st, i));
		memcpy(s->buf + s->len, num, n);
		s->len += n;
		break;
	case SQLITE_FLOAT:
		n = snprintf(num, sizeof(num), "%.17g",
		    sqlite3_column_double(st, i));
		memcpy(s->buf + s->len, num, n);
		s->len += n;
		break;
	default:
		t = sqlite3_column_text(st, i);
		n = sqlite3_column_bytes(st, i);
		if (putesc(s, what, t, n) != 0)
			return -1;
	}
	s->buf[s->len++] = last ? '\n' : '\t';
	return 0;
}

/*
 * Send one table: its temporary table, then its changed rows (all of
 * them on a first sync) through COPY.
 */
static int
sendtab(struct sync *s, enum table t)
{
	char copy[64];
	sqlite3_stmt *st;
	PGresult *r;
	enum mark m = tabmark[t];
	int rc, i, ncol, interrupted = 0;
	int direct = t == T_PLAYS && s->direct;

	if (!direct && pgdo(s, tab[t].name, tab[t].temp, 0, NULL) != 0)
		return -1;
	if (sp_store_prepare(s->store, &tab[t].select, 1, &st) != 0) {
		progress_end(s);
		sp_warnx_at(NULL, "%s", sp_store_errmsg(s->store));
		s->status = SP_FATAL_DB;
		return -1;
	}
	sqlite3_bind_int64(st, 1, s->rowid[m]);
	if (s->fetched[m] != NULL)
		sqlite3_bind_text(st, 2, s->fetched[m], -1, SQLITE_STATIC);
	snprintf(copy, sizeof(copy), "COPY in_%s FROM STDIN", tab[t].name);
	if ((r = pgrun(s, tab[t].name, direct ? pg_copy_plays : copy, 0,
	    NULL)) == NULL)
		return -1;
	PQclear(r);
	ncol = sqlite3_column_count(st);
	s->len = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (direct) {
			if (putesc(s, tab[t].name, (const unsigned char *)s->who,
			    (int)strlen(s->who)) != 0)
				break;
			s->buf[s->len++] = '\t';	/* putesc() leaves room */
		}
		for (i = 0; i < ncol; i++)
			if (putcol(s, tab[t].name, st, i, i == ncol - 1) != 0)
				break;
		if (i < ncol)
			break;
		s->sent[t]++;
		progress(s, tab[t].name, s->sent[t], 0);
		if (sp_signal() != 0) {
			interrupted = 1;
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		litefail(s);
		interrupted = 1;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW && !interrupted)
		return -1;	/* a failed write, already reported */
	if (!interrupted && flush(s, tab[t].name) != 0)
		return -1;
	if (PQputCopyEnd(s->pg, interrupted ? "interrupted" : NULL) != 1) {
		s->status = pgfailed(s, tab[t].name, NULL);
		return -1;
	}
	if (pgwait(s) != 0) {
		s->status = pgfailed(s, tab[t].name, NULL);
		return -1;
	}
	while ((r = PQgetResult(s->pg)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && !interrupted) {
			s->status = pgfailed(s, tab[t].name, r);
			interrupted = 1;
		}
		PQclear(r);
	}
	if (interrupted) {
		if (s->status == SP_OK)
			s->status = 128 + sp_signal();
		return -1;
	}
	return 0;
}

/* Whether the run was interrupted: then its status is set. */
static int
stopped(struct sync *s)
{
	if (sp_signal() == 0)
		return 0;
	s->status = 128 + sp_signal();
	return 1;
}

/* The rows sent and left, as the summary says them. */
static void
summary(struct sync *s, FILE *f, const char *verb, const char *end)
{
	static const enum table order[] = {
		T_PLAYS, T_TRACKS, T_ALBUMS, T_ARTISTS, T_GENRES
	};
	unsigned long long sent = 0;
	char num[32];
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		/* "1 play", "2 plays" */
		fprintf(f, "%s%s %.*s", i > 0 ? ", " : "",
		    sp_fmt_count(s->sent[order[i]], num),
		    (int)strlen(tab[order[i]].name) -
		    (s->sent[order[i]] == 1), tab[order[i]].name);
		sent += s->sent[order[i]];
	}
	fprintf(f, " %s; %s unchanged", verb,
	    sp_fmt_count(s->total > sent ? s->total - sent : 0, num));
	if (prune)
		fprintf(f, "; %s pruned", sp_fmt_count(s->pruned, num));
	fprintf(f, "%s\n", end);
}

/* The whole sync, in one PostgreSQL transaction. */
static int
sync_run(struct sync *s, const char *who)
{
	const char *p[1] = { who };
	PGresult *r;
	char *ident = NULL, *sql = NULL;
	int i, rc;

	if ((ident = PQescapeIdentifier(s->pg, schema, strlen(schema))) ==
	    NULL || asprintf(&sql, "SET search_path TO %s", ident) < 0) {
		PQfreemem(ident);
		s->status = pgfailed(s, "schema", NULL);
		return -1;
	}
	PQfreemem(ident);
	rc = pgdo(s, "schema", sql, 0, NULL);
	free(sql);
	if (rc != 0 || pgdo(s, "begin", "BEGIN", 0, NULL) != 0)
		return -1;
	progress(s, "schema", 0, 1);
	if (pgschema(s) != 0 || getmark(s, who) != 0 || stopped(s))
		return -1;
	if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		return litefail(s);
	}
	if (extent(s) != 0 || orphan(s) != 0)
		return -1;
	/*
	 * A listener's first plays are copied straight into plays: no
	 * temporary table, no merge.
	 */
	if ((r = pgrun(s, "plays", pg_has_plays, 1, p)) == NULL)
		return -1;
	s->direct = PQntuples(r) == 0;
	PQclear(r);
	for (i = 0; i < NTABLE; i++)
		if (sendtab(s, i) != 0)
			return -1;
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (pgdo(s, "begin", pg_won, 0, NULL) != 0)
		return -1;
	for (i = 0; i < NMERGE; i++) {
		if ((i == G_PRUNE && !prune) ||
		    ((i == G_PLAYS || i == G_PRUNE) && s->direct))
			continue;
		progress(s, merge[i].what, 0, 1);
		if ((r = pgrun(s, merge[i].what, merge[i].sql,
		    merge[i].listener, p)) == NULL)
			return -1;
		if (i == G_PRUNE)
			s->pruned = strtoull(PQcmdTuples(r), NULL, 10);
		PQclear(r);
		if (stopped(s))
			return -1;
	}
	if (s->fkeys && pgdo(s, "schema", fkeys, 0, NULL) != 0)
		return -1;
	progress(s, "commit", 0, 1);
	if (putmark(s, who) != 0 || stopped(s))
		return -1;
	if (dryrun)
		return pgdo(s, "rollback", "ROLLBACK", 0, NULL);
	return pgdo(s, "commit", "COMMIT", 0, NULL);
}

/* Whose plays: --listener, else the login name. */
static const char *
whose(void)
{
	struct passwd *pw;

	if (listener != NULL)
		return listener;
	if ((pw = getpwuid(geteuid())) != NULL && pw->pw_name[0] != '\0')
		return pw->pw_name;
	return NULL;
}

int
main(int argc, char *argv[])
{
	static struct sync s;
	const char *who;
	char *path, *msg;
	int c, i;

	while ((c = getopt_long(argc, argv, "d:hnqV", longopts, NULL)) != -1)
		switch (c) {
		case 'd':
			dbpath = optarg;
			break;
		case 'D':
			dsn = optarg;
			break;
		case 'h':
			usage(stdout, SP_OK);
		case 'l':
			listener = optarg;
			break;
		case 'n':
			dryrun = 1;
			break;
		case 'p':
			prune = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 's':
			schema = optarg;
			break;
		case 'V':
			printf("sp-sync %s\n", SP_VERSION);
			return SP_OK;
		default:
			usage(stderr, SP_USAGE);
		}
	argc -= optind;
	if (argc != 0)
		usage(stderr, SP_USAGE);
	if (*schema == '\0') {
		sp_warnx_at(NULL, "--schema is empty");
		usage(stderr, SP_USAGE);
	}
	if (listener != NULL && *listener == '\0') {
		sp_warnx_at(NULL, "--listener is empty");
		usage(stderr, SP_USAGE);
	}
	if ((who = whose()) == NULL) {
		sp_warnx_at(NULL, "no login name: use --listener");
		return SP_USAGE;
	}

	s.t0 = now();
	s.tty = !quiet && sp_stderr_tty();
	sp_signals_install();
	if ((path = sp_store_path(dbpath)) == NULL) {
		sp_warnx_at(NULL, "no database: set SP_DB or HOME, or use -d");
		return SP_FATAL_DB;
	}
	s.status = sp_store_open(path, SP_STORE_EXISTING | SP_STORE_SCAN,
	    &s.store, &msg);
	free(path);
	if (s.status != SP_OK) {
		sp_warnx_at(NULL, "%s", msg ? msg : "out of memory");
		free(msg);
		return s.status;
	}
	s.db = sp_store_db(s.store);
	s.who = who;
	progress(&s, "connecting", 0, 1);
	if ((s.status = pgconnect(&s)) == SP_OK && storeid(&s) == 0 &&
	    sync_run(&s, who) == 0) {
		progress_end(&s);
		if (dryrun)
			summary(&s, stdout, "to send", "");
		else if (!quiet) {
			char end[32];

			snprintf(end, sizeof(end), "; %.1f s", now() - s.t0);
			fputs("sp-sync: ", stderr);
			summary(&s, stderr, "sent", end);
		}
	} else if (s.status >= 128) {
		progress_end(&s);
		sp_warnx_at(NULL, "interrupted: nothing was changed");
	}
	progress_end(&s);
	PQfinish(s.pg);
	sp_store_close(s.store);
	for (i = 0; i < NMARK; i++) {
		free(s.fetched[i]);
		free(s.newfetched[i]);
	}
	if (sp_close_stdout() != 0 && s.status == SP_OK)
		s.status = SP_FATAL_IO;
	return s.status;
}
