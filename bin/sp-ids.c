/*
 * sp-ids: print the ids that need fetching, most listened first, as
 * {"type":KIND,"id":ID} records for sp-fetch.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "sp.h"
#include "sp_err.h"
#include "sp_id.h"
#include "sp_jsonw.h"
#include "sp_store.h"

static const struct option longopts[] = {
	{ "all",	no_argument,		NULL,	'a' },
	{ "by-album",	no_argument,		NULL,	'b' },
	{ "db",		required_argument,	NULL,	'd' },
	{ "help",	no_argument,		NULL,	'h' },
	{ "limit",	required_argument,	NULL,	'l' },
	{ "missing",	no_argument,		NULL,	'm' },
	{ "older-than",	required_argument,	NULL,	'o' },
	{ "quiet",	no_argument,		NULL,	'q' },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

static int all;
static int byalbum;
static const char *dbpath;
static long long limit = -1;
static int missing;
static long long olderthan = -1;
static int quiet;

/*
 * One query per kind: the rows to fetch, ordered by listening time.
 * ?1 all, ?2 missing too, ?3 enriched before this time too, ?4 limit.
 */
static const char *const sql[] = {
	[SP_KIND_TRACK] =
	    "SELECT t.id FROM tracks t"
	    " LEFT JOIN plays p ON p.track_id = t.id"
	    " WHERE ?1 OR t.status IS NULL"
	    " OR (?2 AND t.status = 'not_found')"
	    " OR (t.status = 'ok' AND t.fetched_at < ?3)"
	    " GROUP BY t.id"
	    " ORDER BY coalesce(sum(p.ms_played), 0) DESC, t.id LIMIT ?4",
	[SP_KIND_ALBUM] =
	    "SELECT al.id FROM albums al"
	    " LEFT JOIN tracks t ON t.album_id = al.id"
	    " LEFT JOIN plays p ON p.track_id = t.id"
	    " WHERE ?1 OR al.status IS NULL"
	    " OR (?2 AND al.status = 'not_found')"
	    " OR (al.status = 'ok' AND al.fetched_at < ?3)"
	    " GROUP BY al.id"
	    " ORDER BY coalesce(sum(p.ms_played), 0) DESC, al.id LIMIT ?4",
	[SP_KIND_ARTIST] =
	    "SELECT a.id FROM artists a"
	    " LEFT JOIN track_artists ta ON ta.artist_id = a.id"
	    " LEFT JOIN plays p ON p.track_id = ta.track_id"
	    " WHERE ?1 OR a.status IS NULL"
	    " OR (?2 AND a.status = 'not_found')"
	    " OR (a.status = 'ok' AND a.fetched_at < ?3)"
	    " GROUP BY a.id"
	    " ORDER BY coalesce(sum(p.ms_played), 0) DESC, a.id LIMIT ?4",
};

/*
 * --by-album: the export's plays grouped by album as it names them
 * (album and artist name: the export has no album artist), each group's
 * distinct tracks with their listening time and state.
 */
#define GROUPS								\
	"WITH g AS (SELECT album_name AS al, artist_name AS ar,"	\
	" track_id AS id, sum(ms_played) AS ms FROM plays"		\
	" WHERE track_id IS NOT NULL AND album_name IS NOT NULL"	\
	" AND artist_name IS NOT NULL GROUP BY 1, 2, 3),"		\
	" s AS (SELECT g.al, g.ar, g.id, g.ms, t.status, t.album_id"	\
	" FROM g JOIN tracks t ON t.id = g.id)"

/*
 * Tracks: for each group of BY_ALBUM_MIN or more pending tracks and none
 * enriched, its most listened pending track, whose fetch gives the
 * album's id.  A group is an album and artist name; a compilation's
 * tracks have as many artists, so an album name with several artists
 * and BY_NAME_MIN or more pending tracks gives two, and when both turn
 * out to be on the same compilation, its listing is taken for the album
 * name alone (two tracks of other albums of the same name would not).
 * Albums: the albums of the groups' enriched tracks, not fetched whole
 * yet, whose listing pages cost fewer requests than the group's pending
 * tracks would one by one (50 tracks a page).  ?1 limit.
 */
#define BY_ALBUM_MIN	"3"
#define BY_NAME_MIN	"4"
#define REP(part, n)							\
	" row_number() OVER " part " AS rank" n ","			\
	" sum(status IS NULL) OVER " part " AS pending" n ","		\
	" sum(status IS 'ok') OVER " part " AS ok" n ","		\
	" sum(ms) OVER " part " AS ms" n
#define ORDER	" ORDER BY status IS NULL DESC, ms DESC, id"		\
	" RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING"
static const char *const byalbumsql[] = {
	[SP_KIND_TRACK] = GROUPS ","
	    " r AS (SELECT id," REP("w", "") "," REP("v", "2") ","
	    " min(ar) OVER v AS ar1, max(ar) OVER v AS ar2"
	    " FROM s WINDOW w AS (PARTITION BY al, ar" ORDER "),"
	    " v AS (PARTITION BY al" ORDER "))"
	    " SELECT id FROM r"
	    " WHERE (rank = 1 AND ok = 0 AND pending >= " BY_ALBUM_MIN ")"
	    " OR (rank2 <= 2 AND ok2 = 0 AND pending2 >= " BY_NAME_MIN
	    " AND ar1 <> ar2)"
	    " GROUP BY id ORDER BY max(ms, ms2) DESC, id LIMIT ?1",
	[SP_KIND_ALBUM] = GROUPS ","
	    " c AS (SELECT al, album_id, count(*) AS n FROM s"
	    " WHERE status = 'ok' GROUP BY al, album_id),"
	    " k AS (SELECT DISTINCT s.al, s.ar, s.album_id,"
	    " a.album_type IS 'compilation' AND c.n >= 2 AS byname,"
	    " a.total_tracks AS n"
	    " FROM s JOIN albums a ON a.id = s.album_id"
	    " JOIN c ON c.al = s.al AND c.album_id = s.album_id"
	    " WHERE s.status = 'ok' AND a.tracks_listed = 0"
	    " AND a.status IS NOT 'not_found'),"
	    " p AS (SELECT DISTINCT al, ar, id, ms FROM s"
	    " WHERE status IS NULL),"
	    " m AS (SELECT DISTINCT k.album_id, k.n, p.id, p.ms"
	    " FROM k JOIN p ON p.al = k.al AND (k.byname OR p.ar = k.ar))"
	    " SELECT album_id FROM m GROUP BY album_id"
	    " HAVING count(*) > max(1, (coalesce(max(n), 0) + 49) / 50)"
	    " ORDER BY sum(ms) DESC, album_id LIMIT ?1",
};

/* Whether any track is enriched: artists and albums come from tracks. */
static const char *const anyok[] = {
	"SELECT EXISTS (SELECT 1 FROM tracks WHERE status = 'ok')"
};

_Noreturn static void
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: sp-ids [-hqV] [--all] [--missing] [--older-than days] "
	    "[--limit n]\n"
	    "              [-d file] tracks | albums | artists\n"
	    "       sp-ids [-hqV] --by-album [--limit n] [-d file] tracks | "
	    "albums\n"
	    "  --all              every row, enriched or not\n"
	    "  --by-album         album-first: a track per album worth its "
	    "listing, or\n"
	    "                     the albums whose listings pay off\n"
	    "  -d, --db file      the database (default $SP_DB, else "
	    "~/.local/share/sp/sp.db)\n"
	    "  -h, --help         print this help and exit\n"
	    "  --limit n          print at most n ids\n"
	    "  --missing          also the ids Spotify said do not exist\n"
	    "  --older-than days  also the rows enriched more than days "
	    "days ago\n"
	    "  -q, --quiet        no count on stderr\n"
	    "  -V, --version      print the version and exit\n");
	exit(status);
}

int
main(int argc, char *argv[])
{
	struct sp_store *store = NULL;
	struct sp_jsonw *w;
	sqlite3_stmt *st, *ok;
	enum sp_kind kind;
	unsigned long long n = 0;
	char *path, *msg, cutoff[SP_TS_LEN + 1], num[32];
	const char *id;
	int c, rc, status = SP_OK, notracks = 0;

	while ((c = getopt_long(argc, argv, "d:hqV", longopts, NULL)) != -1)
		switch (c) {
		case 'a':
			all = 1;
			break;
		case 'b':
			byalbum = 1;
			break;
		case 'd':
			dbpath = optarg;
			break;
		case 'h':
			usage(stdout, SP_OK);
		case 'l':
			if (sp_opt_long("limit", optarg, 0, 1000000000,
			    &limit) != 0)
				usage(stderr, SP_USAGE);
			break;
		case 'm':
			missing = 1;
			break;
		case 'o':
			if (sp_opt_long("older-than", optarg, 0, 36500,
			    &olderthan) != 0)
				usage(stderr, SP_USAGE);
			break;
		case 'q':
			quiet = 1;
			break;
		case 'V':
			printf("sp-ids %s\n", SP_VERSION);
			return SP_OK;
		default:
			usage(stderr, SP_USAGE);
		}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage(stderr, SP_USAGE);
	if ((kind = sp_kind_parse(argv[0], strlen(argv[0]))) == SP_KIND_NONE) {
		sp_warnx_at(NULL, "not tracks, albums or artists: %s", argv[0]);
		usage(stderr, SP_USAGE);
	}
	if (byalbum && (kind == SP_KIND_ARTIST || all || missing ||
	    olderthan >= 0)) {
		sp_warnx_at(NULL, "--by-album lists pending tracks or albums "
		    "only: not with %s", kind == SP_KIND_ARTIST ? "artists" :
		    all ? "--all" : missing ? "--missing" : "--older-than");
		usage(stderr, SP_USAGE);
	}

	if ((path = sp_store_path(dbpath)) == NULL) {
		sp_warnx_at(NULL, "no database: set SP_DB or HOME, or use -d");
		return SP_FATAL_DB;
	}
	status = sp_store_open(path, SP_STORE_EXISTING | SP_STORE_SCAN, &store, &msg);
	if (status == SP_OK && sp_store_readonly(store))
		sp_warnx_at(&(struct sp_pos){ path, 0 }, "opened read-only "
		    "(its folder is not writable)");
	free(path);
	if (status != SP_OK) {
		sp_warnx_at(NULL, "%s", msg ? msg : "out of memory");
		free(msg);
		return status;
	}
	if ((w = sp_jsonw_new()) == NULL) {
		sp_warnx_at(NULL, "out of memory");
		sp_store_close(store);
		return SP_FATAL_IO;
	}
	if (sp_store_prepare(store, byalbum ? &byalbumsql[kind] : &sql[kind],
	    1, &st) != 0 ||
	    sp_store_prepare(store, anyok, 1, &ok) != 0) {
		sp_warnx_at(NULL, "%s", sp_store_errmsg(store));
		status = SP_FATAL_DB;
		goto out;
	}
	/* No cutoff: an empty string sorts before every timestamp. */
	if (olderthan >= 0)
		sp_ts_format(sp_now() - (time_t)olderthan * 86400, cutoff);
	else
		cutoff[0] = '\0';
	if (byalbum)
		sqlite3_bind_int64(st, 1, limit);
	else {
		sqlite3_bind_int(st, 1, all);
		sqlite3_bind_int(st, 2, missing);
		sqlite3_bind_text(st, 3, cutoff, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, limit);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = (const char *)sqlite3_column_text(st, 0);
		sp_jsonw_obj(w);
		sp_jsonw_key(w, "type");
		sp_jsonw_strz(w, sp_kind_name(kind));
		sp_jsonw_key(w, "id");
		sp_jsonw_strz(w, id);
		sp_jsonw_end(w);
		if (sp_jsonw_write(w, stdout) != 0)
			break;
		n++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sp_warnx_at(NULL, "database: %s",
		    sqlite3_errmsg(sp_store_db(store)));
		status = SP_FATAL_DB;
	}
	sqlite3_reset(st);
	if (status == SP_OK && n == 0 && kind != SP_KIND_TRACK && !byalbum) {
		if ((rc = sqlite3_step(ok)) == SQLITE_ROW)
			notracks = sqlite3_column_int(ok, 0) == 0;
		sqlite3_reset(ok);
	}
out:
	sp_jsonw_free(w);
	sp_store_close(store);
	if (sp_close_stdout() != 0)
		status = SP_FATAL_IO;
	else if (!quiet)
		sp_warnx_at(NULL, "%s %s%s%s%s%s%s", sp_fmt_count(n, num),
		    sp_kind_name(kind), n == 1 ? "" : "s", !byalbum ? "" :
		    kind == SP_KIND_TRACK ? ", one per album" :
		    ", whole: their listings pay off", notracks ? ": no "
		    "track is enriched yet, and " : "", notracks ?
		    sp_kind_name(kind) : "", notracks ? "s come from tracks: "
		    "enrich tracks first (sp-ids tracks | sp-fetch | "
		    "sp-normalize | sp-load)" : "");
	return status;
}
