/*
 * sp-report: what the enrichment is for: listening by genre, family,
 * decade, year, age of the music, artist, track, album, month and hour,
 * and how much of the listening the figures rest on; as aligned text with
 * bars, CSV, NDJSON, or one self-contained HTML page.
 */
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sp.h"
#include "sp_err.h"
#include "sp_genre.h"
#include "sp_html.h"
#include "sp_id.h"
#include "sp_store.h"
#include "sp_table.h"
#include "sp_tally.h"
#include "sp_timeline.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

enum {
	O_CSV = 256, O_COLOR, O_FAMILY, O_FROM, O_GENRE, O_JSON, O_LIMIT,
	O_MINMS, O_TO, O_TZ
};

static const struct option longopts[] = {
	{ "color",	required_argument,	NULL,	O_COLOR },
	{ "csv",	no_argument,		NULL,	O_CSV },
	{ "db",		required_argument,	NULL,	'd' },
	{ "family",	required_argument,	NULL,	O_FAMILY },
	{ "from",	required_argument,	NULL,	O_FROM },
	{ "genre",	required_argument,	NULL,	O_GENRE },
	{ "help",	no_argument,		NULL,	'h' },
	{ "json",	no_argument,		NULL,	O_JSON },
	{ "limit",	required_argument,	NULL,	O_LIMIT },
	{ "min-ms",	required_argument,	NULL,	O_MINMS },
	{ "to",		required_argument,	NULL,	O_TO },
	{ "tz",		required_argument,	NULL,	O_TZ },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

static const char *color = "auto";
static const char *dbpath;
static const char *family;
static char famarg[64];
static const char *from;
static char genre[256];
static long long limit = -1;		/* -1: 20 in text, else all */
static long long minms = 30000;
static const char *to;
static const char *tz;
static enum sp_table_fmt fmt = SP_TABLE_TEXT;

enum report {
	R_GENRES, R_FAMILIES, R_DECADES, R_YEARS, R_AGE, R_ARTISTS, R_TRACKS,
	R_ALBUMS, R_MONTHS, R_CLOCK, R_COVERAGE, NREPORT, R_HTML = NREPORT
};

enum { S_PLAYS, S_TRACKNAME, S_ALBUMNAME, S_FIRST, S_LAST, S_TIMELINE,
    NSTMT };

/*
 * What the reports read beyond the tally (lib/sp_tally.c): the names of
 * the tracks and albums shown (tracks not enriched keep the names of the
 * export), the first and last listen, and the listens in track order
 * (each track's number then comes from a merge with the tally's).
 */
static const char *const sql[NSTMT] = {
	[S_PLAYS] = "SELECT count(*) FROM plays",
	[S_TRACKNAME] =
	    "SELECT coalesce((SELECT name FROM tracks WHERE id = ?1),"
	    " (SELECT track_name FROM plays WHERE track_id = ?1"
	    " AND track_name IS NOT NULL LIMIT 1)),"
	    " (SELECT artist_name FROM plays WHERE track_id = ?1"
	    " AND artist_name IS NOT NULL LIMIT 1)",
	[S_ALBUMNAME] = "SELECT name FROM albums WHERE id = ?1",
	[S_FIRST] =
	    "SELECT ts FROM plays INDEXED BY plays_time"
	    " WHERE ms_played >= ?1 AND ts >= ?2 AND ts < ?3"
	    " ORDER BY ts LIMIT 1",
	[S_LAST] =
	    "SELECT ts FROM plays INDEXED BY plays_time"
	    " WHERE ms_played >= ?1 AND ts >= ?2 AND ts < ?3"
	    " ORDER BY ts DESC LIMIT 1",
	[S_TIMELINE] =
	    "SELECT ts, ms_played, track_id FROM plays INDEXED BY plays_listen"
	    " WHERE ms_played >= ?1 AND ts >= ?2 AND ts < ?3"
	    " ORDER BY track_id",
};

/* The coverage's parts, as the tally numbers them. */
enum { CV_ENRICHED = SP_TALLY_ENRICHED, CV_NOT_FOUND = SP_TALLY_NOT_FOUND,
    CV_PENDING = SP_TALLY_PENDING, CV_NO_ID = SP_TALLY_NO_ID,
    CV_NO_GENRES = SP_TALLY_NO_GENRES, CV_NO_YEAR = SP_TALLY_NO_YEAR,
    NCV = SP_TALLY_NCV };
static const char *const cvparts[NCV] = { "enriched", "not_found",
    "pending", "no_track_id", "no_genres", "no_year" };
static const char *const cvshown[NCV] = { "enriched", "not found",
    "pending", "no track id", "artist without genres",
    "album without a year" };

/* The columns of each report, as CSV and NDJSON name them. */
#define C_MS	{ "ms_played", "time", SP_COL_MS }
#define C_N	{ "listens", NULL, SP_COL_COUNT }
#define C_NS	{ "listens", NULL, SP_COL_REAL2 }
#define C_SHARE	{ "share", NULL, SP_COL_SHARE }

static const struct sp_table_col cgenres[] = { { "genre", NULL, SP_COL_STR },
    { "family", NULL, SP_COL_STR }, C_MS, C_NS, C_SHARE };
static const struct sp_table_col cfamilies[] = {
    { "family", NULL, SP_COL_STR }, C_MS, C_NS, C_SHARE };
static const struct sp_table_col cdecades[] = {
    { "decade", NULL, SP_COL_INT }, C_MS, C_N, C_SHARE };
static const struct sp_table_col cyears[] = {
    { "year", NULL, SP_COL_INT }, C_MS, C_N, C_SHARE };
static const struct sp_table_col cage[] = {
    { "age", NULL, SP_COL_INT }, C_MS, C_N, C_SHARE };
static const struct sp_table_col cartists[] = {
    { "artist_id", NULL, SP_COL_STR }, { "artist", NULL, SP_COL_STR },
    C_MS, C_N, C_SHARE };
static const struct sp_table_col ctracks[] = {
    { "track_id", NULL, SP_COL_STR }, { "track", NULL, SP_COL_STR },
    { "artist", NULL, SP_COL_STR }, C_MS, C_N, C_SHARE };
static const struct sp_table_col calbums[] = {
    { "album_id", NULL, SP_COL_STR }, { "album", NULL, SP_COL_STR },
    { "year", NULL, SP_COL_INT }, C_MS, C_N, C_SHARE };
static const struct sp_table_col cmonths[] = {
    { "month", NULL, SP_COL_STR }, { "family", "top family", SP_COL_STR },
    C_MS, C_N, C_SHARE };
static const struct sp_table_col cclock[] = {
    { "weekday", NULL, SP_COL_STR }, { "hour", NULL, SP_COL_INT },
    C_MS, C_N, C_SHARE };
static const struct sp_table_col ccoverage[] = {
    { "part", NULL, SP_COL_STR }, C_MS, C_N, C_SHARE };

struct report_def {
	const char			*name;
	const char			*title;
	const struct sp_table_col	*cols;
	int				 ncol;
	int				 ranked;	/* --limit applies */
	unsigned			 hide;		/* ids, in text */
};

#define COLS(c)	c, (int)NITEMS(c)
static const struct report_def reports[NREPORT] = {
	[R_GENRES] = { "genres", "Genres", COLS(cgenres), 1, 0 },
	[R_FAMILIES] = { "families", "Genre families", COLS(cfamilies), 1, 0 },
	[R_DECADES] = { "decades", "Release decades", COLS(cdecades), 0, 0 },
	[R_YEARS] = { "years", "Release years", COLS(cyears), 0, 0 },
	[R_AGE] = { "age", "Age of the music when played", COLS(cage), 0, 0 },
	[R_ARTISTS] = { "artists", "Top artists", COLS(cartists), 1, 1 },
	[R_TRACKS] = { "tracks", "Top tracks", COLS(ctracks), 1, 1 },
	[R_ALBUMS] = { "albums", "Top albums", COLS(calbums), 1, 1 },
	[R_MONTHS] = { "months", "Listening per month", COLS(cmonths), 0, 0 },
	[R_CLOCK] = { "clock", "Listening by weekday and hour",
	    COLS(cclock), 0, 0 },
	[R_COVERAGE] = { "coverage", "Coverage", COLS(ccoverage), 0, 0 },
};

/* What a report's share is a share of, said under its title. */
static const char *const shareof[NREPORT] = {
	[R_GENRES] = "time split equally among the genres of each track's "
	    "first artist; share of the classified time",
	[R_FAMILIES] = "the time of each family's genres; share of the "
	    "classified time",
	[R_DECADES] = "by the album's release year; share of all listening",
	[R_YEARS] = "by the album's release year; share of all listening",
	[R_AGE] = "years between release and listening; share of all "
	    "listening",
	[R_ARTISTS] = "credited to each track's first artist; share of all "
	    "listening",
	[R_TRACKS] = "share of all listening",
	[R_ALBUMS] = "share of all listening",
	[R_MONTHS] = "with the family listened to most; share of all "
	    "listening",
	[R_CLOCK] = "listening time by the hour of the week, darker is more; "
	    "share of all listening",
	[R_COVERAGE] = "what the figures rest on; share of all listening",
};

static const char *const weekdays[7] = { "Mon", "Tue", "Wed", "Thu", "Fri",
    "Sat", "Sun" };

struct rep {
	struct sp_store		*store;
	sqlite3			*db;
	sqlite3_stmt		*st[NSTMT];
	const char		*path;
	char			 lo[SP_TS_LEN + 1], hi[SP_TS_LEN + 1];
	long long		 n, ms;		/* all listens */
	long long		 ntracks;	/* tracks listened to */
	struct sp_tally		*tally;
	int			 html;		/* the page: every report */
	long long		 cv[NCV][2];	/* coverage: ms, n */
	struct sp_table_style	 style;
	struct sp_timeline	*tl;		/* months, clock, age */
};

_Noreturn static void
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: sp-report [-hV] [-d file] [--csv | --json] [--from date] "
	    "[--to date]\n"
	    "                 [--min-ms ms] [--limit n] [--tz zone] "
	    "[--genre genre]\n"
	    "                 [--family family] [--color when] report\n"
	    "  --color when      colour on a terminal: auto, always, never "
	    "(default auto)\n"
	    "  --csv             CSV with a heading line\n"
	    "  -d, --db file     the database (default $SP_DB, else "
	    "~/.local/share/sp/sp.db)\n"
	    "  --family family   artists: only those with a genre of this "
	    "family\n"
	    "  --from date       listens from this day on (YYYY-MM-DD, UTC)\n"
	    "  --genre genre     artists: only those with this genre\n"
	    "  -h, --help        print this help and exit\n"
	    "  --json            NDJSON, one object a row\n"
	    "  --limit n         rows of a top list (default 20 in text, "
	    "else all)\n"
	    "  --min-ms ms       a listen is a play this long (default "
	    "30000)\n"
	    "  --to date         listens up to this day, inclusive\n"
	    "  --tz zone         time zone of months and clock (default "
	    "the local one)\n"
	    "  -V, --version     print the version and exit\n"
	    "reports: genres families decades years age artists tracks "
	    "albums months\n"
	    "         clock coverage html\n");
	exit(status);
}

static int
dberr(struct rep *r)
{
	sp_warnx_at(NULL, "database: %s", sqlite3_errmsg(r->db));
	return SP_FATAL_DB;
}

static const char *
text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* Bind --min-ms and the period to ?1, ?2, ?3 of st. */
static sqlite3_stmt *
period(struct rep *r, sqlite3_stmt *st)
{
	sqlite3_bind_int64(st, 1, minms);
	sqlite3_bind_text(st, 2, r->lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->hi, -1, SQLITE_STATIC);
	return st;
}

/*
 * Options.
 */

/* A day "YYYY-MM-DD" as the time it starts, plus days; -1: not a day. */
static int
day(const char *s, int days, char out[SP_TS_LEN + 1])
{
	struct tm tm;
	int year;
	time_t t;

	if (strlen(s) != 10 || sp_date_parse(s, &year) != 2)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8) + days;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	sp_ts_format(t, out);
	return 0;
}

/* TZ=zone for localtime(), if it names a zone; -1 if not. */
static int
settz(const char *zone)
{
	const char *dir = getenv("TZDIR");
	struct stat sb;
	char path[1024];

	if (*zone == '\0' || strstr(zone, "..") != NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir != NULL && *dir != '\0' ?
	    dir : "/usr/share/zoneinfo", zone);
	/* A zone file, or a POSIX rule such as "CET-1CEST" or "UTC0". */
	if (!(stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) &&
	    strpbrk(zone, "0123456789") == NULL && strcmp(zone, "UTC") != 0)
		return -1;
	if (setenv("TZ", zone, 1) != 0)
		return -1;
	tzset();
	return 0;
}

static int
terminal_width(void)
{
	struct winsize ws;
	const char *c, *errstr;
	long long v;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ,
	    &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if ((c = getenv("COLUMNS")) != NULL) {
		/* Narrower than 20 columns, nothing lines up anyway. */
		v = sp_parse_long(c, 1, 1000, &errstr);
		if (errstr == NULL)
			return v < 20 ? 20 : (int)v;
	}
	return 80;
}

static void
text_style(struct sp_table_style *st)
{
	const char *nc = getenv("NO_COLOR"), *cs;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	st->utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	st->indent = "  ";
	st->header = 1;
	st->width = terminal_width();
	if (strcmp(color, "always") == 0)
		st->color = 1;
	else if (strcmp(color, "never") == 0)
		st->color = 0;
	else
		st->color = isatty(STDOUT_FILENO) &&
		    (nc == NULL || *nc == '\0');
}

static int
nomem(void)
{
	sp_warnx_at(NULL, "out of memory");
	return SP_FATAL_IO;
}

static int
tl_artist(void *tl, const char *id, const char *fam, long long n)
{
	return sp_timeline_artist(tl, id, fam, n);
}

static int
tl_track(void *tl, const char *id, const char *artist, int year)
{
	(void)id;
	return sp_timeline_track(tl, artist, year);
}

/* Whether s is a time as the store keeps them. */
static int
utc(const char *s)
{
	char norm[SP_TS_LEN + 1];

	return sp_ts_norm(s, strlen(s), norm) == 0 && strcmp(norm, s) == 0;
}

/* The time of the first (S_FIRST) or last listen into buf; 1: none. */
static int
bound(struct rep *r, int k, char buf[SP_TS_LEN + 1])
{
	sqlite3_stmt *st = period(r, r->st[k]);
	int rc;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(buf, SP_TS_LEN + 1, "%s", text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/*
 * The timeline: one pass over the listens, for months, clock and age;
 * with tracks, what months and age need of them too, the families of
 * each first artist and each release year (the clock needs only the
 * times).  No listens: no timeline, and the reports have no rows.
 */
static int
timeline(struct rep *r, int tracks)
{
	char first[SP_TS_LEN + 1], last[SP_TS_LEN + 1];
	sqlite3_stmt *st;
	int rc, e = 0;

	if (r->tl != NULL || r->n == 0)
		return SP_OK;
	if ((e = bound(r, S_FIRST, first)) == 0)
		e = bound(r, S_LAST, last);
	if (e != 0)
		return e > 0 ? SP_OK : dberr(r);
	if (!utc(first) || !utc(last)) {
		sp_warnx_at(NULL, "%s: a play's time is not a UTC time: "
		    "\"%s\"", r->path, utc(first) ? last : first);
		return SP_FATAL_DB;
	}
	if ((r->tl = sp_timeline_new(first, last)) == NULL)
		return nomem();
	if (tracks && sp_tally_walk(r->tally, tl_artist, tl_track, r->tl) != 0)
		return nomem();
	st = period(r, r->st[S_TIMELINE]);
	while (e >= 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		e = sp_timeline_listen(r->tl, text(st, 0),
		    sqlite3_column_int64(st, 1), tracks ?
		    sp_tally_index(r->tally, text(st, 2)) : -1);
	sqlite3_reset(st);
	if (e < 0)
		return nomem();
	return rc == SQLITE_DONE ? SP_OK : dberr(r);
}

/*
 * The reports: each fills a table, row by row.
 */

/* ms, listens and their share of all listening into columns k.. of t. */
static void
figures(struct rep *r, struct sp_table *t, int k, long long ms, long long n)
{
	sp_table_int(t, k, ms);
	sp_table_int(t, k + 1, n);
	sp_table_real(t, k + 2, r->ms > 0 ? (double)ms / r->ms : 0);
}

/* A string into column k, or for none in text, word (NULL: nothing). */
static void
str_or(struct sp_table *t, int k, const char *s, const char *word)
{
	if (s != NULL)
		sp_table_str(t, k, s);
	else if (word != NULL && fmt == SP_TABLE_TEXT)
		sp_table_str(t, k, word);
}

/* The name of track id and its artist's in the export into columns 1, 2. */
static int
track_names(struct rep *r, struct sp_table *t, const struct sp_tally_row *w)
{
	sqlite3_stmt *st = r->st[S_TRACKNAME];
	const char *artist;
	int rc;

	artist = w->artist != NULL ? sp_tally_artist_name(r->tally,
	    w->artist) : NULL;
	sqlite3_bind_text(st, 1, w->key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		str_or(t, 1, text(st, 0), NULL);
		str_or(t, 2, artist != NULL ? artist : text(st, 1), NULL);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? SP_OK : dberr(r);
}

static int
album_name(struct rep *r, struct sp_table *t, const char *id)
{
	sqlite3_stmt *st = r->st[S_ALBUMNAME];
	int rc;

	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		str_or(t, 1, text(st, 0), NULL);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? SP_OK : dberr(r);
}

/* The reports counted by the tally. */
static int
tally_report(struct rep *r, enum report rep, struct sp_table *t)
{
	const struct sp_tally_row *w;
	long long lim = limit >= 0 ? limit : fmt == SP_TABLE_TEXT ? 20 : -1;
	long i, nr;
	double all = 0;
	char buf[32];
	int status = SP_OK;

	switch (rep) {
	case R_GENRES:
		nr = sp_tally_genres(r->tally, &w);
		break;
	case R_FAMILIES:
		nr = sp_tally_families(r->tally, &w);
		break;
	case R_DECADES:
	case R_YEARS:
		nr = sp_tally_years(r->tally, rep == R_DECADES ? 10 : 1, &w);
		break;
	case R_ARTISTS:
		nr = sp_tally_artists(r->tally, genre[0] != '\0' ? genre :
		    NULL, family, &w);
		break;
	case R_TRACKS:
		nr = sp_tally_tracks(r->tally, &w);
		break;
	default:
		nr = sp_tally_albums(r->tally, &w);
		break;
	}
	if (nr < 0)
		return nomem();
	if (!reports[rep].ranked)
		lim = -1;
	/* The split time's share is of all the classified time. */
	for (i = 0; i < nr; i++)
		all += w[i].sms;
	for (i = 0; i < nr && (lim < 0 || i < lim) && status == SP_OK; i++) {
		if (sp_table_row(t) != 0)
			break;
		switch (rep) {
		case R_GENRES:
			sp_table_str(t, 0, w[i].key);
			str_or(t, 1, w[i].family, "unmapped");
			/* FALLTHROUGH */
		case R_FAMILIES:
			if (rep == R_FAMILIES)
				str_or(t, 0, w[i].key, "unmapped");
			sp_table_real(t, rep == R_GENRES ? 2 : 1, w[i].sms);
			sp_table_real(t, rep == R_GENRES ? 3 : 2, w[i].sn);
			sp_table_real(t, rep == R_GENRES ? 4 : 3, all > 0 ?
			    w[i].sms / all : 0);
			break;
		case R_DECADES:
		case R_YEARS:
			if (w[i].year == 0)
				str_or(t, 0, NULL, "unknown");
			else if (rep == R_DECADES && fmt == SP_TABLE_TEXT) {
				snprintf(buf, sizeof(buf), "%ds", w[i].year);
				sp_table_str(t, 0, buf);
			} else
				sp_table_int(t, 0, w[i].year);
			figures(r, t, 1, w[i].ms, w[i].n);
			break;
		case R_ARTISTS:
			sp_table_str(t, 0, w[i].key);
			str_or(t, 1, w[i].name, NULL);
			figures(r, t, 2, w[i].ms, w[i].n);
			break;
		case R_TRACKS:
			sp_table_str(t, 0, w[i].key);
			status = track_names(r, t, &w[i]);
			figures(r, t, 3, w[i].ms, w[i].n);
			break;
		default:
			sp_table_str(t, 0, w[i].key);
			status = album_name(r, t, w[i].key);
			if (w[i].year == 0)
				str_or(t, 2, NULL, "unknown");
			else
				sp_table_int(t, 2, w[i].year);
			figures(r, t, 3, w[i].ms, w[i].n);
			break;
		}
	}
	return status;
}

static int
months_report(struct rep *r, struct sp_table *t)
{
	const char *top;
	char buf[8];
	long long n, ms;
	size_t i;
	int status;

	if ((status = timeline(r, 1)) != SP_OK)
		return status;
	for (i = 0; i < sp_timeline_nmonths(r->tl); i++) {
		if (sp_table_row(t) != 0)
			break;
		sp_table_str(t, 0, sp_timeline_month(r->tl, i, buf, &n, &ms,
		    &top));
		if (top != NULL)
			sp_table_str(t, 1, top);
		else if (fmt == SP_TABLE_TEXT)
			sp_table_str(t, 1, "-");
		figures(r, t, 2, ms, n);
	}
	return SP_OK;
}

static int
clock_report(struct rep *r, struct sp_table *t)
{
	long long n, ms;
	int d, h, status;

	/* The page shows months and age too: one pass for all three. */
	if ((status = timeline(r, r->html)) != SP_OK)
		return status;
	for (d = 0; d < 7; d++)
		for (h = 0; h < 24; h++) {
			if (sp_table_row(t) != 0)
				return SP_OK;
			sp_table_str(t, 0, weekdays[d]);
			sp_table_int(t, 1, h);
			sp_timeline_clock(r->tl, d, h, &n, &ms);
			figures(r, t, 2, ms, n);
		}
	return SP_OK;
}

static int
age_report(struct rep *r, struct sp_table *t)
{
	long long n, ms;
	int a, status;

	if ((status = timeline(r, 1)) != SP_OK)
		return status;
	for (a = SP_TIMELINE_AGE_MIN; a <= SP_TIMELINE_AGE_MAX; a++) {
		sp_timeline_age(r->tl, a, &n, &ms);
		if (n == 0)
			continue;
		if (sp_table_row(t) != 0)
			return SP_OK;
		sp_table_int(t, 0, a);
		figures(r, t, 1, ms, n);
	}
	sp_timeline_age(r->tl, SP_TIMELINE_AGE_MAX + 1, &n, &ms);
	if (n > 0 && sp_table_row(t) == 0) {
		if (fmt == SP_TABLE_TEXT)
			sp_table_str(t, 0, "unknown");
		figures(r, t, 1, ms, n);
	}
	return SP_OK;
}

static int
coverage_report(struct rep *r, struct sp_table *t)
{
	int k;

	for (k = 0; k < NCV; k++) {
		/* Only the account export lacks ids: text leaves out a 0. */
		if (k == CV_NO_ID && r->cv[k][1] == 0 && fmt == SP_TABLE_TEXT)
			continue;
		if (sp_table_row(t) != 0)
			break;
		sp_table_str(t, 0, fmt == SP_TABLE_TEXT ? cvshown[k] :
		    cvparts[k]);
		figures(r, t, 1, r->cv[k][0], r->cv[k][1]);
	}
	return SP_OK;
}

static int
fill(struct rep *r, enum report rep, struct sp_table *t)
{
	switch (rep) {
	case R_AGE:
		return age_report(r, t);
	case R_MONTHS:
		return months_report(r, t);
	case R_CLOCK:
		return clock_report(r, t);
	case R_COVERAGE:
		return coverage_report(r, t);
	default:
		return tally_report(r, rep, t);
	}
}

/*
 * Writing.
 */

/* p percent of all listening, one decimal, into buf. */
static const char *
pct(const struct rep *r, long long ms, char buf[16])
{
	snprintf(buf, 16, "%.1f%%", r->ms > 0 ? 100.0 * ms / r->ms : 0.0);
	return buf;
}

/* The coverage in one line, without the newline. */
static void
coverage_line(const struct rep *r, char *out, size_t size)
{
	const long long (*cv)[2] = r->cv;
	char t[32], a[16], b[16], c[16], d[16], e[16], f[16], noid[48] = "";

	if (cv[CV_NO_ID][1] > 0)
		snprintf(noid, sizeof(noid), ", %s without a track id",
		    pct(r, cv[CV_NO_ID][0], f));
	snprintf(out, size, "coverage: %s of listening; %s enriched "
	    "(%s not found, %s pending%s); genres for %s, release years "
	    "for %s", sp_fmt_secs(r->ms / 1000, t),
	    pct(r, cv[CV_ENRICHED][0], a), pct(r, cv[CV_NOT_FOUND][0], b),
	    pct(r, cv[CV_PENDING][0], c), noid,
	    pct(r, cv[CV_ENRICHED][0] - cv[CV_NO_GENRES][0], d),
	    pct(r, cv[CV_ENRICHED][0] - cv[CV_NO_YEAR][0], e));
}

/* The zone of local times, as the reports name it. */
static const char *
zone(void)
{
	const char *e = getenv("TZ");

	return tz != NULL ? tz : e != NULL && *e != '\0' ? e : "local";
}

/*
 * What was asked, as a title says it: the period, a --min-ms other
 * than the default, an artists' filter, and the time zone of the
 * reports that use one (every one on the page).
 */
static void
asked(char *out, size_t size, int rep)
{
	size_t n = 0;

	out[0] = '\0';
	if (from != NULL && to != NULL)
		n += snprintf(out + n, size - n, ", %s to %s", from, to);
	else if (from != NULL)
		n += snprintf(out + n, size - n, ", from %s", from);
	else if (to != NULL)
		n += snprintf(out + n, size - n, ", up to %s", to);
	if (minms != SP_STORE_LISTEN_MS && n < size)
		n += snprintf(out + n, size - n, ", listens of %lld ms or more",
		    minms);
	if (rep == R_ARTISTS && genre[0] != '\0' && n < size)
		n += snprintf(out + n, size - n, ", artists with the genre %s",
		    genre);
	if (rep == R_ARTISTS && family != NULL && n < size)
		n += snprintf(out + n, size - n, ", artists with a genre of "
		    "the family %s", family);
	if ((rep == R_MONTHS || rep == R_CLOCK || rep == R_AGE ||
	    rep == R_HTML) && n < size)
		snprintf(out + n, size - n, "; time zone %s", zone());
}

/* The clock as a grid of shades: weekdays down, hours across. */
static void
clock_grid(const struct rep *r)
{
	static const char *const utf[] = { " ", "\u2591", "\u2592", "\u2593",
	    "\u2588" };
	static const char *const ascii[] = { " ", ".", ":", "*", "#" };
	const char *const *shade = r->style.utf8 ? utf : ascii;
	long long max = 0, ms[7][24], n;
	int d, h, lvl;

	for (d = 0; d < 7; d++)
		for (h = 0; h < 24; h++) {
			sp_timeline_clock(r->tl, d, h, &n, &ms[d][h]);
			if (ms[d][h] > max)
				max = ms[d][h];
		}
	printf("       ");
	for (h = 0; h < 24; h += 3)
		printf(h < 21 ? "%-6d" : "%d", h);
	putchar('\n');
	for (d = 0; d < 7; d++) {
		printf("  %s  ", weekdays[d]);
		for (h = 0; h < 24; h++) {
			lvl = max > 0 ? (int)((ms[d][h] * 4 + max - 1) /
			    max) : 0;
			fputs(shade[lvl], stdout);
			fputs(shade[lvl], stdout);
		}
		putchar('\n');
	}
}

static int
text_report(struct rep *r, enum report rep, struct sp_table *t)
{
	struct sp_table_style st = r->style;
	char line[512], per[512];
	int i, nstr;

	asked(per, sizeof(per), rep);
	printf("%s%s%s\n", st.color ? "\033[1m" : "", reports[rep].title,
	    st.color ? "\033[0m" : "");
	printf("  %s%s\n\n", shareof[rep], per);
	if (rep == R_CLOCK) {
		clock_grid(r);
	} else {
		st.hide = reports[rep].hide;
		/* Names share what the numbers and a short bar leave. */
		for (i = nstr = 0; i < reports[rep].ncol && i < 32; i++)
			if (!(st.hide & (1u << i)) &&
			    reports[rep].cols[i].kind == SP_COL_STR)
				nstr++;
		st.maxw = nstr > 0 ? (st.width - 40) / nstr : 0;
		st.maxw = st.maxw < 12 ? 12 : st.maxw > 48 ? 48 : st.maxw;
		st.bar = rep == R_GENRES ? 2 : rep == R_TRACKS ||
		    rep == R_ALBUMS ? 3 : rep == R_ARTISTS || rep == R_MONTHS ?
		    2 : 1;
		if (sp_table_nrows(t) == 0)
			printf("  (none)\n");
		else if (sp_table_text(t, stdout, &st) != 0)
			return SP_FATAL_IO;
	}
	coverage_line(r, line, sizeof(line));
	printf("\n%s\n", line);
	return SP_OK;
}

/* One report in the format asked for. */
static int
one(struct rep *r, enum report rep)
{
	struct sp_table *t;
	int status;

	if ((t = sp_table_new(reports[rep].cols, reports[rep].ncol)) == NULL) {
		sp_warnx_at(NULL, "out of memory");
		return SP_FATAL_IO;
	}
	if (fmt != SP_TABLE_TEXT)
		sp_table_stream(t, fmt, stdout);
	status = fill(r, rep, t);
	if (status == SP_OK && fmt == SP_TABLE_TEXT)
		status = text_report(r, rep, t);
	/* A write error is said once, by sp_close_stdout(). */
	if (sp_table_end(t) != 0 && status == SP_OK) {
		if (!ferror(stdout))
			sp_warnx_at(NULL, "out of memory");
		status = SP_FATAL_IO;
	}
	sp_table_free(t);
	return status;
}

/* The page: every report, a chart and its table. */
static int
html(struct rep *r)
{
	static const enum report order[] = { R_FAMILIES, R_GENRES, R_DECADES,
	    R_ARTISTS, R_TRACKS, R_ALBUMS, R_MONTHS, R_CLOCK, R_AGE,
	    R_YEARS, R_COVERAGE };
	struct sp_table *t;
	char line[512], per[512], now[SP_TS_LEN + 1];
	const char *base;
	size_t i;
	int status = SP_OK, label, value;
	enum report rep;

	asked(per, sizeof(per), R_HTML);
	sp_html_head(stdout, "Your listening: sp report");
	fputs("<header>\n<h1>Your listening</h1>\n<p class=\"meta\">", stdout);
	/* The store's name, not where it is: the page may be shared. */
	base = strrchr(r->path, '/');
	sp_html_esc(stdout, base != NULL ? base + 1 : r->path);
	sp_html_esc(stdout, per);
	printf(" &middot; made %s by sp-report %s</p>\n",
	    sp_ts_format(sp_now(), now), SP_VERSION);
	coverage_line(r, line, sizeof(line));
	fputs("<p class=\"coverage\">", stdout);
	sp_html_esc(stdout, line);
	fputs("</p>\n</header>\n", stdout);
	for (i = 0; i < NITEMS(order) && status == SP_OK; i++) {
		rep = order[i];
		if ((t = sp_table_new(reports[rep].cols,
		    reports[rep].ncol)) == NULL) {
			sp_warnx_at(NULL, "out of memory");
			return SP_FATAL_IO;
		}
		if ((status = fill(r, rep, t)) != SP_OK) {
			sp_table_free(t);
			break;
		}
		sp_html_section(stdout, reports[rep].name, reports[rep].title);
		fputs("<p class=\"meta\">", stdout);
		sp_html_esc(stdout, shareof[rep]);
		fputs("</p>\n", stdout);
		label = rep == R_ARTISTS || rep == R_TRACKS || rep == R_ALBUMS ?
		    1 : 0;
		value = rep == R_GENRES ? 2 : rep == R_TRACKS ||
		    rep == R_ALBUMS ? 3 : rep == R_ARTISTS || rep == R_MONTHS ?
		    2 : 1;
		if (rep == R_MONTHS || rep == R_YEARS || rep == R_AGE) {
			sp_html_columns(stdout, t, label, value);
			fputs("<details><summary>Table</summary>\n", stdout);
			sp_html_table(stdout, t, reports[rep].hide);
			fputs("</details>\n", stdout);
		} else if (rep == R_CLOCK) {
			sp_html_grid(stdout, t, 0, 1, value + 1);
		} else {
			fputs("<div class=\"pair\"><figure>\n", stdout);
			sp_html_bars(stdout, t, label, value);
			fputs("</figure>\n<div class=\"scroll\">\n", stdout);
			sp_html_table(stdout, t, reports[rep].hide);
			fputs("</div></div>\n", stdout);
		}
		sp_html_section_end(stdout);
		sp_table_free(t);
	}
	/* Like every report, the page ends with what its figures rest on. */
	fputs("<footer>\n<p class=\"coverage\">", stdout);
	sp_html_esc(stdout, line);
	fputs("</p>\n</footer>\n", stdout);
	sp_html_foot(stdout);
	if (fflush(stdout) != 0 && status == SP_OK)
		status = SP_FATAL_IO;
	return status;
}

/*
 * Setting up.
 */

/*
 * A store sp-report could not read: one of an older sp, opened read-only
 * (it is brought up to date only where it may be written), says so.
 */
static int
old(struct rep *r, const char *msg)
{
	if (sp_store_readonly(r->store))
		sp_warnx_at(NULL, "%s: opened read-only, and written by an "
		    "older sp: run sp-report once where the store may be "
		    "written (%s)", r->path, msg);
	else
		sp_warnx_at(NULL, "%s", msg);
	return SP_FATAL_DB;
}

static int
prepare(struct rep *r)
{
	char msg[512];
	int e, k;

	if (sp_store_prepare(r->store, sql, NSTMT, r->st) != 0)
		return old(r, sp_store_errmsg(r->store));
	e = sp_tally_load(r->db, minms, r->lo, r->hi, from == NULL &&
	    to == NULL && minms == SP_STORE_LISTEN_MS, &r->tally);
	if (e < 0)
		return nomem();
	if (e > 0) {
		snprintf(msg, sizeof(msg), "database: %s",
		    sqlite3_errmsg(r->db));
		return old(r, msg);
	}
	sp_tally_total(r->tally, &r->n, &r->ms, &r->ntracks);
	for (k = 0; k < NCV; k++)
		sp_tally_coverage(r->tally, (enum sp_tally_cv)k, &r->cv[k][0],
		    &r->cv[k][1]);
	return SP_OK;
}

/* Whether the store has any play; -1 on a database error. */
static int
has_plays(struct rep *r)
{
	sqlite3_stmt *st = r->st[S_PLAYS];
	long long n = -1;

	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return n < 0 ? -1 : n > 0;
}

static enum report
report_named(const char *s)
{
	int k;

	if (strcmp(s, "html") == 0)
		return R_HTML;
	for (k = 0; k < NREPORT; k++)
		if (strcmp(s, reports[k].name) == 0)
			return (enum report)k;
	return (enum report)-1;
}

static void
options(int argc, char *argv[])
{
	int c, n;

	while ((c = getopt_long(argc, argv, "d:hV", longopts, NULL)) != -1)
		switch (c) {
		case 'd':
			dbpath = optarg;
			break;
		case 'h':
			usage(stdout, SP_OK);
		case 'V':
			printf("sp-report %s\n", SP_VERSION);
			exit(SP_OK);
		case O_COLOR:
			if (strcmp(optarg, "auto") != 0 &&
			    strcmp(optarg, "always") != 0 &&
			    strcmp(optarg, "never") != 0) {
				sp_warnx_at(NULL, "--color is not auto, "
				    "always or never: %s", optarg);
				usage(stderr, SP_USAGE);
			}
			color = optarg;
			break;
		case O_CSV:
		case O_JSON:
			if (fmt != SP_TABLE_TEXT) {
				sp_warnx_at(NULL, "--csv and --json: one or "
				    "the other");
				usage(stderr, SP_USAGE);
			}
			fmt = c == O_CSV ? SP_TABLE_CSV : SP_TABLE_JSON;
			break;
		case O_FAMILY:
			/* Families are lower case, as genres are. */
			if ((n = sp_genre_norm(optarg, strlen(optarg), famarg,
			    sizeof(famarg))) <= 0 || (!sp_genre_is_family(famarg)
			    && strcmp(famarg, "unmapped") != 0)) {
				sp_warnx_at(NULL, "--family is not a genre "
				    "family: %s", optarg);
				usage(stderr, SP_USAGE);
			}
			family = famarg;
			break;
		case O_FROM:
			from = optarg;
			break;
		case O_GENRE:
			n = sp_genre_norm(optarg, strlen(optarg), genre,
			    sizeof(genre));
			if (n <= 0) {
				sp_warnx_at(NULL, "--genre is not a genre: %s",
				    optarg);
				usage(stderr, SP_USAGE);
			}
			break;
		case O_LIMIT:
			if (sp_opt_long("limit", optarg, 0, 1000000000,
			    &limit) != 0)
				usage(stderr, SP_USAGE);
			break;
		case O_MINMS:
			if (sp_opt_long("min-ms", optarg, 0, 86400000,
			    &minms) != 0)
				usage(stderr, SP_USAGE);
			break;
		case O_TO:
			to = optarg;
			break;
		case O_TZ:
			tz = optarg;
			break;
		default:
			usage(stderr, SP_USAGE);
		}
}

int
main(int argc, char *argv[])
{
	struct rep r;
	enum report rep;
	char *path, *msg;
	int status, k;

	memset(&r, 0, sizeof(r));
	options(argc, argv);
	argc -= optind;
	argv += optind;
	if (argc > 1)
		sp_warnx_at(NULL, "one report at a time: %s %s", argv[0],
		    argv[1]);
	if (argc != 1)
		usage(stderr, SP_USAGE);
	if ((int)(rep = report_named(argv[0])) < 0) {
		sp_warnx_at(NULL, "no such report: %s", argv[0]);
		usage(stderr, SP_USAGE);
	}
	if (rep == R_HTML && fmt != SP_TABLE_TEXT) {
		sp_warnx_at(NULL, "html is a page: --csv and --json are for "
		    "the other reports");
		usage(stderr, SP_USAGE);
	}
	if ((genre[0] != '\0' || family != NULL) && rep != R_ARTISTS) {
		sp_warnx_at(NULL, "--genre and --family go with artists");
		usage(stderr, SP_USAGE);
	}
	strcpy(r.lo, "");
	strcpy(r.hi, "~");	/* after every timestamp */
	if (from != NULL && day(from, 0, r.lo) != 0) {
		sp_warnx_at(NULL, "--from is not a day (YYYY-MM-DD): %s", from);
		usage(stderr, SP_USAGE);
	}
	if (to != NULL && day(to, 1, r.hi) != 0) {
		sp_warnx_at(NULL, "--to is not a day (YYYY-MM-DD): %s", to);
		usage(stderr, SP_USAGE);
	}
	if (strcmp(r.lo, r.hi) >= 0) {
		sp_warnx_at(NULL, "--from %s is after --to %s", from, to);
		usage(stderr, SP_USAGE);
	}
	if (tz != NULL && settz(tz) != 0) {
		sp_warnx_at(NULL, "--tz is not a time zone: %s", tz);
		usage(stderr, SP_USAGE);
	}
	text_style(&r.style);

	if ((path = sp_store_path(dbpath)) == NULL) {
		sp_warnx_at(NULL, "no database: set SP_DB or HOME, or use -d");
		return SP_FATAL_DB;
	}
	status = sp_store_open(path, SP_STORE_EXISTING | SP_STORE_REPORT,
	    &r.store, &msg);
	if (status != SP_OK) {
		sp_warnx_at(NULL, "%s", msg ? msg : "out of memory");
		free(msg);
		free(path);
		return status;
	}
	r.path = path;
	r.db = sp_store_db(r.store);
	if ((status = prepare(&r)) != SP_OK)
		goto out;
	if (r.n == 0) {
		if ((k = has_plays(&r)) < 0)
			status = dberr(&r);
		else if (k == 0)
			sp_warnx_at(NULL, "%s: no plays yet: load an export "
			    "first (sp-history FILE | sp-load)", path);
		else
			sp_warnx_at(NULL, "no listens of %lld ms or more in "
			    "the period asked", minms);
		goto out;
	}
	r.html = rep == R_HTML;
	status = rep == R_HTML ? html(&r) : one(&r, rep);
out:
	sp_store_close(r.store);
	sp_timeline_free(r.tl);
	sp_tally_free(r.tally);
	free(path);
	if (sp_close_stdout() != 0)
		status = sp_status_merge(status, SP_FATAL_IO);
	return status;
}
