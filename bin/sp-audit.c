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

#include <curl/curl.h>
#include <sqlite3.h>

#include "sp.h"
#include "sp_api.h"
#include "sp_auth.h"
#include "sp_err.h"
#include "sp_genre.h"
#include "sp_id.h"
#include "sp_json.h"
#include "sp_jsonw.h"
#include "sp_store.h"

#define DEFAULT_API	"https://api.spotify.com/v1"
#define DEFAULT_TOKEN	"https://accounts.spotify.com/api/token"
#define MAXCOLS		5	/* columns of a finding */
#define MINYEAR		1900	/* the first plausible release year */
#define INDENT		"        "

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

/* How a check compares its value with its threshold. */
enum kind {
	K_MAX,		/* a count, at most the threshold */
	K_MAX_PCT,	/* a share, at most the threshold */
	K_MIN_PCT,	/* a share, at least the threshold */
	K_NOTE		/* reported, never fails */
};

/* How a column of a finding is shown: as is, quoted, a number, a time. */
enum ctype { T_STR, T_QUOTED, T_INT, T_MS };

struct col {
	const char	*key;
	enum ctype	 type;
};

struct check {
	const char	*name;
	enum kind	 kind;
	const long long	*limit;		/* the option that holds it */
	const char	*flag;
	const char	*what;
	struct col	 cols[MAXCOLS];	/* of each finding */
};

enum {
	C_COVERAGE, C_NOT_FOUND, C_PENDING, C_NULLS, C_GENRE_FORMAT,
	C_GENRE_DUPS, C_GENRE_COUNT, C_FAMILY_NAMES, C_IDS, C_FAMILIES,
	C_UNMAPPED, C_RELEASE_YEARS, C_YEAR_DATE, C_PRECISION, C_RANGES,
	C_ORPHANS, C_BEFORE, C_NAMES, C_REFETCH, NCHECK
};

static const struct check checks[NCHECK] = {
	[C_COVERAGE] = { "coverage", K_MIN_PCT, &mincoverage,
	    "--min-coverage", "listening time of enriched tracks",
	    { { "track", T_STR }, { "plays", T_INT }, { "ms_played", T_MS },
	    { "export_name", T_QUOTED } } },
	[C_NOT_FOUND] = { "not-found", K_MAX_PCT, &maxnotfound,
	    "--max-not-found", "listening time Spotify does not know",
	    { { "track", T_STR }, { "plays", T_INT }, { "ms_played", T_MS },
	    { "export_name", T_QUOTED } } },
	[C_PENDING] = { "pending", K_MAX, &maxpending, "--max-pending",
	    "rows not fetched yet",
	    { { "type", T_STR }, { "id", T_STR }, { "ms_played", T_MS } } },
	[C_NULLS] = { "nulls", K_MAX, &maxnulls, "--max-nulls",
	    "required values the API did not give",
	    { { "column", T_STR }, { "id", T_STR } } },
	[C_GENRE_FORMAT] = { "genre-format", K_MAX, &maxformat,
	    "--max-format", "genres not in normalized form",
	    { { "table", T_STR }, { "artist", T_STR }, { "genre", T_QUOTED },
	    { "problem", T_STR }, { "normalized", T_QUOTED } } },
	[C_GENRE_DUPS] = { "genre-duplicates", K_MAX, &maxformat,
	    "--max-format", "genres repeated for one artist",
	    { { "artist", T_STR }, { "genre", T_QUOTED },
	    { "times", T_INT } } },
	[C_GENRE_COUNT] = { "genre-count", K_MAX, &maxformat,
	    "--max-format", "genre counts unlike the genre rows",
	    { { "artist", T_STR }, { "genre_count", T_INT },
	    { "genres", T_INT } } },
	[C_FAMILY_NAMES] = { "family-names", K_MAX, &maxformat,
	    "--max-format", "families that are not sp families",
	    { { "genre", T_QUOTED }, { "family", T_QUOTED } } },
	[C_IDS] = { "ids", K_MAX, &maxformat, "--max-format",
	    "malformed Spotify ids",
	    { { "column", T_STR }, { "id", T_QUOTED } } },
	[C_FAMILIES] = { "families", K_MIN_PCT, &minfamilies,
	    "--min-families", "genre listening time with a family",
	    { { NULL, T_STR } } },
	[C_UNMAPPED] = { "unmapped-genres", K_NOTE, NULL, NULL,
	    "genres without a family",
	    { { "genre", T_QUOTED }, { "artists", T_INT },
	    { "ms_played", T_MS } } },
	[C_RELEASE_YEARS] = { "release-years", K_MAX, &maxdates,
	    "--max-dates", "implausible release years",
	    { { "album", T_STR }, { "release_year", T_INT },
	    { "release_date", T_QUOTED } } },
	[C_YEAR_DATE] = { "year-date", K_MAX, &maxdates, "--max-dates",
	    "release years unlike the date",
	    { { "album", T_STR }, { "release_year", T_INT },
	    { "release_date", T_QUOTED }, { "expected", T_INT } } },
	[C_PRECISION] = { "precision", K_MAX, &maxdates, "--max-dates",
	    "dates unlike their precision",
	    { { "album", T_STR }, { "release_date", T_QUOTED },
	    { "precision", T_QUOTED }, { "problem", T_STR } } },
	[C_RANGES] = { "ranges", K_MAX, &maxrange, "--max-range",
	    "values out of range",
	    { { "column", T_STR }, { "id", T_STR }, { "value", T_QUOTED },
	    { "allowed", T_STR } } },
	[C_ORPHANS] = { "orphans", K_MAX, &maxorphans, "--max-orphans",
	    "references to missing rows",
	    { { "table", T_STR }, { "id", T_STR }, { "missing", T_STR },
	    { "ref", T_QUOTED } } },
	[C_BEFORE] = { "before-release", K_NOTE, NULL, NULL,
	    "tracks played before release",
	    { { "track", T_STR }, { "first_played", T_STR },
	    { "release_date", T_STR }, { "album", T_STR } } },
	[C_NAMES] = { "names", K_MAX_PCT, &maxmismatch, "--max-mismatch",
	    "export names unlike Spotify's",
	    { { "track", T_STR }, { "field", T_STR }, { "export", T_QUOTED },
	    { "spotify", T_QUOTED } } },
	[C_REFETCH] = { "refetch", K_MAX, &maxchanged, "--max-changed",
	    "stored values the API now differs on",
	    { { "type", T_STR }, { "id", T_STR }, { "field", T_STR },
	    { "stored", T_QUOTED }, { "api", T_QUOTED } } },
};

/* The columns of the nulls table: enriched rows that lack a value. */
#define NULLCOL(n, t, c, req)						\
	"SELECT " #n ", '" t "." c "', " #req ", "			\
	"coalesce(sum(status = 'ok' AND " c " IS NULL), 0), "		\
	"coalesce(sum(status IS NULL AND " c " IS NULL), 0) FROM " t
#define NULLROW(t, c)							\
	"SELECT '" t "." c "', id FROM " t				\
	" WHERE status = 'ok' AND " c " IS NULL"
#define NOARTISTS							\
	"NOT EXISTS (SELECT 1 FROM track_artists ta"			\
	" WHERE ta.track_id = t.id)"
#define PLAYED								\
	"pt AS (SELECT track_id, sum(ms_played) AS ms FROM plays"	\
	" WHERE track_id IS NOT NULL GROUP BY track_id)"

enum {
	S_TOTALS, S_STATUS, S_ARTIST_GENRES, S_TRACKS_BY_STATUS, S_PENDING,
	S_NULLS, S_NULL_ROWS, S_GENRES, S_GENRE_DUPS, S_GENRE_COUNT,
	S_FAMILY_NAMES, S_IDS, S_FAMILIES, S_UNMAPPED, S_DATES, S_RANGES,
	S_ORPHANS, S_BEFORE, S_NAMES, S_TRACK_ARTISTS, S_SAMPLE_TRACKS,
	S_TRACK_GENRES, S_SAMPLE_ARTISTS, S_GENRES_OF, S_STORED_TRACK,
	S_STORED_ARTIST, NSTMT
};

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
	    " coalesce(sum(t.status IS NULL AND " NOARTISTS "), 0)"
	    " FROM tracks t"
	    " UNION ALL " NULLCOL(8, "tracks", "popularity", 0)
	    " UNION ALL " NULLCOL(9, "tracks", "isrc", 0)
	    " UNION ALL " NULLCOL(10, "albums", "name", 1)
	    " UNION ALL " NULLCOL(11, "albums", "album_type", 1)
	    " UNION ALL " NULLCOL(12, "albums", "release_date", 1)
	    " UNION ALL " NULLCOL(13, "albums", "release_date_precision", 1)
	    " UNION ALL " NULLCOL(14, "albums", "total_tracks", 1)
	    " UNION ALL " NULLCOL(15, "albums", "release_year", 0)
	    " UNION ALL " NULLCOL(16, "albums", "label", 0)
	    " UNION ALL " NULLCOL(17, "albums", "popularity", 0)
	    " UNION ALL " NULLCOL(18, "albums", "upc", 0)
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
	    " t.linked_id, al.release_date FROM tracks t"
	    " LEFT JOIN albums al ON al.id = t.album_id WHERE t.id = ?1",
	[S_STORED_ARTIST] =
	    "SELECT name, genre_count FROM artists WHERE id = ?1",
};

/* A value of a finding: null, a string or an integer. */
struct cell {
	char		*s;
	long long	 i;
	int		 type;		/* 0 null, 1 string, 2 integer */
};

/* A row of the nulls table. */
struct nullcol {
	char		 col[40];
	int		 required;
	long long	 api;		/* enriched, but the API gave none */
	long long	 pending;	/* not fetched yet */
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
	/* The check being run. */
	int			 cur;
	unsigned long long	 count;		/* findings */
	long long		 num, den;	/* a share */
	struct cell		*cells;		/* examples x MAXCOLS */
	size_t			 nex;		/* examples kept */
	size_t			 ncell;		/* cells of the last one */
	int			 keep;		/* the last finding is kept */
	int			 nomem;		/* an example was lost */
	struct nullcol		 nulls[NNULLCOL];
	size_t			 nnulls;
	int			 failed[NCHECK];
	int			 nfailed;
	struct sbuf		 sa, sb, sc;	/* scratch */
	/* --refetch */
	struct sp_api		*api;
	struct sp_auth		*auth;
	char			*state;
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

static long long
number(const char *opt, const char *s, long long min, long long max)
{
	const char *errstr;
	long long v;

	v = sp_parse_long(s, min, max, &errstr);
	if (errstr != NULL) {
		sp_warnx_at(NULL, "%s is %s: %s", opt, errstr, s);
		usage(stderr, SP_USAGE);
	}
	return v;
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

/* Columns s takes on a terminal: its UTF-8 characters. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* s with control characters shown as '?'. */
static void
putsafe(const char *s)
{
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

/* A listening time: "24h37m", "4m12s", "12s". */
static char *
fmt_ms(long long ms, char buf[32])
{
	long long s = ms / 1000;

	if (s >= 3600)
		snprintf(buf, 32, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else if (s >= 60)
		snprintf(buf, 32, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(buf, 32, "%llds", s);
	return buf;
}

/*
 * Names, folded for comparison: lower case, accents and ligatures of
 * Latin-1 and Latin Extended-A to their letters, apostrophes dropped,
 * other punctuation to spaces, "&" to "and", spaces collapsed.
 */

/* U+00C0..U+00FF. */
static const char *const latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", " ",
	"o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", " ",
	"o", "u", "u", "u", "u", "y", "th", "y"
};

/* U+0100..U+017F, one letter each (U+0132, U+0133, U+0152, U+0153 apart). */
static const char latin_a[] =
    "aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh"
    "iiiiiiiiii" "ii" "jj" "kkk" "llllllllll" "nnnnnnn" "nn" "oooooo"
    "oo" "rrrrrr" "ssssssss" "tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz"
    "s";
_Static_assert(sizeof(latin_a) == 129, "latin_a covers U+0100..U+017F");

/* s[0..n) folded, malloc'd (the caller frees), or NULL. */
static char *
fold(const char *s, size_t n)
{
	const char *rep;
	char *out, one[2] = { 0, 0 };
	size_t i, j = 0, k, len;
	uint32_t c;

	if ((out = malloc(n * 5 + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i += len) {
		if ((len = sp_utf8_decode(s + i, n - i, &c)) == 0) {
			len = 1;	/* not UTF-8: a space */
			c = ' ';
		}
		rep = NULL;
		if (c < 0x80) {
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
				one[0] = (char)c;
			else if (c >= 'A' && c <= 'Z')
				one[0] = (char)(c - 'A' + 'a');
			else if (c == '\'' || c == '`')
				continue;
			else if (c == '&') {
				rep = " and ";
				one[0] = '\0';
			} else
				one[0] = ' ';
			if (rep == NULL)
				rep = one;
		} else if (c == 0x2018 || c == 0x2019 || c == 0x201B ||
		    c == 0x02BC || c == 0x00B4 || c == 0x2032 ||
		    (c >= 0x0300 && c <= 0x036F))
			continue;	/* apostrophes, combining accents */
		else if (c >= 0xC0 && c <= 0xFF)
			rep = latin1[c - 0xC0];
		else if (c == 0x132 || c == 0x133)
			rep = "ij";
		else if (c == 0x152 || c == 0x153)
			rep = "oe";
		else if (c >= 0x100 && c <= 0x17F) {
			one[0] = latin_a[c - 0x100];
			rep = one;
		} else if (c < 0xC0 || (c >= 0x2000 && c <= 0x206F) ||
		    (c >= 0x3000 && c <= 0x303F) ||
		    (c >= 0xFF01 && c <= 0xFF0F)) {
			one[0] = ' ';	/* signs, punctuation, spaces */
			rep = one;
		}
		if (rep == NULL) {	/* another script: as is */
			memcpy(out + j, s + i, len);
			j += len;
			continue;
		}
		for (k = 0; rep[k] != '\0'; k++)
			if (rep[k] != ' ' || (j > 0 && out[j - 1] != ' '))
				out[j++] = rep[k];
	}
	while (j > 0 && out[j - 1] == ' ')
		j--;
	out[j] = '\0';
	return out;
}

/* Words that mark another version of the same recording. */
static const char *const versionwords[] = {
	"acoustic", "anniversary", "bonus", "deluxe", "demo", "edit",
	"edition", "expanded", "explicit", "feat", "featuring", "ft",
	"instrumental", "live", "mix", "mixed", "mono", "original", "radio",
	"remaster", "remastered", "remix", "single", "stereo", "version",
	"with"
};

/* Does s[0..n) name a version ("Remastered 2011", "feat. X")? */
static int
versiontag(const char *s, size_t n)
{
	char *f, *w, *save = NULL;
	size_t i;
	int found = 0;

	if ((f = fold(s, n)) == NULL)
		return 0;
	for (w = strtok_r(f, " ", &save); w != NULL && !found;
	    w = strtok_r(NULL, " ", &save))
		for (i = 0; i < sizeof(versionwords) / sizeof(versionwords[0]);
		    i++)
			if (strcmp(w, versionwords[i]) == 0)
				found = 1;
	free(f);
	return found;
}

/*
 * The length of s without its version suffixes: " - Remastered 2011",
 * " (feat. X)", " [Live]", " - Radio Edit", repeated.
 */
static size_t
strip_len(const char *s)
{
	static const char *const dash[] = { " - ", " \xe2\x80\x93 ",
	    " \xe2\x80\x94 " };
	size_t n = strlen(s), cut, seg, segn, p, k, d;
	char open;

	for (k = 0; k < 4; k++) {
		while (n > 0 && s[n - 1] == ' ')
			n--;
		cut = 0;
		if (n > 0 && (s[n - 1] == ')' || s[n - 1] == ']')) {
			open = s[n - 1] == ')' ? '(' : '[';
			for (p = n - 1; p > 0 && s[p - 1] != open; p--)
				;
			if (p == 0)
				break;
			cut = p - 1;
			seg = p;
			segn = n - 1 - p;
		} else {
			for (p = n; p > 0 && cut == 0; p--)
				for (d = 0; d < 3; d++)
					if (p - 1 + strlen(dash[d]) <= n &&
					    strncmp(s + p - 1, dash[d],
					    strlen(dash[d])) == 0) {
						cut = p - 1;
						seg = p - 1 + strlen(dash[d]);
						segn = n - seg;
						break;
					}
		}
		if (cut == 0 || !versiontag(s + seg, segn))
			break;
		n = cut;
	}
	return n;
}

/* Whether names a and b are the same: 1, 0, or -1 out of memory. */
static int
same_name(const char *a, const char *b)
{
	char *fa, *fb;
	int same;

	if ((fa = fold(a, strlen(a))) == NULL ||
	    (fb = fold(b, strlen(b))) == NULL) {
		free(fa);
		return -1;
	}
	same = strcmp(fa, fb) == 0;
	free(fa);
	free(fb);
	if (same)
		return 1;
	if ((fa = fold(a, strip_len(a))) == NULL ||
	    (fb = fold(b, strip_len(b))) == NULL) {
		free(fa);
		return -1;
	}
	same = strcmp(fa, fb) == 0;
	free(fa);
	free(fb);
	return same;
}

/*
 * The shape of release date d as sp-normalize reads it: 0 "YYYY",
 * 1 "YYYY-MM", 2 "YYYY-MM-DD", each field in range and the year above 0,
 * with the year in *y; -1 when d is none of those.
 */
static int
date_shape(const char *d, int *y)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	size_t n = strlen(d), i;
	int k, m = 1, day = 1;

	k = n == 4 ? 0 : n == 7 ? 1 : n == 10 ? 2 : -1;
	if (k < 0)
		return -1;
	for (i = 0; i < n; i++)
		if ((i == 4 || i == 7) ? d[i] != '-' :
		    (d[i] < '0' || d[i] > '9'))
			return -1;
	*y = atoi(d);
	if (*y == 0)
		return -1;
	if (k >= 1 && ((m = atoi(d + 5)) < 1 || m > 12))
		return -1;
	if (k == 2 && ((day = atoi(d + 8)) < 1 || day > mdays[m - 1] ||
	    (m == 2 && day == 29 && (*y % 4 != 0 || (*y % 100 == 0 &&
	    *y % 400 != 0)))))
		return -1;
	return k;
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
 * Findings: a check is begun, gets its findings (the first few kept as
 * examples, with their cells), then is finished: judged and shown.
 */

static struct cell *
cellat(struct audit *a, size_t ex, size_t col)
{
	return &a->cells[ex * MAXCOLS + col];
}

static void
begin(struct audit *a, int c)
{
	size_t i;

	for (i = 0; i < a->nex * MAXCOLS; i++) {
		free(a->cells[i].s);
		a->cells[i].s = NULL;
		a->cells[i].type = 0;
	}
	a->cur = c;
	a->count = 0;
	a->num = a->den = 0;
	a->nex = 0;
	a->keep = 0;
}

/* One more finding; its cells follow, kept for the first few. */
static void
finding(struct audit *a)
{
	a->count++;
	a->keep = a->nex < (size_t)examples;
	if (a->keep) {
		a->nex++;
		a->ncell = 0;
	}
}

static struct cell *
nextcell(struct audit *a)
{
	if (!a->keep || a->ncell == MAXCOLS)
		return NULL;
	return cellat(a, a->nex - 1, a->ncell++);
}

static void
cell_str(struct audit *a, const char *s)
{
	struct cell *c;

	if ((c = nextcell(a)) == NULL || s == NULL)
		return;
	if ((c->s = strdup(s)) != NULL)
		c->type = 1;
	else
		a->nomem = 1;
}

static void
cell_int(struct audit *a, long long i)
{
	struct cell *c;

	if ((c = nextcell(a)) == NULL)
		return;
	c->i = i;
	c->type = 2;
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

/* A cell as the report shows it. */
static const char *
render(const struct cell *c, enum ctype t, char buf[SP_QUOTE_SIZE])
{
	if (c->type == 0)
		return "-";
	if (c->type == 2) {
		if (t == T_MS)
			return fmt_ms(c->i, buf);
		snprintf(buf, SP_QUOTE_SIZE, "%lld", c->i);
		return buf;
	}
	if (t == T_QUOTED)
		return sp_quote(c->s, strlen(c->s), buf);
	snprintf(buf, SP_QUOTE_SIZE, "%s", c->s);
	return buf;
}

static int
ncols(const struct check *c)
{
	int n;

	for (n = 0; n < MAXCOLS && c->cols[n].key != NULL; n++)
		;
	return n;
}

static void
print_examples(struct audit *a)
{
	const struct check *c = &checks[a->cur];
	char buf[SP_QUOTE_SIZE], num[32];
	const char *s;
	size_t w[MAXCOLS] = { 0 }, i, n;
	int k, nc = ncols(c);

	for (i = 0; i < a->nex; i++)
		for (k = 0; k < nc; k++) {
			n = width(render(cellat(a, i, k), c->cols[k].type,
			    buf));
			if (n > w[k])
				w[k] = n;
		}
	for (i = 0; i < a->nex; i++) {
		fputs(INDENT, stdout);
		for (k = 0; k < nc; k++) {
			s = render(cellat(a, i, k), c->cols[k].type, buf);
			putsafe(s);
			if (k + 1 < nc)
				printf("%*s", (int)(w[k] - width(s) + 2), "");
		}
		putchar('\n');
	}
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
	const struct cell *cl;
	size_t i, k;
	int nc = ncols(c);

	sp_jsonw_obj(w);
	sp_jsonw_key(w, "name");
	sp_jsonw_strz(w, c->name);
	sp_jsonw_key(w, "what");
	sp_jsonw_strz(w, c->what);
	sp_jsonw_key(w, "value");
	if (c->kind == K_MAX || c->kind == K_NOTE)
		sp_jsonw_int(w, (long long)a->count);
	else if (a->den == 0)
		sp_jsonw_null(w);
	else
		sp_jsonw_real(w, (double)hundredths(a->num, a->den,
		    c->kind == K_MAX_PCT) / 100.0, 2);
	sp_jsonw_key(w, "unit");
	sp_jsonw_strz(w, c->kind == K_MAX || c->kind == K_NOTE ? "count" :
	    "percent");
	sp_jsonw_key(w, "limit");
	sp_jsonw_strz(w, c->kind == K_NOTE ? NULL : c->kind == K_MIN_PCT ?
	    "min" : "max");
	sp_jsonw_key(w, "threshold");
	if (c->limit != NULL)
		sp_jsonw_int(w, *c->limit);
	else
		sp_jsonw_null(w);
	sp_jsonw_key(w, "flag");
	sp_jsonw_strz(w, c->flag);
	sp_jsonw_key(w, "pass");
	sp_jsonw_bool(w, pass);
	if (c->kind == K_MAX_PCT || c->kind == K_MIN_PCT) {
		sp_jsonw_key(w, "numerator");
		sp_jsonw_int(w, a->num);
		sp_jsonw_key(w, "denominator");
		sp_jsonw_int(w, a->den);
	}
	sp_jsonw_key(w, "count");
	sp_jsonw_int(w, (long long)a->count);
	if (a->cur == C_REFETCH) {
		sp_jsonw_key(w, "asked");
		sp_jsonw_int(w, (long long)a->asked);
		sp_jsonw_key(w, "compared");
		sp_jsonw_int(w, (long long)a->answered);
	}
	if (a->cur == C_NULLS) {
		sp_jsonw_key(w, "columns");
		sp_jsonw_arr(w);
		for (i = 0; i < a->nnulls; i++) {
			sp_jsonw_obj(w);
			sp_jsonw_key(w, "column");
			sp_jsonw_strz(w, a->nulls[i].col);
			sp_jsonw_key(w, "required");
			sp_jsonw_bool(w, a->nulls[i].required);
			sp_jsonw_key(w, "api");
			sp_jsonw_int(w, a->nulls[i].api);
			sp_jsonw_key(w, "pending");
			sp_jsonw_int(w, a->nulls[i].pending);
			sp_jsonw_end(w);
		}
		sp_jsonw_end(w);
	}
	sp_jsonw_key(w, "examples");
	sp_jsonw_arr(w);
	for (i = 0; i < a->nex; i++) {
		sp_jsonw_obj(w);
		for (k = 0; k < (size_t)nc; k++) {
			cl = cellat(a, i, k);
			sp_jsonw_key(w, c->cols[k].key);
			if (cl->type == 1)
				sp_jsonw_strz(w, cl->s);
			else if (cl->type == 2)
				sp_jsonw_int(w, cl->i);
			else
				sp_jsonw_null(w);
		}
		sp_jsonw_end(w);
	}
	sp_jsonw_end(w);
	sp_jsonw_key(w, "more");
	sp_jsonw_int(w, (long long)(a->count - a->nex));
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
 * The checks.
 */

struct totals {
	long long	 plays, ms, noid, msnoid, account, played;
	long long	 msok, msnf;
	long long	 n[3][4];	/* tracks, albums, artists: all, ok, */
					/* pending, not_found */
	long long	 withgenres, unclassified, notsaid;
};

static int
get_totals(struct audit *a, struct totals *t)
{
	sqlite3_stmt *st;
	int rc, k, i;

	memset(t, 0, sizeof(*t));
	st = a->st[S_TOTALS];
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t->plays = sqlite3_column_int64(st, 0);
		t->ms = sqlite3_column_int64(st, 1);
		t->noid = sqlite3_column_int64(st, 2);
		t->msnoid = sqlite3_column_int64(st, 3);
		t->account = sqlite3_column_int64(st, 4);
		t->played = sqlite3_column_int64(st, 5);
		t->msok = sqlite3_column_int64(st, 6);
		t->msnf = sqlite3_column_int64(st, 7);
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	st = a->st[S_STATUS];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((k = sqlite3_column_int(st, 0)) >= 0 && k < 3)
			for (i = 0; i < 4; i++)
				t->n[k][i] = sqlite3_column_int64(st, i + 1);
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	st = a->st[S_ARTIST_GENRES];
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t->withgenres = sqlite3_column_int64(st, 0);
		t->unclassified = sqlite3_column_int64(st, 1);
		t->notsaid = sqlite3_column_int64(st, 2);
	}
	return done(a, st, rc);
}

static void
json_counts(struct sp_jsonw *w, const char *key, const long long n[4])
{
	static const char *const keys[] = { "total", "ok", "pending",
	    "not_found" };
	int i;

	sp_jsonw_key(w, key);
	sp_jsonw_obj(w);
	for (i = 0; i < 4; i++) {
		sp_jsonw_key(w, keys[i]);
		sp_jsonw_int(w, n[i]);
	}
}

static void
show_totals(struct audit *a, const struct totals *t)
{
	static const char *const kinds[] = { "tracks", "albums", "artists" };
	struct sp_jsonw *w = a->w;
	char c[4][32], d[32];
	int k;

	if (json) {
		sp_jsonw_key(w, "totals");
		sp_jsonw_obj(w);
		sp_jsonw_key(w, "plays");
		sp_jsonw_int(w, t->plays);
		sp_jsonw_key(w, "ms_played");
		sp_jsonw_int(w, t->ms);
		sp_jsonw_key(w, "plays_without_track_id");
		sp_jsonw_int(w, t->noid);
		sp_jsonw_key(w, "ms_without_track_id");
		sp_jsonw_int(w, t->msnoid);
		sp_jsonw_key(w, "account_plays");
		sp_jsonw_int(w, t->account);
		sp_jsonw_key(w, "tracks_played");
		sp_jsonw_int(w, t->played);
		sp_jsonw_key(w, "ms_enriched");
		sp_jsonw_int(w, t->msok);
		sp_jsonw_key(w, "ms_not_found");
		sp_jsonw_int(w, t->msnf);
		for (k = 0; k < 3; k++) {
			json_counts(w, kinds[k], t->n[k]);
			if (k == 2) {
				sp_jsonw_key(w, "with_genres");
				sp_jsonw_int(w, t->withgenres);
				sp_jsonw_key(w, "unclassified");
				sp_jsonw_int(w, t->unclassified);
				sp_jsonw_key(w, "genres_not_said");
				sp_jsonw_int(w, t->notsaid);
			}
			sp_jsonw_end(w);
		}
		sp_jsonw_end(w);
		return;
	}
	if (quiet)
		return;
	printf("Audit of %s\n\nTotals\n", a->path);
	printf("  %-18s %9s  %7s\n", "plays", sp_fmt_count(t->plays, c[0]),
	    fmt_ms(t->ms, d));
	printf("    %-16s %9s  %7s\n", "with a track id",
	    sp_fmt_count(t->plays - t->noid, c[0]), fmt_ms(t->ms - t->msnoid,
	    d));
	if (t->noid > 0)
		printf("    %-16s %9s  %7s  %s\n", "without",
		    sp_fmt_count(t->noid, c[0]), fmt_ms(t->msnoid, d),
		    t->account == t->noid ?
		    "account-data export: cannot be enriched" :
		    "cannot be enriched");
	printf("  %-18s %9s\n", "tracks played", sp_fmt_count(t->played, c[0]));
	for (k = 0; k < 3; k++)
		printf("  %-18s %9s  %s enriched, %s pending, %s not found\n",
		    kinds[k], sp_fmt_count(t->n[k][0], c[0]),
		    sp_fmt_count(t->n[k][1], c[1]),
		    sp_fmt_count(t->n[k][2], c[2]),
		    sp_fmt_count(t->n[k][3], c[3]));
	printf("    %-16s %9s  %s not classified, %s not said by the API\n",
	    "with a genre", sp_fmt_count(t->withgenres, c[0]),
	    sp_fmt_count(t->unclassified, c[1]), sp_fmt_count(t->notsaid,
	    c[2]));
}

/* The tracks played with status s ("" for none), by listening time. */
static int
played_tracks(struct audit *a, const char *s)
{
	sqlite3_stmt *st = a->st[S_TRACKS_BY_STATUS];
	int rc;

	sqlite3_bind_text(st, 1, s, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		finding(a);
		cell_col(a, st, 0);
		cell_col(a, st, 1);
		cell_col(a, st, 2);
		cell_col(a, st, 3);
	}
	return done(a, st, rc);
}

static int
check_coverage(struct audit *a, const struct totals *t)
{
	sqlite3_stmt *st;
	int rc;

	section("Coverage");
	begin(a, C_COVERAGE);
	if (played_tracks(a, "") != SP_OK)
		return SP_FATAL_DB;
	a->num = t->msok;
	a->den = t->ms - t->msnoid - t->msnf;
	finish(a);

	begin(a, C_NOT_FOUND);
	if (played_tracks(a, "not_found") != SP_OK)
		return SP_FATAL_DB;
	a->num = t->msnf;
	a->den = t->ms - t->msnoid;
	finish(a);

	begin(a, C_PENDING);
	st = a->st[S_PENDING];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		finding(a);
		cell_col(a, st, 0);
		cell_col(a, st, 1);
		cell_col(a, st, 2);
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	finish(a);
	return SP_OK;
}

static int
check_nulls(struct audit *a)
{
	sqlite3_stmt *st;
	struct nullcol *n;
	char x[32], y[32], col[64];
	size_t i;
	int rc;

	section("Nulls");
	a->nnulls = 0;
	st = a->st[S_NULLS];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && a->nnulls < NNULLCOL) {
		n = &a->nulls[a->nnulls++];
		snprintf(n->col, sizeof(n->col), "%s", text(st, 1));
		n->required = sqlite3_column_int(st, 2);
		n->api = sqlite3_column_int64(st, 3);
		n->pending = sqlite3_column_int64(st, 4);
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	if (!json && !quiet) {
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
	}
	begin(a, C_NULLS);
	st = a->st[S_NULL_ROWS];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		finding(a);
		cell_col(a, st, 0);
		cell_col(a, st, 1);
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	finish(a);
	return SP_OK;
}

static int
check_format(struct audit *a)
{
	sqlite3_stmt *st;
	const char *g, *problem;
	size_t n;
	int rc, r;

	section("Format");
	begin(a, C_GENRE_FORMAT);
	st = a->st[S_GENRES];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		g = text(st, 2);
		n = (size_t)sqlite3_column_bytes(st, 2);
		sb_reset(&a->sa);
		if (sb_reserve(&a->sa, n) != 0) {
			sqlite3_reset(st);
			sp_warnx_at(NULL, "out of memory");
			return SP_FATAL_IO;
		}
		r = g != NULL ? sp_genre_norm(g, n, a->sa.s, n + 1) : 0;
		if (r > 0 && (size_t)r == n && memcmp(a->sa.s, g, n) == 0)
			continue;
		problem = r > 0 ? "not normalized" : r == 0 ? "empty" :
		    "bad bytes";
		finding(a);
		cell_col(a, st, 0);
		cell_col(a, st, 1);
		cell_str(a, g);
		cell_str(a, problem);
		cell_str(a, r > 0 ? a->sa.s : NULL);
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	finish(a);

	begin(a, C_GENRE_DUPS);
	st = a->st[S_GENRE_DUPS];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		finding(a);
		cell_col(a, st, 0);
		cell_col(a, st, 1);
		cell_col(a, st, 2);
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	finish(a);

	begin(a, C_GENRE_COUNT);
	st = a->st[S_GENRE_COUNT];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		finding(a);
		cell_col(a, st, 0);
		cell_col(a, st, 1);
		cell_col(a, st, 2);
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	finish(a);

	begin(a, C_FAMILY_NAMES);
	st = a->st[S_FAMILY_NAMES];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sp_genre_is_family(text(st, 1)))
			continue;
		finding(a);
		cell_col(a, st, 0);
		cell_col(a, st, 1);
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	finish(a);

	begin(a, C_IDS);
	st = a->st[S_IDS];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		g = text(st, 1);
		if (g != NULL && sp_id_valid(g, (size_t)sqlite3_column_bytes(st,
		    1)))
			continue;
		finding(a);
		cell_col(a, st, 0);
		cell_str(a, g);
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	finish(a);
	return SP_OK;
}

static int
check_families(struct audit *a)
{
	sqlite3_stmt *st;
	int rc;

	section("Genre families");
	begin(a, C_FAMILIES);
	st = a->st[S_FAMILIES];
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a->den = sqlite3_column_int64(st, 0);
		a->num = sqlite3_column_int64(st, 1);
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	finish(a);

	begin(a, C_UNMAPPED);
	st = a->st[S_UNMAPPED];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		finding(a);
		cell_col(a, st, 0);
		cell_col(a, st, 1);
		cell_col(a, st, 2);
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	finish(a);
	return SP_OK;
}

static int
check_dates(struct audit *a)
{
	static const char *const shapes[] = { "year", "month", "day" };
	static const char *const problems[] = { "the date is a year",
	    "the date is a month", "the date is a day" };
	sqlite3_stmt *st = a->st[S_DATES];
	const char *d, *p, *problem;
	long long ry;
	int rc, pass, k, y, yok, hasy, plausible;

	/* Three checks from one pass: release-years, year-date, precision. */
	for (pass = 0; pass < 3; pass++) {
		begin(a, pass == 0 ? C_RELEASE_YEARS : pass == 1 ?
		    C_YEAR_DATE : C_PRECISION);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			d = text(st, 1);
			p = text(st, 2);
			hasy = sqlite3_column_type(st, 3) != SQLITE_NULL;
			ry = sqlite3_column_int64(st, 3);
			plausible = hasy && sqlite3_column_type(st, 3) ==
			    SQLITE_INTEGER && ry >= MINYEAR && ry <= a->maxyear;
			k = d != NULL ? date_shape(d, &y) : -1;
			yok = k >= 0 && y >= MINYEAR && y <= a->maxyear;
			if (pass == 0 && hasy && !plausible) {
				finding(a);
				cell_col(a, st, 0);
				cell_col(a, st, 3);
				cell_col(a, st, 1);
			} else if (pass == 1 && (!hasy || plausible) &&
			    (hasy != yok || (yok && ry != y))) {
				finding(a);
				cell_col(a, st, 0);
				cell_col(a, st, 3);
				cell_col(a, st, 1);
				if (yok)
					cell_int(a, y);
			} else if (pass == 2 && (d != NULL || p != NULL)) {
				problem = NULL;
				if (d != NULL && k < 0)
					problem = "not a date";
				else if (p != NULL && strcmp(p, "year") != 0 &&
				    strcmp(p, "month") != 0 &&
				    strcmp(p, "day") != 0)
					problem = "unknown precision";
				else if (d != NULL && p != NULL &&
				    strcmp(p, shapes[k]) != 0)
					problem = problems[k];
				if (problem == NULL)
					continue;
				finding(a);
				cell_col(a, st, 0);
				cell_col(a, st, 1);
				cell_col(a, st, 2);
				cell_str(a, problem);
			}
		}
		if (done(a, st, rc) != SP_OK)
			return SP_FATAL_DB;
		finish(a);
	}
	return SP_OK;
}

/* A check whose findings are the rows of statement s, as they come. */
static int
check_rows(struct audit *a, int c, int s)
{
	sqlite3_stmt *st = a->st[s];
	int rc, i, nc = ncols(&checks[c]);

	begin(a, c);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		finding(a);
		for (i = 0; i < nc; i++)
			cell_col(a, st, i);
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	finish(a);
	return SP_OK;
}

static int
check_plausible(struct audit *a)
{
	int status;

	section("Plausibility");
	if ((status = check_dates(a)) != SP_OK ||
	    (status = check_rows(a, C_RANGES, S_RANGES)) != SP_OK ||
	    (status = check_rows(a, C_ORPHANS, S_ORPHANS)) != SP_OK)
		return status;
	return check_rows(a, C_BEFORE, S_BEFORE);
}

/* Does name match one of the track's artists?  The first one in *first. */
static int
artist_match(struct audit *a, const char *track, const char *name,
    struct sbuf *first)
{
	sqlite3_stmt *st = a->st[S_TRACK_ARTISTS];
	const char *s;
	int rc, k = 0, same = 0, r;

	sb_reset(first);
	sqlite3_bind_text(st, 1, track, -1, SQLITE_TRANSIENT);
	while (!same && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((s = text(st, 1)) == NULL)
			continue;
		if (k++ == 0)
			sb_addz(first, s);
		if ((r = same_name(name, s)) < 0) {
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

static int
check_names(struct audit *a)
{
	sqlite3_stmt *st = a->st[S_NAMES];
	const char *id, *tn, *an, *sn;
	int rc, bad, r = 0;

	section("Correctness");
	begin(a, C_NAMES);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = text(st, 0);
		tn = text(st, 1);
		an = text(st, 2);
		sn = text(st, 3);
		a->den++;
		bad = 0;
		if (tn != NULL && (sn == NULL || (r = same_name(tn, sn)) ==
		    0)) {
			finding(a);
			cell_str(a, id);
			cell_str(a, "name");
			cell_str(a, tn);
			cell_str(a, sn);
			bad = 1;
		} else if (tn != NULL && r < 0)
			goto nomem;
		if (an != NULL) {
			if ((r = artist_match(a, id, an, &a->sb)) == -1)
				goto nomem;
			if (r == -2) {
				sqlite3_reset(st);
				return SP_FATAL_DB;
			}
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
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	finish(a);
	return SP_OK;
nomem:
	sqlite3_reset(st);
	sp_warnx_at(NULL, "out of memory");
	return SP_FATAL_IO;
}

/*
 * --sample: a repeatable random choice of enriched tracks and artists,
 * for a person to check against Spotify.
 */

/* Row i of statement st as "name (id)" items joined by ", " into b. */
static void
join_named(struct sbuf *b, const char *name, const char *id)
{
	if (b->len > 0)
		sb_addz(b, ", ");
	sb_addz(b, name != NULL ? name : "?");
	if (id != NULL) {
		sb_addz(b, " (");
		sb_addz(b, id);
		sb_addz(b, ")");
	}
}

static void
label(const char *l, const char *v)
{
	printf("    %-11s", l);
	putsafe(v != NULL ? v : "-");
	putchar('\n');
}

static int
sample_track(struct audit *a, sqlite3_stmt *t)
{
	struct sp_jsonw *w = a->w;
	sqlite3_stmt *st;
	const char *id = text(t, 0);
	char buf[256], ms[32], num[32];
	long long d;
	int rc;

	if (json) {
		sp_jsonw_obj(w);
		sp_jsonw_key(w, "id");
		sp_jsonw_strz(w, id);
		sp_jsonw_key(w, "name");
		sp_jsonw_strz(w, text(t, 1));
		sp_jsonw_key(w, "duration_ms");
		if (sqlite3_column_type(t, 2) == SQLITE_NULL)
			sp_jsonw_null(w);
		else
			sp_jsonw_int(w, sqlite3_column_int64(t, 2));
		sp_jsonw_key(w, "artists");
		sp_jsonw_arr(w);
	} else {
		printf("  track      %s\n", id);
		label("name", text(t, 1));
	}
	sb_reset(&a->sa);
	st = a->st[S_TRACK_ARTISTS];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (json) {
			sp_jsonw_obj(w);
			sp_jsonw_key(w, "id");
			sp_jsonw_strz(w, text(st, 0));
			sp_jsonw_key(w, "name");
			sp_jsonw_strz(w, text(st, 1));
			sp_jsonw_end(w);
		} else
			join_named(&a->sa, text(st, 1), text(st, 0));
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	if (json) {
		sp_jsonw_end(w);
		sp_jsonw_key(w, "album");
		sp_jsonw_obj(w);
		sp_jsonw_key(w, "id");
		sp_jsonw_strz(w, text(t, 3));
		sp_jsonw_key(w, "name");
		sp_jsonw_strz(w, text(t, 4));
		sp_jsonw_key(w, "album_type");
		sp_jsonw_strz(w, text(t, 5));
		sp_jsonw_key(w, "release_date");
		sp_jsonw_strz(w, text(t, 6));
		sp_jsonw_key(w, "release_date_precision");
		sp_jsonw_strz(w, text(t, 7));
		sp_jsonw_key(w, "release_year");
		if (sqlite3_column_type(t, 8) == SQLITE_NULL)
			sp_jsonw_null(w);
		else
			sp_jsonw_int(w, sqlite3_column_int64(t, 8));
		sp_jsonw_end(w);
		sp_jsonw_key(w, "genres");
		sp_jsonw_arr(w);
	} else {
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
			snprintf(buf, sizeof(buf), "%lld:%02lld", d / 60,
			    d % 60);
			label("duration", buf);
		}
	}
	sb_reset(&a->sa);
	st = a->st[S_TRACK_GENRES];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (json)
			sp_jsonw_strz(w, text(st, 0));
		else
			join_named(&a->sa, text(st, 0), NULL);
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	if (json) {
		sp_jsonw_end(w);
		sp_jsonw_key(w, "plays");
		sp_jsonw_int(w, sqlite3_column_int64(t, 9));
		sp_jsonw_key(w, "ms_played");
		sp_jsonw_int(w, sqlite3_column_int64(t, 10));
		sp_jsonw_end(w);
	} else {
		label("genres", a->sa.len > 0 ? a->sa.s : "none");
		snprintf(buf, sizeof(buf), "%s time%s, %s",
		    sp_fmt_count((unsigned long long)sqlite3_column_int64(t, 9),
		    num), sqlite3_column_int64(t, 9) == 1 ? "" : "s",
		    fmt_ms(sqlite3_column_int64(t, 10), ms));
		label("played", buf);
	}
	return SP_OK;
}

static int
sample_artist(struct audit *a, sqlite3_stmt *t)
{
	struct sp_jsonw *w = a->w;
	sqlite3_stmt *st;
	const char *id = text(t, 0);
	char num[32];
	int rc;

	if (json) {
		sp_jsonw_obj(w);
		sp_jsonw_key(w, "id");
		sp_jsonw_strz(w, id);
		sp_jsonw_key(w, "name");
		sp_jsonw_strz(w, text(t, 1));
		sp_jsonw_key(w, "popularity");
		if (sqlite3_column_type(t, 2) == SQLITE_NULL)
			sp_jsonw_null(w);
		else
			sp_jsonw_int(w, sqlite3_column_int64(t, 2));
		sp_jsonw_key(w, "followers");
		if (sqlite3_column_type(t, 3) == SQLITE_NULL)
			sp_jsonw_null(w);
		else
			sp_jsonw_int(w, sqlite3_column_int64(t, 3));
		sp_jsonw_key(w, "genres");
		sp_jsonw_arr(w);
	} else {
		printf("  artist     %s\n", id);
		label("name", text(t, 1));
	}
	sb_reset(&a->sa);
	st = a->st[S_GENRES_OF];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (json) {
			sp_jsonw_obj(w);
			sp_jsonw_key(w, "genre");
			sp_jsonw_strz(w, text(st, 0));
			sp_jsonw_key(w, "family");
			sp_jsonw_strz(w, text(st, 1));
			sp_jsonw_end(w);
		} else {
			if (a->sa.len > 0)
				sb_addz(&a->sa, ", ");
			sb_addz(&a->sa, text(st, 0) ? text(st, 0) : "?");
			sb_addz(&a->sa, " (");
			sb_addz(&a->sa, text(st, 1) ? text(st, 1) :
			    "no family");
			sb_addz(&a->sa, ")");
		}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	if (json) {
		sp_jsonw_end(w);
		sp_jsonw_end(w);
		return SP_OK;
	}
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
		sp_jsonw_key(a->w, "seed");
		sp_jsonw_int(a->w, s);
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

static int
refetch_open(struct audit *a)
{
	struct sp_api_opts o;
	char err[SP_AUTH_ERRSIZE], key[17], name[64];
	const char *api, *tok;
	int status;

	if ((api = getenv("SP_API_URL")) == NULL || *api == '\0')
		api = DEFAULT_API;
	if ((tok = getenv("SP_TOKEN_URL")) == NULL || *tok == '\0')
		tok = DEFAULT_TOKEN;
	if (!sp_url_safe(api)) {
		sp_warnx_at(NULL, "refusing to send credentials to %s: use "
		    "https, or http to a loopback address", api);
		return SP_USAGE;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		sp_warnx_at(NULL, "cannot initialise libcurl");
		return SP_FATAL_IO;
	}
	if ((status = sp_auth_new(tok, secretfile, &a->auth, err)) != SP_OK) {
		sp_warnx_at(NULL, "%s", err);
		return status;
	}
	sp_auth_key(api, getenv("SPOTIFY_CLIENT_ID"), key);
	snprintf(name, sizeof(name), "pace-%s.json", key);
	a->state = sp_cache_path(name);
	memset(&o, 0, sizeof(o));
	o.api_url = api;
	o.auth = a->auth;
	o.jobs = 8;
	o.max_wait = 120;
	o.timeout = 30;
	o.retries = 5;
	o.state = a->state;
	if ((status = sp_api_new(&o, &a->api)) != SP_OK) {
		sp_warnx_at(NULL, "out of memory");
		return SP_FATAL_IO;
	}
	return SP_OK;
}

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
jtext(const struct sp_json *j, int v, char buf[32])
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

static int
compare_track(struct audit *a, const char *id, const struct sp_json *j,
    int o)
{
	sqlite3_stmt *st = a->st[S_STORED_TRACK];
	char buf[32];
	const char *s, *oid;
	int rc, v, e;

	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		differ(a, "track", id, "name", text(st, 0),
		    sp_json_str(j, sp_json_get(j, o, "name"), NULL), 0);
		differ(a, "track", id, "duration_ms", text(st, 1),
		    jtext(j, sp_json_get(j, o, "duration_ms"), buf), 1);
		differ(a, "track", id, "explicit", text(st, 2),
		    jtext(j, sp_json_get(j, o, "explicit"), buf), 1);
		differ(a, "track", id, "isrc", text(st, 3),
		    sp_json_str(j, sp_json_path(j, o, "external_ids.isrc"),
		    NULL), 0);
		differ(a, "track", id, "album_id", text(st, 4),
		    sp_json_str(j, sp_json_path(j, o, "album.id"), NULL), 0);
		oid = sp_json_str(j, sp_json_get(j, o, "id"), NULL);
		differ(a, "track", id, "linked_id", text(st, 5),
		    oid != NULL && strcmp(oid, id) != 0 ? oid : NULL, 0);
		differ(a, "track", id, "release_date", text(st, 6),
		    sp_json_str(j, sp_json_path(j, o, "album.release_date"),
		    NULL), 0);
	}
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	if (rc != SQLITE_ROW)
		return SP_OK;	/* gone meanwhile */
	sb_reset(&a->sa);
	st = a->st[S_TRACK_ARTISTS];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (a->sa.len > 0)
			sb_addz(&a->sa, ",");
		sb_addz(&a->sa, text(st, 0));
	}
	if (done(a, st, rc) != SP_OK)
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
	sqlite3_stmt *st = a->st[S_STORED_ARTIST];
	const char *s;
	size_t n;
	int rc, v, e, r, hasgenres;

	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		differ(a, "artist", id, "name", text(st, 0),
		    sp_json_str(j, sp_json_get(j, o, "name"), NULL), 0);
	hasgenres = rc == SQLITE_ROW &&
	    sqlite3_column_type(st, 1) != SQLITE_NULL;
	if (done(a, st, rc) != SP_OK)
		return SP_FATAL_DB;
	if (rc != SQLITE_ROW)
		return SP_OK;	/* gone meanwhile */
	sb_reset(&a->sa);
	st = a->st[S_GENRES_OF];
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (a->sa.len > 0)
			sb_add(&a->sa, "\x1f", 1);
		sb_addz(&a->sa, text(st, 0));
	}
	if (done(a, st, rc) != SP_OK)
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

	section("Refetch");
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
	struct totals t;
	int status, run = SP_OK;

	/* One read transaction: every check sees the same store. */
	if (sqlite3_exec(a->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return dberr(a);
	if (json) {
		sp_jsonw_obj(a->w);
		sp_jsonw_key(a->w, "database");
		sp_jsonw_strz(a->w, a->path);
	}
	if ((status = get_totals(a, &t)) != SP_OK)
		goto out;
	show_totals(a, &t);
	if (json) {
		sp_jsonw_key(a->w, "checks");
		sp_jsonw_arr(a->w);
	}
	if ((status = check_coverage(a, &t)) != SP_OK ||
	    (status = check_nulls(a)) != SP_OK ||
	    (status = check_format(a)) != SP_OK ||
	    (status = check_families(a)) != SP_OK ||
	    (status = check_plausible(a)) != SP_OK ||
	    (status = check_names(a)) != SP_OK)
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
	struct audit a;
	struct tm tm;
	time_t now;
	char *path, *msg;
	int c, status, curl = 0;

	memset(&a, 0, sizeof(a));
	while ((c = getopt_long(argc, argv, "d:hqV", longopts, NULL)) != -1)
		switch (c) {
		case 'd':
			dbpath = optarg;
			break;
		case 'h':
			usage(stdout, SP_OK);
		case 'q':
			quiet = 1;
			break;
		case 'V':
			printf("sp-audit %s\n", SP_VERSION);
			return SP_OK;
		case O_EXAMPLES:
			examples = number("--examples", optarg, 0, 1000);
			break;
		case O_JSON:
			json = 1;
			break;
		case O_CHANGED:
			maxchanged = number("--max-changed", optarg, 0,
			    INT64_MAX);
			break;
		case O_DATES:
			maxdates = number("--max-dates", optarg, 0, INT64_MAX);
			break;
		case O_FORMAT:
			maxformat = number("--max-format", optarg, 0,
			    INT64_MAX);
			break;
		case O_MISMATCH:
			maxmismatch = number("--max-mismatch", optarg, 0, 100);
			break;
		case O_NOT_FOUND:
			maxnotfound = number("--max-not-found", optarg, 0,
			    100);
			break;
		case O_NULLS:
			maxnulls = number("--max-nulls", optarg, 0, INT64_MAX);
			break;
		case O_ORPHANS:
			maxorphans = number("--max-orphans", optarg, 0,
			    INT64_MAX);
			break;
		case O_PENDING:
			maxpending = number("--max-pending", optarg, 0,
			    INT64_MAX);
			break;
		case O_RANGE:
			maxrange = number("--max-range", optarg, 0, INT64_MAX);
			break;
		case O_COVERAGE:
			mincoverage = number("--min-coverage", optarg, 0, 100);
			break;
		case O_FAMILIES:
			minfamilies = number("--min-families", optarg, 0, 100);
			break;
		case O_REFETCH:
			refetch = number("--refetch", optarg, 0, 10000);
			break;
		case O_SAMPLE:
			sample = number("--sample", optarg, 0, 100000);
			break;
		case O_SECRET_FILE:
			secretfile = optarg;
			break;
		case O_SEED:
			seed = number("--seed", optarg, 0, INT64_MAX);
			break;
		default:
			usage(stderr, SP_USAGE);
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
	if ((a.cells = calloc((size_t)examples + 1, MAXCOLS *
	    sizeof(struct cell))) == NULL || (json &&
	    (a.w = sp_jsonw_new()) == NULL)) {
		sp_warnx_at(NULL, "out of memory");
		status = SP_FATAL_IO;
		goto out;
	}
	if (refetch > 0) {
		curl = 1;
		if ((status = refetch_open(&a)) != SP_OK)
			goto out;
	}
	status = audit(&a);
out:
	if (a.cells != NULL)
		begin(&a, 0);	/* frees the cells' strings */
	free(a.cells);
	free(a.sa.s);
	free(a.sb.s);
	free(a.sc.s);
	sp_jsonw_free(a.w);
	sp_api_free(a.api);
	sp_auth_free(a.auth);
	free(a.state);
	if (curl)
		curl_global_cleanup();
	sp_store_close(a.store);
	free(path);
	if (sp_close_stdout() != 0)
		status = sp_status_merge(status, SP_FATAL_IO);
	return status;
}
