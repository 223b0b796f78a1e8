/*
 * sp-fetch: fetch tracks, albums and artists from the Spotify Web API and
 * write one line per id: the API's object, or "does not exist".
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sp.h"
#include "sp_api.h"
#include "sp_err.h"
#include "sp_id.h"
#include "sp_json.h"
#include "sp_jsonw.h"
#include "sp_ndjson.h"

static const struct option longopts[] = {
	{ "batch",	required_argument,	NULL,	'b' },
	{ "help",	no_argument,		NULL,	'h' },
	{ "jobs",	required_argument,	NULL,	'j' },
	{ "max-wait",	required_argument,	NULL,	'W' },
	{ "progress",	no_argument,		NULL,	'P' },
	{ "quiet",	no_argument,		NULL,	'q' },
	{ "rate",	required_argument,	NULL,	'r' },
	{ "retries",	required_argument,	NULL,	'R' },
	{ "secret-file", required_argument,	NULL,	'S' },
	{ "timeout",	required_argument,	NULL,	'T' },
	{ "type",	required_argument,	NULL,	't' },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

static int batch;
static long long jobs = 8;
static long long maxwait = 120;
static int progress = -1;	/* -1: when stderr is a terminal */
static int quiet;
static long long rate;
static long long retries = 5;
static const char *secretfile;
static long long timeout = 30;
static enum sp_kind bare = SP_KIND_TRACK;

/*
 * Retry and give-up messages of one reason: the first SHOWN are printed,
 * the others counted and said in one line at the end.
 */
#define SHOWN	5
#define NSAME	16
struct same {
	enum sp_api_ev	 type;
	char		 reason[64];
	unsigned long	 shown, more;
};

struct fetch_ctx {
	struct sp_api	*api;
	struct same	 same[NSAME];
	int		 nsame;
	struct sp_jsonw	*w;
	struct sp_pos	*pos;		/* input position of each queued id */
	size_t		 npos, cappos;
	int		 drawn;		/* a progress line is on screen */
	int		 gone;		/* the reader of stdout went away */
};

_Noreturn static void
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: sp-fetch [-hqV] [-b auto|off] [-j n] [-t type] [--max-wait s]"
	    "\n                [--progress] [--rate r] [--retries n] "
	    "[--secret-file file]\n"
	    "                [--timeout s] [file ...]\n"
	    "  -b, --batch auto|off   try the batch endpoints first (default "
	    "off)\n"
	    "  -h, --help             print this help and exit\n"
	    "  -j, --jobs n           requests in flight, at most (default 8)\n"
	    "  --max-wait s           stop when told to wait longer (default "
	    "120)\n"
	    "  --progress             show progress even when stderr is not "
	    "a terminal\n"
	    "  -q, --quiet            no progress, no summary\n"
	    "  --rate r               requests per second, at most (default: "
	    "as allowed)\n"
	    "  --retries n            retries of a transient failure per id "
	    "(default 5)\n"
	    "  --secret-file file     read the client secret from file (mode "
	    "0600)\n"
	    "  --timeout s            seconds per request (default 30)\n"
	    "  -t, --type type        kind of bare ids: track, album, artist "
	    "(default track)\n"
	    "  -V, --version          print the version and exit\n");
	exit(status);
}

static void
unprogress(struct fetch_ctx *ctx)
{
	if (ctx->drawn) {
		fputs("\r\033[K", stderr);
		ctx->drawn = 0;
	}
}

/* Whether to print this retry or give-up message, or only count it. */
static int
show(struct fetch_ctx *ctx, const struct sp_api_event *ev)
{
	struct same *m = NULL;
	int i;

	for (i = 0; i < ctx->nsame; i++) {
		m = &ctx->same[i];
		if (m->type == ev->type && strcmp(m->reason, ev->reason) == 0)
			break;
	}
	if (i == ctx->nsame) {
		if (ctx->nsame == NSAME)
			return 1;	/* too many kinds to count: say all */
		m = &ctx->same[ctx->nsame++];
		m->type = ev->type;
		snprintf(m->reason, sizeof(m->reason), "%s", ev->reason);
		m->shown = m->more = 0;
	}
	if (m->shown < SHOWN) {
		m->shown++;
		return 1;
	}
	m->more++;
	return 0;
}

/* The messages counted and not shown. */
static void
counted(struct fetch_ctx *ctx)
{
	char n[32];
	int i;

	for (i = 0; i < ctx->nsame; i++)
		if (ctx->same[i].more > 0)
			sp_warnx_at(NULL, "%s: %s more %s like the above, not "
			    "shown one by one", ctx->same[i].reason,
			    sp_fmt_count(ctx->same[i].more, n),
			    ctx->same[i].type == SP_API_EV_RETRY ? "retries" :
			    "ids given up on");
}

/* Queue the id of one input line. */
static int
on_input(struct sp_rec *rec, void *arg)
{
	struct fetch_ctx *ctx = arg;
	char id[SP_ID_LEN + 1], q[SP_QUOTE_SIZE];
	enum sp_kind kind = bare, k;
	const char *s, *type;
	size_t n, tn;
	int rc;

	if (rec->json != NULL) {
		type = sp_json_str(rec->json, sp_json_get(rec->json, 0, "type"),
		    &tn);
		if (type == NULL || (kind = sp_kind_parse(type, tn)) ==
		    SP_KIND_NONE || strcmp(type, sp_kind_name(kind)) != 0) {
			sp_warnx_at(&rec->pos, "not a track, album or artist "
			    "record: %s", type ? sp_quote(type, tn, q) :
			    "no \"type\"");
			return SP_REJECTED;
		}
		s = sp_json_str(rec->json, sp_json_get(rec->json, 0, "id"), &n);
		if (s == NULL || !sp_id_valid(s, n)) {
			sp_warnx_at(&rec->pos, "not a Spotify %s id: %s",
			    sp_kind_name(kind), s ? sp_quote(s, n, q) :
			    "no \"id\"");
			return SP_REJECTED;
		}
		memcpy(id, s, SP_ID_LEN + 1);
	} else {
		s = rec->line + strspn(rec->line, " \t");
		n = strcspn(s, " \t");
		if (s[n + strspn(s + n, " \t")] != '\0' || memchr(s, '\0',
		    (size_t)(rec->line + rec->len - s)) != NULL)
			/* words after the id, or a NUL byte: not an id */
			n = (size_t)(rec->line + rec->len - s);
		if (sp_id_parse(s, n, &k, id) != 0) {
			sp_warnx_at(&rec->pos, "not a Spotify %s id: %s",
			    sp_kind_name(kind), sp_quote(s, n, q));
			return SP_REJECTED;
		}
		if (k != SP_KIND_NONE)
			kind = k;
	}
	if (ctx->npos == ctx->cappos) {
		size_t cap = ctx->cappos ? ctx->cappos * 2 : 1024;
		struct sp_pos *p = realloc(ctx->pos, cap * sizeof(*p));

		if (p == NULL)
			return SP_FATAL_IO;
		ctx->pos = p;
		ctx->cappos = cap;
	}
	ctx->pos[ctx->npos] = rec->pos;
	rc = sp_api_add(ctx->api, kind, id, (void *)(uintptr_t)ctx->npos);
	if (rc < 0)
		return SP_FATAL_IO;
	ctx->npos += rc;	/* a duplicate keeps no position */
	return SP_OK;
}

static int
on_result(const struct sp_api_result *res, void *arg)
{
	struct fetch_ctx *ctx = arg;
	char ts[SP_TS_LEN + 1];
	size_t len;

	sp_jsonw_obj(ctx->w);
	sp_jsonw_key(ctx->w, "type");
	sp_jsonw_strz(ctx->w, sp_kind_name(res->kind));
	sp_jsonw_key(ctx->w, "id");
	sp_jsonw_strz(ctx->w, res->id);
	sp_jsonw_key(ctx->w, "fetched_at");
	sp_jsonw_strz(ctx->w, sp_ts_format(sp_now(), ts));
	if (res->status == 200) {
		sp_jsonw_key(ctx->w, "object");
		sp_jsonw_value(ctx->w, res->json, res->value);
	} else {
		sp_jsonw_key(ctx->w, "error");
		sp_jsonw_obj(ctx->w);
		sp_jsonw_key(ctx->w, "status");
		sp_jsonw_int(ctx->w, res->status);
		sp_jsonw_key(ctx->w, "message");
		sp_jsonw_strz(ctx->w, res->message);
		sp_jsonw_end(ctx->w);
	}
	sp_jsonw_end(ctx->w);
	/* A line sp-normalize could not read would be fetched again forever. */
	if (sp_jsonw_buf(ctx->w, &len) != NULL && len > SP_NDJSON_MAXLINE) {
		sp_jsonw_reset(ctx->w);
		return SP_REJECTED;
	}
	if (sp_jsonw_write(ctx->w, stdout) != 0) {
		if (errno == EPIPE) {	/* the reader went away: end quietly */
			ctx->gone = 1;
			return SP_SIGNALLED + SIGPIPE;
		}
		unprogress(ctx);
		sp_warn_at(&(struct sp_pos){ "stdout", 0 }, "write error");
		return SP_FATAL_IO;
	}
	return SP_OK;
}

static void
on_event(const struct sp_api_event *ev, void *arg)
{
	struct fetch_ctx *ctx = arg;
	const struct sp_pos *pos = ev->id != NULL ?
	    &ctx->pos[(uintptr_t)ev->user] : NULL;
	struct sp_api_stats st;
	char a[32], b[32], eta[32], line[256];
	size_t n;

	switch (ev->type) {
	case SP_API_EV_PROGRESS:
		if (!progress)
			return;
		sp_api_stats(ctx->api, &st);
		/* One write: another program's message cannot cut into it. */
		n = (size_t)snprintf(line, sizeof(line), "\r\033[Ksp-fetch: "
		    "%s/%s ids", sp_fmt_count(st.ok + st.notfound + st.failed,
		    a), sp_fmt_count(st.ids, b));
		if (st.eta >= 0 && n < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n,
			    ", %.1f req/s", st.rate);
		if (ev->wait > 0 && n < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n,
			    ", waiting %.0f s", ev->wait);
		if (st.eta >= 0 && n < sizeof(line))
			snprintf(line + n, sizeof(line) - n, ", ETA %s",
			    sp_fmt_secs((long long)ceil(st.eta), eta));
		fputs(line, stderr);
		ctx->drawn = 1;
		return;
	case SP_API_EV_RETRY:
		if (!show(ctx, ev))
			return;
		unprogress(ctx);
		sp_warnx_at(pos, "%s %s: %s, retrying in %.0f s (%d left)",
		    sp_kind_name(ev->kind), ev->id, ev->reason, ev->wait,
		    ev->left);
		return;
	case SP_API_EV_GIVEUP:
		if (!show(ctx, ev))
			return;
		unprogress(ctx);
		sp_warnx_at(pos, "%s %s: %s, no retries left: not fetched, "
		    "it stays pending", sp_kind_name(ev->kind), ev->id,
		    ev->reason);
		return;
	case SP_API_EV_FAILED:
		unprogress(ctx);
		sp_warnx_at(pos, "%s %s: %s: not fetched",
		    sp_kind_name(ev->kind), ev->id, ev->reason);
		return;
	case SP_API_EV_WAIT:
		if (quiet)
			return;
		unprogress(ctx);
		sp_warnx_at(NULL, "rate limited (%s): every request waits "
		    "%.0f s", ev->reason, ev->wait);
		return;
	case SP_API_EV_NOBATCH:
		unprogress(ctx);
		sp_warnx_at(NULL, "the batch endpoints answered %s: one id per "
		    "request from now on", ev->reason);
		return;
	}
}

/* Why the run stopped, with what to do next. */
static void
stopped(struct fetch_ctx *ctx)
{
	struct sp_api_stats st;
	const char *detail;
	char when[64], d[32], n[32];
	time_t at;
	struct tm tm;

	switch (sp_api_stopped(ctx->api, &detail, &at)) {
	case SP_API_STOP_NONE:
		return;
	case SP_API_STOP_QUOTA:
	case SP_API_STOP_WAIT:
		sp_api_stats(ctx->api, &st);
		gmtime_r(&at, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
		sp_fmt_secs((long long)(at - time(NULL)), d);
		sp_warnx_at(NULL, "%s; retry after %s (%s); %s ids not "
		    "fetched; run the same command again then to resume",
		    detail, when, d, sp_fmt_count(st.ids - st.ok -
		    st.notfound, n));
		return;
	default:
		if (strcmp(detail, "interrupted") != 0 &&
		    strcmp(detail, "stopped") != 0)
			sp_warnx_at(NULL, "%s", detail);
	}
}

static void
summary(struct fetch_ctx *ctx)
{
	struct sp_api_stats st;
	char a[32], b[32], c[32], d[32], e[32], f[32];

	sp_api_stats(ctx->api, &st);
	sp_warnx_at(NULL, "%s fetched, %s not found, %s not fetched "
	    "of %s id%s; %s request%s (%lu for tokens), %s answered 429, "
	    "waited %.0f s; %.0f s", sp_fmt_count(st.ok, a),
	    sp_fmt_count(st.notfound, b), sp_fmt_count(st.ids - st.ok -
	    st.notfound, c), sp_fmt_count(st.ids, d), st.ids == 1 ? "" : "s",
	    sp_fmt_count(st.requests + st.tokens, e),
	    st.requests + st.tokens == 1 ? "" : "s", st.tokens,
	    sp_fmt_count(st.r429, f), st.waited, st.elapsed);
}

int
main(int argc, char *argv[])
{
	struct fetch_ctx ctx;
	struct sp_api_opts o;
	char err[SP_API_ERRSIZE];
	int c, status, run;

	memset(&ctx, 0, sizeof(ctx));
	while ((c = getopt_long(argc, argv, "b:hj:qt:V", longopts, NULL)) !=
	    -1)
		switch (c) {
		case 'b':
			if (strcmp(optarg, "auto") == 0)
				batch = 1;
			else if (strcmp(optarg, "off") == 0)
				batch = 0;
			else {
				sp_warnx_at(NULL, "--batch is not auto or off: "
				    "%s", optarg);
				usage(stderr, SP_USAGE);
			}
			break;
		case 'h':
			usage(stdout, SP_OK);
		case 'j':
			if (sp_opt_long("jobs", optarg, 1, 64, &jobs) != 0)
				usage(stderr, SP_USAGE);
			break;
		case 'P':
			progress = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'r':
			if (sp_opt_long("rate", optarg, 1, 10000, &rate) != 0)
				usage(stderr, SP_USAGE);
			break;
		case 'R':
			if (sp_opt_long("retries", optarg, 0, 20,
			    &retries) != 0)
				usage(stderr, SP_USAGE);
			break;
		case 'S':
			secretfile = optarg;
			break;
		case 't':
			bare = sp_kind_parse(optarg, strlen(optarg));
			if (bare == SP_KIND_NONE ||
			    strcmp(optarg, sp_kind_name(bare)) != 0) {
				sp_warnx_at(NULL, "--type is not track, album "
				    "or artist: %s", optarg);
				usage(stderr, SP_USAGE);
			}
			break;
		case 'T':
			if (sp_opt_long("timeout", optarg, 1, 3600,
			    &timeout) != 0)
				usage(stderr, SP_USAGE);
			break;
		case 'V':
			printf("sp-fetch %s\n", SP_VERSION);
			return SP_OK;
		case 'W':
			if (sp_opt_long("max-wait", optarg, 0, 864000,
			    &maxwait) != 0)
				usage(stderr, SP_USAGE);
			break;
		default:
			usage(stderr, SP_USAGE);
		}
	argc -= optind;
	argv += optind;
	if (quiet)
		progress = 0;
	else if (progress < 0)
		progress = sp_stderr_tty();

	memset(&o, 0, sizeof(o));
	o.jobs = (int)jobs;
	o.rate = (double)rate;
	o.max_wait = (long)maxwait;
	o.batch = batch;
	o.timeout = (long)timeout;
	o.retries = (int)retries;
	if ((status = sp_api_from_env(&o, secretfile, &ctx.api, err)) !=
	    SP_OK) {
		sp_warnx_at(NULL, "%s", err);
		return status;
	}
	if ((ctx.w = sp_jsonw_new()) == NULL) {
		sp_warnx_at(NULL, "out of memory");
		status = SP_FATAL_IO;
		goto out;
	}

	sp_signals_install();
	status = sp_ndjson_each(argc, argv, SP_NDJSON_TEXT, on_input, &ctx,
	    NULL);
	if (status == SP_OK || status == SP_REJECTED) {
		run = sp_api_run(ctx.api, on_result, on_event, &ctx);
		status = sp_status_merge(run, status);
	}
	unprogress(&ctx);
	if (!ctx.gone) {
		counted(&ctx);
		stopped(&ctx);
		if (!quiet)
			summary(&ctx);
	}
out:
	sp_api_free(ctx.api);
	sp_jsonw_free(ctx.w);
	free(ctx.pos);
	if (sp_close_stdout() != 0)
		status = sp_status_merge(status, SP_FATAL_IO);
	return status;
}
