/*
 * sp-load: upsert sp records (plays, normalized tracks, albums, artists,
 * not-found errors) into the store, in batched transactions.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "sp.h"
#include "sp_err.h"
#include "sp_id.h"
#include "sp_json.h"
#include "sp_ndjson.h"
#include "sp_store.h"

#define MAXFIELDS	16
#define COMMIT_SECS	1.0	/* commit at least this often */
#define IDLE_MS		100	/* and when the input pauses this long */
#define NWRITTEN	4096	/* slots of the written-rows table */
#define WRITTEN_MAX	512 	/* longest set of values it remembers */

static const struct option longopts[] = {
	{ "batch",	required_argument,	NULL,	'b' },
	{ "db",		required_argument,	NULL,	'd' },
	{ "help",	no_argument,		NULL,	'h' },
	{ "quiet",	no_argument,		NULL,	'q' },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

static long long batch = 100000;
static const char *dbpath;
static int quiet;

/* What a record field may hold. */
enum ftype { F_STR, F_INT, F_BOOL, F_TS, F_SOURCE, F_TRACK, F_ALBUM, F_ARTIST };

struct field {
	const char	*key;		/* key in the record */
	const char	*col;		/* its column */
	enum ftype	 type;
	int		 required;
};

/* A field's value for binding: absent, null, or a value. */
struct val {
	int		 present;
	int		 null;
	long long	 i;
	const char	*s;
	size_t		 n;
};

/*
 * Each kind's upsert: the first field is the key.  The statement is built
 * at start-up from this table (never from input): column i takes ?i, and
 * the UPDATE keeps the stored value unless flag ?(n + i) says the record
 * carries the key.  An UPDATE that would change nothing is not run, so the
 * row's page is not written.
 */
static const struct field playf[] = {
	{ "ts", "ts", F_TS, 1 },
	{ "ms_played", "ms_played", F_INT, 1 },
	{ "track_id", "track_id", F_TRACK, 0 },
	{ "track_name", "track_name", F_STR, 0 },
	{ "artist_name", "artist_name", F_STR, 0 },
	{ "album_name", "album_name", F_STR, 0 },
	{ "reason_start", "reason_start", F_STR, 0 },
	{ "reason_end", "reason_end", F_STR, 0 },
	{ "shuffle", "shuffle", F_BOOL, 0 },
	{ "skipped", "skipped", F_BOOL, 0 },
	{ "offline", "offline", F_BOOL, 0 },
	{ "offline_ts", "offline_ts", F_INT, 0 },
	{ "incognito", "incognito", F_BOOL, 0 },
	{ "platform", "platform", F_STR, 0 },
	{ "conn_country", "conn_country", F_STR, 0 },
	{ "source", "source", F_SOURCE, 1 },
};

static const struct field trackf[] = {
	{ "id", "id", F_TRACK, 1 },
	{ "fetched_at", "fetched_at", F_TS, 1 },
	{ "linked_id", "linked_id", F_TRACK, 0 },
	{ "name", "name", F_STR, 0 },
	{ "album.id", "album_id", F_ALBUM, 0 },
	{ "duration_ms", "duration_ms", F_INT, 0 },
	{ "explicit", "explicit", F_BOOL, 0 },
	{ "popularity", "popularity", F_INT, 0 },
	{ "isrc", "isrc", F_STR, 0 },
	{ "disc_number", "disc_number", F_INT, 0 },
	{ "track_number", "track_number", F_INT, 0 },
	{ "from_listing", "from_listing", F_BOOL, 0 },	/* absent: false */
};
#define TRACK_LINKED	2	/* trackf[] indexes */
#define TRACK_LISTING	11

static const struct field albumf[] = {
	{ "id", "id", F_ALBUM, 1 },
	{ "fetched_at", "fetched_at", F_TS, 1 },
	{ "name", "name", F_STR, 0 },
	{ "album_type", "album_type", F_STR, 0 },
	{ "release_date", "release_date", F_STR, 0 },
	{ "release_date_precision", "release_date_precision", F_STR, 0 },
	{ "release_year", "release_year", F_INT, 0 },
	{ "total_tracks", "total_tracks", F_INT, 0 },
	{ "label", "label", F_STR, 0 },
	{ "popularity", "popularity", F_INT, 0 },
	{ "upc", "upc", F_STR, 0 },
	{ "tracks_listed", "tracks_listed", F_BOOL, 0 }, /* album records */
};

static const struct field artistf[] = {
	{ "id", "id", F_ARTIST, 1 },
	{ "fetched_at", "fetched_at", F_TS, 1 },
	{ "name", "name", F_STR, 0 },
	{ "popularity", "popularity", F_INT, 0 },
	{ "followers", "followers", F_INT, 0 },
	{ "genres", "genre_count", F_INT, 0 },	/* bound as a count */
};

/* A track's artist reference, and an error record. */
static const struct field refartistf[] = {
	{ "id", "id", F_ARTIST, 1 },
	{ "name", "name", F_STR, 0 },
};

static const struct field errorf[] = {
	{ "id", "id", F_TRACK, 1 },	/* kind checked by the caller */
	{ "fetched_at", "fetched_at", F_TS, 1 },
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

enum {
	/* Built from the tables above. */
	S_PLAY, S_TRACK, S_ALBUM, S_ARTIST,
	/* Fixed. */
	S_PENDING_TRACK, S_REF_ARTIST, S_DEL_TRACK_ARTISTS,
	S_ADD_TRACK_ARTIST, S_DEL_GENRES, S_ADD_GENRE, S_GENRE_FAMILY,
	S_GENRE, S_NF_TRACK, S_NF_ALBUM, S_NF_ARTIST, S_WANTED, NSTMT
};

static const char *const fixedsql[] = {
	[S_PENDING_TRACK] = "INSERT INTO tracks(id) VALUES (?1) "
	    "ON CONFLICT(id) DO NOTHING",
	[S_REF_ARTIST] = "INSERT INTO artists(id, name) VALUES (?1, ?2) "
	    "ON CONFLICT(id) DO UPDATE SET name = excluded.name "
	    "WHERE ?4 AND artists.name IS NOT excluded.name",
	[S_DEL_TRACK_ARTISTS] = "DELETE FROM track_artists "
	    "WHERE track_id = ?1",
	[S_ADD_TRACK_ARTIST] = "INSERT OR IGNORE INTO "
	    "track_artists(track_id, artist_id, position) VALUES (?1, ?2, ?3)",
	[S_DEL_GENRES] = "DELETE FROM artist_genres WHERE artist_id = ?1",
	[S_ADD_GENRE] = "INSERT OR IGNORE INTO "
	    "artist_genres(artist_id, genre, position) VALUES (?1, ?2, ?3)",
	[S_GENRE_FAMILY] = "INSERT INTO genres(genre, family) VALUES (?1, ?2) "
	    "ON CONFLICT(genre) DO UPDATE SET family = excluded.family",
	[S_GENRE] = "INSERT INTO genres(genre) VALUES (?1) "
	    "ON CONFLICT(genre) DO NOTHING",
	[S_NF_TRACK] = "INSERT INTO tracks(id, fetched_at, status) "
	    "VALUES (?1, ?2, 'not_found') ON CONFLICT(id) DO UPDATE SET "
	    "status = 'not_found', fetched_at = excluded.fetched_at",
	[S_NF_ALBUM] = "INSERT INTO albums(id, fetched_at, status) "
	    "VALUES (?1, ?2, 'not_found') ON CONFLICT(id) DO UPDATE SET "
	    "status = 'not_found', fetched_at = excluded.fetched_at",
	[S_NF_ARTIST] = "INSERT INTO artists(id, fetched_at, status) "
	    "VALUES (?1, ?2, 'not_found') ON CONFLICT(id) DO UPDATE SET "
	    "status = 'not_found', fetched_at = excluded.fetched_at",
	/* Whether a track from an album's listing is wanted: played, pending. */
	[S_WANTED] = "SELECT 1 FROM tracks WHERE id = ?1 AND status IS NULL "
	    "AND EXISTS (SELECT 1 FROM plays WHERE track_id = ?1)",
};

enum kind { K_PLAY, K_TRACK, K_ALBUM, K_ARTIST, K_ERROR, NKIND };
static const char *const kindname[NKIND] = {
	"play", "track", "album", "artist", "error"
};

/*
 * An album or artist row this transaction has written: the statement and
 * the values, serialized.  Tracks repeat their album and artists, and
 * writing the same values again leaves the row as writing them once, so
 * the second write is skipped.  A slot per id hash, overwritten on
 * collision; every write to albums or artists updates or clears its id's
 * slot; a slot is valid for one transaction only (gen), since other
 * programs may write between ours.
 */
struct written {
	unsigned long long	 gen;
	size_t			 len;
	unsigned char		 buf[WRITTEN_MAX];
};

struct load_ctx {
	struct sp_store		*store;
	struct written		*written;	/* NWRITTEN slots */
	unsigned long long	 gen;		/* the transaction's number */
	sqlite3_stmt		*st[NSTMT];
	struct sp_json		*j;
	const struct sp_pos	*pos;
	long long		 pending;	/* records since BEGIN */
	struct timespec		 begun;
	unsigned long long	 count[NKIND];
	unsigned long long	 newplays;
	int			 islisted;	/* 1: the record is one, 2: wanted */
	unsigned long long	 listed;	/* tracks from listings */
	unsigned long long	 listedok;	/* of them, stored */
	unsigned long long	 rejected;
};

_Noreturn static void
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: sp-load [-hqV] [-b n] [-d file] [file ...]\n"
	    "  -b, --batch n    commit every n records (default 100000)\n"
	    "  -d, --db file    the database (default $SP_DB, else "
	    "~/.local/share/sp/sp.db)\n"
	    "  -h, --help       print this help and exit\n"
	    "  -q, --quiet      no summary on stderr\n"
	    "  -V, --version    print the version and exit\n");
	exit(status);
}

/* The upsert for a table whose key is f[0], as described above. */
static char *
upsert_sql(const char *table, const struct field *f, size_t n)
{
	char *sql = NULL;
	size_t len = 0, i;
	FILE *m;

	if ((m = open_memstream(&sql, &len)) == NULL)
		return NULL;
	fprintf(m, "INSERT INTO %s(", table);
	for (i = 0; i < n; i++)
		fprintf(m, "%s, ", f[i].col);
	fprintf(m, "status) VALUES (");
	for (i = 0; i < n; i++)
		fprintf(m, "?%zu, ", i + 1);
	fprintf(m, "'ok') ON CONFLICT(%s) DO UPDATE SET ", f[0].col);
	for (i = 1; i < n; i++)
		fprintf(m, "%s = CASE WHEN ?%zu THEN excluded.%s "
		    "ELSE %s.%s END, ", f[i].col, n + i + 1, f[i].col, table,
		    f[i].col);
	fprintf(m, "status = 'ok' WHERE %s.status IS NOT 'ok'", table);
	for (i = 1; i < n; i++)
		fprintf(m, " OR (?%zu AND %s.%s IS NOT excluded.%s)", n + i + 1,
		    table, f[i].col, f[i].col);
	if (fclose(m) != 0) {
		free(sql);
		return NULL;
	}
	return sql;
}

static int
dberr(struct load_ctx *ctx)
{
	sp_warnx_at(ctx->pos, "%s", sp_store_errmsg(ctx->store));
	return SP_FATAL_DB;
}

static int
load_open(struct load_ctx *ctx)
{
	static const struct {
		const char *table;
		const struct field *f;
		size_t n;
	} up[] = {
		[S_TRACK] = { "tracks", trackf, N(trackf) },
		[S_ALBUM] = { "albums", albumf, N(albumf) },
		[S_ARTIST] = { "artists", artistf, N(artistf) },
	};
	const char *sql[NSTMT];
	char *path, *msg, *built[NSTMT] = { NULL };
	int i, status;

	if ((path = sp_store_path(dbpath)) == NULL) {
		sp_warnx_at(NULL, "no database: set SP_DB or HOME, or use -d");
		return SP_FATAL_DB;
	}
	status = sp_store_open(path, SP_STORE_LOAD, &ctx->store, &msg);
	free(path);
	if (status != SP_OK) {
		sp_warnx_at(NULL, "%s", msg ? msg : "out of memory");
		free(msg);
		return status;
	}
	/* Plays never update: the natural key makes a re-load add nothing. */
	sql[S_PLAY] = "INSERT INTO plays(ts, ms_played, track_id, track_name, "
	    "artist_name, album_name, reason_start, reason_end, shuffle, "
	    "skipped, offline, offline_ts, incognito, platform, conn_country, "
	    "source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	    "?12, ?13, ?14, ?15, ?16) ON CONFLICT DO NOTHING";
	for (i = S_TRACK; i <= S_ARTIST; i++)
		if ((built[i] = upsert_sql(up[i].table, up[i].f,
		    up[i].n)) == NULL) {
			sp_warnx_at(NULL, "out of memory");
			status = SP_FATAL_IO;
			goto out;
		}
	for (i = S_TRACK; i <= S_ARTIST; i++)
		sql[i] = built[i];
	for (i = S_PENDING_TRACK; i < NSTMT; i++)
		sql[i] = fixedsql[i];
	if (sp_store_prepare(ctx->store, sql, NSTMT, ctx->st) != 0)
		status = dberr(ctx);
out:
	for (i = 0; i < NSTMT; i++)
		free(built[i]);
	return status;
}

static const char *
idkind(enum ftype t)
{
	return t == F_ALBUM ? "album" : t == F_ARTIST ? "artist" : "track";
}

/*
 * Read fields f[0..n) of object v into val[]; report the first problem
 * and return SP_REJECTED, else SP_OK.
 */
static int
extract(struct load_ctx *ctx, int v, const struct field *f, size_t n,
    struct val *val)
{
	struct sp_json *j = ctx->j;
	char q[SP_QUOTE_SIZE], ts[SP_TS_LEN + 1];
	size_t i;
	int t, b;

	for (i = 0; i < n; i++) {
		memset(&val[i], 0, sizeof(val[i]));
		t = sp_json_path(j, v, f[i].key);
		if (t < 0 || sp_json_type(j, t) == SP_JSON_NULL) {
			if (f[i].required) {
				sp_warnx_at(ctx->pos, "missing \"%s\"",
				    f[i].key);
				return SP_REJECTED;
			}
			val[i].present = t >= 0;
			val[i].null = 1;
			continue;
		}
		val[i].present = 1;
		switch (f[i].type) {
		case F_INT:
			if (sp_json_int(j, t, &val[i].i) != 0 || val[i].i < 0) {
				sp_warnx_at(ctx->pos, "\"%s\": expected an "
				    "integer >= 0", f[i].key);
				return SP_REJECTED;
			}
			break;
		case F_BOOL:
			if (sp_json_bool(j, t, &b) != 0) {
				sp_warnx_at(ctx->pos, "\"%s\": expected true "
				    "or false", f[i].key);
				return SP_REJECTED;
			}
			val[i].i = b;
			break;
		default:
			if ((val[i].s = sp_json_str(j, t, &val[i].n)) ==
			    NULL) {
				sp_warnx_at(ctx->pos, "\"%s\": expected a "
				    "string", f[i].key);
				return SP_REJECTED;
			}
			if (f[i].type == F_TS && (sp_ts_norm(val[i].s,
			    val[i].n, ts) != 0 || val[i].n != SP_TS_LEN)) {
				sp_warnx_at(ctx->pos, "\"%s\": not a UTC "
				    "timestamp: %s", f[i].key,
				    sp_quote(val[i].s, val[i].n, q));
				return SP_REJECTED;
			}
			if (f[i].type == F_SOURCE &&
			    !(val[i].n == 8 && memcmp(val[i].s, "extended",
			    8) == 0) && !(val[i].n == 7 &&
			    memcmp(val[i].s, "account", 7) == 0)) {
				sp_warnx_at(ctx->pos, "\"%s\": expected "
				    "\"extended\" or \"account\": %s", f[i].key,
				    sp_quote(val[i].s, val[i].n, q));
				return SP_REJECTED;
			}
			if (f[i].type >= F_TRACK &&
			    !sp_id_valid(val[i].s, val[i].n)) {
				sp_warnx_at(ctx->pos, "not a Spotify %s id: %s",
				    idkind(f[i].type),
				    sp_quote(val[i].s, val[i].n, q));
				return SP_REJECTED;
			}
		}
	}
	return SP_OK;
}

/* Bind val[0..n) to ?1..?n and presence flags to ?(n+1)..?(2n). */
static void
bind(sqlite3_stmt *st, const struct val *val, size_t n)
{
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		k = (int)i + 1;
		if (val[i].null)
			sqlite3_bind_null(st, k);
		else if (val[i].s != NULL)
			sqlite3_bind_text(st, k, val[i].s, (int)val[i].n,
			    SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, k, val[i].i);
		if ((size_t)sqlite3_bind_parameter_count(st) > n)
			sqlite3_bind_int(st, k + (int)n, val[i].present);
	}
}

static int
run(struct load_ctx *ctx, int s, const struct val *val, size_t n)
{
	bind(ctx->st[s], val, n);
	return sp_store_run(ctx->store, ctx->st[s]) == 0 ? SP_OK :
	    dberr(ctx);
}

/* The slot of id v (a string), and v[0..n) serialized for stmt s. */
static struct written *
slot(struct load_ctx *ctx, const struct val *v)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < v->n; i++)
		h = (h ^ (unsigned char)v->s[i]) * 16777619u;
	return &ctx->written[h % NWRITTEN];
}

static size_t
serialize(int s, const struct val *v, size_t n, unsigned char *buf)
{
	size_t len = 0, i, k;

	buf[len++] = (unsigned char)s;
	for (i = 0; i < n; i++) {
		k = v[i].s != NULL && !v[i].null ? v[i].n : sizeof(v[i].i);
		if (len + 3 + sizeof(size_t) + k > WRITTEN_MAX)
			return 0;
		buf[len++] = (unsigned char)v[i].present;
		buf[len++] = (unsigned char)v[i].null;
		buf[len++] = v[i].s != NULL;
		memcpy(buf + len, &k, sizeof(k));
		len += sizeof(k);
		memcpy(buf + len, v[i].s != NULL && !v[i].null ?
		    (const void *)v[i].s : (const void *)&v[i].i, k);
		len += k;
	}
	return len;
}

/*
 * Run the upsert s of an album or artist unless this transaction wrote
 * the same values to the same row already (struct written); forget is
 * for a write that is not remembered.
 */
static int
run_once(struct load_ctx *ctx, int s, const struct val *v, size_t n,
    int forget)
{
	unsigned char buf[WRITTEN_MAX];
	struct written *w;
	size_t len;

	w = slot(ctx, &v[0]);
	len = forget ? 0 : serialize(s, v, n, buf);
	if (len > 0 && w->gen == ctx->gen && w->len == len &&
	    memcmp(w->buf, buf, len) == 0)
		return SP_OK;
	w->gen = len > 0 ? ctx->gen : 0;
	w->len = len;
	memcpy(w->buf, buf, len);
	return run(ctx, s, v, n);
}

static int
load_play(struct load_ctx *ctx)
{
	struct val v[N(playf)];
	int rc;

	if ((rc = extract(ctx, 0, playf, N(playf), v)) != SP_OK)
		return rc;
	if ((rc = run(ctx, S_PLAY, v, N(playf))) != SP_OK)
		return rc;
	ctx->newplays += (unsigned long long)sqlite3_changes(
	    sp_store_db(ctx->store));
	if (v[2].null)
		return SP_OK;
	return run(ctx, S_PENDING_TRACK, &v[2], 1);
}

static void	setstr(struct val *, const char *, size_t);
static void	setint(struct val *, long long);

/*
 * A track's artists: check them all (pass 0), then write them (pass 1):
 * each as a pending artist with its name, and the links as a whole.  A
 * track row this record created has no links to replace (sp never
 * deletes a track), so fresh skips the DELETE.
 */
static int
track_artists(struct load_ctx *ctx, const struct val *id, int pass,
    int fresh)
{
	struct sp_json *j = ctx->j;
	struct val ref[N(refartistf)], link[3];
	long long pos;
	int arr, e, k, rc;

	arr = sp_json_get(j, 0, "artists");
	if (arr < 0)
		return SP_OK;
	if (sp_json_type(j, arr) != SP_JSON_ARRAY) {
		sp_warnx_at(ctx->pos, "\"artists\": expected an array");
		return SP_REJECTED;
	}
	if (pass == 1 && !fresh && run(ctx, S_DEL_TRACK_ARTISTS, id, 1) !=
	    SP_OK)
		return SP_FATAL_DB;
	for (k = 0, e = sp_json_first(j, arr); e >= 0;
	    k++, e = sp_json_next(j, arr, e)) {
		if (sp_json_type(j, e) != SP_JSON_OBJECT) {
			sp_warnx_at(ctx->pos, "\"artists\": expected "
			    "objects");
			return SP_REJECTED;
		}
		if ((rc = extract(ctx, e, refartistf, N(refartistf), ref)) !=
		    SP_OK)
			return rc;
		pos = k;
		if ((k = sp_json_get(j, e, "position")) >= 0 &&
		    (sp_json_int(j, k, &pos) != 0 || pos < 0)) {
			sp_warnx_at(ctx->pos, "\"position\": expected an "
			    "integer >= 0");
			return SP_REJECTED;
		}
		k = (int)pos;
		if (pass == 0)
			continue;
		if ((rc = run_once(ctx, S_REF_ARTIST, ref, N(refartistf),
		    0)) != SP_OK)
			return rc;
		link[0] = *id;
		link[1] = ref[0];
		setint(&link[2], pos);
		if ((rc = run(ctx, S_ADD_TRACK_ARTIST, link, 3)) != SP_OK)
			return rc;
	}
	return SP_OK;
}

/*
 * Whether the track of a listing record (v) is wanted: played, still
 * pending, and listed under its own id (a relinked item leaves the id
 * played to be fetched on its own).  1, 0, or -1 on a database error.
 */
static int
wanted(struct load_ctx *ctx, const struct val *v)
{
	sqlite3_stmt *st = ctx->st[S_WANTED];
	int rc;

	if (!v[TRACK_LINKED].null)
		return 0;
	bind(st, v, 1);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		dberr(ctx);
		return -1;
	}
	return rc == SQLITE_ROW;
}

/*
 * A track record.  One from an album's listing ("from_listing": true)
 * enriches a track that was played and is pending, and nothing else: it
 * never overwrites a fetched track, nor makes rows of tracks nobody
 * played.  A full track clears from_listing.
 */
static int
load_track(struct load_ctx *ctx)
{
	struct val v[N(trackf)], a[N(albumf)];
	sqlite3 *db;
	sqlite3_int64 last;
	int album, rc;

	if ((rc = extract(ctx, 0, trackf, N(trackf), v)) != SP_OK)
		return rc;
	if (!v[TRACK_LISTING].null && v[TRACK_LISTING].i) {
		ctx->islisted = 1;
		if ((rc = wanted(ctx, v)) <= 0)
			return rc < 0 ? SP_FATAL_DB : SP_OK;
		ctx->islisted = 2;	/* and wanted */
	} else
		setint(&v[TRACK_LISTING], 0);
	a[0].null = 1;
	album = sp_json_get(ctx->j, 0, "album");
	if (album >= 0 && sp_json_type(ctx->j, album) == SP_JSON_OBJECT) {
		/* The embedded album takes the track's fetched_at. */
		if ((rc = extract(ctx, album, albumf + 2, N(albumf) - 2,
		    a + 2)) != SP_OK)
			return rc;
		a[0] = v[4];
		a[1] = v[1];
		/* Not fetched whole: 0 for a new row, else left alone. */
		a[N(albumf) - 1].null = 0;
		a[N(albumf) - 1].i = 0;
		if (a[0].null) {
			sp_warnx_at(ctx->pos, "missing \"album.id\"");
			return SP_REJECTED;
		}
	} else if (album >= 0 && sp_json_type(ctx->j, album) !=
	    SP_JSON_NULL) {
		sp_warnx_at(ctx->pos, "\"album\": expected an object");
		return SP_REJECTED;
	}
	if ((rc = track_artists(ctx, &v[0], 0, 0)) != SP_OK)
		return rc;
	if (album >= 0 && !a[0].null && (rc = run_once(ctx, S_ALBUM, a,
	    N(albumf), 0)) != SP_OK)
		return rc;
	/* The upsert's UPDATE leaves the last insert rowid as it was. */
	db = sp_store_db(ctx->store);
	last = sqlite3_last_insert_rowid(db);
	if ((rc = run(ctx, S_TRACK, v, N(trackf))) != SP_OK)
		return rc;
	return track_artists(ctx, &v[0], 1,
	    sqlite3_last_insert_rowid(db) != last);
}

static int
load_album(struct load_ctx *ctx)
{
	struct val v[N(albumf)];
	int rc;

	if ((rc = extract(ctx, 0, albumf, N(albumf), v)) != SP_OK)
		return rc;
	/* An album record is a fetched album, with its track listing. */
	setint(&v[N(albumf) - 1], 1);
	return run_once(ctx, S_ALBUM, v, N(albumf), 0);
}

static void
setstr(struct val *v, const char *s, size_t n)
{
	memset(v, 0, sizeof(*v));
	v->present = 1;
	v->null = s == NULL;
	v->s = s;
	v->n = n;
}

static void
setint(struct val *v, long long i)
{
	memset(v, 0, sizeof(*v));
	v->present = 1;
	v->i = i;
}

/*
 * An artist: its row, then, when "genres" is an array, its genres as a
 * whole and each genre's family ("families", when given).  Pass 0 checks
 * every genre, pass 1 writes.
 */
static int
load_artist(struct load_ctx *ctx)
{
	struct sp_json *j = ctx->j;
	struct val v[N(artistf)], g[3], *count = &v[N(artistf) - 1];
	const char *gs, *fs;
	size_t gn, fn;
	int genres, fams, e, f, k, rc, pass;

	/* "genres" is bound as its count; extract the rest. */
	if ((rc = extract(ctx, 0, artistf, N(artistf) - 1, v)) != SP_OK)
		return rc;
	genres = sp_json_get(j, 0, "genres");
	fams = sp_json_get(j, 0, "families");
	/* "genres": null is "not said": keep what is stored. */
	memset(count, 0, sizeof(*count));
	count->null = genres < 0 || sp_json_type(j, genres) == SP_JSON_NULL;
	count->present = !count->null;
	if (!count->null && sp_json_type(j, genres) != SP_JSON_ARRAY) {
		sp_warnx_at(ctx->pos, "\"genres\": expected an array");
		return SP_REJECTED;
	}
	count->i = sp_json_count(j, genres);
	if (sp_json_type(j, fams) == SP_JSON_NULL)
		fams = -1;
	if (fams >= 0 && (sp_json_type(j, fams) != SP_JSON_ARRAY ||
	    sp_json_count(j, fams) != sp_json_count(j, genres))) {
		sp_warnx_at(ctx->pos, "\"families\": expected an array as "
		    "long as \"genres\"");
		return SP_REJECTED;
	}
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			if ((rc = run_once(ctx, S_ARTIST, v, N(artistf),
			    1)) != SP_OK)
				return rc;
			if (count->null)
				return SP_OK;
			if ((rc = run(ctx, S_DEL_GENRES, v, 1)) != SP_OK)
				return rc;
		}
		f = sp_json_first(j, fams);
		for (k = 0, e = sp_json_first(j, genres); e >= 0; k++,
		    e = sp_json_next(j, genres, e), f = sp_json_next(j, fams,
		    f)) {
			fs = NULL;
			fn = 0;
			if ((gs = sp_json_str(j, e, &gn)) == NULL || gn == 0 ||
			    (f >= 0 && sp_json_type(j, f) != SP_JSON_NULL &&
			    (fs = sp_json_str(j, f, &fn)) == NULL)) {
				sp_warnx_at(ctx->pos, "\"genres\" and "
				    "\"families\": expected non-empty "
				    "strings (families: or null)");
				return SP_REJECTED;
			}
			if (pass == 0)
				continue;
			g[0] = v[0];
			setstr(&g[1], gs, gn);
			setint(&g[2], k);
			if ((rc = run(ctx, S_ADD_GENRE, g, 3)) != SP_OK)
				return rc;
			setstr(&g[0], gs, gn);
			setstr(&g[1], fs, fn);
			rc = f >= 0 ? run(ctx, S_GENRE_FAMILY, g, 2) :
			    run(ctx, S_GENRE, g, 1);
			if (rc != SP_OK)
				return rc;
		}
	}
	return SP_OK;
}

/* {"type":KIND,"id":...,"error":{"status":404,...}}: not found. */
static int
load_error(struct load_ctx *ctx, enum kind k, int err)
{
	static const int stmt[] = {
		[K_TRACK] = S_NF_TRACK, [K_ALBUM] = S_NF_ALBUM,
		[K_ARTIST] = S_NF_ARTIST,
	};
	struct field f[N(errorf)];
	struct val v[N(errorf)];
	long long status;
	int t, rc;

	t = sp_json_get(ctx->j, err, "status");
	if (sp_json_int(ctx->j, t, &status) != 0) {
		sp_warnx_at(ctx->pos, "\"error.status\": expected an "
		    "integer");
		return SP_REJECTED;
	}
	if (status != 404) {
		sp_warnx_at(ctx->pos, "error record with status %lld: only "
		    "404 is stored", status);
		return SP_REJECTED;
	}
	memcpy(f, errorf, sizeof(f));
	f[0].type = k == K_ALBUM ? F_ALBUM : k == K_ARTIST ? F_ARTIST :
	    F_TRACK;
	if ((rc = extract(ctx, 0, f, N(f), v)) != SP_OK)
		return rc;
	return run_once(ctx, stmt[k], v, N(f), 1);
}

static double
elapsed(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) +
	    (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

/* Undo the open transaction, and say what that cost. */
static void
rollback(struct load_ctx *ctx, long long n)
{
	sp_store_rollback(ctx->store);
	if (n > 0)
		sp_warnx_at(NULL, "the last %lld record%s rolled back: the "
		    "store holds what was committed before %s", n, n == 1 ?
		    " is" : "s are", n == 1 ? "it" : "them");
}

static int
commit(struct load_ctx *ctx)
{
	long long n = ctx->pending;

	if (ctx->pending == 0)
		return SP_OK;
	ctx->pending = 0;
	ctx->gen++;
	if (sp_store_commit(ctx->store) != 0) {
		sp_warnx_at(NULL, "%s", sp_store_errmsg(ctx->store));
		rollback(ctx, n);
		return SP_FATAL_DB;
	}
	return SP_OK;
}

/* The input has paused: commit what was read, so it is not held. */
static int
on_idle(void *arg)
{
	return commit(arg);
}

static int
on_record(struct sp_rec *rec, void *arg)
{
	struct load_ctx *ctx = arg;
	struct sp_json *j = rec->json;
	char q[SP_QUOTE_SIZE];
	const char *type;
	size_t n;
	int k, err, rc;

	ctx->j = j;
	ctx->pos = &rec->pos;
	if (sp_json_get(j, 0, "object") >= 0 || sp_json_get(j, 0, "uri") >= 0 ||
	    sp_json_get(j, 0, "external_urls") >= 0) {
		sp_warnx_at(&rec->pos, "Spotify API object: run sp-normalize "
		    "first");
		ctx->rejected++;
		return SP_REJECTED;
	}
	k = sp_json_get(j, 0, "type");
	if ((type = sp_json_str(j, k, &n)) == NULL) {
		sp_warnx_at(&rec->pos, k < 0 ? "missing \"type\"" :
		    "\"type\": expected a string");
		ctx->rejected++;
		return SP_REJECTED;
	}
	for (k = 0; k < K_ERROR; k++)
		if (strcmp(type, kindname[k]) == 0)
			break;
	if (k == K_ERROR) {
		sp_warnx_at(&rec->pos, "unknown record type: %s",
		    sp_quote(type, n, q));
		ctx->rejected++;
		return SP_REJECTED;
	}
	err = k == K_PLAY ? -1 : sp_json_get(j, 0, "error");
	if (ctx->pending == 0) {
		if (sp_store_begin(ctx->store) != 0)
			return dberr(ctx);
		clock_gettime(CLOCK_MONOTONIC, &ctx->begun);
	}
	ctx->pending++;
	ctx->islisted = 0;
	if (err >= 0 && k != K_ERROR)
		rc = load_error(ctx, (enum kind)k, err);
	else switch (k) {
	case K_PLAY:
		rc = load_play(ctx);
		break;
	case K_TRACK:
		rc = load_track(ctx);
		break;
	case K_ALBUM:
		rc = load_album(ctx);
		break;
	case K_ARTIST:
		rc = load_artist(ctx);
		break;
	default:
		sp_warnx_at(&rec->pos, "unknown record type: %s",
		    sp_quote(type, n, q));
		rc = SP_REJECTED;
	}
	if (rc == SP_REJECTED)
		ctx->rejected++;
	else if (rc == SP_OK && ctx->islisted) {
		ctx->listed++;
		ctx->listedok += ctx->islisted == 2;
	}
	else if (rc == SP_OK)
		ctx->count[err >= 0 ? K_ERROR : k]++;
	else
		return rc;
	if (ctx->pending >= batch || elapsed(&ctx->begun) >= COMMIT_SECS)
		if (commit(ctx) != SP_OK)
			return SP_FATAL_DB;
	return rc;
}

/* One line, written at once (sp_warnx_at), as every message. */
static void
summary(const struct load_ctx *ctx)
{
	unsigned long long total = 0;
	char a[32], b[32], line[512];
	size_t n;
	int k, first = 1;

	for (k = 0, total = ctx->listed; k < NKIND; k++)
		total += ctx->count[k];
	n = (size_t)snprintf(line, sizeof(line), "%s record%s",
	    sp_fmt_count(total, a), total == 1 ? "" : "s");
	for (k = 0; k < NKIND && n < sizeof(line); k++) {
		if (ctx->count[k] == 0)
			continue;
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s %s %s",
		    first ? ":" : ",", sp_fmt_count(ctx->count[k], a),
		    kindname[k]);
		if (k == K_PLAY && n < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n,
			    " (%s new)", sp_fmt_count(ctx->newplays, b));
		first = 0;
	}
	if (ctx->listed > 0 && n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%s %s "
		    "listed track (%s enriched)", first ? ":" : ",",
		    sp_fmt_count(ctx->listed, a), sp_fmt_count(ctx->listedok,
		    b));
	sp_warnx_at(NULL, "%s; %s rejected", line, sp_fmt_count(ctx->rejected,
	    a));
}

int
main(int argc, char *argv[])
{
	struct load_ctx ctx;
	unsigned long long bad;
	int c, status;

	memset(&ctx, 0, sizeof(ctx));
	ctx.gen = 1;
	while ((c = getopt_long(argc, argv, "b:d:hqV", longopts, NULL)) != -1)
		switch (c) {
		case 'b':
			if (sp_opt_long("batch", optarg, 1, 1000000,
			    &batch) != 0)
				usage(stderr, SP_USAGE);
			break;
		case 'd':
			dbpath = optarg;
			break;
		case 'h':
			usage(stdout, SP_OK);
		case 'q':
			quiet = 1;
			break;
		case 'V':
			printf("sp-load %s\n", SP_VERSION);
			return SP_OK;
		default:
			usage(stderr, SP_USAGE);
		}
	argc -= optind;
	argv += optind;

	if ((ctx.written = calloc(NWRITTEN, sizeof(*ctx.written))) == NULL) {
		sp_warnx_at(NULL, "out of memory");
		return SP_FATAL_IO;
	}
	if ((status = load_open(&ctx)) != SP_OK) {
		sp_store_close(ctx.store);
		free(ctx.written);
		return status;
	}
	sp_signals_install();
	sp_ndjson_idle(on_idle, &ctx, IDLE_MS);
	status = sp_ndjson_each(argc, argv, 0, on_record, &ctx, &bad);
	ctx.rejected += bad;
	if (status == SP_FATAL_DB)
		rollback(&ctx, ctx.pending);
	else
		status = sp_status_merge(status, commit(&ctx));
	sp_store_close(ctx.store);
	free(ctx.written);
	if (!quiet)
		summary(&ctx);
	return status;
}
