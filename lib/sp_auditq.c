/* sp_auditq.c: the queries of sp-audit, the sp_rank() order. */
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "sp.h"
#include "sp_auditq.h"

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

const char *const sp_auditq_sql[SP_AUDITQ_N] = {
	[SP_AUDITQ_TOTALS] =
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
	[SP_AUDITQ_STATUS] =
	    "SELECT 0, count(*), coalesce(sum(status = 'ok'), 0),"
	    " coalesce(sum(status IS NULL), 0),"
	    " coalesce(sum(status = 'not_found'), 0) FROM tracks"
	    " UNION ALL SELECT 1, count(*), coalesce(sum(status = 'ok'), 0),"
	    " coalesce(sum(status IS NULL), 0),"
	    " coalesce(sum(status = 'not_found'), 0) FROM albums"
	    " UNION ALL SELECT 2, count(*), coalesce(sum(status = 'ok'), 0),"
	    " coalesce(sum(status IS NULL), 0),"
	    " coalesce(sum(status = 'not_found'), 0) FROM artists",
	[SP_AUDITQ_ARTIST_GENRES] =
	    "SELECT coalesce(sum(EXISTS (SELECT 1 FROM artist_genres g"
	    " WHERE g.artist_id = a.id)), 0),"
	    " coalesce(sum(a.status = 'ok' AND a.genre_count = 0), 0),"
	    " coalesce(sum(a.status = 'ok' AND a.genre_count IS NULL), 0)"
	    " FROM artists a",
	/* ?1: '' for the tracks not enriched, or 'not_found'. */
	[SP_AUDITQ_TRACKS_BY_STATUS] =
	    "SELECT p.track_id, count(*), sum(p.ms_played), max(p.track_name)"
	    " FROM plays p LEFT JOIN tracks t ON t.id = p.track_id"
	    " WHERE p.track_id IS NOT NULL AND coalesce(t.status, '') = ?1"
	    " GROUP BY p.track_id ORDER BY 3 DESC, 1",
	[SP_AUDITQ_PENDING] =
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
	[SP_AUDITQ_NULLS] =
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
	[SP_AUDITQ_NULL_ROWS] =
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
	[SP_AUDITQ_GENRES] =
	    "SELECT 'artist_genres', artist_id, genre FROM artist_genres"
	    " UNION ALL SELECT 'genres', NULL, genre FROM genres"
	    " ORDER BY 1, 2, 3",
	[SP_AUDITQ_GENRE_DUPS] =
	    "SELECT artist_id, genre, count(*) FROM artist_genres"
	    " GROUP BY artist_id, genre HAVING count(*) > 1 ORDER BY 1, 2",
	[SP_AUDITQ_GENRE_COUNT] =
	    "SELECT id, genre_count, n FROM (SELECT a.id, a.genre_count,"
	    " (SELECT count(*) FROM artist_genres g WHERE g.artist_id = a.id)"
	    " AS n FROM artists a WHERE a.genre_count IS NOT NULL)"
	    " WHERE genre_count <> n ORDER BY 1",
	[SP_AUDITQ_FAMILY_NAMES] =
	    "SELECT genre, family FROM genres WHERE family IS NOT NULL"
	    " ORDER BY 1",
	[SP_AUDITQ_IDS] =
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
	[SP_AUDITQ_FAMILIES] =
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
	[SP_AUDITQ_UNMAPPED] =
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
	[SP_AUDITQ_DATES] =
	    "SELECT id, release_date, release_date_precision, release_year"
	    " FROM albums WHERE release_date IS NOT NULL"
	    " OR release_date_precision IS NOT NULL"
	    " OR release_year IS NOT NULL ORDER BY id",
	[SP_AUDITQ_RANGES] =
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
	[SP_AUDITQ_ORPHANS] =
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
	[SP_AUDITQ_BEFORE] =
	    "SELECT t.id, f.first, al.release_date, al.id FROM (SELECT"
	    " track_id, min(ts) AS first FROM plays WHERE track_id IS NOT NULL"
	    " GROUP BY track_id) f JOIN tracks t ON t.id = f.track_id"
	    " JOIN albums al ON al.id = t.album_id"
	    " WHERE al.release_date IS NOT NULL"
	    " AND substr(f.first, 1, length(al.release_date)) < al.release_date"
	    " ORDER BY f.first, t.id",
	[SP_AUDITQ_NAMES] =
	    "SELECT DISTINCT p.track_id, p.track_name, p.artist_name, t.name"
	    " FROM plays p JOIN tracks t ON t.id = p.track_id"
	    " WHERE t.status = 'ok'"
	    " AND (p.track_name IS NOT NULL OR p.artist_name IS NOT NULL)"
	    " ORDER BY 1, 2, 3",
	[SP_AUDITQ_TRACK_ARTISTS] =
	    "SELECT ta.artist_id, a.name FROM track_artists ta"
	    " LEFT JOIN artists a ON a.id = ta.artist_id"
	    " WHERE ta.track_id = ?1 ORDER BY ta.position",
	/* ?1 the seed, ?2 how many. */
	[SP_AUDITQ_SAMPLE_TRACKS] =
	    "SELECT t.id, t.name, t.duration_ms, al.id, al.name, al.album_type,"
	    " al.release_date, al.release_date_precision, al.release_year,"
	    " (SELECT count(*) FROM plays p WHERE p.track_id = t.id),"
	    " (SELECT coalesce(sum(p.ms_played), 0) FROM plays p"
	    " WHERE p.track_id = t.id)"
	    " FROM tracks t LEFT JOIN albums al ON al.id = t.album_id"
	    " WHERE t.status = 'ok' ORDER BY sp_rank(t.id, ?1), t.id LIMIT ?2",
	[SP_AUDITQ_TRACK_GENRES] =
	    "SELECT ag.genre FROM track_artists ta JOIN artist_genres ag"
	    " ON ag.artist_id = ta.artist_id WHERE ta.track_id = ?1"
	    " GROUP BY ag.genre"
	    " ORDER BY min(ta.position * 1000 + ag.position), ag.genre",
	[SP_AUDITQ_SAMPLE_ARTISTS] =
	    "SELECT id, name, popularity, followers, genre_count FROM artists"
	    " WHERE status = 'ok' ORDER BY sp_rank(id, ?1), id LIMIT ?2",
	[SP_AUDITQ_GENRES_OF] =
	    "SELECT ag.genre, g.family FROM artist_genres ag"
	    " LEFT JOIN genres g ON g.genre = ag.genre"
	    " WHERE ag.artist_id = ?1 ORDER BY ag.position",
	[SP_AUDITQ_STORED_TRACK] =
	    "SELECT t.name, t.duration_ms, t.explicit, t.isrc, t.album_id,"
	    " t.linked_id, al.release_date, t.from_listing FROM tracks t"
	    " LEFT JOIN albums al ON al.id = t.album_id WHERE t.id = ?1",
	[SP_AUDITQ_STORED_ARTIST] =
	    "SELECT name, genre_count FROM artists WHERE id = ?1",
};

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

int
sp_auditq_rank(sqlite3 *db)
{
	return sqlite3_create_function(db, "sp_rank", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, rank_fn, NULL, NULL);
}

int
sp_auditq_done(sqlite3_stmt *st, int rc, char err[SP_AUDITQ_ERRSIZE])
{
	int status = SP_OK;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		snprintf(err, SP_AUDITQ_ERRSIZE, "database: %s",
		    sqlite3_errmsg(sqlite3_db_handle(st)));
		status = SP_FATAL_DB;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return status;
}

const char *
sp_auditq_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

sqlite3_stmt *
sp_auditq_bound(sqlite3_stmt *st, const char *id)
{
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	return st;
}
