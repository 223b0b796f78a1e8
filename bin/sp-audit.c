/*
 * sp-audit: check that the store is complete and correct: coverage,
 * missing values, formats, genre families, plausibility and names against
 * the export; print a sample for a person, fetch a few records again to
 * compare.  Exits 1 when a check is over its threshold, so that it can
 * gate a CI job.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "sp.h"
#include "sp_api.h"
#include "sp_err.h"
#include "sp_genre.h"
#include "sp_id.h"
#include "sp_json.h"
#include "sp_jsonw.h"
#include "sp_name.h"
#include "sp_store.h"
#include "sp_table.h"

#define MAXCOLS		5	/* columns of a finding */
#define MINYEAR		1900	/* the first plausible release year */
#define INDENT		"        "
#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

enum {
	O_EXAMPLES = 256, O_JSON, O_CHANGED, O_DATES, O_FORMAT,
	O_MISMATCH, O_NOT_FOUND, O_NULLS, O_ORPHANS,
	O_PENDING, O_RANGE, O_COVERAGE, O_FAMILIES, O_REFETCH,
	O_SAMPLE, O_SECRET_FILE, O_SEED
};

static const struct option longopts[] = {
	{ "db",			required_argument,	NULL,	'd' },
	{ "examples",		required_argument,	NULL,	O_EXAMPLES },
	{ "help",		no_argument,		NULL,	'h' },
	{ "json",		no_argument,		NULL,	O_JSON },
	{ "max-changed",	required_argument,	NULL,	O_CHANGED },
	{ "max-dates",		required_argument,	NULL,	O_DATES },
	{ "max-format",		required_argument,	NULL,	O_FORMAT },
	{ "max-mismatch",	required_argument,	NULL,	O_MISMATCH },
	{ "max-not-found",	required_argument,	NULL,	O_NOT_FOUND },
	{ "max-nulls",		required_argument,	NULL,	O_NULLS },
	{ "max-orphans",	required_argument,	NULL,	O_ORPHANS },
	{ "max-pending",	required_argument,	NULL,	O_PENDING },
	{ "max-range",		required_argument,	NULL,	O_RANGE },
	{ "min-coverage",	required_argument,	NULL,	O_COVERAGE },
	{ "min-families",	required_argument,	NULL,	O_FAMILIES },
	{ "quiet",		no_argument,		NULL,	'q' },
	{ "refetch",		required_argument,	NULL,	O_REFETCH },
	{ "sample",		required_argument,	NULL,	O_SAMPLE },
	{ "secret-file",	required_argument,	NULL,	O_SECRET_FILE },
	{ "seed",		required_argument,	NULL,	O_SEED },
	{ "version",		no_argument,		NULL,	'V' },
	{ NULL,			0,			NULL,	0 }
};

static const char *dbpath;
static long long examples = 5;
static int json;
static long long maxchanged = 0;
static long long maxdates = 0;
static long long maxformat = 0;
static long long maxmismatch = 2;
static long long maxnotfound = 5;
static long long maxnulls = 0;
static long long maxorphans = 0;
static long long maxpending = 0;
static long long maxrange = 0;
static long long mincoverage = 95;
static long long minfamilies = 80;
static int quiet;
static long long refetch;
static long long sample;
static const char *secretfile;
static long long seed = -1;		/* -1: the time */

/* The numeric options: where each goes, and its range. */
static const struct numopt {
	int		 opt;
	long long	*var;
	long long	 min, max;
} numopts[] = {
	{ O_EXAMPLES,	&examples,	0, 1000 },
	{ O_CHANGED,	&maxchanged,	0, INT64_MAX },
	{ O_DATES,	&maxdates,	0, INT64_MAX },
	{ O_FORMAT,	&maxformat,	0, INT64_MAX },
	{ O_MISMATCH,	&maxmismatch,	0, 100 },
	{ O_NOT_FOUND,	&maxnotfound,	0, 100 },
	{ O_NULLS,	&maxnulls,	0, INT64_MAX },
	{ O_ORPHANS,	&maxorphans,	0, INT64_MAX },
	{ O_PENDING,	&maxpending,	0, INT64_MAX },
	{ O_RANGE,	&maxrange,	0, INT64_MAX },
	{ O_COVERAGE,	&mincoverage,	0, 100 },
	{ O_FAMILIES,	&minfamilies,	0, 100 },
	{ O_REFETCH,	&refetch,	0, 10000 },
	{ O_SAMPLE,	&sample,	0, 100000 },
	{ O_SEED,	&seed,		0, INT64_MAX },
};

enum {
	S_TOTALS, S_STATUS, S_ARTIST_GENRES, S_TRACKS_BY_STATUS, S_PENDING,
	S_NULLS, S_NULL_ROWS, S_GENRES, S_GENRE_DUPS, S_GENRE_COUNT,
	S_FAMILY_NAMES, S_IDS, S_FAMILIES, S_UNMAPPED, S_DATES, S_RANGES,
	S_ORPHANS, S_BEFORE, S_NAMES, S_TRACK_ARTISTS, S_SAMPLE_TRACKS,
	S_TRACK_GENRES, S_SAMPLE_ARTISTS, S_GENRES_OF, S_STORED_TRACK,
	S_STORED_ARTIST, NSTMT
};

/* How a check compares its value with its threshold. */
enum kind {
	K_MAX,		/* a count, at most the threshold */
	K_MAX_PCT,	/* a share, at most the threshold */
	K_MIN_PCT,	/* a share, at least the threshold */
	K_NOTE		/* reported, never fails */
};

/* How a column of a finding is shown: as is, quoted, a number, a time. */
#define T_STR		SP_COL_STR
#define T_QUOTED	SP_COL_QUOTED
#define T_INT		SP_COL_INT
#define T_MS		SP_COL_MS

struct audit;

/* A row of a check's statement: its findings; SP_OK or a fatal status. */
typedef int row_fn(struct audit *, sqlite3_stmt *);

/*
 * A check: what it judges, the rows of its statement (each through its
 * row function, or each a finding of its columns), and how it is shown.
 */
struct check {
	const char	*name;
	enum kind	 kind;
	const long long	*limit;		/* the option that holds it */
	const char	*flag;
	const char	*what;
	int		 stmt;		/* -1: run apart */
	struct sp_table_col cols[MAXCOLS];	/* of each finding */
	row_fn		*row;		/* NULL: the row is a finding */
	const char	*bind;		/* ?1 of the statement, or NULL */
	const char	*section;	/* the heading it opens, or NULL */
	int		(*before)(struct audit *);	/* after the heading */
};

enum {
	C_COVERAGE, C_NOT_FOUND, C_PENDING, C_NULLS, C_GENRE_FORMAT,
	C_GENRE_DUPS, C_GENRE_COUNT, C_FAMILY_NAMES, C_IDS, C_FAMILIES,
	C_UNMAPPED, C_RELEASE_YEARS, C_YEAR_DATE, C_PRECISION, C_RANGES,
	C_ORPHANS, C_BEFORE, C_NAMES, C_REFETCH, NCHECK
};

static row_fn row_format, row_family, row_id, row_families, row_dates,
    row_names;
static int nulls_table(struct audit *);

/* In the order they run and are shown. */
static const struct check checks[NCHECK] = {
	[C_COVERAGE] = { "coverage", K_MIN_PCT, &mincoverage,
	    "--min-coverage", "listening time of enriched tracks",
	    S_TRACKS_BY_STATUS, .cols = { { "track", NULL, T_STR },
	    { "plays", NULL, T_INT }, { "ms_played", NULL, T_MS },
	    { "export_name", NULL, T_QUOTED } }, .bind = "",
	    .section = "Coverage" },
	[C_NOT_FOUND] = { "not-found", K_MAX_PCT, &maxnotfound,
	    "--max-not-found", "listening time Spotify does not know",
	    S_TRACKS_BY_STATUS, .cols = { { "track", NULL, T_STR },
	    { "plays", NULL, T_INT }, { "ms_played", NULL, T_MS },
	    { "export_name", NULL, T_QUOTED } }, .bind = "not_found" },
	[C_PENDING] = { "pending", K_MAX, &maxpending, "--max-pending",
	    "rows not fetched yet", S_PENDING,
	    .cols = { { "type", NULL, T_STR }, { "id", NULL, T_STR },
	    { "ms_played", NULL, T_MS } } },
	[C_NULLS] = { "nulls", K_MAX, &maxnulls, "--max-nulls",
	    "required values the API did not give", S_NULL_ROWS,
	    .cols = { { "column", NULL, T_STR }, { "id", NULL, T_STR } },
	    .section = "Nulls", .before = nulls_table },
	[C_GENRE_FORMAT] = { "genre-format", K_MAX, &maxformat,
	    "--max-format", "genres not in normalized form", S_GENRES,
	    .cols = { { "table", NULL, T_STR }, { "artist", NULL, T_STR },
	    { "genre", NULL, T_QUOTED }, { "problem", NULL, T_STR },
	    { "normalized", NULL, T_QUOTED } }, .row = row_format,
	    .section = "Format" },
	[C_GENRE_DUPS] = { "genre-duplicates", K_MAX, &maxformat,
	    "--max-format", "genres repeated for one artist", S_GENRE_DUPS,
	    .cols = { { "artist", NULL, T_STR }, { "genre", NULL, T_QUOTED },
	    { "times", NULL, T_INT } } },
	[C_GENRE_COUNT] = { "genre-count", K_MAX, &maxformat,
	    "--max-format", "genre counts unlike the genre rows",
	    S_GENRE_COUNT, .cols = { { "artist", NULL, T_STR },
	    { "genre_count", NULL, T_INT }, { "genres", NULL, T_INT } } },
	[C_FAMILY_NAMES] = { "family-names", K_MAX, &maxformat,
	    "--max-format", "families that are not sp families",
	    S_FAMILY_NAMES, .cols = { { "genre", NULL, T_QUOTED },
	    { "family", NULL, T_QUOTED } }, .row = row_family },
	[C_IDS] = { "ids", K_MAX, &maxformat, "--max-format",
	    "malformed Spotify ids", S_IDS,
	    .cols = { { "column", NULL, T_STR }, { "id", NULL, T_QUOTED } },
	    .row = row_id },
	[C_FAMILIES] = { "families", K_MIN_PCT, &minfamilies,
	    "--min-families", "genre listening time with a family",
	    S_FAMILIES, .row = row_families, .section = "Genre families" },
	[C_UNMAPPED] = { "unmapped-genres", K_NOTE, NULL, NULL,
	    "genres without a family", S_UNMAPPED,
	    .cols = { { "genre", NULL, T_QUOTED }, { "artists", NULL, T_INT },
	    { "ms_played", NULL, T_MS } } },
	[C_RELEASE_YEARS] = { "release-years", K_MAX, &maxdates,
	    "--max-dates", "implausible release years", S_DATES,
	    .cols = { { "album", NULL, T_STR }, { "release_year", NULL, T_INT },
	    { "release_date", NULL, T_QUOTED } }, .row = row_dates,
	    .section = "Plausibility" },
	[C_YEAR_DATE] = { "year-date", K_MAX, &maxdates, "--max-dates",
	    "release years unlike the date", S_DATES,
	    .cols = { { "album", NULL, T_STR }, { "release_year", NULL, T_INT },
	    { "release_date", NULL, T_QUOTED }, { "expected", NULL, T_INT } },
	    .row = row_dates },
	[C_PRECISION] = { "precision", K_MAX, &maxdates, "--max-dates",
	    "dates unlike their precision", S_DATES,
	    .cols = { { "album", NULL, T_STR }, { "release_date", NULL, T_QUOTED },
	    { "precision", NULL, T_QUOTED }, { "problem", NULL, T_STR } },
	    .row = row_dates },
	[C_RANGES] = { "ranges", K_MAX, &maxrange, "--max-range",
	    "values out of range", S_RANGES,
	    .cols = { { "column", NULL, T_STR }, { "id", NULL, T_STR },
	    { "value", NULL, T_QUOTED }, { "allowed", NULL, T_STR } } },
	[C_ORPHANS] = { "orphans", K_MAX, &maxorphans, "--max-orphans",
	    "references to missing rows", S_ORPHANS,
	    .cols = { { "table", NULL, T_STR }, { "id", NULL, T_STR },
	    { "missing", NULL, T_STR }, { "ref", NULL, T_QUOTED } } },
	[C_BEFORE] = { "before-release", K_NOTE, NULL, NULL,
	    "tracks played before release", S_BEFORE,
	    .cols = { { "track", NULL, T_STR }, { "first_played", NULL, T_STR },
	    { "release_date", NULL, T_STR }, { "album", NULL, T_STR } } },
	[C_NAMES] = { "names", K_MAX_PCT, &maxmismatch, "--max-mismatch",
	    "export names unlike Spotify's", S_NAMES,
	    .cols = { { "track", NULL, T_STR }, { "field", NULL, T_STR },
	    { "export", NULL, T_QUOTED }, { "spotify", NULL, T_QUOTED } },
	    .row = row_names, .section = "Correctness" },
	[C_REFETCH] = { "refetch", K_MAX, &maxchanged, "--max-changed",
	    "stored values the API now differs on", -1,
	    .cols = { { "type", NULL, T_STR }, { "id", NULL, T_STR },
	    { "field", NULL, T_STR }, { "stored", NULL, T_QUOTED },
	    { "api", NULL, T_QUOTED } }, .section = "Refetch" },
};

/* The columns of the nulls table: enriched rows that lack a value. */
#define NULLCOL(n, t, c, req)						\
	"SELECT " #n ", '" t "." c "', " #req ", "			\
	"coalesce(sum(status = 'ok' AND " c " IS NULL), 0), "		\
	"coalesce(sum(status IS NULL AND " c " IS NULL), 0), 0 FROM " t
/*
 * A track's ISRC and popularity are not in its album's track listing: a
 * track enriched from one has none by design, counted apart.
 */
#define LISTCOL(n, c)							\
	"SELECT " #n ", 'tracks." c "', 0, "				\
	"coalesce(sum(status = 'ok' AND " c " IS NULL"			\
	" AND NOT from_listing), 0), "					\
	"coalesce(sum(status IS NULL AND " c " IS NULL), 0), "		\
	"coalesce(sum(status = 'ok' AND " c " IS NULL"			\
	" AND from_listing), 0) FROM tracks"
/*
 * An album's label, popularity and upc come only with the album itself:
 * a track embeds its album without them.  An album that has none of the
 * three was never fetched as an album, so they are not fetched, not
 * missing; an album fetch that left one empty is the API giving none.
 */
#define EMBEDDED							\
	"(label IS NULL AND popularity IS NULL AND upc IS NULL)"
#define ALBUMCOL(n, c)							\
	"SELECT " #n ", 'albums." c "', 0, "				\
	"coalesce(sum(status = 'ok' AND " c " IS NULL AND NOT "	\
	EMBEDDED "), 0), "						\
	"coalesce(sum((status IS NULL OR (status = 'ok' AND "		\
	EMBEDDED ")) AND " c " IS NULL), 0), 0 FROM albums"
#define NULLROW(t, c)							\
	"SELECT '" t "." c "', id FROM " t				\
	" WHERE status = 'ok' AND " c " IS NULL"
#define NOARTISTS							\
	"NOT EXISTS (SELECT 1 FROM track_artists ta"			\
	" WHERE ta.track_id = t.id)"
#define PLAYED								\
	"pt AS (SELECT track_id, sum(ms_played) AS ms FROM plays"	\
	" WHERE track_id IS NOT NULL GROUP BY track_id)"

static const char *const sql[NSTMT] = {
	[S_TOTALS] =
	    "SELECT count(*), coalesce(sum(p.ms_played), 0),"
	    " coalesce(sum(p.track_id IS NULL), 0),"
	    " coalesce(sum(CASE WHEN p.track_id IS NULL"
	    " THEN p.ms_played END), 0),"
	    " coalesce(sum(p.track_id IS NULL AND p.source = 'account'), 0),"
	    " count(DISTINCT p.track_id),"
	    " coalesce(sum(CASE WHEN t.status = 'ok'"
	    " THEN p.ms_played END), 0),"
	    " coalesce(sum(CASE WHEN t.status = 'not_found'"
	    " THEN p.ms_played END), 0)"
	    " FROM plays p LEFT JOIN tracks t ON t.id = p.track_id",
	[S_STATUS] =
	    "SELECT 0, count(*), coalesce(sum(status = 'ok'), 0),"
	    " coalesce(sum(status IS NULL), 0),"
	    " coalesce(sum(status = 'not_found'), 0) FROM tracks"
	    " UNION ALL SELECT 1, count(*), coalesce(sum(status = 'ok'), 0),"
	    " coalesce(sum(status IS NULL), 0),"
	    " coalesce(sum(status = 'not_found'), 0) FROM albums"
	    " UNION ALL SELECT 2, count(*), coalesce(sum(status = 'ok'), 0),"
	    " coalesce(sum(status IS NULL), 0),"
	    " coalesce(sum(status = 'not_found'), 0) FROM artists",
	[S_ARTIST_GENRES] =
	    "SELECT coalesce(sum(EXISTS (SELECT 1 FROM artist_genres g"
	    " WHERE g.artist_id = a.id)), 0),"
	    " coalesce(sum(a.status = 'ok' AND a.genre_count = 0), 0),"
	    " coalesce(sum(a.status = 'ok' AND a.genre_count IS NULL), 0)"
	    " FROM artists a",
	/* ?1: '' for the tracks not enriched, or 'not_found'. */
	[S_TRACKS_BY_STATUS] =
	    "SELECT p.track_id, count(*), sum(p.ms_played), max(p.track_name)"
	    " FROM plays p LEFT JOIN tracks t ON t.id = p.track_id"
	    " WHERE p.track_id IS NOT NULL AND coalesce(t.status, '') = ?1"
	    " GROUP BY p.track_id ORDER BY 3 DESC, 1",
	[S_PENDING] =
	    "SELECT 'track', t.id, coalesce(sum(p.ms_played), 0)"
	    " FROM tracks t LEFT JOIN plays p ON p.track_id = t.id"
	    " WHERE t.status IS NULL GROUP BY t.id"
	    " UNION ALL SELECT 'album', al.id, coalesce(sum(p.ms_played), 0)"
	    " FROM albums al LEFT JOIN tracks t ON t.album_id = al.id"
	    " LEFT JOIN plays p ON p.track_id = t.id"
	    " WHERE al.status IS NULL GROUP BY al.id"
	    " UNION ALL SELECT 'artist', a.id, coalesce(sum(p.ms_played), 0)"
	    " FROM artists a LEFT JOIN track_artists ta ON ta.artist_id = a.id"
	    " LEFT JOIN plays p ON p.track_id = ta.track_id"
	    " WHERE a.status IS NULL GROUP BY a.id"
	    " ORDER BY 3 DESC, 1 DESC, 2",
	[S_NULLS] =
	    NULLCOL(1, "tracks", "name", 1)
	    " UNION ALL " NULLCOL(2, "tracks", "album_id", 1)
	    " UNION ALL " NULLCOL(3, "tracks", "duration_ms", 1)
	    " UNION ALL " NULLCOL(4, "tracks", "explicit", 1)
	    " UNION ALL " NULLCOL(5, "tracks", "disc_number", 1)
	    " UNION ALL " NULLCOL(6, "tracks", "track_number", 1)
	    " UNION ALL SELECT 7, 'tracks.artists', 1,"
	    " coalesce(sum(t.status = 'ok' AND " NOARTISTS "), 0),"
	    " coalesce(sum(t.status IS NULL AND " NOARTISTS "), 0), 0"
	    " FROM tracks t"
	    " UNION ALL " LISTCOL(8, "popularity")
	    " UNION ALL " LISTCOL(9, "isrc")
	    " UNION ALL " NULLCOL(10, "albums", "name", 1)
	    " UNION ALL " NULLCOL(11, "albums", "album_type", 1)
	    " UNION ALL " NULLCOL(12, "albums", "release_date", 1)
	    " UNION ALL " NULLCOL(13, "albums", "release_date_precision", 1)
	    " UNION ALL " NULLCOL(14, "albums", "total_tracks", 1)
	    " UNION ALL " NULLCOL(15, "albums", "release_year", 0)
	    " UNION ALL " ALBUMCOL(16, "label")
	    " UNION ALL " ALBUMCOL(17, "popularity")
	    " UNION ALL " ALBUMCOL(18, "upc")
	    " UNION ALL " NULLCOL(19, "artists", "name", 1)
	    " UNION ALL " NULLCOL(20, "artists", "genre_count", 0)
	    " UNION ALL " NULLCOL(21, "artists", "popularity", 0)
	    " UNION ALL " NULLCOL(22, "artists", "followers", 0)
	    " ORDER BY 1",
	[S_NULL_ROWS] =
	    NULLROW("tracks", "name")
	    " UNION ALL " NULLROW("tracks", "album_id")
	    " UNION ALL " NULLROW("tracks", "duration_ms")
	    " UNION ALL " NULLROW("tracks", "explicit")
	    " UNION ALL " NULLROW("tracks", "disc_number")
	    " UNION ALL " NULLROW("tracks", "track_number")
	    " UNION ALL SELECT 'tracks.artists', id FROM tracks t"
	    " WHERE t.status = 'ok' AND " NOARTISTS
	    " UNION ALL " NULLROW("albums", "name")
	    " UNION ALL " NULLROW("albums", "album_type")
	    " UNION ALL " NULLROW("albums", "release_date")
	    " UNION ALL " NULLROW("albums", "release_date_precision")
	    " UNION ALL " NULLROW("albums", "total_tracks")
	    " UNION ALL " NULLROW("artists", "name")
	    " ORDER BY 1, 2",
	[S_GENRES] =
	    "SELECT 'artist_genres', artist_id, genre FROM artist_genres"
	    " UNION ALL SELECT 'genres', NULL, genre FROM genres"
	    " ORDER BY 1, 2, 3",
	[S_GENRE_DUPS] =
	    "SELECT artist_id, genre, count(*) FROM artist_genres"
	    " GROUP BY artist_id, genre HAVING count(*) > 1 ORDER BY 1, 2",
	[S_GENRE_COUNT] =
	    "SELECT id, genre_count, n FROM (SELECT a.id, a.genre_count,"
	    " (SELECT count(*) FROM artist_genres g WHERE g.artist_id = a.id)"
	    " AS n FROM artists a WHERE a.genre_count IS NOT NULL)"
	    " WHERE genre_count <> n ORDER BY 1",
	[S_FAMILY_NAMES] =
	    "SELECT genre, family FROM genres WHERE family IS NOT NULL"
	    " ORDER BY 1",
	[S_IDS] =
	    "SELECT DISTINCT 'plays.track_id', track_id FROM plays"
	    " WHERE track_id IS NOT NULL"
	    " UNION ALL SELECT 'tracks.id', id FROM tracks"
	    " UNION ALL SELECT 'tracks.album_id', album_id FROM tracks"
	    " WHERE album_id IS NOT NULL"
	    " UNION ALL SELECT 'tracks.linked_id', linked_id FROM tracks"
	    " WHERE linked_id IS NOT NULL"
	    " UNION ALL SELECT 'albums.id', id FROM albums"
	    " UNION ALL SELECT 'artists.id', id FROM artists"
	    " UNION ALL SELECT DISTINCT 'track_artists.track_id', track_id"
	    " FROM track_artists"
	    " UNION ALL SELECT DISTINCT 'track_artists.artist_id', artist_id"
	    " FROM track_artists"
	    " UNION ALL SELECT DISTINCT 'artist_genres.artist_id', artist_id"
	    " FROM artist_genres",
	/* Listening time with genres, and with a family (any artist). */
	[S_FAMILIES] =
	    "WITH " PLAYED
	    " SELECT coalesce(sum(CASE WHEN EXISTS (SELECT 1"
	    " FROM track_artists ta JOIN artist_genres ag"
	    " ON ag.artist_id = ta.artist_id WHERE ta.track_id = pt.track_id)"
	    " THEN pt.ms END), 0),"
	    " coalesce(sum(CASE WHEN EXISTS (SELECT 1"
	    " FROM track_artists ta JOIN artist_genres ag"
	    " ON ag.artist_id = ta.artist_id"
	    " JOIN genres g ON g.genre = ag.genre"
	    " WHERE ta.track_id = pt.track_id AND g.family IS NOT NULL)"
	    " THEN pt.ms END), 0) FROM pt",
	[S_UNMAPPED] =
	    "WITH " PLAYED ","
	    " gt AS (SELECT DISTINCT ag.genre, ta.track_id"
	    " FROM artist_genres ag"
	    " JOIN genres g ON g.genre = ag.genre AND g.family IS NULL"
	    " JOIN track_artists ta ON ta.artist_id = ag.artist_id),"
	    " gm AS (SELECT gt.genre, sum(pt.ms) AS ms FROM gt"
	    " JOIN pt ON pt.track_id = gt.track_id GROUP BY gt.genre)"
	    " SELECT g.genre, (SELECT count(*) FROM artist_genres x"
	    " WHERE x.genre = g.genre), coalesce(gm.ms, 0) FROM genres g"
	    " LEFT JOIN gm ON gm.genre = g.genre WHERE g.family IS NULL"
	    " ORDER BY 3 DESC, 2 DESC, 1",
	[S_DATES] =
	    "SELECT id, release_date, release_date_precision, release_year"
	    " FROM albums WHERE release_date IS NOT NULL"
	    " OR release_date_precision IS NOT NULL"
	    " OR release_year IS NOT NULL ORDER BY id",
	[S_RANGES] =
	    "SELECT 'tracks.duration_ms', id, duration_ms, '1000..86400000'"
	    " FROM tracks WHERE duration_ms NOT BETWEEN 1000 AND 86400000"
	    " UNION ALL SELECT 'tracks.popularity', id, popularity, '0..100'"
	    " FROM tracks WHERE popularity NOT BETWEEN 0 AND 100"
	    " UNION ALL SELECT 'tracks.explicit', id, explicit, '0, 1'"
	    " FROM tracks WHERE explicit NOT IN (0, 1)"
	    " UNION ALL SELECT 'tracks.disc_number', id, disc_number, '>= 1'"
	    " FROM tracks WHERE disc_number < 1 OR typeof(disc_number) = 'text'"
	    " UNION ALL SELECT 'tracks.track_number', id, track_number, '>= 1'"
	    " FROM tracks WHERE track_number < 1"
	    " OR typeof(track_number) = 'text'"
	    " UNION ALL SELECT 'albums.album_type', id, album_type,"
	    " 'album, single, compilation' FROM albums"
	    " WHERE album_type NOT IN ('album', 'single', 'compilation')"
	    " UNION ALL SELECT 'albums.total_tracks', id, total_tracks, '>= 1'"
	    " FROM albums WHERE total_tracks < 1"
	    " OR typeof(total_tracks) = 'text'"
	    " UNION ALL SELECT 'albums.popularity', id, popularity, '0..100'"
	    " FROM albums WHERE popularity NOT BETWEEN 0 AND 100"
	    " UNION ALL SELECT 'artists.popularity', id, popularity, '0..100'"
	    " FROM artists WHERE popularity NOT BETWEEN 0 AND 100"
	    " UNION ALL SELECT 'artists.followers', id, followers, '>= 0'"
	    " FROM artists WHERE followers < 0 OR typeof(followers) = 'text'"
	    " UNION ALL SELECT 'artists.genre_count', id, genre_count, '>= 0'"
	    " FROM artists WHERE genre_count < 0"
	    " OR typeof(genre_count) = 'text'"
	    " UNION ALL SELECT 'plays.ms_played', id, ms_played, '>= 0'"
	    " FROM plays WHERE ms_played < 0 OR typeof(ms_played) = 'text'"
	    " ORDER BY 1, 2",
	[S_ORPHANS] =
	    "SELECT 'track_artists', ta.track_id, 'artists', ta.artist_id"
	    " FROM track_artists ta WHERE NOT EXISTS (SELECT 1 FROM artists a"
	    " WHERE a.id = ta.artist_id)"
	    " UNION SELECT 'track_artists', ta.track_id, 'tracks', ta.track_id"
	    " FROM track_artists ta WHERE NOT EXISTS (SELECT 1 FROM tracks t"
	    " WHERE t.id = ta.track_id)"
	    " UNION SELECT 'tracks', t.id, 'albums', t.album_id FROM tracks t"
	    " WHERE t.album_id IS NOT NULL AND NOT EXISTS (SELECT 1"
	    " FROM albums al WHERE al.id = t.album_id)"
	    " UNION SELECT 'artist_genres', ag.artist_id, 'artists',"
	    " ag.artist_id FROM artist_genres ag WHERE NOT EXISTS (SELECT 1"
	    " FROM artists a WHERE a.id = ag.artist_id)"
	    " UNION SELECT 'artist_genres', ag.artist_id, 'genres', ag.genre"
	    " FROM artist_genres ag WHERE NOT EXISTS (SELECT 1 FROM genres g"
	    " WHERE g.genre = ag.genre)"
	    " UNION SELECT 'plays', p.track_id, 'tracks', p.track_id"
	    " FROM plays p WHERE p.track_id IS NOT NULL AND NOT EXISTS"
	    " (SELECT 1 FROM tracks t WHERE t.id = p.track_id)"
	    " ORDER BY 1, 2, 3, 4",
	/* A play's ts is its end: the first one, at the date's precision. */
	[S_BEFORE] =
	    "SELECT t.id, f.first, al.release_date, al.id FROM (SELECT"
	    " track_id, min(ts) AS first FROM plays WHERE track_id IS NOT NULL"
	    " GROUP BY track_id) f JOIN tracks t ON t.id = f.track_id"
	    " JOIN albums al ON al.id = t.album_id"
	    " WHERE al.release_date IS NOT NULL"
	    " AND substr(f.first, 1, length(al.release_date)) < al.release_date"
	    " ORDER BY f.first, t.id",
	[S_NAMES] =
	    "SELECT DISTINCT p.track_id, p.track_name, p.artist_name, t.name"
	    " FROM plays p JOIN tracks t ON t.id = p.track_id"
	    " WHERE t.status = 'ok'"
	    " AND (p.track_name IS NOT NULL OR p.artist_name IS NOT NULL)"
	    " ORDER BY 1, 2, 3",
	[S_TRACK_ARTISTS] =
	    "SELECT ta.artist_id, a.name FROM track_artists ta"
	    " LEFT JOIN artists a ON a.id = ta.artist_id"
	    " WHERE ta.track_id = ?1 ORDER BY ta.position",
	/* ?1 the seed, ?2 how many. */
	[S_SAMPLE_TRACKS] =
	    "SELECT t.id, t.name, t.duration_ms, al.id, al.name, al.album_type,"
	    " al.release_date, al.release_date_precision, al.release_year,"
	    " (SELECT count(*) FROM plays p WHERE p.track_id = t.id),"
	    " (SELECT coalesce(sum(p.ms_played), 0) FROM plays p"
	    " WHERE p.track_id = t.id)"
	    " FROM tracks t LEFT JOIN albums al ON al.id = t.album_id"
	    " WHERE t.status = 'ok' ORDER BY sp_rank(t.id, ?1), t.id LIMIT ?2",
	[S_TRACK_GENRES] =
	    "SELECT ag.genre FROM track_artists ta JOIN artist_genres ag"
	    " ON ag.artist_id = ta.artist_id WHERE ta.track_id = ?1"
	    " GROUP BY ag.genre"
	    " ORDER BY min(ta.position * 1000 + ag.position), ag.genre",
	[S_SAMPLE_ARTISTS] =
	    "SELECT id, name, popularity, followers, genre_count FROM artists"
	    " WHERE status = 'ok' ORDER BY sp_rank(id, ?1), id LIMIT ?2",
	[S_GENRES_OF] =
	    "SELECT ag.genre, g.family FROM artist_genres ag"
	    " LEFT JOIN genres g ON g.genre = ag.genre"
	    " WHERE ag.artist_id = ?1 ORDER BY ag.position",
	[S_STORED_TRACK] =
	    "SELECT t.name, t.duration_ms, t.explicit, t.isrc, t.album_id,"
	    " t.linked_id, al.release_date, t.from_listing FROM tracks t"
	    " LEFT JOIN albums al ON al.id = t.album_id WHERE t.id = ?1",
	[S_STORED_ARTIST] =
	    "SELECT name, genre_count FROM artists WHERE id = ?1",
};

/* The totals: the columns of S_TOTALS. */
enum {
	TOT_PLAYS, TOT_MS, TOT_NOID, TOT_MSNOID, TOT_ACCOUNT, TOT_PLAYED,
	TOT_MSOK, TOT_MSNF, NTOT
};

struct totals {
	long long	 v[NTOT];
	long long	 n[3][4];	/* tracks, albums, artists: all, ok, */
					/* pending, not_found */
	long long	 g[3];		/* artists with genres, unclassified, */
					/* genres not said */
};

/* A row of the nulls table. */
struct nullcol {
	char		 col[40];
	int		 required;
	long long	 api;		/* enriched, but the API gave none */
	long long	 pending;	/* not fetched yet */
	long long	 listing;	/* from an album's listing: none there */
};

#define NNULLCOL	32

/* A growable string. */
struct sbuf {
	char		*s;
	size_t		 len, cap;
	int		 nomem;
};

struct audit {
	struct sp_store		*store;
	sqlite3			*db;
	sqlite3_stmt		*st[NSTMT];
	struct sp_jsonw		*w;		/* --json */
	const char		*path;
	int			 maxyear;	/* next year */
	struct totals		 t;
	/* The check being run. */
	int			 cur;
	unsigned long long	 count;		/* findings */
	long long		 num, den;	/* a share */
	struct sp_table		*ex[NCHECK];	/* the examples kept */
	size_t			 nex;		/* examples kept */
	int			 ncell;		/* cells of the last one */
	int			 keep;		/* the last finding is kept */
	int			 nomem;		/* an example was lost */
	struct nullcol		 nulls[NNULLCOL];
	size_t			 nnulls;
	int			 failed[NCHECK];
	int			 nfailed;
	struct sbuf		 sa, sb, sc;	/* scratch */
	/* --refetch */
	struct sp_api		*api;
	unsigned long		 asked, answered;
};

_Noreturn static void
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: sp-audit [-hqV] [-d file] [--json] [--examples n] "
	    "[--sample n]\n"
	    "                [--seed n] [--refetch n] [--secret-file file]\n"
	    "                [--min-coverage pct] [--max-not-found pct] "
	    "[--max-pending n]\n"
	    "                [--max-nulls n] [--max-format n] "
	    "[--min-families pct]\n"
	    "                [--max-dates n] [--max-range n] "
	    "[--max-orphans n]\n"
	    "                [--max-mismatch pct] [--max-changed n]\n"
	    "  -d, --db file            the database (default $SP_DB, else "
	    "~/.local/share/sp/sp.db)\n"
	    "  --examples n             findings shown per check (default 5)\n"
	    "  -h, --help               print this help and exit\n"
	    "  --json                   one JSON object instead of the "
	    "report\n"
	    "  --max-changed n          values that differ on --refetch "
	    "(default 0)\n"
	    "  --max-dates n            release date problems (default 0)\n"
	    "  --max-format n           genre and id format problems "
	    "(default 0)\n"
	    "  --max-mismatch pct       export names unlike Spotify's "
	    "(default 2)\n"
	    "  --max-not-found pct      listening time of tracks not found "
	    "(default 5)\n"
	    "  --max-nulls n            required values missing (default 0)\n"
	    "  --max-orphans n          references to missing rows "
	    "(default 0)\n"
	    "  --max-pending n          rows not fetched yet (default 0)\n"
	    "  --max-range n            values out of range (default 0)\n"
	    "  --min-coverage pct       listening time enriched (default 95)\n"
	    "  --min-families pct       genre listening time with a family "
	    "(default 80)\n"
	    "  -q, --quiet              only the failing checks and the "
	    "verdict\n"
	    "  --refetch n              fetch n tracks and n artists again "
	    "and compare\n"
	    "  --sample n               print n random tracks and artists\n"
	    "  --secret-file file       read the client secret from file "
	    "(mode 0600)\n"
	    "  --seed n                 seed of --sample and --refetch "
	    "(default: the time)\n"
	    "  -V, --version            print the version and exit\n");
	exit(status);
}

/* Numeric option c, from optarg; usage() when c is none. */
static void
numopt(int c)
{
	const struct option *o;
	size_t i;

	for (i = 0; i < NITEMS(numopts) && numopts[i].opt != c; i++)
		;
	if (i == NITEMS(numopts))
		usage(stderr, SP_USAGE);
	for (o = longopts; o->name != NULL && o->val != c; o++)
		;
	if (sp_opt_long(o->name, optarg, numopts[i].min, numopts[i].max,
	    numopts[i].var) != 0)
		usage(stderr, SP_USAGE);
}

/*
 * Strings.
 */

static void
sb_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

/* Room for n more bytes and a NUL; 0, or -1 out of memory. */
static int
sb_reserve(struct sbuf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->nomem)
		return -1;
	if (b->len + n + 1 > b->cap) {
		for (cap = b->cap ? b->cap : 256; cap < b->len + n + 1;
		    cap *= 2)
			;
		if ((p = realloc(b->s, cap)) == NULL) {
			b->nomem = 1;
			return -1;
		}
		b->s = p;
		b->cap = cap;
	}
	return 0;
}

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (sb_reserve(b, n) != 0)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
sb_addz(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* s, or "" while nothing was added. */
static const char *
sb_str(const struct sbuf *b)
{
	return b->s != NULL ? b->s : "";
}

/* ", " unless b is empty, then name ("?" for none) and " (paren)". */
static void
join_named(struct sbuf *b, const char *name, const char *paren)
{
	if (b->len > 0)
		sb_addz(b, ", ");
	sb_addz(b, name != NULL ? name : "?");
	if (paren != NULL) {
		sb_addz(b, " (");
		sb_addz(b, paren);
		sb_addz(b, ")");
	}
}

/* s with control characters shown as '?'. */
static void
putsafe(const char *s)
{
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

/*
 * The database.
 */

static int
dberr(struct audit *a)
{
	sp_warnx_at(NULL, "database: %s", sqlite3_errmsg(a->db));
	return SP_FATAL_DB;
}

/* After a statement's rows: reset it; SP_OK, or SP_FATAL_DB if rc says. */
static int
done(struct audit *a, sqlite3_stmt *st, int rc)
{
	int status = SP_OK;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		status = dberr(a);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return status;
}

static const char *
text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Statement s with id bound to ?1. */
static sqlite3_stmt *
bound(struct audit *a, int s, const char *id)
{
	sqlite3_bind_text(a->st[s], 1, id, -1, SQLITE_TRANSIENT);
	return a->st[s];
}

/* FNV-1a of the seed and the text, mixed: a repeatable random order. */
static void
rank_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	const unsigned char *s;
	uint64_t h = 0xcbf29ce484222325ULL, v;
	int i, n;

	(void)argc;
	v = (uint64_t)sqlite3_value_int64(argv[1]);
	for (i = 0; i < 8; i++) {
		h ^= (v >> (i * 8)) & 0xff;
		h *= 0x100000001b3ULL;
	}
	s = sqlite3_value_text(argv[0]);
	n = sqlite3_value_bytes(argv[0]);
	for (i = 0; s != NULL && i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	sqlite3_result_int64(cx, (sqlite3_int64)(h >> 1));
}

/*
 * JSON.
 */

static void
jint(struct sp_jsonw *w, const char *key, long long v)
{
	sp_jsonw_key(w, key);
	sp_jsonw_int(w, v);
}

static void
jstr(struct sp_jsonw *w, const char *key, const char *s)
{
	sp_jsonw_key(w, key);
	sp_jsonw_strz(w, s);
}

/* Integer column i of a row, or null. */
static void
jcol(struct sp_jsonw *w, const char *key, sqlite3_stmt *st, int i)
{
	sp_jsonw_key(w, key);
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		sp_jsonw_null(w);
	else
		sp_jsonw_int(w, sqlite3_column_int64(st, i));
}

/*
 * Findings: a check is begun, gets its findings (the first few kept as
 * examples, with their cells), then is finished: judged and shown.
 */

static int
ncols(const struct check *c)
{
	int n;

	for (n = 0; n < MAXCOLS && c->cols[n].key != NULL; n++)
		;
	return n;
}

static void
begin(struct audit *a, int c)
{
	a->cur = c;
	a->count = 0;
	a->num = a->den = 0;
	a->nex = 0;
	a->keep = 0;
	if (a->ex[c] == NULL &&
	    (a->ex[c] = sp_table_new(checks[c].cols, ncols(&checks[c]))) ==
	    NULL)
		a->nomem = 1;
	else
		sp_table_clear(a->ex[c]);
}

/* One more finding; its cells follow, kept for the first few. */
static void
finding(struct audit *a)
{
	a->count++;
	a->keep = a->ex[a->cur] != NULL && a->nex < (size_t)examples;
	if (a->keep) {
		if (sp_table_row(a->ex[a->cur]) != 0)
			a->nomem = 1;
		a->nex++;
		a->ncell = 0;
	}
}

/* The column of the next cell of the finding kept; -1: not kept. */
static int
nextcell(struct audit *a)
{
	if (!a->keep || a->ncell == MAXCOLS)
		return -1;
	return a->ncell++;
}

static void
cell_str(struct audit *a, const char *s)
{
	int k;

	if ((k = nextcell(a)) >= 0)
		sp_table_str(a->ex[a->cur], k, s);
}

static void
cell_int(struct audit *a, long long i)
{
	int k;

	if ((k = nextcell(a)) >= 0)
		sp_table_int(a->ex[a->cur], k, i);
}

/* Column i of a row, as its type says. */
static void
cell_col(struct audit *a, sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		(void)nextcell(a);
		break;
	case SQLITE_INTEGER:
		cell_int(a, sqlite3_column_int64(st, i));
		break;
	default:
		cell_str(a, text(st, i));
	}
}

static void
print_examples(struct audit *a)
{
	static const struct sp_table_style style = { .indent = INDENT,
	    .bar = -1, .left = 1 };
	char num[32];

	if (a->ex[a->cur] != NULL && sp_table_text(a->ex[a->cur], stdout,
	    &style) != 0)
		a->nomem = 1;
	if (a->count > a->nex)
		printf(INDENT "... and %s more\n",
		    sp_fmt_count(a->count - a->nex, num));
}

/* A share in hundredths of a percent, rounded toward failing. */
static long long
hundredths(long long num, long long den, int up)
{
	return (num * 10000 + (up ? den - 1 : 0)) / den;
}

static void
json_check(struct audit *a, int pass)
{
	const struct check *c = &checks[a->cur];
	struct sp_jsonw *w = a->w;
	int count = c->kind == K_MAX || c->kind == K_NOTE;
	size_t i;

	sp_jsonw_obj(w);
	jstr(w, "name", c->name);
	jstr(w, "what", c->what);
	sp_jsonw_key(w, "value");
	if (count)
		sp_jsonw_int(w, (long long)a->count);
	else if (a->den == 0)
		sp_jsonw_null(w);
	else
		sp_jsonw_real(w, (double)hundredths(a->num, a->den,
		    c->kind == K_MAX_PCT) / 100.0, 2);
	jstr(w, "unit", count ? "count" : "percent");
	jstr(w, "limit", c->kind == K_NOTE ? NULL : c->kind == K_MIN_PCT ?
	    "min" : "max");
	sp_jsonw_key(w, "threshold");
	if (c->limit != NULL)
		sp_jsonw_int(w, *c->limit);
	else
		sp_jsonw_null(w);
	jstr(w, "flag", c->flag);
	sp_jsonw_key(w, "pass");
	sp_jsonw_bool(w, pass);
	if (!count) {
		jint(w, "numerator", a->num);
		jint(w, "denominator", a->den);
	}
	jint(w, "count", (long long)a->count);
	if (a->cur == C_REFETCH) {
		jint(w, "asked", (long long)a->asked);
		jint(w, "compared", (long long)a->answered);
	}
	if (a->cur == C_NULLS) {
		sp_jsonw_key(w, "columns");
		sp_jsonw_arr(w);
		for (i = 0; i < a->nnulls; i++) {
			sp_jsonw_obj(w);
			jstr(w, "column", a->nulls[i].col);
			sp_jsonw_key(w, "required");
			sp_jsonw_bool(w, a->nulls[i].required);
			jint(w, "api", a->nulls[i].api);
			jint(w, "pending", a->nulls[i].pending);
			jint(w, "listing", a->nulls[i].listing);
			sp_jsonw_end(w);
		}
		sp_jsonw_end(w);
	}
	sp_jsonw_key(w, "examples");
	if (a->ex[a->cur] != NULL)
		sp_table_jsonw(a->ex[a->cur], w);
	else
		sp_jsonw_null(w);
	jint(w, "more", (long long)(a->count - a->nex));
	sp_jsonw_end(w);
}

/* Judge the check begun and show it. */
static void
finish(struct audit *a)
{
	const struct check *c = &checks[a->cur];
	char value[32], limit[32];
	long long h;
	int pass;

	switch (c->kind) {
	case K_MAX:
		pass = a->count <= (unsigned long long)*c->limit;
		break;
	case K_MAX_PCT:
		pass = a->den == 0 || a->num * 100 <= *c->limit * a->den;
		break;
	case K_MIN_PCT:
		pass = a->den == 0 || a->num * 100 >= *c->limit * a->den;
		break;
	default:
		pass = 1;
	}
	if (!pass)
		a->failed[a->nfailed++] = a->cur;
	if (json) {
		json_check(a, pass);
		return;
	}
	if (quiet && pass)
		return;
	if (c->kind == K_MAX || c->kind == K_NOTE)
		sp_fmt_count(a->count, value);
	else if (a->den == 0)
		strcpy(value, "n/a");
	else {
		h = hundredths(a->num, a->den, c->kind == K_MAX_PCT);
		/* Tenths, rounded toward failing too. */
		h = c->kind == K_MAX_PCT ? (h + 9) / 10 : h / 10;
		snprintf(value, sizeof(value), "%lld.%lld%%", h / 10, h % 10);
	}
	if (c->kind == K_NOTE)
		limit[0] = '\0';
	else
		snprintf(limit, sizeof(limit), "%s %lld%s", c->kind ==
		    K_MIN_PCT ? "min" : "max", *c->limit, c->kind == K_MAX ?
		    "" : "%");
	printf("  %-4s  %-16s %7s  %-8s  %s\n", c->kind == K_NOTE ? "note" :
	    pass ? "ok" : "FAIL", c->name, value, limit, c->what);
	print_examples(a);
}

static void
section(const char *title)
{
	if (!json && !quiet)
		printf("\n%s\n", title);
}

/*
 * The totals.
 */

/* The first n columns of the one row of statement s, into v. */
static int
one_row(struct audit *a, int s, long long *v, int n)
{
	sqlite3_stmt *st = a->st[s];
	int rc, i;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (i = 0; i < n; i++)
			v[i] = sqlite3_column_int64(st, i);
	return done(a, st, rc);
}

static int
get_totals(struct audit *a)
{
	struct totals *t = &a->t;
	sqlite3_stmt *st = a->st[S_STATUS];
	int rc, k, i;

	memset(t, 0, sizeof(*t));
	if (one_row(a, S_TOTALS, t->v, NTOT) != SP_OK)
		return SP_FATAL_DB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((k = sqlite3_column_int(st, 0)) >= 0 && k < 3)
			for (i = 0; i < 4; i++)
				t->n[k][i] = sqlite3_column_int64(st, i + 1);
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	return one_row(a, S_ARTIST_GENRES, t->g, 3);
}

static void
show_totals(struct audit *a)
{
	static const char *const kinds[] = { "tracks", "albums", "artists" };
	static const char *const keys[NTOT] = { "plays", "ms_played",
	    "plays_without_track_id", "ms_without_track_id", "account_plays",
	    "tracks_played", "ms_enriched", "ms_not_found" };
	static const char *const nkeys[] = { "total", "ok", "pending",
	    "not_found" };
	static const char *const gkeys[] = { "with_genres", "unclassified",
	    "genres_not_said" };
	const struct totals *t = &a->t;
	const long long *v = t->v;
	char c[4][32], d[32];
	int k, i;

	if (json) {
		sp_jsonw_key(a->w, "totals");
		sp_jsonw_obj(a->w);
		for (i = 0; i < NTOT; i++)
			jint(a->w, keys[i], v[i]);
		for (k = 0; k < 3; k++) {
			sp_jsonw_key(a->w, kinds[k]);
			sp_jsonw_obj(a->w);
			for (i = 0; i < 4; i++)
				jint(a->w, nkeys[i], t->n[k][i]);
			for (i = 0; k == 2 && i < 3; i++)
				jint(a->w, gkeys[i], t->g[i]);
			sp_jsonw_end(a->w);
		}
		sp_jsonw_end(a->w);
		return;
	}
	if (quiet)
		return;
	printf("Audit of %s\n\nTotals\n", a->path);
	printf("  %-18s %9s  %7s\n", "plays", sp_fmt_count(v[TOT_PLAYS], c[0]),
	    sp_fmt_secs(v[TOT_MS] / 1000, d));
	printf("    %-16s %9s  %7s\n", "with a track id",
	    sp_fmt_count(v[TOT_PLAYS] - v[TOT_NOID], c[0]),
	    sp_fmt_secs((v[TOT_MS] - v[TOT_MSNOID]) / 1000, d));
	if (v[TOT_NOID] > 0)
		printf("    %-16s %9s  %7s  %s\n", "without",
		    sp_fmt_count(v[TOT_NOID], c[0]),
		    sp_fmt_secs(v[TOT_MSNOID] / 1000, d),
		    v[TOT_ACCOUNT] == v[TOT_NOID] ?
		    "account-data export: cannot be enriched" :
		    "cannot be enriched");
	printf("  %-18s %9s\n", "tracks played",
	    sp_fmt_count(v[TOT_PLAYED], c[0]));
	for (k = 0; k < 3; k++)
		printf("  %-18s %9s  %s enriched, %s pending, %s not found\n",
		    kinds[k], sp_fmt_count(t->n[k][0], c[0]),
		    sp_fmt_count(t->n[k][1], c[1]),
		    sp_fmt_count(t->n[k][2], c[2]),
		    sp_fmt_count(t->n[k][3], c[3]));
	printf("    %-16s %9s  %s not classified, %s not said by the API\n",
	    "with a genre", sp_fmt_count(t->g[0], c[0]),
	    sp_fmt_count(t->g[1], c[1]), sp_fmt_count(t->g[2], c[2]));
}

/*
 * The checks: each runs its statement, its rows through its row
 * function, then is judged and shown.
 */

/* Every column of the row, a finding. */
static int
row_cols(struct audit *a, sqlite3_stmt *st)
{
	int i, n = ncols(&checks[a->cur]);

	finding(a);
	for (i = 0; i < n; i++)
		cell_col(a, st, i);
	return SP_OK;
}

/* A genre not as sp-normalize would have stored it. */
static int
row_format(struct audit *a, sqlite3_stmt *st)
{
	const char *g = text(st, 2), *problem;
	size_t n = (size_t)sqlite3_column_bytes(st, 2);
	int r;

	sb_reset(&a->sa);
	if (sb_reserve(&a->sa, n) != 0) {
		sp_warnx_at(NULL, "out of memory");
		return SP_FATAL_IO;
	}
	r = g != NULL ? sp_genre_norm(g, n, a->sa.s, n + 1) : 0;
	if (r > 0 && (size_t)r == n && memcmp(a->sa.s, g, n) == 0)
		return SP_OK;
	problem = r > 0 ? "not normalized" : r == 0 ? "empty" : "bad bytes";
	finding(a);
	cell_col(a, st, 0);
	cell_col(a, st, 1);
	cell_str(a, g);
	cell_str(a, problem);
	cell_str(a, r > 0 ? a->sa.s : NULL);
	return SP_OK;
}

static int
row_family(struct audit *a, sqlite3_stmt *st)
{
	return sp_genre_is_family(text(st, 1)) ? SP_OK : row_cols(a, st);
}

static int
row_id(struct audit *a, sqlite3_stmt *st)
{
	const char *id = text(st, 1);

	if (id != NULL && sp_id_valid(id, (size_t)sqlite3_column_bytes(st,
	    1)))
		return SP_OK;
	finding(a);
	cell_col(a, st, 0);
	cell_str(a, id);
	return SP_OK;
}

/* The listening time with genres, and with a family. */
static int
row_families(struct audit *a, sqlite3_stmt *st)
{
	a->den = sqlite3_column_int64(st, 0);
	a->num = sqlite3_column_int64(st, 1);
	return SP_OK;
}

/* An album's date, precision and year, for the three checks on them. */
static int
row_dates(struct audit *a, sqlite3_stmt *st)
{
	static const char *const shapes[] = { "year", "month", "day" };
	static const char *const problems[] = { "the date is a year",
	    "the date is a month", "the date is a day" };
	const char *d = text(st, 1), *p = text(st, 2), *problem = NULL;
	long long ry;
	int k, y = 0, yok, hasy, plausible, found;

	hasy = sqlite3_column_type(st, 3) != SQLITE_NULL;
	ry = sqlite3_column_int64(st, 3);
	plausible = hasy && sqlite3_column_type(st, 3) == SQLITE_INTEGER &&
	    ry >= MINYEAR && ry <= a->maxyear;
	k = d != NULL ? sp_date_parse(d, &y) : -1;
	yok = k >= 0 && y >= MINYEAR && y <= a->maxyear;
	if (a->cur == C_PRECISION) {
		/* "0000" is how Spotify says it does not know: no defect. */
		if (d != NULL && k < 0 && strcmp(d, "0000") != 0)
			problem = "not a date";
		else if (p != NULL && strcmp(p, "year") != 0 &&
		    strcmp(p, "month") != 0 && strcmp(p, "day") != 0)
			problem = "unknown precision";
		else if (d != NULL && p != NULL && k >= 0 &&
		    strcmp(p, shapes[k]) != 0)
			problem = problems[k];
		if (problem == NULL)
			return SP_OK;
		finding(a);
		cell_col(a, st, 0);
		cell_col(a, st, 1);
		cell_col(a, st, 2);
		cell_str(a, problem);
		return SP_OK;
	}
	if (a->cur == C_RELEASE_YEARS)
		found = hasy && !plausible;
	else
		found = (!hasy || plausible) && (hasy != yok ||
		    (yok && ry != y));
	if (!found)
		return SP_OK;
	finding(a);
	cell_col(a, st, 0);
	cell_col(a, st, 3);
	cell_col(a, st, 1);
	if (a->cur == C_YEAR_DATE && yok)
		cell_int(a, y);
	return SP_OK;
}

/* Does name match one of the track's artists?  The first one in *first. */
static int
artist_match(struct audit *a, const char *track, const char *name,
    struct sbuf *first)
{
	sqlite3_stmt *st = bound(a, S_TRACK_ARTISTS, track);
	const char *s;
	int rc, k = 0, same = 0, r;

	sb_reset(first);
	while (!same && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((s = text(st, 1)) == NULL)
			continue;
		if (k++ == 0)
			sb_addz(first, s);
		if ((r = sp_name_same(name, s)) < 0) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return -1;
		}
		same = r;
	}
	if (!same && done(a, st, rc) != SP_OK)
		return -2;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return same;
}

/* A track's names in the export against Spotify's. */
static int
row_names(struct audit *a, sqlite3_stmt *st)
{
	const char *id = text(st, 0), *tn = text(st, 1), *an = text(st, 2);
	const char *sn = text(st, 3);
	int bad = 0, r;

	a->den++;
	if (tn != NULL) {
		if ((r = sn != NULL ? sp_name_same(tn, sn) : 0) < 0)
			goto nomem;
		if (r == 0) {
			finding(a);
			cell_str(a, id);
			cell_str(a, "name");
			cell_str(a, tn);
			cell_str(a, sn);
			bad = 1;
		}
	}
	if (an != NULL) {
		if ((r = artist_match(a, id, an, &a->sb)) == -1)
			goto nomem;
		if (r == -2)
			return SP_FATAL_DB;
		if (r == 0) {
			finding(a);
			cell_str(a, id);
			cell_str(a, "artist");
			cell_str(a, an);
			cell_str(a, a->sb.len > 0 ? a->sb.s : NULL);
			bad = 1;
		}
	}
	a->num += bad;
	return SP_OK;
nomem:
	sp_warnx_at(NULL, "out of memory");
	return SP_FATAL_IO;
}

/* Before the nulls check: per column, the values missing. */
static int
nulls_table(struct audit *a)
{
	sqlite3_stmt *st = a->st[S_NULLS];
	struct nullcol *n;
	char x[32], y[32], col[64];
	size_t i;
	int rc;

	a->nnulls = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && a->nnulls < NNULLCOL) {
		n = &a->nulls[a->nnulls++];
		snprintf(n->col, sizeof(n->col), "%s", text(st, 1));
		n->required = sqlite3_column_int(st, 2);
		n->api = sqlite3_column_int64(st, 3);
		n->pending = sqlite3_column_int64(st, 4);
		n->listing = sqlite3_column_int64(st, 5);
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	if (json || quiet)
		return SP_OK;
	printf("  %-40s %13s  %11s\n", "column", "API gave none",
	    "not fetched");
	for (i = 0; i < a->nnulls; i++) {
		n = &a->nulls[i];
		snprintf(col, sizeof(col), "%s%s", n->col, n->required ?
		    " (required)" : "");
		printf("  %-40s %13s  %11s\n", col, sp_fmt_count(
		    (unsigned long long)n->api, x), sp_fmt_count(
		    (unsigned long long)n->pending, y));
	}
	for (i = 0; i < a->nnulls; i++)
		if (a->nulls[i].listing > 0)
			printf("  %s: none in %s tracks enriched from their "
			    "album's listing, which has none (by design)\n",
			    a->nulls[i].col, sp_fmt_count((unsigned long long)
			    a->nulls[i].listing, x));
	return SP_OK;
}

static int
run_check(struct audit *a, int k)
{
	const struct check *c = &checks[k];
	const long long *v = a->t.v;
	sqlite3_stmt *st = a->st[c->stmt];
	int rc, status = SP_OK;

	if (c->section != NULL)
		section(c->section);
	if (c->before != NULL && (status = c->before(a)) != SP_OK)
		return status;
	begin(a, k);
	if (c->bind != NULL)
		sqlite3_bind_text(st, 1, c->bind, -1, SQLITE_STATIC);
	while (status == SP_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		status = (c->row != NULL ? c->row : row_cols)(a, st);
	if (status != SP_OK) {
		sqlite3_reset(st);
		return status;
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	/* The shares of listening time come from the totals. */
	if (k == C_COVERAGE) {
		a->num = v[TOT_MSOK];
		a->den = v[TOT_MS] - v[TOT_MSNOID] - v[TOT_MSNF];
	} else if (k == C_NOT_FOUND) {
		a->num = v[TOT_MSNF];
		a->den = v[TOT_MS] - v[TOT_MSNOID];
	}
	finish(a);
	return SP_OK;
}

/*
 * --sample: a repeatable random choice of enriched tracks and artists,
 * for a person to check against Spotify.
 */

static void
label(const char *l, const char *v)
{
	printf("    %-11s", l);
	putsafe(v != NULL ? v : "-");
	putchar('\n');
}

/* The lists of a sample: the rows of a statement for an id. */
enum { L_ARTISTS, L_GENRES, L_FAMILIES };

static const struct list {
	int		 stmt;
	const char	*key[2];	/* JSON: objects; NULL: strings */
	int		 name, paren;	/* text: "name (paren)" items */
	const char	*none;		/* text: a null paren's */
} lists[] = {
	[L_ARTISTS] = { S_TRACK_ARTISTS, { "id", "name" }, 1, 0, NULL },
	[L_GENRES] = { S_TRACK_GENRES, { NULL, NULL }, 0, -1, NULL },
	[L_FAMILIES] = { S_GENRES_OF, { "genre", "family" }, 0, 1,
	    "no family" },
};

/* List l of id: a JSON array in the writer, or joined in a->sa. */
static int
list(struct audit *a, int l, const char *id)
{
	const struct list *ls = &lists[l];
	sqlite3_stmt *st = bound(a, ls->stmt, id);
	const char *paren;
	int rc;

	sb_reset(&a->sa);
	if (json)
		sp_jsonw_arr(a->w);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (json && ls->key[0] == NULL)
			sp_jsonw_strz(a->w, text(st, 0));
		else if (json) {
			sp_jsonw_obj(a->w);
			jstr(a->w, ls->key[0], text(st, 0));
			jstr(a->w, ls->key[1], text(st, 1));
			sp_jsonw_end(a->w);
		} else {
			paren = ls->paren < 0 ? NULL : text(st, ls->paren);
			join_named(&a->sa, text(st, ls->name), paren != NULL ?
			    paren : ls->none);
		}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	if (json)
		sp_jsonw_end(a->w);
	return SP_OK;
}

static int
sample_track(struct audit *a, sqlite3_stmt *t)
{
	static const char *const album[] = { "id", "name", "album_type",
	    "release_date", "release_date_precision" };
	struct sp_jsonw *w = a->w;
	const char *id = text(t, 0);
	char buf[256], ms[32], num[32];
	long long d;
	int i;

	if (json) {
		sp_jsonw_obj(w);
		jstr(w, "id", id);
		jstr(w, "name", text(t, 1));
		jcol(w, "duration_ms", t, 2);
		sp_jsonw_key(w, "artists");
		if (list(a, L_ARTISTS, id) != SP_OK)
			return SP_FATAL_DB;
		sp_jsonw_key(w, "album");
		sp_jsonw_obj(w);
		for (i = 0; i < 5; i++)
			jstr(w, album[i], text(t, 3 + i));
		jcol(w, "release_year", t, 8);
		sp_jsonw_end(w);
		sp_jsonw_key(w, "genres");
		if (list(a, L_GENRES, id) != SP_OK)
			return SP_FATAL_DB;
		jint(w, "plays", sqlite3_column_int64(t, 9));
		jint(w, "ms_played", sqlite3_column_int64(t, 10));
		sp_jsonw_end(w);
		return SP_OK;
	}
	printf("  track      %s\n", id);
	label("name", text(t, 1));
	if (list(a, L_ARTISTS, id) != SP_OK)
		return SP_FATAL_DB;
	label("artists", sb_str(&a->sa));
	sb_reset(&a->sa);
	join_named(&a->sa, text(t, 4), text(t, 3));
	if (text(t, 5) != NULL) {
		sb_addz(&a->sa, ", ");
		sb_addz(&a->sa, text(t, 5));
	}
	label("album", sb_str(&a->sa));
	snprintf(buf, sizeof(buf), "%s (%s), year %s",
	    text(t, 6) ? text(t, 6) : "-", text(t, 7) ? text(t, 7) :
	    "-", text(t, 8) ? text(t, 8) : "-");
	label("released", buf);
	if (sqlite3_column_type(t, 2) == SQLITE_NULL)
		label("duration", NULL);
	else {
		d = sqlite3_column_int64(t, 2) / 1000;
		snprintf(buf, sizeof(buf), "%lld:%02lld", d / 60, d % 60);
		label("duration", buf);
	}
	if (list(a, L_GENRES, id) != SP_OK)
		return SP_FATAL_DB;
	label("genres", a->sa.len > 0 ? a->sa.s : "none");
	snprintf(buf, sizeof(buf), "%s time%s, %s",
	    sp_fmt_count((unsigned long long)sqlite3_column_int64(t, 9), num),
	    sqlite3_column_int64(t, 9) == 1 ? "" : "s",
	    sp_fmt_secs(sqlite3_column_int64(t, 10) / 1000, ms));
	label("played", buf);
	return SP_OK;
}

static int
sample_artist(struct audit *a, sqlite3_stmt *t)
{
	struct sp_jsonw *w = a->w;
	const char *id = text(t, 0);
	char num[32];

	if (json) {
		sp_jsonw_obj(w);
		jstr(w, "id", id);
		jstr(w, "name", text(t, 1));
		jcol(w, "popularity", t, 2);
		jcol(w, "followers", t, 3);
		sp_jsonw_key(w, "genres");
		if (list(a, L_FAMILIES, id) != SP_OK)
			return SP_FATAL_DB;
		sp_jsonw_end(w);
		return SP_OK;
	}
	printf("  artist     %s\n", id);
	label("name", text(t, 1));
	if (list(a, L_FAMILIES, id) != SP_OK)
		return SP_FATAL_DB;
	label("genres", a->sa.len > 0 ? a->sa.s :
	    sqlite3_column_type(t, 4) == SQLITE_NULL ? "not said by the API" :
	    "none: not classified by Spotify");
	label("popularity", text(t, 2));
	label("followers", sqlite3_column_type(t, 3) == SQLITE_NULL ? NULL :
	    sp_fmt_count((unsigned long long)sqlite3_column_int64(t, 3),
	    num));
	return SP_OK;
}

static int
do_sample(struct audit *a, long long s)
{
	sqlite3_stmt *st;
	int rc, k, status;

	if (json) {
		sp_jsonw_key(a->w, "sample");
		sp_jsonw_obj(a->w);
		jint(a->w, "seed", s);
	} else
		printf("\nSample of %lld tracks and %lld artists (--seed %lld)"
		    "\n", sample, sample, s);
	for (k = 0; k < 2; k++) {
		st = a->st[k == 0 ? S_SAMPLE_TRACKS : S_SAMPLE_ARTISTS];
		if (json) {
			sp_jsonw_key(a->w, k == 0 ? "tracks" : "artists");
			sp_jsonw_arr(a->w);
		}
		sqlite3_bind_int64(st, 1, s);
		sqlite3_bind_int64(st, 2, sample);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (!json)
				putchar('\n');
			status = k == 0 ? sample_track(a, st) :
			    sample_artist(a, st);
			if (status != SP_OK) {
				sqlite3_reset(st);
				return status;
			}
		}
		if (done(a, st, rc) != SP_OK)
			return SP_FATAL_DB;
		if (json)
			sp_jsonw_end(a->w);
	}
	if (json)
		sp_jsonw_end(a->w);
	return a->sa.nomem ? SP_FATAL_IO : SP_OK;
}

/*
 * --refetch: fetch a few stored records again, through the same engine
 * as sp-fetch, and report every stored value the API now differs on.
 */

/* A difference, when stored and api (either may be NULL) differ. */
static void
differ(struct audit *a, const char *kind, const char *id, const char *field,
    const char *stored, const char *api, int numeric)
{
	if (stored == NULL ? api == NULL : api != NULL &&
	    strcmp(stored, api) == 0)
		return;
	finding(a);
	cell_str(a, kind);
	cell_str(a, id);
	cell_str(a, field);
	if (numeric && stored != NULL)
		cell_int(a, strtoll(stored, NULL, 10));
	else
		cell_str(a, stored);
	if (numeric && api != NULL)
		cell_int(a, strtoll(api, NULL, 10));
	else
		cell_str(a, api);
}

/* Value v of j as text in buf: a string, an integer, 0/1; else NULL. */
static const char *
json_text(const struct sp_json *j, int v, char buf[32])
{
	long long i;
	int b;

	if (sp_json_int(j, v, &i) == 0) {
		snprintf(buf, 32, "%lld", i);
		return buf;
	}
	if (sp_json_bool(j, v, &b) == 0)
		return b ? "1" : "0";
	return sp_json_str(j, v, NULL);
}

/* Column 0 of the rows of statement s for id, joined by sep in a->sa. */
static int
joined(struct audit *a, int s, const char *id, const char *sep)
{
	sqlite3_stmt *st = bound(a, s, id);
	int rc;

	sb_reset(&a->sa);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (a->sa.len > 0)
			sb_addz(&a->sa, sep);
		sb_addz(&a->sa, text(st, 0));
	}
	return done(a, st, rc);
}

/* The columns of S_STORED_TRACK, and where the API's object has them. */
static const struct field {
	const char	*name;
	const char	*path;		/* NULL: the id, unless the one asked */
	int		 numeric;
} trackfields[] = {
	{ "name",		"name",			0 },
	{ "duration_ms",	"duration_ms",		1 },
	{ "explicit",		"explicit",		1 },
	{ "isrc",		"external_ids.isrc",	0 },
	{ "album_id",		"album.id",		0 },
	{ "linked_id",		NULL,			0 },
	{ "release_date",	"album.release_date",	0 },
};

static int
compare_track(struct audit *a, const char *id, const struct sp_json *j,
    int o)
{
	sqlite3_stmt *st = bound(a, S_STORED_TRACK, id);
	const struct field *f;
	char buf[32];
	const char *s;
	int rc, v, e, i;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (i = 0; i < (int)NITEMS(trackfields); i++) {
			f = &trackfields[i];
			/* A listing has no ISRC: stored none by design. */
			if (strcmp(f->name, "isrc") == 0 &&
			    sqlite3_column_int(st, (int)NITEMS(trackfields)))
				continue;
			v = f->path != NULL ? sp_json_path(j, o, f->path) :
			    sp_json_get(j, o, "id");
			s = f->numeric ? json_text(j, v, buf) :
			    sp_json_str(j, v, NULL);
			if (f->path == NULL && s != NULL && strcmp(s, id) == 0)
				s = NULL;
			differ(a, "track", id, f->name, text(st, i), s,
			    f->numeric);
		}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	if (rc != SQLITE_ROW)
		return SP_OK;	/* gone meanwhile */
	if (joined(a, S_TRACK_ARTISTS, id, ",") != SP_OK)
		return SP_FATAL_DB;
	sb_reset(&a->sb);
	v = sp_json_get(j, o, "artists");
	for (e = sp_json_first(j, v); e >= 0; e = sp_json_next(j, v, e))
		if ((s = sp_json_str(j, sp_json_get(j, e, "id"), NULL)) !=
		    NULL) {
			if (a->sb.len > 0)
				sb_addz(&a->sb, ",");
			sb_addz(&a->sb, s);
		}
	if (a->sa.nomem || a->sb.nomem)
		return SP_FATAL_IO;
	differ(a, "track", id, "artists", sb_str(&a->sa), sb_str(&a->sb), 0);
	return SP_OK;
}

/* Is g one of the items of list l, separated by US (0x1f)? */
static int
in_list(const char *l, const char *g)
{
	const char *e;
	size_t n = strlen(g), k;

	for (;;) {
		e = strchr(l, '\x1f');
		k = e != NULL ? (size_t)(e - l) : strlen(l);
		if (k == n && memcmp(l, g, n) == 0)
			return 1;
		if (e == NULL)
			return 0;
		l = e + 1;
	}
}

/* The list b, its US separators shown as commas. */
static const char *
commas(struct sbuf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->s[i] == '\x1f')
			b->s[i] = ',';
	return sb_str(b);
}

static int
compare_artist(struct audit *a, const char *id, const struct sp_json *j,
    int o)
{
	sqlite3_stmt *st = bound(a, S_STORED_ARTIST, id);
	const char *s;
	size_t n;
	int rc, v, e, r, hasgenres;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		differ(a, "artist", id, "name", text(st, 0),
		    sp_json_str(j, sp_json_get(j, o, "name"), NULL), 0);
	hasgenres = rc == SQLITE_ROW &&
	    sqlite3_column_type(st, 1) != SQLITE_NULL;
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	if (rc != SQLITE_ROW)
		return SP_OK;	/* gone meanwhile */
	if (joined(a, S_GENRES_OF, id, "\x1f") != SP_OK)
		return SP_FATAL_DB;
	/* The API's genres as sp-normalize keeps them. */
	sb_reset(&a->sb);
	v = sp_json_get(j, o, "genres");
	for (e = sp_json_first(j, v); e >= 0; e = sp_json_next(j, v, e)) {
		if ((s = sp_json_str(j, e, &n)) == NULL)
			continue;
		sb_reset(&a->sc);
		if (sb_reserve(&a->sc, n) != 0)
			break;
		r = sp_genre_norm(s, n, a->sc.s, n + 1);
		if (r <= 0 || in_list(sb_str(&a->sb), a->sc.s))
			continue;
		if (a->sb.len > 0)
			sb_add(&a->sb, "\x1f", 1);
		sb_add(&a->sb, a->sc.s, (size_t)r);
	}
	if (a->sa.nomem || a->sb.nomem || a->sc.nomem)
		return SP_FATAL_IO;
	differ(a, "artist", id, "genres", hasgenres ? commas(&a->sa) : NULL,
	    sp_json_type(j, v) == SP_JSON_ARRAY ? commas(&a->sb) : NULL, 0);
	return SP_OK;
}

static int
on_refetch(const struct sp_api_result *res, void *arg)
{
	struct audit *a = arg;
	int status;

	a->answered++;
	if (res->status != 200) {
		differ(a, sp_kind_name(res->kind), res->id, "status", "ok",
		    "not_found", 0);
		return SP_OK;
	}
	if (res->kind == SP_KIND_TRACK)
		status = compare_track(a, res->id, res->json, res->value);
	else
		status = compare_artist(a, res->id, res->json, res->value);
	if (status == SP_FATAL_IO)
		sp_warnx_at(NULL, "out of memory");
	return status;
}

static void
on_refetch_event(const struct sp_api_event *ev, void *arg)
{
	(void)arg;
	switch (ev->type) {
	case SP_API_EV_RETRY:
		sp_warnx_at(NULL, "%s %s: %s, retrying in %.0f s (%d left)",
		    sp_kind_name(ev->kind), ev->id, ev->reason, ev->wait,
		    ev->left);
		break;
	case SP_API_EV_GIVEUP:
		sp_warnx_at(NULL, "%s %s: %s, no retries left: not compared",
		    sp_kind_name(ev->kind), ev->id, ev->reason);
		break;
	case SP_API_EV_FAILED:
		sp_warnx_at(NULL, "%s %s: %s: not compared",
		    sp_kind_name(ev->kind), ev->id, ev->reason);
		break;
	case SP_API_EV_WAIT:
		sp_warnx_at(NULL, "rate limited (%s): every request waits "
		    "%.0f s", ev->reason, ev->wait);
		break;
	default:
		break;
	}
}

static int
do_refetch(struct audit *a, long long s)
{
	sqlite3_stmt *st;
	const char *detail;
	char x[32], y[32];
	time_t at;
	int rc, k, run;

	section(checks[C_REFETCH].section);
	begin(a, C_REFETCH);
	for (k = 0; k < 2; k++) {
		st = a->st[k == 0 ? S_SAMPLE_TRACKS : S_SAMPLE_ARTISTS];
		sqlite3_bind_int64(st, 1, s);
		sqlite3_bind_int64(st, 2, refetch);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (sp_api_add(a->api, k == 0 ? SP_KIND_TRACK :
			    SP_KIND_ARTIST, text(st, 0), NULL) < 0) {
				sqlite3_reset(st);
				sp_warnx_at(NULL, "out of memory");
				return SP_FATAL_IO;
			}
			a->asked++;
		}
		if (done(a, st, rc) != SP_OK)
			return SP_FATAL_DB;
	}
	sp_signals_install();
	run = sp_api_run(a->api, on_refetch, on_refetch_event, a);
	if (sp_api_stopped(a->api, &detail, &at) != SP_API_STOP_NONE &&
	    strcmp(detail, "stopped") != 0)
		sp_warnx_at(NULL, "refetch: %s", detail);
	if (a->answered < a->asked)
		sp_warnx_at(NULL, "refetch: %s of %s records not compared",
		    sp_fmt_count(a->asked - a->answered, x),
		    sp_fmt_count(a->asked, y));
	if (!json && !quiet)
		printf("  %s records of %s fetched again (--seed %lld)\n",
		    sp_fmt_count(a->answered, x), sp_fmt_count(a->asked, y), s);
	finish(a);
	return run;
}

static void
verdict(struct audit *a)
{
	char x[32], y[32];
	int i;

	if (json) {
		sp_jsonw_key(a->w, "failed");
		sp_jsonw_arr(a->w);
		for (i = 0; i < a->nfailed; i++)
			sp_jsonw_strz(a->w, checks[a->failed[i]].name);
		sp_jsonw_end(a->w);
		sp_jsonw_key(a->w, "pass");
		sp_jsonw_bool(a->w, a->nfailed == 0);
		return;
	}
	if (!quiet)
		putchar('\n');
	if (a->nfailed == 0)
		printf("sp-audit: all checks pass");
	else {
		printf("sp-audit: %d check%s over %s threshold%s:", a->nfailed,
		    a->nfailed == 1 ? "" : "s", a->nfailed == 1 ? "its" :
		    "their", a->nfailed == 1 ? "" : "s");
		for (i = 0; i < a->nfailed; i++)
			printf("%s %s", i > 0 ? "," : "",
			    checks[a->failed[i]].name);
	}
	if (a->answered < a->asked)
		printf("; %s of %s records not fetched again",
		    sp_fmt_count(a->asked - a->answered, x),
		    sp_fmt_count(a->asked, y));
	putchar('\n');
}

static int
audit(struct audit *a)
{
	int status, run = SP_OK, k;

	/* One read transaction: every check sees the same store. */
	if (sqlite3_exec(a->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return dberr(a);
	if (json) {
		sp_jsonw_obj(a->w);
		jstr(a->w, "database", a->path);
	}
	if ((status = get_totals(a)) != SP_OK)
		goto out;
	show_totals(a);
	if (json) {
		sp_jsonw_key(a->w, "checks");
		sp_jsonw_arr(a->w);
	}
	for (k = 0; k < C_REFETCH; k++)
		if ((status = run_check(a, k)) != SP_OK)
			goto out;
	if (refetch > 0) {
		run = do_refetch(a, seed);
		if (run == SP_FATAL_DB || run == SP_FATAL_IO) {
			status = run;
			goto out;
		}
	}
	if (json)
		sp_jsonw_end(a->w);
	if (sample > 0 && (status = do_sample(a, seed)) != SP_OK)
		goto out;
	if (a->nomem || a->sa.nomem || a->sb.nomem || a->sc.nomem) {
		sp_warnx_at(NULL, "out of memory");
		status = SP_FATAL_IO;
		goto out;
	}
	verdict(a);
	if (json) {
		sp_jsonw_end(a->w);
		if (sp_jsonw_write(a->w, stdout) != 0) {
			if (sp_jsonw_buf(a->w, NULL) == NULL)
				sp_warnx_at(NULL, "out of memory");
			status = SP_FATAL_IO;
			goto out;
		}
	}
	status = sp_status_merge(a->nfailed > 0 ? SP_REJECTED : SP_OK, run);
out:
	sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL);
	return status;
}

int
main(int argc, char *argv[])
{
	struct sp_api_opts o = { .jobs = 8, .max_wait = 120, .timeout = 30,
	    .retries = 5 };
	struct audit a;
	struct tm tm;
	time_t now;
	char *path, *msg, err[SP_API_ERRSIZE];
	int c, k, status;

	memset(&a, 0, sizeof(a));
	while ((c = getopt_long(argc, argv, "d:hqV", longopts, NULL)) != -1)
		switch (c) {
		case 'd': dbpath = optarg; break;
		case 'h': usage(stdout, SP_OK);
		case 'q': quiet = 1; break;
		case 'V':
			printf("sp-audit %s\n", SP_VERSION);
			return SP_OK;
		case O_JSON: json = 1; break;
		case O_SECRET_FILE: secretfile = optarg; break;
		default: numopt(c);
		}
	argc -= optind;
	if (argc != 0)
		usage(stderr, SP_USAGE);
	now = sp_now();
	if (seed < 0)
		seed = (long long)now;
	a.maxyear = gmtime_r(&now, &tm) != NULL ? tm.tm_year + 1901 : 9999;

	if ((path = sp_store_path(dbpath)) == NULL) {
		sp_warnx_at(NULL, "no database: set SP_DB or HOME, or use -d");
		return SP_FATAL_DB;
	}
	status = sp_store_open(path, SP_STORE_EXISTING, &a.store, &msg);
	if (status != SP_OK) {
		sp_warnx_at(NULL, "%s", msg ? msg : "out of memory");
		free(msg);
		free(path);
		return status;
	}
	if (sp_store_readonly(a.store))
		sp_warnx_at(&(struct sp_pos){ path, 0 }, "opened read-only "
		    "(its folder is not writable)");
	a.db = sp_store_db(a.store);
	a.path = path;
	if (sqlite3_create_function(a.db, "sp_rank", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, rank_fn, NULL, NULL) != SQLITE_OK) {
		status = dberr(&a);
		goto out;
	}
	if (sp_store_prepare(a.store, sql, NSTMT, a.st) != 0) {
		sp_warnx_at(NULL, "%s", sp_store_errmsg(a.store));
		status = SP_FATAL_DB;
		goto out;
	}
	if (json && (a.w = sp_jsonw_new()) == NULL) {
		sp_warnx_at(NULL, "out of memory");
		status = SP_FATAL_IO;
		goto out;
	}
	if (refetch > 0 && (status = sp_api_from_env(&o, secretfile, &a.api,
	    err)) != SP_OK) {
		sp_warnx_at(NULL, "%s", err);
		goto out;
	}
	status = audit(&a);
out:
	for (k = 0; k < NCHECK; k++)
		sp_table_free(a.ex[k]);
	free(a.sa.s);
	free(a.sb.s);
	free(a.sc.s);
	sp_jsonw_free(a.w);
	sp_api_free(a.api);
	sp_store_close(a.store);
	free(path);
	if (sp_close_stdout() != 0)
		status = sp_status_merge(status, SP_FATAL_IO);
	return status;
}
