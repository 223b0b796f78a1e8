/*
 * sp-gen: write a seeded synthetic Spotify catalog (the API's full
 * objects, one per line) and an Extended Streaming History export that
 * plays it.  The same seed and options give the same bytes.  The catalog
 * is lib/sp_catalog (names from sp_words, numbers from sp_rng), written
 * by sp_catjson; the plays are lib/sp_plays, written by sp_export.  Here:
 * the options, the files and folders, and the order of it all.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sp.h"
#include "sp_catalog.h"
#include "sp_catjson.h"
#include "sp_err.h"
#include "sp_export.h"
#include "sp_jsonw.h"
#include "sp_plays.h"

#define FILEMAX		(12L * 1024 * 1024)	/* bytes per export file */

static unsigned long long seed = 1;
static long long account;
static long long albums = -1;
static long long artists = -1;
static long long days = 365;
static long long missing;
static long long peralbum = -1;
static long long plays = 1000;
static const char *start = "2023-01-01";
static long long tracks = 200;

static const struct option longopts[] = {
	{ "account",	required_argument,	NULL,	'A' },
	{ "albums",	required_argument,	NULL,	'a' },
	{ "artists",	required_argument,	NULL,	'r' },
	{ "days",	required_argument,	NULL,	'd' },
	{ "help",	no_argument,		NULL,	'h' },
	{ "missing",	required_argument,	NULL,	'm' },
	{ "per-album",	required_argument,	NULL,	'p' },
	{ "plays",	required_argument,	NULL,	'n' },
	{ "seed",	required_argument,	NULL,	's' },
	{ "start",	required_argument,	NULL,	'S' },
	{ "tracks",	required_argument,	NULL,	't' },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

static _Noreturn void
usage(FILE *f, int status)
{
	fputs("usage: sp-gen [-hV] [-A n] [-a n] [-d n] [-m n] [-n n] [-p n] "
	    "[-r n]\n"
	    "              [-S date] [-s seed] [-t n] outdir\n"
	    "  -A, --account n   also write n plays of account data "
	    "(default 0)\n"
	    "  -a, --albums n    albums (default: tracks / 10)\n"
	    "  -d, --days n      days of listening (default 365)\n"
	    "  -h, --help        print this help and exit\n"
	    "  -m, --missing n   plays of tracks not in the catalog "
	    "(default 0)\n"
	    "  -n, --plays n     plays in the export (default 1000)\n"
	    "  -p, --per-album n tracks played of each album, at most "
	    "(default: all)\n"
	    "  -r, --artists n   artists (default: tracks / 5)\n"
	    "  -S, --start date  first day, YYYY-MM-DD (default "
	    "2023-01-01)\n"
	    "  -s, --seed seed   seed (default 1)\n"
	    "  -t, --tracks n    tracks in the catalog (default 200)\n"
	    "  -V, --version     print the version and exit\n", f);
	exit(status);
}

/* Open dir/name for writing; NULL after a message. */
static FILE *
create(const char *dir, const char *name, char *path, size_t n)
{
	struct sp_pos pos = { path, 0 };
	FILE *f;

	if ((size_t)snprintf(path, n, "%s/%s", dir, name) >= n)
		errno = ENAMETOOLONG;
	else if ((f = fopen(path, "w")) != NULL)
		return f;
	sp_warn_at(&pos, "cannot create");
	return NULL;
}

/* Close f, reporting a write error (or bad); returns an sp_status. */
static int
finish(FILE *f, const char *path, int bad)
{
	struct sp_pos pos = { path, 0 };

	bad |= ferror(f);
	if (fclose(f) != 0 || bad) {
		sp_warn_at(&pos, "write error");
		return SP_FATAL_IO;
	}
	return SP_OK;
}

static int
write_catalog(const struct sp_catalog *c, const char *dir)
{
	static const char *const names[] = { "artists.ndjson",
	    "albums.ndjson", "tracks.ndjson" };
	struct sp_jsonw *w;
	char path[4096];
	size_t i, n;
	FILE *f;
	int k, bad, status = SP_OK;

	if ((w = sp_jsonw_new()) == NULL) {
		warnx("out of memory");
		return SP_FATAL_IO;
	}
	for (k = 0; k < 3 && status == SP_OK; k++) {
		if ((f = create(dir, names[k], path, sizeof(path))) == NULL) {
			status = SP_FATAL_IO;
			break;
		}
		n = k == 0 ? c->nar : k == 1 ? c->nal : c->ntr;
		for (i = 0, bad = 0; i < n && !bad; i++) {
			if (k == 0)
				sp_catjson_artist(w, &c->ar[i], 1);
			else if (k == 1)
				sp_catjson_album(w, c, &c->al[i], 1);
			else
				sp_catjson_track(w, c, &c->tr[i], 1);
			bad = sp_jsonw_write(w, f) != 0;
		}
		status = finish(f, path, bad);
	}
	sp_jsonw_free(w);
	return status;
}

/* The export file being written. */
struct out {
	FILE		*f;
	char		 path[4096];
	int		 year;
	int		 seq;		/* files so far */
	long		 bytes;
	long		 count;		/* records in this file */
};

static int
out_open(struct out *o, const char *dir, const char *name, int year)
{
	if ((o->f = create(dir, name, o->path, sizeof(o->path))) == NULL)
		return SP_FATAL_IO;
	o->seq++;
	o->year = year;
	o->bytes = 2;
	o->count = 0;
	fputs("[\n", o->f);
	return SP_OK;
}

static int
out_close(struct out *o)
{
	FILE *f = o->f;

	if (f == NULL)
		return SP_OK;
	o->f = NULL;
	fputs(o->count > 0 ? "\n]\n" : "]\n", f);
	return finish(f, o->path, 0);
}

static int
out_record(struct out *o, struct sp_export *b)
{
	struct sp_pos pos = { o->path, 0 };
	const char *s;
	size_t len;

	if ((s = sp_export_buf(b, &len)) == NULL) {
		errno = ENOMEM;
		sp_warn_at(&pos, "cannot write");
		return SP_FATAL_IO;
	}
	if ((o->count++ > 0 && fputs(",\n", o->f) == EOF) ||
	    fwrite(s, 1, len, o->f) != len) {
		sp_warn_at(&pos, "write error");
		return SP_FATAL_IO;
	}
	o->bytes += (long)len + 2;
	sp_export_reset(b);
	return SP_OK;
}

static int
year_of(time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

/* The listener and a record writer for one export; an sp_status. */
static int
gen_open(const struct sp_catalog *c, enum sp_gen_purpose p, long long n,
    int music_only, time_t t0, struct sp_plays **s, struct sp_export **b)
{
	*s = sp_plays_new(c, p, n, music_only, t0, (int)days, peralbum);
	*b = sp_export_new();
	if (*s == NULL || *b == NULL) {
		warnx("out of memory");
		sp_plays_free(*s);
		sp_export_free(*b);
		return SP_FATAL_IO;
	}
	return SP_OK;
}

/* The next play; a usage error, after a message, if past 9999-12-31. */
static void
gen_next(struct sp_plays *s, struct sp_play *p)
{
	if (sp_plays_next(s, p) != 0)
		errx(SP_USAGE, "--start %s: plays would go past 9999-12-31",
		    start);
}

/* One file per year, and per FILEMAX bytes, as Spotify splits them. */
static int
write_export(const struct sp_catalog *c, const char *dir, time_t t0)
{
	struct sp_plays *s;
	struct sp_export *b;
	struct out o = { .f = NULL };
	struct sp_play p;
	char name[64];
	long long i;
	int year, status;

	if ((status = gen_open(c, SP_GEN_PLAYS, plays, 0, t0, &s, &b)) !=
	    SP_OK)
		return status;
	for (i = 0; i < plays || o.seq == 0; i++) {
		if (i < plays)
			gen_next(s, &p);
		year = i < plays ? year_of(p.end) : year_of(t0);
		if (o.f != NULL && (year != o.year || o.bytes >= FILEMAX))
			status = out_close(&o);
		if (status == SP_OK && o.f == NULL) {
			snprintf(name, sizeof(name),
			    "Streaming_History_Audio_%d_%d.json", year, o.seq);
			status = out_open(&o, dir, name, year);
		}
		if (status != SP_OK || i >= plays)
			break;		/* no plays: an empty array */
		sp_export_play(b, c, &p);
		status = out_record(&o, b);
	}
	status = sp_status_merge(status, out_close(&o));
	sp_plays_free(s);
	sp_export_free(b);
	return status;
}

static int
write_account(const struct sp_catalog *c, const char *dir, time_t t0)
{
	struct sp_plays *s;
	struct sp_export *b;
	struct out o = { .f = NULL };
	struct sp_play p;
	long long i;
	int status;

	if ((status = gen_open(c, SP_GEN_ACCOUNT, account, 1, t0, &s, &b)) !=
	    SP_OK)
		return status;
	status = out_open(&o, dir, "StreamingHistory_music_0.json",
	    year_of(t0));
	for (i = 0; i < account && status == SP_OK; i++) {
		gen_next(s, &p);
		sp_export_account(b, c, &p);
		status = out_record(&o, b);
	}
	status = sp_status_merge(status, out_close(&o));
	sp_plays_free(s);
	sp_export_free(b);
	return status;
}

/* Midnight UTC of s, a valid "YYYY-MM-DD" from 1970 on; else -1. */
static time_t
parse_date(const char *s)
{
	struct tm tm;
	char back[16];
	time_t t;
	char *end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0' ||
	    tm.tm_year < 70)
		return -1;
	t = timegm(&tm);	/* normalizes February 30 to March 2 */
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(back, sizeof(back), "%Y-%m-%d", &tm) == 0 ||
	    strcmp(back, s) != 0)
		return -1;
	return t;
}

static int
mkdirs(const char *dir, char *sub, size_t n, const char *name)
{
	struct sp_pos pos = { sub, 0 };

	if ((size_t)snprintf(sub, n, "%s%s%s", dir, *name ? "/" : "", name) >=
	    n)
		errno = ENAMETOOLONG;
	else if (mkdir(sub, 0777) == 0 || errno == EEXIST)
		return 0;
	sp_warn_at(&pos, "cannot create directory");
	return -1;
}

int
main(int argc, char *argv[])
{
	struct sp_catalog c;
	char catdir[4096], expdir[4096], top[4096];
	time_t t0;
	long long v;
	int ch, status;

	while ((ch = getopt_long(argc, argv, "A:a:d:hm:n:p:r:S:s:t:V", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'A':
			if (sp_opt_long("account", optarg, 0, 10000000,
			    &account) != 0)
				exit(SP_USAGE);
			break;
		case 'a':
			if (sp_opt_long("albums", optarg, 1, 10000000,
			    &albums) != 0)
				exit(SP_USAGE);
			break;
		case 'd':
			if (sp_opt_long("days", optarg, 1, 36500, &days) != 0)
				exit(SP_USAGE);
			break;
		case 'h': usage(stdout, SP_OK);
		case 'm':
			if (sp_opt_long("missing", optarg, 0, 1000000,
			    &missing) != 0)
				exit(SP_USAGE);
			break;
		case 'n':
			if (sp_opt_long("plays", optarg, 0, 100000000,
			    &plays) != 0)
				exit(SP_USAGE);
			break;
		case 'p':
			if (sp_opt_long("per-album", optarg, 1, 10000000,
			    &peralbum) != 0)
				exit(SP_USAGE);
			break;
		case 'r':
			if (sp_opt_long("artists", optarg, 1, 10000000,
			    &artists) != 0)
				exit(SP_USAGE);
			break;
		case 'S': start = optarg; break;
		case 's':
			if (sp_opt_long("seed", optarg, 0, LLONG_MAX, &v) != 0)
				exit(SP_USAGE);
			seed = (unsigned long long)v;
			break;
		case 't':
			if (sp_opt_long("tracks", optarg, 1, 10000000,
			    &tracks) != 0)
				exit(SP_USAGE);
			break;
		case 'V':
			printf("sp-gen %s\n", SP_VERSION);
			return SP_OK;
		default: usage(stderr, SP_USAGE);
		}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage(stderr, SP_USAGE);
	if ((t0 = parse_date(start)) == -1)
		errx(SP_USAGE, "--start is invalid: %s", start);
	/* Every play must be a time the records can hold. */
	if (t0 + (time_t)(days + 1) * 86400 > SP_TS_MAX + 1)
		errx(SP_USAGE, "--start %s with --days %lld goes past "
		    "9999-12-31", start, days);
	if (albums < 0)
		albums = tracks / 10 > 0 ? tracks / 10 : 1;
	if (artists < 0)
		artists = tracks / 5 > 0 ? tracks / 5 : 1;
	if (albums > tracks)
		errx(SP_USAGE, "--albums is larger than --tracks: %lld",
		    albums);
	if (missing > plays)
		errx(SP_USAGE, "--missing is larger than --plays: %lld",
		    missing);

	memset(&c, 0, sizeof(c));
	c.seed = seed;
	c.year = atoi(start);
	c.nar = (size_t)artists;
	c.nal = (size_t)albums;
	c.ntr = (size_t)tracks;
	c.nmiss = (size_t)missing;
	if (sp_catalog_build(&c) != 0) {
		warnx("out of memory");
		sp_catalog_free(&c);
		return SP_FATAL_IO;
	}
	if (mkdirs(argv[0], top, sizeof(top), "") != 0 ||
	    mkdirs(argv[0], catdir, sizeof(catdir), "catalog") != 0 ||
	    mkdirs(argv[0], expdir, sizeof(expdir), "export") != 0)
		status = SP_FATAL_IO;
	else if ((status = write_catalog(&c, catdir)) == SP_OK &&
	    (status = write_export(&c, expdir, t0)) == SP_OK && account > 0)
		status = write_account(&c, expdir, t0);
	sp_catalog_free(&c);
	if (sp_close_stdout() != 0)
		status = SP_FATAL_IO;
	return status;
}
