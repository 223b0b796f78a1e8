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
#include "sp_auditq.h"
#include "sp_checks.h"
#include "sp_err.h"
#include "sp_finding.h"
#include "sp_jsonw.h"
#include "sp_refetch.h"
#include "sp_sample.h"
#include "sp_store.h"

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
/* --max-changed ... --min-families, the thresholds of the checks. */
static long long limits[SP_CHECKS_NLIMIT] = {
	[SP_CHECKS_MAX_MISMATCH] = 2, [SP_CHECKS_MAX_NOT_FOUND] = 5,
	[SP_CHECKS_MIN_COVERAGE] = 95, [SP_CHECKS_MIN_FAMILIES] = 80
};
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
	{ O_CHANGED,	&limits[SP_CHECKS_MAX_CHANGED],	0, INT64_MAX },
	{ O_DATES,	&limits[SP_CHECKS_MAX_DATES],	0, INT64_MAX },
	{ O_FORMAT,	&limits[SP_CHECKS_MAX_FORMAT],	0, INT64_MAX },
	{ O_MISMATCH,	&limits[SP_CHECKS_MAX_MISMATCH], 0, 100 },
	{ O_NOT_FOUND,	&limits[SP_CHECKS_MAX_NOT_FOUND], 0, 100 },
	{ O_NULLS,	&limits[SP_CHECKS_MAX_NULLS],	0, INT64_MAX },
	{ O_ORPHANS,	&limits[SP_CHECKS_MAX_ORPHANS],	0, INT64_MAX },
	{ O_PENDING,	&limits[SP_CHECKS_MAX_PENDING],	0, INT64_MAX },
	{ O_RANGE,	&limits[SP_CHECKS_MAX_RANGE],	0, INT64_MAX },
	{ O_COVERAGE,	&limits[SP_CHECKS_MIN_COVERAGE], 0, 100 },
	{ O_FAMILIES,	&limits[SP_CHECKS_MIN_FAMILIES], 0, 100 },
	{ O_REFETCH,	&refetch,	0, 10000 },
	{ O_SAMPLE,	&sample,	0, 100000 },
	{ O_SEED,	&seed,		0, INT64_MAX },
};

struct audit {
	struct sp_store		*store;
	sqlite3			*db;
	sqlite3_stmt		*st[SP_AUDITQ_N];
	struct sp_jsonw		*w;		/* --json */
	const char		*path;
	struct sp_finding	*f;		/* of the check being run */
	struct sp_checks	*cs;
	int			 failed[SP_CHECKS_N];
	int			 nfailed;
	/* --refetch */
	struct sp_api		*api;
	struct sp_refetch	*rf;
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

/* Where the report's text goes: nowhere with --json or -q. */
static FILE *
shown(void)
{
	return json || quiet ? NULL : stdout;
}

static int
dberr(struct audit *a)
{
	sp_warnx_at(NULL, "database: %s", sqlite3_errmsg(a->db));
	return SP_FATAL_DB;
}

/* Judge check k, begun and given its findings, and show it. */
static void
finish(struct audit *a, int k)
{
	int pass = sp_finding_pass(a->f);

	if (!pass)
		a->failed[a->nfailed++] = k;
	if (json) {
		sp_finding_jsonw(a->f, a->w, pass);
		if (k == SP_CHECKS_REFETCH) {
			sp_jsonw_kint(a->w, "asked", (long long)a->asked);
			sp_jsonw_kint(a->w, "compared",
			    (long long)a->answered);
		}
		if (k == SP_CHECKS_NULLS)
			sp_checks_nulls_jsonw(a->cs, a->w);
		sp_finding_jsonw_end(a->f, a->w);
		return;
	}
	if (quiet && pass)
		return;
	sp_finding_text(a->f, stdout, pass);
}

static int
run_check(struct audit *a, int k)
{
	int status;

	if ((status = sp_checks_run(a->cs, k, shown())) != SP_OK) {
		sp_warnx_at(NULL, "%s", sp_checks_errmsg(a->cs));
		return status;
	}
	finish(a, k);
	return SP_OK;
}

/*
 * --refetch: fetch a few stored records again, through the same engine
 * as sp-fetch, and report every stored value the API now differs on.
 */

static int
on_refetch(const struct sp_api_result *res, void *arg)
{
	struct audit *a = arg;
	int status;

	a->answered++;
	if ((status = sp_refetch_compare(a->rf, res)) != SP_OK)
		sp_warnx_at(NULL, "%s", sp_refetch_errmsg(a->rf));
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
	const char *detail;
	char x[32], y[32];
	time_t at;
	int status, run;

	sp_checks_begin(a->cs, SP_CHECKS_REFETCH, shown());
	if ((a->rf = sp_refetch_new(a->st, a->f)) == NULL) {
		sp_warnx_at(NULL, "out of memory");
		return SP_FATAL_IO;
	}
	if ((status = sp_refetch_ask(a->rf, a->api, refetch, s,
	    &a->asked)) != SP_OK) {
		sp_warnx_at(NULL, "%s", sp_refetch_errmsg(a->rf));
		return status;
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
	finish(a, SP_CHECKS_REFETCH);
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
			sp_jsonw_strz(a->w, sp_checks_name(a->failed[i]));
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
			    sp_checks_name(a->failed[i]));
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
	char err[SP_AUDITQ_ERRSIZE];
	int status, run = SP_OK, k;

	/* One read transaction: every check sees the same store. */
	if (sqlite3_exec(a->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return dberr(a);
	if (json) {
		sp_jsonw_obj(a->w);
		sp_jsonw_kstr(a->w, "database", a->path);
	}
	if ((status = sp_checks_totals(a->cs)) != SP_OK) {
		sp_warnx_at(NULL, "%s", sp_checks_errmsg(a->cs));
		goto out;
	}
	if (json)
		sp_checks_totals_jsonw(a->cs, a->w);
	else if (!quiet)
		sp_checks_totals_text(a->cs, stdout, a->path);
	if (json) {
		sp_jsonw_key(a->w, "checks");
		sp_jsonw_arr(a->w);
	}
	for (k = 0; k < SP_CHECKS_REFETCH; k++)
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
	if (sample > 0 && (status = sp_sample_write(a->st, sample, seed,
	    a->w, stdout, err)) != SP_OK) {
		if (status == SP_FATAL_DB)
			sp_warnx_at(NULL, "%s", err);
		goto out;
	}
	if (sp_finding_nomem(a->f) || sp_checks_nomem(a->cs)) {
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
	int c, status, maxyear;

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
	maxyear = gmtime_r(&now, &tm) != NULL ? tm.tm_year + 1901 : 9999;

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
	if (sp_auditq_rank(a.db) != SQLITE_OK) {
		status = dberr(&a);
		goto out;
	}
	if (sp_store_prepare(a.store, sp_auditq_sql, SP_AUDITQ_N, a.st) != 0) {
		sp_warnx_at(NULL, "%s", sp_store_errmsg(a.store));
		status = SP_FATAL_DB;
		goto out;
	}
	if ((json && (a.w = sp_jsonw_new()) == NULL) ||
	    (a.f = sp_finding_new(examples)) == NULL ||
	    (a.cs = sp_checks_new(a.st, a.f, limits, maxyear)) == NULL) {
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
	sp_refetch_free(a.rf);
	sp_checks_free(a.cs);
	sp_finding_free(a.f);
	sp_jsonw_free(a.w);
	sp_api_free(a.api);
	sp_store_close(a.store);
	free(path);
	if (sp_close_stdout() != 0)
		status = sp_status_merge(status, SP_FATAL_IO);
	return status;
}
