/* sp_store.c: open, migrate and use the SQLite store. */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sp.h"
#include "sp_store.h"

#define BUSY_TIMEOUT_MS	30000
#define MAX_STMTS	64

struct sp_store {
	sqlite3		*db;
	sqlite3_stmt	*stmt[MAX_STMTS];
	size_t		 nstmt;
	int		 readonly;
	char		 err[512];
};

/*
 * Migrations: migration[i] takes the schema from version i to i + 1.
 * Never edit one that has shipped; append a new one.
 */
static const char *const migration[] = {
	/* 0 -> 1: the first schema; see docs/schema.md. */
	"CREATE TABLE plays ("
	" id INTEGER PRIMARY KEY,"
	" ts TEXT NOT NULL,"
	" ms_played INTEGER NOT NULL,"
	" track_id TEXT,"
	" track_name TEXT,"
	" artist_name TEXT,"
	" album_name TEXT,"
	" reason_start TEXT,"
	" reason_end TEXT,"
	" shuffle INTEGER,"
	" skipped INTEGER,"
	" offline INTEGER,"
	" offline_ts INTEGER,"
	" incognito INTEGER,"
	" platform TEXT,"
	" conn_country TEXT,"
	" source TEXT NOT NULL);"
	/* The natural key: when, how long, and the track id or names. */
	"CREATE UNIQUE INDEX plays_key ON plays(ts, ms_played,"
	" coalesce(track_id, ifnull(track_name, '') || char(31) ||"
	" ifnull(artist_name, '')));"
	"CREATE INDEX plays_track ON plays(track_id);"
	"CREATE TABLE tracks ("
	" id TEXT PRIMARY KEY,"
	" name TEXT,"
	" album_id TEXT,"
	" duration_ms INTEGER,"
	" explicit INTEGER,"
	" popularity INTEGER,"
	" isrc TEXT,"
	" disc_number INTEGER,"
	" track_number INTEGER,"
	" linked_id TEXT,"
	" status TEXT CHECK (status IN ('ok', 'not_found')),"
	" fetched_at TEXT);"
	"CREATE INDEX tracks_status ON tracks(status, fetched_at);"
	"CREATE INDEX tracks_album ON tracks(album_id);"
	"CREATE TABLE albums ("
	" id TEXT PRIMARY KEY,"
	" name TEXT,"
	" album_type TEXT,"
	" release_date TEXT,"
	" release_date_precision TEXT,"
	" release_year INTEGER,"
	" total_tracks INTEGER,"
	" label TEXT,"
	" popularity INTEGER,"
	" upc TEXT,"
	" status TEXT CHECK (status IN ('ok', 'not_found')),"
	" fetched_at TEXT);"
	"CREATE INDEX albums_status ON albums(status, fetched_at);"
	"CREATE TABLE artists ("
	" id TEXT PRIMARY KEY,"
	" name TEXT,"
	" popularity INTEGER,"
	" followers INTEGER,"
	" genre_count INTEGER,"
	" status TEXT CHECK (status IN ('ok', 'not_found')),"
	" fetched_at TEXT);"
	"CREATE INDEX artists_status ON artists(status, fetched_at);"
	"CREATE TABLE track_artists ("
	" track_id TEXT NOT NULL,"
	" artist_id TEXT NOT NULL,"
	" position INTEGER NOT NULL,"
	" PRIMARY KEY (track_id, position));"
	"CREATE INDEX track_artists_artist ON track_artists(artist_id);"
	"CREATE TABLE artist_genres ("
	" artist_id TEXT NOT NULL,"
	" genre TEXT NOT NULL,"
	" position INTEGER NOT NULL,"
	" PRIMARY KEY (artist_id, position));"
	"CREATE INDEX artist_genres_genre ON artist_genres(genre);"
	"CREATE TABLE genres ("
	" genre TEXT PRIMARY KEY,"
	" family TEXT);",
	/*
	 * 1 -> 2: sp-report's indexes.  Listens per track and listens per
	 * time, and what a report needs of a track, its first artist and
	 * its album, each read from an index alone, without the table;
	 * plays(track_id) is the first column of plays_listen, so its own
	 * index goes.
	 */
	"CREATE INDEX plays_listen ON plays(track_id, ms_played, ts);"
	"CREATE INDEX plays_time ON plays(ts, ms_played, track_id);"
	"DROP INDEX plays_track;"
	"CREATE INDEX tracks_report ON tracks(id, status, album_id);"
	"CREATE INDEX track_artists_first ON track_artists(track_id,"
	" position, artist_id);"
	"CREATE INDEX albums_year ON albums(id, release_year);"
	/*
	 * The listens (plays of 30 s or more, Spotify's rule and
	 * sp-report's default) per track, kept by triggers as plays come
	 * and go: sp-report reads these 100,000 rows instead of a million
	 * plays.  A play without a track id counts under ''.
	 */
	"CREATE TABLE listens ("
	" track_id TEXT PRIMARY KEY,"
	" n INTEGER NOT NULL,"
	" ms INTEGER NOT NULL);"
	"INSERT INTO listens SELECT coalesce(track_id, ''), count(*),"
	" sum(ms_played) FROM plays WHERE ms_played >= 30000 GROUP BY 1;"
	"CREATE TRIGGER plays_listens_insert AFTER INSERT ON plays"
	" WHEN new.ms_played >= 30000 BEGIN"
	" INSERT INTO listens VALUES (coalesce(new.track_id, ''), 1,"
	" new.ms_played) ON CONFLICT(track_id) DO UPDATE"
	" SET n = n + 1, ms = ms + excluded.ms; END;"
	"CREATE TRIGGER plays_listens_delete AFTER DELETE ON plays"
	" WHEN old.ms_played >= 30000 BEGIN"
	" UPDATE listens SET n = n - 1, ms = ms - old.ms_played"
	" WHERE track_id = coalesce(old.track_id, ''); END;"
	"CREATE TRIGGER plays_listens_update"
	" AFTER UPDATE OF ms_played, track_id ON plays BEGIN"
	" UPDATE listens SET n = n - 1, ms = ms - old.ms_played"
	" WHERE old.ms_played >= 30000"
	" AND track_id = coalesce(old.track_id, '');"
	" INSERT INTO listens SELECT coalesce(new.track_id, ''), 1,"
	" new.ms_played WHERE new.ms_played >= 30000"
	" ON CONFLICT(track_id) DO UPDATE"
	" SET n = n + 1, ms = ms + excluded.ms; END;",
	/*
	 * 2 -> 3: album-first enrichment.  tracks.from_listing: 1 when the
	 * track was enriched from its album's track listing, which carries
	 * no ISRC or popularity.  albums.tracks_listed: 1 when the album was
	 * fetched whole, with its listing; an album of schema 2 that has a
	 * label, popularity or upc (which only an album fetch gives) was.
	 */
	"ALTER TABLE tracks ADD COLUMN from_listing INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE albums ADD COLUMN tracks_listed INTEGER NOT NULL"
	" DEFAULT 0;"
	"UPDATE albums SET tracks_listed = 1 WHERE label IS NOT NULL"
	" OR popularity IS NOT NULL OR upc IS NOT NULL;",
};
#define NMIGRATION	(sizeof(migration) / sizeof(migration[0]))

static void
seterr(struct sp_store *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
}

static void
setdberr(struct sp_store *s, const char *what)
{
	seterr(s, "%s: %s", what, sqlite3_errmsg(s->db));
}

char *
sp_store_path(const char *opt)
{
	const char *env, *home;
	char *p;

	if (opt != NULL && *opt != '\0')
		return strdup(opt);
	if ((env = getenv("SP_DB")) != NULL && *env != '\0')
		return strdup(env);
	if ((env = getenv("XDG_DATA_HOME")) != NULL && *env == '/') {
		if (asprintf(&p, "%s/sp/sp.db", env) < 0)
			return NULL;
		return p;
	}
	if ((home = getenv("HOME")) == NULL || *home == '\0')
		return NULL;
	if (asprintf(&p, "%s/.local/share/sp/sp.db", home) < 0)
		return NULL;
	return p;
}

/* mkdir -p of the folder that holds path; 0 or -1 with errno. */
static int
mkparent(const char *path)
{
	char *dir, *p;
	int rc = 0;

	if ((dir = strdup(path)) == NULL)
		return -1;
	if ((p = strrchr(dir, '/')) == NULL || p == dir) {
		free(dir);
		return 0;
	}
	*p = '\0';
	for (p = dir + 1; rc == 0; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			rc = -1;
		*p = c;
		if (c == '\0')
			break;
	}
	free(dir);
	return rc;
}

/* How long to wait for a lock: $SP_BUSY_TIMEOUT seconds, or 30. */
static int
busytimeout(void)
{
	const char *e, *errstr;
	long long v;

	if ((e = getenv("SP_BUSY_TIMEOUT")) != NULL) {
		v = sp_parse_long(e, 0, 3600, &errstr);
		if (errstr == NULL)
			return (int)v * 1000;
	}
	return BUSY_TIMEOUT_MS;
}

static int
exec(struct sp_store *s, const char *sql)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		setdberr(s, "database");
		return -1;
	}
	return 0;
}

static int
migrate(struct sp_store *s)
{
	sqlite3_stmt *st;
	char sql[64];
	int v;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK) {
		setdberr(s, "database");
		return -1;
	}
	v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (v < 0) {
		setdberr(s, "database");
		return -1;
	}
	if ((size_t)v == NMIGRATION)
		return 0;
	if ((size_t)v > NMIGRATION) {
		seterr(s, "database schema version %d is newer than this sp "
		    "knows (%zu): upgrade sp", v, NMIGRATION);
		return -1;
	}
	/*
	 * A store opened read-only cannot be brought up to date: it is read
	 * as it is (what schema 2 added are indexes, which readers of schema
	 * 1 do without; sp-report needs them and says so), and the columns
	 * of schema 3 are shown by temporary views, which come first in
	 * SQLite's search order, with the values the migration would give.
	 */
	if (s->readonly)
		return v >= 3 ? 0 : exec(s, "CREATE TEMP VIEW tracks AS"
		    " SELECT *, 0 AS from_listing FROM main.tracks;"
		    "CREATE TEMP VIEW albums AS SELECT *, (label IS NOT NULL"
		    " OR popularity IS NOT NULL OR upc IS NOT NULL)"
		    " AS tracks_listed FROM main.albums;");
	if (exec(s, "BEGIN IMMEDIATE") != 0)
		return -1;
	/* Another process may have migrated while we waited for the lock. */
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		goto fail;
	v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	for (; (size_t)v < NMIGRATION; v++)
		if (sqlite3_exec(s->db, migration[v], NULL, NULL, NULL) !=
		    SQLITE_OK)
			goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu", NMIGRATION);
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return exec(s, "COMMIT");
fail:
	setdberr(s, "database schema");
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * A reader of a store it may not write (its folder: WAL needs to create
 * the -shm file) opens it read-only, the way SQLite documents for WAL
 * (wal.html, "Read-Only Databases"): with mode=ro when the -wal and -shm
 * files are there to read, else as immutable, for nothing is in a
 * write-ahead log that is not there.  Returns the URI (the caller frees
 * it), or NULL when the store is writable or out of memory.
 */
static char *
rouri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct stat sb;
	char *dir, *p, *uri, *u, *side;
	const char *q;
	int ro, logs;

	if ((dir = strdup(path)) == NULL)
		return NULL;
	if ((p = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (p == dir)
		p[1] = '\0';
	else
		*p = '\0';
	ro = access(dir, W_OK) != 0 || access(path, W_OK) != 0;
	free(dir);
	if (!ro)
		return NULL;
	if (asprintf(&side, "%s-shm", path) < 0)
		return NULL;
	logs = stat(side, &sb) == 0;
	side[strlen(side) - 3] = 'w';
	side[strlen(side) - 2] = 'a';
	side[strlen(side) - 1] = 'l';
	logs = logs && stat(side, &sb) == 0;
	free(side);
	/* "file:" + each byte as %XX at worst + the query. */
	if ((uri = malloc(strlen(path) * 3 + 32)) == NULL)
		return NULL;
	u = uri + sprintf(uri, "file:");
	for (q = path; *q != '\0'; q++) {
		if (*q == '%' || *q == '?' || *q == '#' ||
		    (unsigned char)*q < 0x21 || (unsigned char)*q > 0x7e) {
			*u++ = '%';
			*u++ = hex[(unsigned char)*q >> 4];
			*u++ = hex[(unsigned char)*q & 0xf];
		} else
			*u++ = *q;
	}
	strcpy(u, logs ? "?mode=ro" : "?mode=ro&immutable=1");
	return uri;
}

int
sp_store_readonly(const struct sp_store *s)
{
	return s->readonly;
}

int
sp_store_open(const char *path, int flags, struct sp_store **out,
    char **errmsg)
{
	struct sp_store *s;
	struct stat sb;
	char *uri = NULL;
	/* One thread per connection: SQLite need not lock for us. */
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, rc;

	*out = NULL;
	*errmsg = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SP_FATAL_IO;
	if (flags & SP_STORE_EXISTING) {
		if (stat(path, &sb) != 0) {
			if (asprintf(errmsg, "%s: no database here (load "
			    "plays first: sp-history FILE | sp-load)",
			    path) < 0)
				*errmsg = NULL;
			free(s);
			return SP_FATAL_DB;
		}
	} else {
		oflags |= SQLITE_OPEN_CREATE;
		if (mkparent(path) != 0) {
			if (asprintf(errmsg, "%s: cannot create its folder: "
			    "%s", path, strerror(errno)) < 0)
				*errmsg = NULL;
			free(s);
			return SP_FATAL_IO;
		}
	}
	if ((flags & SP_STORE_EXISTING) && (uri = rouri(path)) != NULL) {
		s->readonly = 1;
		oflags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
		    SQLITE_OPEN_NOMUTEX;
	}
	rc = sqlite3_open_v2(uri != NULL ? uri : path, &s->db, oflags, NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		seterr(s, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) :
		    "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, busytimeout());
	if ((!s->readonly && (exec(s, "PRAGMA journal_mode = WAL") != 0 ||
	    exec(s, "PRAGMA synchronous = NORMAL") != 0)) ||
	    exec(s, "PRAGMA foreign_keys = OFF") != 0 ||
	    ((flags & SP_STORE_SCAN) &&
	    exec(s, "PRAGMA cache_size = -512") != 0) ||
	    ((flags & SP_STORE_LOAD) &&
	    exec(s, "PRAGMA cache_size = -4000") != 0) ||
	    ((flags & SP_STORE_REPORT) &&
	    exec(s, "PRAGMA cache_size = -32000") != 0)) {
		seterr(s, "%s: not an sp database or not writable: %s", path,
		    sqlite3_errmsg(s->db));
		goto fail;
	}
	if (migrate(s) != 0) {
		char tmp[sizeof(s->err)];

		memcpy(tmp, s->err, sizeof(tmp));
		seterr(s, "%s: %s%s", path, tmp, s->readonly ? " (opened "
		    "read-only: its folder is not writable)" : "");
		goto fail;
	}
	*out = s;
	return SP_OK;
fail:
	if ((*errmsg = strdup(s->err)) == NULL)
		*errmsg = NULL;
	sp_store_close(s);
	return SP_FATAL_DB;
}

void
sp_store_close(struct sp_store *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nstmt; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	free(s);
}

sqlite3 *
sp_store_db(struct sp_store *s)
{
	return s->db;
}

const char *
sp_store_errmsg(struct sp_store *s)
{
	return s->err;
}

int
sp_store_prepare(struct sp_store *s, const char *const sql[], size_t n,
    sqlite3_stmt *stmt[])
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s->nstmt == MAX_STMTS) {
			seterr(s, "too many statements");
			return -1;
		}
		if (sqlite3_prepare_v3(s->db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &stmt[i], NULL) != SQLITE_OK) {
			setdberr(s, "database");
			return -1;
		}
		s->stmt[s->nstmt++] = stmt[i];
	}
	return 0;
}

int
sp_store_run(struct sp_store *s, sqlite3_stmt *st)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		setdberr(s, "database");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
sp_store_begin(struct sp_store *s)
{
	return exec(s, "BEGIN IMMEDIATE");
}

int
sp_store_commit(struct sp_store *s)
{
	return exec(s, "COMMIT");
}

int
sp_store_rollback(struct sp_store *s)
{
	if (sqlite3_get_autocommit(s->db))
		return 0;
	return exec(s, "ROLLBACK");
}
