/*
 * sp-emulator: serve a catalog as the Spotify Web API does, on 127.0.0.1
 * only, with switches for the failures a client must survive.  One thread
 * per connection; the catalog is read-only once loaded, and everything
 * that changes (tokens, counters, the log) is under one mutex.
 */
#include <sys/random.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "sp.h"
#include "sp_err.h"
#include "sp_id.h"
#include "sp_json.h"
#include "sp_jsonw.h"
#include "sp_ndjson.h"

#define TOKENS		4096		/* tokens remembered */
#define TOKEN_LEN	64
#define BODYMAX		4096		/* token request body */
#define PAGE		50		/* album tracks embedded */
#define JSON_TYPE	"application/json; charset=utf-8"

struct entry {
	char		 id[SP_ID_LEN + 1];
	char		*text;		/* compact JSON */
	size_t		 len;
};

/* Open addressing; cap is a power of two, at most half full. */
struct table {
	struct entry	*e;
	size_t		 n, cap;
};

struct token {
	char		 s[TOKEN_LEN + 1];
	double		 issued;	/* monotonic seconds */
	long long	 uses;
};

struct relink {
	char		 from[SP_ID_LEN + 1];
	char		 to[SP_ID_LEN + 1];
};

struct emu {
	struct table	 tab[4];	/* by enum sp_kind */
	const char	*client_id;	/* from the environment, or NULL */
	const char	*client_secret;
	int		 port;
	atomic_int	 stopping;
	pthread_mutex_t	 mu;		/* guards all below */
	struct token	*tokens;	/* a ring of TOKENS */
	unsigned long	 ntokens;
	double		*recent;	/* a ring of --rate-limit times */
	long long	 nrecent;
	long long	 served;	/* catalog requests numbered */
	long long	 ok;		/* 200s among them */
	FILE		*log;
};

/* One request, between MHD's calls. */
struct req {
	char		 body[BODYMAX + 1];
	size_t		 len;
};

/* What to send. */
struct answer {
	int		 status;
	const char	*body;
	size_t		 len;
	const char	*type;		/* Content-Type, or NULL */
	char		 retry[40];	/* Retry-After, or "" */
	const char	*fault;		/* for the log: "truncate", ... */
	size_t		 cut;		/* truncate or hang after so many */
};

/* A response sent slowly: cut short, or stalled. */
struct slow {
	struct emu	*e;
	char		*body;
	size_t		 cut;
	int		 hang;
	int		 fd;
};

enum {
	OPT_BADJSON = 256, OPT_DEVMODE, OPT_EMPTY429, OPT_EXPIRES, OPT_FAIL,
	OPT_HANG, OPT_LATENCY, OPT_LOG, OPT_NOGENRES, OPT_NORA, OPT_PORTFILE,
	OPT_QUOTA,
	OPT_QUOTARA, OPT_RATE, OPT_RELINK, OPT_RADATE, OPT_REVOKE, OPT_TOKENREQ,
	OPT_TRUNCATE, OPT_WINDOW
};

static long long bad_json_every;
static int dev_mode;
static int empty_429;
static long long expires_in = 3600;
static long long fail_every;
static long long hang_every;
static long long latency;
static const char *log_file;
static int no_genres;
static int no_retry_after;
static long long port;
static const char *port_file;
static long long quota = -1;
static long long quota_retry_after = 86400;
static long long rate_limit;
static struct relink *relinks;
static size_t nrelinks;
static int retry_after_date;
static int revoke_tokens;
static long long token_requests;
static long long truncate_every;
static long long window = 30;

static const struct option longopts[] = {
	{ "bad-json-every",	required_argument,	NULL,	OPT_BADJSON },
	{ "dev-mode",		no_argument,		NULL,	OPT_DEVMODE },
	{ "empty-429",		no_argument,		NULL,	OPT_EMPTY429 },
	{ "expires-in",		required_argument,	NULL,	OPT_EXPIRES },
	{ "fail-every",		required_argument,	NULL,	OPT_FAIL },
	{ "hang-every",		required_argument,	NULL,	OPT_HANG },
	{ "help",		no_argument,		NULL,	'h' },
	{ "latency",		required_argument,	NULL,	OPT_LATENCY },
	{ "log",		required_argument,	NULL,	OPT_LOG },
	{ "no-genres",		no_argument,		NULL,	OPT_NOGENRES },
	{ "no-retry-after",	no_argument,		NULL,	OPT_NORA },
	{ "port",		required_argument,	NULL,	'p' },
	{ "port-file",		required_argument,	NULL,	OPT_PORTFILE },
	{ "quota",		required_argument,	NULL,	OPT_QUOTA },
	{ "quota-retry-after",	required_argument,	NULL,	OPT_QUOTARA },
	{ "rate-limit",		required_argument,	NULL,	OPT_RATE },
	{ "relink",		required_argument,	NULL,	OPT_RELINK },
	{ "retry-after-date",	no_argument,		NULL,	OPT_RADATE },
	{ "revoke-tokens",	no_argument,		NULL,	OPT_REVOKE },
	{ "token-requests",	required_argument,	NULL,	OPT_TOKENREQ },
	{ "truncate-every",	required_argument,	NULL,	OPT_TRUNCATE },
	{ "version",		no_argument,		NULL,	'V' },
	{ "window",		required_argument,	NULL,	OPT_WINDOW },
	{ NULL,			0,			NULL,	0 }
};

static _Noreturn void
usage(FILE *f, int status)
{
	fputs("usage: sp-emulator [-hV] [-p port] [--bad-json-every k] "
	    "[--dev-mode]\n"
	    "                   [--empty-429] [--expires-in secs] "
	    "[--fail-every k]\n"
	    "                   [--hang-every k] [--latency ms] [--log file] "
	    "[--no-genres]\n"
	    "                   [--no-retry-after] [--port-file file] "
	    "[--quota n]\n"
	    "                   "
	    "[--quota-retry-after secs] [--rate-limit n]\n"
	    "                   [--relink id=otherid] "
	    "[--retry-after-date]\n"
	    "                   [--revoke-tokens] [--token-requests n] "
	    "[--truncate-every k]\n"
	    "                   [--window secs]\n"
	    "                   catalogdir\n"
	    "  --bad-json-every k        every k-th 200 has a broken body\n"
	    "  --dev-mode                no batches, fewer fields\n"
	    "  --empty-429               send 429s without a body\n"
	    "  --expires-in secs         token lifetime (default 3600)\n"
	    "  --fail-every k            every k-th request fails: 502, 503\n"
	    "  --hang-every k            every k-th response stalls half-way\n"
	    "  -h, --help                print this help and exit\n"
	    "  --latency ms              delay every request\n"
	    "  --log file                append one NDJSON line per request\n"
	    "  --no-genres               serve objects without genres\n"
	    "  --no-retry-after          send 429s without Retry-After\n"
	    "  -p, --port port           port on 127.0.0.1 (default: any)\n"
	    "  --port-file file          write the port there when ready\n"
	    "  --quota n                 429 QUOTA_EXCEEDED after n requests\n"
	    "  --quota-retry-after secs  their Retry-After (default 86400)\n"
	    "  --rate-limit n            at most n requests per window\n"
	    "  --relink id=otherid       serve otherid's track for id\n"
	    "  --retry-after-date        send Retry-After as an HTTP-date\n"
	    "  --revoke-tokens           answer 401 to every token\n"
	    "  --token-requests n        a token expires after n requests\n"
	    "  --truncate-every k        every k-th response is cut short\n"
	    "  -V, --version             print the version and exit\n"
	    "  --window secs             rate limit window (default 30)\n",
	    f);
	exit(status);
}

static void
add_relink(const char *s)
{
	const char *eq = strchr(s, '=');
	struct relink *r;

	if (eq == NULL || !sp_id_valid(s, (size_t)(eq - s)) ||
	    !sp_id_valid(eq + 1, strlen(eq + 1)))
		errx(SP_USAGE, "--relink is invalid: %s", s);
	if ((r = reallocarray(relinks, nrelinks + 1, sizeof(*r))) == NULL)
		err(SP_FATAL_IO, "relink");
	relinks = r;
	r += nrelinks++;
	memcpy(r->from, s, SP_ID_LEN);
	r->from[SP_ID_LEN] = '\0';
	memcpy(r->to, eq + 1, SP_ID_LEN + 1);
}

static double
now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Sleep ms, in slices, so that a stop is not held up. */
static void
nap(struct emu *e, long long ms)
{
	struct timespec ts;
	long long step;

	for (; ms > 0 && !atomic_load(&e->stopping); ms -= step) {
		step = ms < 50 ? ms : 50;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)step * 1000000L;
		nanosleep(&ts, NULL);
	}
}

/* The catalog */

static size_t
hash(const char *id)
{
	size_t h = 2166136261u;
	int i;

	for (i = 0; i < SP_ID_LEN; i++)
		h = (h ^ (unsigned char)id[i]) * 16777619u;
	return h;
}

static struct entry *
lookup(const struct table *t, const char *id)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	for (i = hash(id) & (t->cap - 1); t->e[i].text != NULL;
	    i = (i + 1) & (t->cap - 1))
		if (memcmp(t->e[i].id, id, SP_ID_LEN) == 0)
			return &t->e[i];
	return NULL;
}

/* Returns 0, 1 if the id is there already, -1 when out of memory. */
static int
insert(struct table *t, const char *id, char *text, size_t len)
{
	struct table big;
	size_t i;

	if (lookup(t, id) != NULL)
		return 1;
	if (2 * (t->n + 1) > t->cap) {
		big.cap = t->cap ? 2 * t->cap : 1024;
		big.n = 0;
		if ((big.e = calloc(big.cap, sizeof(*big.e))) == NULL)
			return -1;
		for (i = 0; i < t->cap; i++)
			if (t->e[i].text != NULL)
				insert(&big, t->e[i].id, t->e[i].text,
				    t->e[i].len);
		free(t->e);
		*t = big;
	}
	for (i = hash(id) & (t->cap - 1); t->e[i].text != NULL;
	    i = (i + 1) & (t->cap - 1))
		;
	memcpy(t->e[i].id, id, SP_ID_LEN + 1);
	t->e[i].text = text;
	t->e[i].len = len;
	t->n++;
	return 0;
}

struct load {
	struct emu	*e;
	struct sp_jsonw	*w;
};

static int
on_object(struct sp_rec *rec, void *ctx)
{
	struct load *l = ctx;
	const char *type, *id, *buf;
	enum sp_kind k;
	size_t tlen, ilen, len;
	char *text;
	int rc;

	type = sp_json_str(rec->json, sp_json_get(rec->json, 0, "type"),
	    &tlen);
	id = sp_json_str(rec->json, sp_json_get(rec->json, 0, "id"), &ilen);
	if (type == NULL || (k = sp_kind_parse(type, tlen)) == SP_KIND_NONE ||
	    id == NULL || !sp_id_valid(id, ilen)) {
		sp_warnx_at(&rec->pos, "not a track, album or artist object");
		return SP_REJECTED;
	}
	sp_jsonw_reset(l->w);
	sp_jsonw_value(l->w, rec->json, 0);
	if ((buf = sp_jsonw_buf(l->w, &len)) == NULL ||
	    (text = strndup(buf, len)) == NULL) {
		sp_warnx_at(&rec->pos, "out of memory");
		return SP_FATAL_IO;
	}
	if ((rc = insert(&l->e->tab[k], id, text, len)) != 0)
		free(text);
	if (rc < 0) {
		sp_warnx_at(&rec->pos, "out of memory");
		return SP_FATAL_IO;
	}
	if (rc > 0) {
		sp_warnx_at(&rec->pos, "duplicate %s id: \"%s\"", type, id);
		return SP_REJECTED;
	}
	return SP_OK;
}

/* Load dir/ *.ndjson, else dir/catalog/ *.ndjson. */
static int
load(struct emu *e, const char *dir)
{
	struct load l = { e, NULL };
	struct sp_pos pos = { dir, 0 };
	char pat[4096];
	glob_t g;
	int status, i;

	for (i = 0; i < 2; i++) {
		snprintf(pat, sizeof(pat), "%s%s/*.ndjson", dir,
		    i ? "/catalog" : "");
		if (glob(pat, 0, NULL, &g) == 0)
			break;
		globfree(&g);
	}
	if (i == 2) {
		sp_warnx_at(&pos, "no *.ndjson files");
		return SP_FATAL_IO;
	}
	if ((l.w = sp_jsonw_new()) == NULL) {
		globfree(&g);
		warnx("out of memory");
		return SP_FATAL_IO;
	}
	status = sp_ndjson_each((int)g.gl_pathc, g.gl_pathv, 0, on_object,
	    &l, NULL);
	sp_jsonw_free(l.w);
	globfree(&g);
	return status;
}

static void
unload(struct emu *e)
{
	size_t i;
	int k;

	for (k = 0; k < 4; k++) {
		for (i = 0; i < e->tab[k].cap; i++)
			free(e->tab[k].e[i].text);
		free(e->tab[k].e);
	}
}

/* Writing objects */

static int
stripped(const char *key)
{
	static const char *const devkeys[] = { "album_group",
	    "available_markets", "followers", "label", "linked_from",
	    "popularity" };
	size_t i;

	if (no_genres && strcmp(key, "genres") == 0)
		return 1;
	for (i = 0; dev_mode && i < sizeof(devkeys) / sizeof(*devkeys); i++)
		if (strcmp(key, devkeys[i]) == 0)
			return 1;
	return 0;
}

/* Value v, without the stripped keys at any depth. */
static void
put_value(struct sp_jsonw *w, const struct sp_json *j, int v)
{
	sp_jsonw_filtered(w, j, v, dev_mode || no_genres ? stripped : NULL);
}

static void
put_url(struct emu *e, struct sp_jsonw *w, const char *id, long long off,
    long long lim)
{
	char s[128];

	snprintf(s, sizeof(s), "http://127.0.0.1:%d/v1/albums/%s/tracks?"
	    "offset=%lld&limit=%lld", e->port, id, off, lim);
	sp_jsonw_strz(w, s);
}

/* A paging object over the items of the album's tracks (value v). */
static void
put_page(struct emu *e, struct sp_jsonw *w, const struct sp_json *j, int v,
    const char *id, long long off, long long lim)
{
	int items, it;
	long long i, total;

	items = sp_json_get(j, v, "items");
	total = sp_json_count(j, items);
	sp_jsonw_obj(w);
	sp_jsonw_key(w, "href");
	put_url(e, w, id, off, lim);
	sp_jsonw_key(w, "items");
	sp_jsonw_arr(w);
	for (it = sp_json_first(j, items), i = 0; it >= 0 && i < off + lim;
	    it = sp_json_next(j, items, it), i++)
		if (i >= off)
			put_value(w, j, it);
	sp_jsonw_end(w);
	sp_jsonw_key(w, "limit");
	sp_jsonw_int(w, lim);
	sp_jsonw_key(w, "next");
	if (off + lim < total)
		put_url(e, w, id, off + lim, lim);
	else
		sp_jsonw_null(w);
	sp_jsonw_key(w, "offset");
	sp_jsonw_int(w, off);
	sp_jsonw_key(w, "previous");
	if (off > 0)
		put_url(e, w, id, off > lim ? off - lim : 0, lim);
	else
		sp_jsonw_null(w);
	sp_jsonw_key(w, "total");
	sp_jsonw_int(w, total);
	sp_jsonw_end(w);
}

static void
put_linked(struct sp_jsonw *w, const char *id)
{
	char s[96];

	if (dev_mode)
		return;
	sp_jsonw_key(w, "linked_from");
	sp_jsonw_obj(w);
	sp_jsonw_key(w, "external_urls");
	sp_jsonw_obj(w);
	sp_jsonw_key(w, "spotify");
	snprintf(s, sizeof(s), "https://open.spotify.com/track/%s", id);
	sp_jsonw_strz(w, s);
	sp_jsonw_end(w);
	sp_jsonw_key(w, "href");
	snprintf(s, sizeof(s), "https://api.spotify.com/v1/tracks/%s", id);
	sp_jsonw_strz(w, s);
	sp_jsonw_key(w, "id");
	sp_jsonw_strz(w, id);
	sp_jsonw_key(w, "type");
	sp_jsonw_strz(w, "track");
	sp_jsonw_key(w, "uri");
	snprintf(s, sizeof(s), "spotify:track:%s", id);
	sp_jsonw_strz(w, s);
	sp_jsonw_end(w);
}

/*
 * The object for id, as served: an album's tracks cut to a first page, a
 * relinked track with linked_from.  Returns 0 if there is none.
 */
static int
put_object(struct emu *e, struct sp_jsonw *w, struct sp_json *j,
    enum sp_kind k, const char *id)
{
	const char *from = NULL, *key;
	struct entry *ent;
	size_t i;
	int v;

	for (i = 0; k == SP_KIND_TRACK && i < nrelinks; i++)
		if (strcmp(relinks[i].from, id) == 0) {
			from = id;
			id = relinks[i].to;
			break;
		}
	if ((ent = lookup(&e->tab[k], id)) == NULL ||
	    sp_json_parse(j, ent->text, ent->len, 1, NULL) != SP_JSON_OK)
		return 0;
	sp_jsonw_obj(w);
	for (v = sp_json_first(j, 0); v >= 0; v = sp_json_next(j, 0, v)) {
		key = sp_json_str(j, v, NULL);
		if (from != NULL && strcmp(key, "linked_from") > 0) {
			put_linked(w, from);
			from = NULL;
		}
		if (stripped(key) || (from != NULL &&
		    strcmp(key, "linked_from") == 0))
			continue;
		sp_jsonw_key(w, key);
		if (k == SP_KIND_ALBUM && strcmp(key, "tracks") == 0)
			put_page(e, w, j, v + 1, id, 0, PAGE);
		else
			put_value(w, j, v + 1);
	}
	if (from != NULL)
		put_linked(w, from);
	sp_jsonw_end(w);
	return 1;
}

/* Answers */

static void
set_json(struct answer *a, int status, struct sp_jsonw *w)
{
	a->status = status;
	a->body = sp_jsonw_buf(w, &a->len);
	a->type = JSON_TYPE;
	if (a->body == NULL) {
		a->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		a->body = "";
	}
}

/* {"error":{"status":N,"message":"...","reason":"..."}} */
static void
set_error(struct answer *a, struct sp_jsonw *w, int status, const char *msg,
    const char *reason)
{
	sp_jsonw_reset(w);
	sp_jsonw_obj(w);
	sp_jsonw_key(w, "error");
	sp_jsonw_obj(w);
	sp_jsonw_key(w, "status");
	sp_jsonw_int(w, status);
	sp_jsonw_key(w, "message");
	sp_jsonw_strz(w, msg);
	if (reason != NULL) {
		sp_jsonw_key(w, "reason");
		sp_jsonw_strz(w, reason);
	}
	sp_jsonw_end(w);
	sp_jsonw_end(w);
	set_json(a, status, w);
}

/* {"error":"...","error_description":"..."}, the OAuth shape. */
static void
set_oauth(struct answer *a, struct sp_jsonw *w, const char *error,
    const char *desc)
{
	sp_jsonw_reset(w);
	sp_jsonw_obj(w);
	sp_jsonw_key(w, "error");
	sp_jsonw_strz(w, error);
	if (desc != NULL) {
		sp_jsonw_key(w, "error_description");
		sp_jsonw_strz(w, desc);
	}
	sp_jsonw_end(w);
	set_json(a, MHD_HTTP_BAD_REQUEST, w);
}

static void
set_429(struct answer *a, struct sp_jsonw *w, long long secs,
    const char *msg, const char *reason)
{
	struct tm tm;
	time_t t;

	set_error(a, w, MHD_HTTP_TOO_MANY_REQUESTS, msg, reason);
	if (empty_429) {
		a->body = "";
		a->len = 0;
		a->type = NULL;
	}
	if (no_retry_after)
		a->retry[0] = '\0';
	else if (retry_after_date) {
		t = time(NULL) + (time_t)secs;
		gmtime_r(&t, &tm);
		strftime(a->retry, sizeof(a->retry),
		    "%a, %d %b %Y %H:%M:%S GMT", &tm);
	} else
		snprintf(a->retry, sizeof(a->retry), "%lld", secs);
}

static void
set_html(struct answer *a, int status)
{
	a->status = status;
	a->type = "text/html";
	a->body = status == MHD_HTTP_BAD_GATEWAY ?
	    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
	    "<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
	    "</body>\r\n</html>\r\n" :
	    "<html>\r\n<head><title>503 Service Temporarily Unavailable"
	    "</title></head>\r\n<body>\r\n<center><h1>503 Service "
	    "Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n";
	a->len = strlen(a->body);
}

/* The token endpoint */

/* Form field key of body into out (decoded); NULL if absent. */
static char *
form_get(const char *body, const char *key, char *out, size_t n)
{
	size_t klen = strlen(key), vlen;
	const char *p;
	char *s;

	for (p = body; p != NULL && *p != '\0';
	    p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
		if (strncmp(p, key, klen) != 0 || p[klen] != '=')
			continue;
		p += klen + 1;
		vlen = strcspn(p, "&");
		if (vlen >= n)
			vlen = n - 1;
		memcpy(out, p, vlen);
		out[vlen] = '\0';
		for (s = out; (s = strchr(s, '+')) != NULL; s++)
			*s = ' ';
		MHD_http_unescape(out);
		return out;
	}
	return NULL;
}

static void
new_token(struct emu *e, char tok[TOKEN_LEN + 1])
{
	static const char b62[] = "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	unsigned char rnd[TOKEN_LEN];
	struct token *t;
	int i;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		for (i = 0; i < TOKEN_LEN; i++)
			rnd[i] = (unsigned char)(random() >> 8);
	tok[0] = 'B';
	tok[1] = 'Q';
	for (i = 2; i < TOKEN_LEN; i++)
		tok[i] = b62[rnd[i] % 62];
	tok[TOKEN_LEN] = '\0';
	pthread_mutex_lock(&e->mu);
	t = &e->tokens[e->ntokens++ % TOKENS];
	memcpy(t->s, tok, TOKEN_LEN + 1);
	t->issued = now(CLOCK_MONOTONIC);
	t->uses = 0;
	pthread_mutex_unlock(&e->mu);
}

static void
token(struct emu *e, struct MHD_Connection *c, struct req *r,
    const char *method, struct sp_jsonw *w, struct answer *a)
{
	char idb[256], secb[256], grantb[64], tok[TOKEN_LEN + 1];
	const char *ctype, *body = "", *id, *secret, *grant;
	char *user, *pass = NULL;

	if (strcmp(method, "POST") != 0) {
		set_error(a, w, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "Method not allowed", NULL);
		return;
	}
	ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	if (ctype != NULL && strncasecmp(ctype,
	    "application/x-www-form-urlencoded", 33) == 0)
		body = r->body;
	grant = form_get(body, "grant_type", grantb, sizeof(grantb));
	id = form_get(body, "client_id", idb, sizeof(idb));
	secret = form_get(body, "client_secret", secb, sizeof(secb));
	if ((user = MHD_basic_auth_get_username_password(c, &pass)) != NULL) {
		snprintf(idb, sizeof(idb), "%s", user);
		snprintf(secb, sizeof(secb), "%s", pass ? pass : "");
		id = idb;
		secret = secb;
		MHD_free(user);
		if (pass != NULL)
			MHD_free(pass);
	}
	if (id == NULL || secret == NULL || *id == '\0')
		set_oauth(a, w, "invalid_client", NULL);
	else if ((e->client_id != NULL && strcmp(id, e->client_id) != 0) ||
	    (e->client_secret != NULL && strcmp(secret, e->client_secret) != 0))
		set_oauth(a, w, "invalid_client", "Invalid client");
	else if (grant == NULL)
		set_oauth(a, w, "unsupported_grant_type",
		    "grant_type parameter is missing");
	else if (strcmp(grant, "client_credentials") != 0)
		set_oauth(a, w, "unsupported_grant_type", "grant_type must be "
		    "client_credentials, authorization_code or refresh_token");
	else {
		new_token(e, tok);
		sp_jsonw_reset(w);
		sp_jsonw_obj(w);
		sp_jsonw_key(w, "access_token");
		sp_jsonw_strz(w, tok);
		sp_jsonw_key(w, "token_type");
		sp_jsonw_strz(w, "Bearer");
		sp_jsonw_key(w, "expires_in");
		sp_jsonw_int(w, expires_in);
		sp_jsonw_end(w);
		set_json(a, MHD_HTTP_OK, w);
	}
	explicit_bzero(secb, sizeof(secb));
	explicit_bzero(r->body, sizeof(r->body));
}

/* The catalog endpoints */

/* NULL if the bearer token may be used (and counts the use). */
static const char *
check_token(struct emu *e, struct MHD_Connection *c)
{
	const char *h, *msg = "Invalid access token";
	struct token *t;
	unsigned long i, n;

	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL || *h == '\0')
		return "No token provided";
	if (strncasecmp(h, "Bearer ", 7) != 0)
		return msg;
	h += 7;
	if (*h == '\0')
		return "No token provided";
	pthread_mutex_lock(&e->mu);
	n = e->ntokens < TOKENS ? e->ntokens : TOKENS;
	for (i = 0; i < n; i++) {
		t = &e->tokens[(e->ntokens - 1 - i) % TOKENS];
		if (strcmp(t->s, h) != 0)
			continue;
		if (revoke_tokens)
			msg = "Invalid access token";
		else if (now(CLOCK_MONOTONIC) - t->issued >=
		    (double)expires_in ||
		    (token_requests > 0 && t->uses >= token_requests))
			msg = "The access token expired";
		else
			msg = NULL;
		t->uses++;
		break;
	}
	pthread_mutex_unlock(&e->mu);
	return msg;
}

enum gate { GATE_OPEN, GATE_QUOTA, GATE_RATE };

/* Quota, then rate limit; numbers the request that passes (*n). */
static enum gate
gate(struct emu *e, long long *n, long long *wait)
{
	enum gate g = GATE_OPEN;
	double t, oldest;

	pthread_mutex_lock(&e->mu);
	t = now(CLOCK_MONOTONIC);
	if (quota >= 0 && e->served >= quota)
		g = GATE_QUOTA;
	else if (rate_limit > 0 && e->nrecent >= rate_limit &&
	    t - (oldest = e->recent[e->nrecent % rate_limit]) <
	    (double)window) {
		g = GATE_RATE;
		*wait = (long long)ceil(oldest + (double)window - t);
		if (*wait < 1)
			*wait = 1;
	} else {
		if (rate_limit > 0)
			e->recent[e->nrecent++ % rate_limit] = t;
		*n = ++e->served;
	}
	pthread_mutex_unlock(&e->mu);
	return g;
}

static void
batch(struct emu *e, struct MHD_Connection *c, enum sp_kind k,
    const char *plural, struct sp_jsonw *w, struct sp_json *j,
    struct answer *a)
{
	const char *ids, *p;
	size_t n, len, max = k == SP_KIND_ALBUM ? 20 : 50;
	char id[SP_ID_LEN + 1];

	if (dev_mode) {
		set_error(a, w, MHD_HTTP_FORBIDDEN, "Forbidden", NULL);
		return;
	}
	ids = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "ids");
	if (ids == NULL) {
		set_error(a, w, MHD_HTTP_BAD_REQUEST, "invalid request", NULL);
		return;
	}
	for (p = ids, n = 0; ; p += len + 1, n++) {
		len = strcspn(p, ",");
		if (!sp_id_valid(p, len)) {
			set_error(a, w, MHD_HTTP_BAD_REQUEST, "invalid id",
			    NULL);
			return;
		}
		if (p[len] == '\0')
			break;
	}
	if (n + 1 > max) {
		set_error(a, w, MHD_HTTP_BAD_REQUEST, "Too many ids requested",
		    NULL);
		return;
	}
	sp_jsonw_reset(w);
	sp_jsonw_obj(w);
	sp_jsonw_key(w, plural);
	sp_jsonw_arr(w);
	for (p = ids; ; p += SP_ID_LEN + 1) {
		memcpy(id, p, SP_ID_LEN);
		id[SP_ID_LEN] = '\0';
		if (!put_object(e, w, j, k, id))
			sp_jsonw_null(w);
		if (p[SP_ID_LEN] == '\0')
			break;
	}
	sp_jsonw_end(w);
	sp_jsonw_end(w);
	set_json(a, MHD_HTTP_OK, w);
}

static int
query_num(struct MHD_Connection *c, const char *key, long long def,
    long long min, long long max)
{
	const char *s, *errstr;
	long long v;

	if ((s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    key)) == NULL)
		return (int)def;
	v = sp_parse_long(s, min, max, &errstr);
	return errstr != NULL ? -1 : (int)v;
}

static void
album_tracks(struct emu *e, struct MHD_Connection *c, const char *id,
    struct sp_jsonw *w, struct sp_json *j, struct answer *a)
{
	struct entry *ent;
	int off, lim;

	if ((lim = query_num(c, "limit", 20, 1, PAGE)) < 0) {
		set_error(a, w, MHD_HTTP_BAD_REQUEST, "Invalid limit", NULL);
		return;
	}
	if ((off = query_num(c, "offset", 0, 0, 100000)) < 0) {
		set_error(a, w, MHD_HTTP_BAD_REQUEST, "Invalid offset", NULL);
		return;
	}
	if ((ent = lookup(&e->tab[SP_KIND_ALBUM], id)) == NULL ||
	    sp_json_parse(j, ent->text, ent->len, 1, NULL) != SP_JSON_OK) {
		set_error(a, w, MHD_HTTP_NOT_FOUND, "non existing id", NULL);
		return;
	}
	sp_jsonw_reset(w);
	put_page(e, w, j, sp_json_get(j, 0, "tracks"), id, off, lim);
	set_json(a, MHD_HTTP_OK, w);
}

/* GET /v1/{tracks,albums,artists}[/{id}[/tracks]] */
static void
api(struct emu *e, struct MHD_Connection *c, const char *url,
    const char *method, struct sp_jsonw *w, struct answer *a)
{
	static const char *const plurals[] = { NULL, "tracks", "albums",
	    "artists" };
	const char *rest = url + 4, *msg;
	char id[SP_ID_LEN + 1];
	long long n = 0, wait = 0;
	enum sp_kind k;
	struct sp_json *j;
	size_t len, idlen;
	int sub;

	len = strcspn(rest, "/");
	for (k = SP_KIND_TRACK; k <= SP_KIND_ARTIST; k++)
		if (strlen(plurals[k]) == len &&
		    strncmp(rest, plurals[k], len) == 0)
			break;
	rest += len;
	idlen = *rest == '/' ? strcspn(rest + 1, "/") : 0;
	sub = *rest == '/' && rest[1 + idlen] != '\0';
	if (k > SP_KIND_ARTIST || (sub && (k != SP_KIND_ALBUM ||
	    strcmp(rest + 1 + idlen, "/tracks") != 0))) {
		set_error(a, w, MHD_HTTP_NOT_FOUND, "Service not found", NULL);
		return;
	}
	if (strcmp(method, "GET") != 0) {
		set_error(a, w, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "Method not allowed", NULL);
		return;
	}
	if ((msg = check_token(e, c)) != NULL) {
		set_error(a, w, MHD_HTTP_UNAUTHORIZED, msg, NULL);
		return;
	}
	switch (gate(e, &n, &wait)) {
	case GATE_QUOTA:
		set_429(a, w, quota_retry_after, "Too many requests",
		    "QUOTA_EXCEEDED");
		return;
	case GATE_RATE:
		set_429(a, w, wait, "API rate limit exceeded", NULL);
		return;
	case GATE_OPEN:
		break;
	}
	if (fail_every > 0 && n % fail_every == 0) {
		set_html(a, n / fail_every % 2 ? MHD_HTTP_BAD_GATEWAY :
		    MHD_HTTP_SERVICE_UNAVAILABLE);
		return;
	}
	if ((j = sp_json_new()) == NULL) {
		set_error(a, w, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "Server error", NULL);
		return;
	}
	if (*rest == '\0')
		batch(e, c, k, plurals[k], w, j, a);
	else if (!sp_id_valid(rest + 1, idlen))
		set_error(a, w, MHD_HTTP_BAD_REQUEST, "invalid id", NULL);
	else {
		memcpy(id, rest + 1, SP_ID_LEN);
		id[SP_ID_LEN] = '\0';
		sp_jsonw_reset(w);
		if (sub)
			album_tracks(e, c, id, w, j, a);
		else if (put_object(e, w, j, k, id))
			set_json(a, MHD_HTTP_OK, w);
		else
			set_error(a, w, MHD_HTTP_NOT_FOUND, "non existing id",
			    NULL);
	}
	sp_json_free(j);
	if (hang_every > 0 && n % hang_every == 0)
		a->fault = "hang";
	else if (truncate_every > 0 && n % truncate_every == 0)
		a->fault = "truncate";
	else if (a->status == MHD_HTTP_OK && bad_json_every > 0) {
		pthread_mutex_lock(&e->mu);
		if (++e->ok % bad_json_every == 0)
			a->fault = "bad-json";
		pthread_mutex_unlock(&e->mu);
	}
	if (a->fault != NULL && strcmp(a->fault, "bad-json") == 0)
		a->len /= 2;
	else if (a->fault != NULL)
		a->cut = a->len / 2;
}

/* Sending */

static ssize_t
slow_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct slow *s = cls;
	struct pollfd pfd;
	size_t n;

	if (pos < s->cut) {
		n = s->cut - (size_t)pos < max ? s->cut - (size_t)pos : max;
		memcpy(buf, s->body + pos, n);
		return (ssize_t)n;
	}
	/* Hang until the client gives up or we stop. */
	pfd.fd = s->fd;
	pfd.events = POLLRDHUP;
	while (s->hang && !atomic_load(&s->e->stopping))
		if (poll(&pfd, 1, 50) > 0 &&
		    (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)))
			break;
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

static void
slow_free(void *cls)
{
	struct slow *s = cls;

	free(s->body);
	free(s);
}

/* The query string, rebuilt from MHD's decoded arguments. */
struct query {
	char		 s[2048];
	size_t		 len;
};

static enum MHD_Result
qarg(void *cls, enum MHD_ValueKind kind, const char *key, const char *val)
{
	struct query *q = cls;
	int n;

	(void)kind;
	n = snprintf(q->s + q->len, sizeof(q->s) - q->len, "%s%s%s%s",
	    q->len > 0 ? "&" : "", key, val != NULL ? "=" : "",
	    val != NULL ? val : "");
	if (n < 0 || (size_t)n >= sizeof(q->s) - q->len)
		return MHD_NO;
	q->len += (size_t)n;
	return MHD_YES;
}

/* A string from the client, made valid UTF-8 for the log. */
static void
put_client_str(struct sp_jsonw *w, const char *s, size_t n)
{
	char *t;
	size_t i;

	if (sp_utf8_valid(s, n) || (t = strndup(s, n)) == NULL) {
		sp_jsonw_str(w, s, sp_utf8_valid(s, n) ? n : 0);
		return;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)t[i] >= 0x80)
			t[i] = '?';
	sp_jsonw_str(w, t, n);
	free(t);
}

static void
log_request(struct emu *e, struct MHD_Connection *c, const char *method,
    const char *url, const struct answer *a)
{
	struct query q = { .len = 0 };
	struct sp_jsonw *w;
	struct timespec ts;
	const char *buf;
	size_t len;

	if (e->log == NULL || (w = sp_jsonw_new()) == NULL)
		return;
	if (strcmp(url, "/api/token") != 0)	/* never a secret */
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, qarg, &q);
	clock_gettime(CLOCK_REALTIME, &ts);
	sp_jsonw_obj(w);
	sp_jsonw_key(w, "method");
	put_client_str(w, method, strlen(method));
	sp_jsonw_key(w, "path");
	put_client_str(w, url, strlen(url));
	if (q.len > 0) {
		sp_jsonw_key(w, "query");
		put_client_str(w, q.s, q.len);
	}
	sp_jsonw_key(w, "status");
	sp_jsonw_int(w, a->status);
	if (a->fault != NULL) {
		sp_jsonw_key(w, "fault");
		sp_jsonw_strz(w, a->fault);
	}
	sp_jsonw_end(w);
	/* sp_jsonw writes no fractions: put "t" in front by hand. */
	if ((buf = sp_jsonw_buf(w, &len)) != NULL) {
		pthread_mutex_lock(&e->mu);
		fprintf(e->log, "{\"t\":%lld.%03ld,%s\n", (long long)ts.tv_sec,
		    ts.tv_nsec / 1000000, buf + 1);
		fflush(e->log);
		pthread_mutex_unlock(&e->mu);
	}
	sp_jsonw_free(w);
}

static enum MHD_Result
send_answer(struct emu *e, struct MHD_Connection *c, const char *method,
    const char *url, struct answer *a)
{
	const union MHD_ConnectionInfo *ci;
	struct MHD_Response *resp;
	struct slow *s = NULL;
	enum MHD_Result rc;

	if (a->cut > 0 && (s = calloc(1, sizeof(*s))) != NULL &&
	    (s->body = malloc(a->len)) != NULL) {
		memcpy(s->body, a->body, a->len);
		s->e = e;
		s->cut = a->cut;
		s->hang = strcmp(a->fault, "hang") == 0;
		ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		s->fd = ci != NULL ? ci->connect_fd : -1;
		resp = MHD_create_response_from_callback(a->len, 4096,
		    slow_read, s, slow_free);
	} else {
		if (s != NULL)
			free(s);
		resp = MHD_create_response_from_buffer(a->len,
		    (void *)a->body, MHD_RESPMEM_MUST_COPY);
	}
	if (resp == NULL)
		return MHD_NO;
	if (a->type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    a->type);
	if (a->retry[0] != '\0')
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER,
		    a->retry);
	log_request(e, c, method, url, a);
	rc = MHD_queue_response(c, (unsigned)a->status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upsize, void **reqp)
{
	struct emu *e = cls;
	struct req *r = *reqp;
	struct answer a;
	struct sp_jsonw *w;
	enum MHD_Result rc;
	size_t n;

	(void)version;
	if (r == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return MHD_NO;
		*reqp = r;
		return MHD_YES;
	}
	if (*upsize > 0) {		/* keep what fits */
		n = *upsize < BODYMAX - r->len ? *upsize : BODYMAX - r->len;
		memcpy(r->body + r->len, upload, n);
		r->len += n;
		*upsize = 0;
		return MHD_YES;
	}
	if ((w = sp_jsonw_new()) == NULL)
		return MHD_NO;
	memset(&a, 0, sizeof(a));
	nap(e, latency);
	if (strcmp(url, "/api/token") == 0)
		token(e, c, r, method, w, &a);
	else if (strncmp(url, "/v1/", 4) == 0)
		api(e, c, url, method, w, &a);
	else
		set_error(&a, w, MHD_HTTP_NOT_FOUND, "Service not found",
		    NULL);
	rc = send_answer(e, c, method, url, &a);
	sp_jsonw_free(w);
	return rc;
}

static void
done(void *cls, struct MHD_Connection *c, void **reqp,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*reqp);
	*reqp = NULL;
}

/* Write the port to port_file, atomically: tests wait for it. */
static int
write_port(int p)
{
	char tmp[4096];
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", port_file) >=
	    sizeof(tmp) || (f = fopen(tmp, "w")) == NULL) {
		warn("%s", port_file);
		return -1;
	}
	fprintf(f, "%d\n", p);
	if (fclose(f) != 0 || rename(tmp, port_file) != 0) {
		warn("%s", port_file);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct emu e;
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	sigset_t sigs;
	int c, sig, status;

	while ((c = getopt_long(argc, argv, "hp:V", longopts, NULL)) != -1)
		switch (c) {
		case OPT_BADJSON:
			if (sp_opt_long("bad-json-every", optarg, 0, LLONG_MAX,
			    &bad_json_every) != 0)
				exit(SP_USAGE);
			break;
		case OPT_DEVMODE: dev_mode = 1; break;
		case OPT_EMPTY429: empty_429 = 1; break;
		case OPT_EXPIRES:
			if (sp_opt_long("expires-in", optarg, 1, 31536000,
			    &expires_in) != 0)
				exit(SP_USAGE);
			break;
		case OPT_FAIL:
			if (sp_opt_long("fail-every", optarg, 0, LLONG_MAX,
			    &fail_every) != 0)
				exit(SP_USAGE);
			break;
		case OPT_HANG:
			if (sp_opt_long("hang-every", optarg, 0, LLONG_MAX,
			    &hang_every) != 0)
				exit(SP_USAGE);
			break;
		case 'h': usage(stdout, SP_OK);
		case OPT_LATENCY:
			if (sp_opt_long("latency", optarg, 0, 600000,
			    &latency) != 0)
				exit(SP_USAGE);
			break;
		case OPT_LOG: log_file = optarg; break;
		case OPT_NOGENRES: no_genres = 1; break;
		case OPT_NORA: no_retry_after = 1; break;
		case 'p':
			if (sp_opt_long("port", optarg, 0, 65535, &port) != 0)
				exit(SP_USAGE);
			break;
		case OPT_PORTFILE: port_file = optarg; break;
		case OPT_QUOTA:
			if (sp_opt_long("quota", optarg, 0, LLONG_MAX,
			    &quota) != 0)
				exit(SP_USAGE);
			break;
		case OPT_QUOTARA:
			if (sp_opt_long("quota-retry-after", optarg, 0,
			    31536000, &quota_retry_after) != 0)
				exit(SP_USAGE);
			break;
		case OPT_RATE:
			if (sp_opt_long("rate-limit", optarg, 0, 1000000,
			    &rate_limit) != 0)
				exit(SP_USAGE);
			break;
		case OPT_RELINK: add_relink(optarg); break;
		case OPT_REVOKE: revoke_tokens = 1; break;
		case OPT_RADATE: retry_after_date = 1; break;
		case OPT_TOKENREQ:
			if (sp_opt_long("token-requests", optarg, 0, LLONG_MAX,
			    &token_requests) != 0)
				exit(SP_USAGE);
			break;
		case OPT_TRUNCATE:
			if (sp_opt_long("truncate-every", optarg, 0, LLONG_MAX,
			    &truncate_every) != 0)
				exit(SP_USAGE);
			break;
		case 'V':
			printf("sp-emulator %s\n", SP_VERSION);
			return SP_OK;
		case OPT_WINDOW:
			if (sp_opt_long("window", optarg, 1, 86400,
			    &window) != 0)
				exit(SP_USAGE);
			break;
		default: usage(stderr, SP_USAGE);
		}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage(stderr, SP_USAGE);

	memset(&e, 0, sizeof(e));
	pthread_mutex_init(&e.mu, NULL);
	if ((e.client_id = getenv("SPOTIFY_CLIENT_ID")) != NULL &&
	    *e.client_id == '\0')
		e.client_id = NULL;
	if ((e.client_secret = getenv("SPOTIFY_CLIENT_SECRET")) != NULL &&
	    *e.client_secret == '\0')
		e.client_secret = NULL;
	status = load(&e, argv[0]);
	if (status != SP_OK && status != SP_REJECTED)
		goto out;
	if ((e.tokens = calloc(TOKENS, sizeof(*e.tokens))) == NULL ||
	    (rate_limit > 0 && (e.recent = calloc((size_t)rate_limit,
	    sizeof(*e.recent))) == NULL)) {
		warnx("out of memory");
		status = SP_FATAL_IO;
		goto out;
	}
	if (log_file != NULL && (e.log = fopen(log_file, "a")) == NULL) {
		warn("%s", log_file);
		status = SP_FATAL_IO;
		goto out;
	}

	/*
	 * Only this thread takes SIGINT and SIGTERM, in sigwait(); even
	 * when started in the background, where a shell ignores SIGINT.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGINT, SIG_DFL);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_AUTO_INTERNAL_THREAD, (uint16_t)port, NULL, NULL, handle,
	    &e, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_NOTIFY_COMPLETED, done, &e,
	    MHD_OPTION_CONNECTION_TIMEOUT, 120U, MHD_OPTION_END);
	if (d == NULL ||
	    (info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) ==
	    NULL) {
		warnx("cannot listen on 127.0.0.1:%lld", port);
		status = SP_FATAL_IO;
		goto out;
	}
	e.port = info->port;
	warnx("listening on http://127.0.0.1:%d", e.port);
	if (port_file == NULL || write_port(e.port) == 0)
		while (sigwait(&sigs, &sig) != 0)
			;
	else
		status = SP_FATAL_IO;
	atomic_store(&e.stopping, 1);
	MHD_stop_daemon(d);
out:
	if (e.log != NULL)
		fclose(e.log);
	unload(&e);
	free(e.tokens);
	free(e.recent);
	free(relinks);
	pthread_mutex_destroy(&e.mu);
	if (sp_close_stdout() != 0)
		status = SP_FATAL_IO;
	return status;
}
