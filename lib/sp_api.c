/*
 * sp_api.c: the fetch engine, on libcurl's multi interface.
 *
 * Ids wait in a queue; a request is started when a job slot is free and
 * the pacer (sp_pace) allows it.  Answers are delivered as they land; an
 * album whose listing goes on waits for its pages (sp_album).  Transient
 * failures are retried with backoff, a 401 renews the token once, a 429
 * pauses every request and teaches the pacer the limit.
 */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "sp.h"
#include "sp_album.h"
#include "sp_api.h"
#include "sp_auth.h"
#include "sp_err.h"
#include "sp_json.h"
#include "sp_jsonw.h"
#include "sp_ndjson.h"
#include "sp_pace.h"

#define DEFAULT_API	"https://api.spotify.com/v1"
#define DEFAULT_TOKEN	"https://accounts.spotify.com/api/token"
#define MAXBODY		SP_NDJSON_MAXLINE	/* a longer one is no record */
#define MAXBATCH	50
#define LIMIT_TEXT	"8 MiB"
_Static_assert(SP_NDJSON_MAXLINE == 8 * 1024 * 1024, "LIMIT_TEXT is right");
#define BACKOFF_CAP	30.0	/* seconds: one retry wait at most */
#define RETRY_TOTAL	300.0	/* seconds: all retries of an id at most */
#define TICK		0.25	/* seconds between progress events */

_Static_assert(SP_API_ERRSIZE >= SP_AUTH_ERRSIZE, "sp_auth_new() fits in err");

enum istate { I_QUEUED, I_FLIGHT, I_DELAYED, I_PAGING, I_DONE };
enum rtype { R_SINGLE, R_BATCH, R_PAGE };

struct item {
	char		 id[SP_ID_LEN + 1];
	uint8_t		 kind;
	uint8_t		 state;
	uint8_t		 tries;
	uint8_t		 auths;		/* 401s with a fresh token */
	uint8_t		 pgen;		/* paging generation */
	void		*user;
	double		 due;		/* retry time (I_DELAYED) */
	double		 failed0;	/* first transient failure */
	struct sp_album	*album;		/* I_PAGING */
};

struct req {
	struct req	*next;		/* in flight */
	struct req	*prev;
	CURL		*easy;
	enum rtype	 type;
	int		 item[MAXBATCH];
	int		 n;
	int		 page;		/* R_PAGE: page index */
	uint8_t		 pgen;		/* R_PAGE: the item's pgen */
	unsigned	 gen;		/* token generation used */
	double		 sent;		/* when it was sent */
	char		*body;
	size_t		 len;
	size_t		 cap;
	int		 toolarge;
};

/* A double-ended queue of item indexes. */
struct deque {
	int		*v;
	size_t		 cap;
	size_t		 head;
	size_t		 n;
};

struct sp_api {
	struct sp_api_opts	 o;
	char			*base;
	int			 direct;	/* base is loopback: no proxy */
	CURLM			*multi;
	struct sp_json		*j;
	struct sp_jsonw		*w;
	struct item		*item;
	size_t			 nitem, capitem;
	int			*hash;		/* item index + 1, or 0 */
	size_t			 hashcap;
	struct deque		 queue;		/* items to start */
	struct deque		 pageq;		/* (item, page) pairs to start */
	int			*delayed;	/* items waiting for a retry */
	size_t			 ndelayed, capdelayed;
	int			 inflight;
	struct req		*flight;	/* requests in flight */
	int			 nobatch;
	int			 batchok;	/* a batch was answered */
	int			 answered;	/* the API host answered once */
	double			 lat_sum;	/* seconds requests took, */
	unsigned long		 lat_n;		/* over so many */
	const char		*token;
	unsigned		 gen;
	struct sp_pace		*pace;		/* made when the run starts */
	double			 t0;		/* start of the run */
	/* Outcome. */
	struct sp_api_stats	 st;
	enum sp_api_stop	 stop;
	char			 detail[512];
	time_t			 retry_at;
	int			 status;
	uint64_t		 rng;
	/* What sp_api_from_env() made, freed with the sp_api. */
	struct sp_auth		*ownauth;
	char			*ownstate;
	int			 owncurl;	/* curl_global_init() */
};

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
jitter(struct sp_api *a)
{
	a->rng ^= a->rng << 13;
	a->rng ^= a->rng >> 7;
	a->rng ^= a->rng << 17;
	return 0.75 + (double)(a->rng % 1000) / 2000.0;	/* 0.75 .. 1.25 */
}

/* Deque. */

static int
dq_grow(struct deque *d)
{
	size_t cap = d->cap ? d->cap * 2 : 256, i;
	int *v;

	if ((v = malloc(cap * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < d->n; i++)
		v[i] = d->v[(d->head + i) % d->cap];
	free(d->v);
	d->v = v;
	d->cap = cap;
	d->head = 0;
	return 0;
}

static int
dq_push(struct deque *d, int x, int front)
{
	if (d->n == d->cap && dq_grow(d) != 0)
		return -1;
	if (front) {
		d->head = (d->head + d->cap - 1) % d->cap;
		d->v[d->head] = x;
	} else
		d->v[(d->head + d->n) % d->cap] = x;
	d->n++;
	return 0;
}

static int
dq_pop(struct deque *d)
{
	int x = d->v[d->head];

	d->head = (d->head + 1) % d->cap;
	d->n--;
	return x;
}

/* The dedupe hash: open addressing over item indexes. */

static uint64_t
hashof(int kind, const char *id)
{
	uint64_t h = 14695981039346656037ULL ^ (uint64_t)kind;
	int i;

	for (i = 0; i < SP_ID_LEN; i++)
		h = (h ^ (unsigned char)id[i]) * 1099511628211ULL;
	return h;
}

static int
rehash(struct sp_api *a)
{
	size_t cap = a->hashcap ? a->hashcap * 2 : 1024, i, k;
	int *h;

	if ((h = calloc(cap, sizeof(*h))) == NULL)
		return -1;
	for (i = 0; i < a->nitem; i++) {
		k = hashof(a->item[i].kind, a->item[i].id) & (cap - 1);
		while (h[k] != 0)
			k = (k + 1) & (cap - 1);
		h[k] = (int)i + 1;
	}
	free(a->hash);
	a->hash = h;
	a->hashcap = cap;
	return 0;
}

static double
realtime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
sp_api_new(const struct sp_api_opts *o, struct sp_api **out)
{
	struct sp_api *a;
	size_t n;

	*out = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return SP_FATAL_IO;
	a->o = *o;
	if (a->o.jobs < 1)
		a->o.jobs = 1;
	if (a->o.window < 1)
		a->o.window = SP_API_WINDOW;
	if ((a->base = strdup(o->api_url)) == NULL ||
	    (a->multi = curl_multi_init()) == NULL ||
	    (a->j = sp_json_new()) == NULL || (a->w = sp_jsonw_new()) == NULL ||
	    rehash(a) != 0) {
		sp_api_free(a);
		return SP_FATAL_IO;
	}
	n = strlen(a->base);
	while (n > 0 && a->base[n - 1] == '/')
		a->base[--n] = '\0';
	a->direct = sp_url_loopback(a->base);
	curl_multi_setopt(a->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)a->o.jobs);
	curl_multi_setopt(a->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	a->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^
	    0x9E3779B97F4A7C15ULL;
	a->status = SP_OK;
	*out = a;
	return SP_OK;
}

void
sp_api_free(struct sp_api *a)
{
	struct sp_auth *auth;
	char *state;
	size_t i;
	int curl;

	if (a == NULL)
		return;
	auth = a->ownauth;
	state = a->ownstate;
	curl = a->owncurl;
	for (i = 0; i < a->nitem; i++)
		sp_album_free(a->item[i].album);
	if (a->multi != NULL)
		curl_multi_cleanup(a->multi);
	sp_json_free(a->j);
	sp_jsonw_free(a->w);
	free(a->item);
	free(a->hash);
	free(a->queue.v);
	free(a->pageq.v);
	free(a->delayed);
	sp_pace_free(a->pace);
	free(a->base);
	free(a);
	sp_auth_free(auth);
	free(state);
	if (curl)
		curl_global_cleanup();
}

/* An http or https URL with a host: what SP_API_URL must be. */
static int
urlvalid(const char *url)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL;
	int ok;

	if ((u = curl_url()) == NULL)
		return 0;
	ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) &&
	    *host != '\0';
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

int
sp_api_from_env(const struct sp_api_opts *o, const char *secret_file,
    struct sp_api **out, char err[SP_API_ERRSIZE])
{
	struct sp_api_opts eo = *o;
	struct sp_auth *auth;
	char key[17], name[64], *state;
	const char *api, *tok, *win, *bad;
	int status;

	*out = NULL;
	if ((api = getenv("SP_API_URL")) == NULL || *api == '\0')
		api = DEFAULT_API;
	if ((tok = getenv("SP_TOKEN_URL")) == NULL || *tok == '\0')
		tok = DEFAULT_TOKEN;
	if (!urlvalid(api) || !urlvalid(tok)) {
		char q[SP_QUOTE_SIZE];
		const char *bad_url = urlvalid(api) ? tok : api;

		snprintf(err, SP_API_ERRSIZE, "%s is not a valid URL: %s "
		    "(expected https://HOST/PATH, or http:// to a loopback "
		    "address)", bad_url == api ? "SP_API_URL" : "SP_TOKEN_URL",
		    sp_quote(bad_url, strlen(bad_url), q));
		return SP_USAGE;
	}
	if (!sp_url_safe(api)) {
		snprintf(err, SP_API_ERRSIZE, "refusing to send credentials "
		    "to %s: use https, or http to a loopback address", api);
		return SP_USAGE;
	}
	if ((win = getenv("SP_RATE_WINDOW")) != NULL && *win != '\0' &&
	    (eo.window = sp_parse_long(win, 1, 3600, &bad)) < 1) {
		snprintf(err, SP_API_ERRSIZE, "SP_RATE_WINDOW: expected "
		    "seconds, 1 to 3600: %.32s", win);
		return SP_USAGE;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, SP_API_ERRSIZE, "cannot initialise libcurl");
		return SP_FATAL_IO;
	}
	if ((status = sp_auth_new(tok, secret_file, &auth, err)) != SP_OK) {
		curl_global_cleanup();
		return status;
	}
	sp_auth_key(api, getenv("SPOTIFY_CLIENT_ID"), key);
	snprintf(name, sizeof(name), "pace-%s.json", key);
	state = sp_cache_path(name);
	if (sp_cache_check(state, err) != 0) {
		sp_auth_free(auth);
		free(state);
		curl_global_cleanup();
		return SP_FATAL_AUTH;
	}
	eo.api_url = api;
	eo.auth = auth;
	eo.state = state;
	if (sp_api_new(&eo, out) != SP_OK) {
		sp_auth_free(auth);
		free(state);
		curl_global_cleanup();
		snprintf(err, SP_API_ERRSIZE, "out of memory");
		return SP_FATAL_IO;
	}
	(*out)->ownauth = auth;
	(*out)->ownstate = state;
	(*out)->owncurl = 1;
	return SP_OK;
}

int
sp_api_add(struct sp_api *a, enum sp_kind kind, const char *id, void *user)
{
	struct item *it;
	size_t k;

	if (!sp_id_valid(id, strlen(id)))
		return -1;
	k = hashof(kind, id) & (a->hashcap - 1);
	for (; a->hash[k] != 0; k = (k + 1) & (a->hashcap - 1)) {
		it = &a->item[a->hash[k] - 1];
		if (it->kind == kind && strcmp(it->id, id) == 0)
			return 0;
	}
	if (a->nitem == a->capitem) {
		size_t cap = a->capitem ? a->capitem * 2 : 1024;

		if ((it = realloc(a->item, cap * sizeof(*it))) == NULL)
			return -1;
		a->item = it;
		a->capitem = cap;
	}
	it = &a->item[a->nitem];
	memset(it, 0, sizeof(*it));
	memcpy(it->id, id, SP_ID_LEN + 1);
	it->kind = (uint8_t)kind;
	it->user = user;
	if (dq_push(&a->queue, (int)a->nitem, 0) != 0)
		return -1;
	a->hash[k] = (int)++a->nitem;
	a->st.ids++;
	if (a->nitem * 2 > a->hashcap && rehash(a) != 0)
		return -1;
	return 1;
}

/* Events. */

struct run {
	struct sp_api		*a;
	sp_api_result_fn	*result;
	sp_api_event_fn		*event;
	void			*ctx;
};

static void
event(struct run *r, enum sp_api_ev type, int i, const char *reason,
    double wait, int left)
{
	struct sp_api_event ev;

	if (r->event == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	if (i >= 0) {
		ev.kind = (enum sp_kind)r->a->item[i].kind;
		ev.id = r->a->item[i].id;
		ev.user = r->a->item[i].user;
	}
	ev.reason = reason;
	ev.wait = wait;
	ev.left = left;
	r->event(&ev, r->ctx);
}

static void
stopwith(struct sp_api *a, enum sp_api_stop why, int status,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
stopwith(struct sp_api *a, enum sp_api_stop why, int status,
    const char *fmt, ...)
{
	va_list ap;

	if (a->stop != SP_API_STOP_NONE)
		return;
	a->stop = why;
	a->status = sp_status_merge(a->status, status);
	va_start(ap, fmt);
	vsnprintf(a->detail, sizeof(a->detail), fmt, ap);
	va_end(ap);
}

/* Requests. */

static size_t
onbody(char *p, size_t size, size_t n, void *arg)
{
	struct req *q = arg;
	size_t len = size * n, cap;
	char *b;

	if (q->len + len + 1 > MAXBODY) {
		q->toolarge = 1;
		return 0;
	}
	if (q->len + len + 1 > q->cap) {
		cap = q->cap ? q->cap : 16384;
		while (cap < q->len + len + 1)
			cap *= 2;
		if ((b = realloc(q->body, cap)) == NULL)
			return 0;
		q->body = b;
		q->cap = cap;
	}
	memcpy(q->body + q->len, p, len);
	q->len += len;
	q->body[q->len] = '\0';
	return len;
}

static void
req_free(struct req *q)
{
	if (q == NULL)
		return;
	if (q->easy != NULL)
		curl_easy_cleanup(q->easy);
	free(q->body);
	free(q);
}

static const char *
plural(enum sp_kind k)
{
	return k == SP_KIND_ALBUM ? "albums" : k == SP_KIND_ARTIST ?
	    "artists" : "tracks";
}

static int
start(struct sp_api *a, struct req *q, double now)
{
	char url[2048];
	int k, off, i;

	if (q->type == R_PAGE) {
		struct item *it = &a->item[q->item[0]];

		snprintf(url, sizeof(url), "%s/albums/%s/tracks?offset=%d"
		    "&limit=%d", a->base, it->id, (q->page + 1) * SP_ALBUM_PAGE,
		    SP_ALBUM_PAGE);
	} else if (q->type == R_SINGLE) {
		struct item *it = &a->item[q->item[0]];

		snprintf(url, sizeof(url), "%s/%s/%s", a->base,
		    plural((enum sp_kind)it->kind), it->id);
	} else {
		k = a->item[q->item[0]].kind;
		off = snprintf(url, sizeof(url), "%s/%s?ids=", a->base,
		    plural((enum sp_kind)k));
		for (i = 0; i < q->n; i++)
			off += snprintf(url + off, sizeof(url) - (size_t)off,
			    "%s%s", i ? "," : "", a->item[q->item[i]].id);
	}
	if ((q->easy = curl_easy_init()) == NULL)
		return -1;
	curl_easy_setopt(q->easy, CURLOPT_URL, url);
	curl_easy_setopt(q->easy, CURLOPT_PRIVATE, q);
	curl_easy_setopt(q->easy, CURLOPT_WRITEFUNCTION, onbody);
	curl_easy_setopt(q->easy, CURLOPT_WRITEDATA, q);
	curl_easy_setopt(q->easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
	curl_easy_setopt(q->easy, CURLOPT_XOAUTH2_BEARER, a->token);
	if (a->direct)
		curl_easy_setopt(q->easy, CURLOPT_PROXY, "");
	curl_easy_setopt(q->easy, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(q->easy, CURLOPT_TIMEOUT, a->o.timeout);
	curl_easy_setopt(q->easy, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(q->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(q->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(q->easy, CURLOPT_USERAGENT, "sp/" SP_VERSION);
	if (curl_multi_add_handle(a->multi, q->easy) != CURLM_OK)
		return -1;
	q->prev = NULL;
	if ((q->next = a->flight) != NULL)
		a->flight->prev = q;
	a->flight = q;
	q->gen = a->gen;
	q->sent = now;
	for (i = 0; q->type != R_PAGE && i < q->n; i++)
		a->item[q->item[i]].state = I_FLIGHT;
	a->inflight++;
	a->st.requests++;
	sp_pace_sent(a->pace, now);
	return 0;
}

/* May a request start now?  If not, *next is when to look again. */
static int
may_send(struct sp_api *a, double now, double *next)
{
	*next = sp_pace_next(a->pace, now);
	return *next <= now;
}

/* Start what may start; -1 when out of memory. */
static int
fill(struct sp_api *a, double now, double *next)
{
	struct req *q;
	int i, k;

	*next = now + TICK;
	while (a->stop == SP_API_STOP_NONE && a->inflight < a->o.jobs &&
	    (a->queue.n > 0 || a->pageq.n > 0)) {
		if (!may_send(a, now, next))
			return 0;
		if ((q = calloc(1, sizeof(*q))) == NULL)
			return -1;
		if (a->pageq.n > 0) {
			q->type = R_PAGE;
			q->item[0] = dq_pop(&a->pageq);
			q->page = dq_pop(&a->pageq);
			q->n = 1;
			if (a->item[q->item[0]].state != I_PAGING) {
				free(q);	/* its album is refetched */
				continue;
			}
			q->pgen = a->item[q->item[0]].pgen;
		} else {
			q->item[0] = dq_pop(&a->queue);
			q->n = 1;
			q->type = R_SINGLE;
			k = a->item[q->item[0]].kind;
			if (a->o.batch && !a->nobatch) {
				int max = k == SP_KIND_ALBUM ? 20 : MAXBATCH;

				/* Probe with one batch before sending more. */
				if (!a->batchok && a->inflight > 0) {
					dq_push(&a->queue, q->item[0], 1);
					free(q);
					return 0;
				}
				/* Same-kind neighbours join the batch. */
				while (q->n < max && a->queue.n > 0 &&
				    a->item[a->queue.v[a->queue.head]].kind ==
				    k)
					q->item[q->n++] = dq_pop(&a->queue);
				q->type = R_BATCH;
			}
		}
		if (start(a, q, now) != 0) {
			for (i = 0; i < q->n; i++)
				dq_push(&a->queue, q->item[i], 1);
			req_free(q);
			return -1;
		}
	}
	return 0;
}

/* The answer for one item. */
static void
giveup(struct run *r, int i, enum sp_api_ev ev, const char *reason)
{
	struct item *it = &r->a->item[i];

	it->state = I_DONE;
	sp_album_free(it->album);
	it->album = NULL;
	r->a->st.failed++;
	event(r, ev, i, reason, 0, 0);
}

static void
deliver(struct run *r, int i, int status, const struct sp_json *j, int v,
    const char *msg)
{
	struct sp_api *a = r->a;
	struct item *it = &a->item[i];
	struct sp_api_result res;
	int rc;

	it->state = I_DONE;
	memset(&res, 0, sizeof(res));
	res.kind = (enum sp_kind)it->kind;
	res.id = it->id;
	res.user = it->user;
	res.status = status;
	res.json = j;
	res.value = v;
	res.message = msg;
	if ((rc = r->result(&res, r->ctx)) == SP_REJECTED) {
		giveup(r, i, SP_API_EV_FAILED, "its record would be longer "
		    "than a record line may be (" LIMIT_TEXT ")");
		return;
	}
	if (rc != SP_OK) {
		stopwith(a, SP_API_STOP_OTHER, rc, "stopped");
		return;
	}
	if (status == 200)
		a->st.ok++;
	else
		a->st.notfound++;
}

/* Back to the queue, front first: no retry spent. */
static void
requeue(struct sp_api *a, const struct req *q)
{
	int i;

	for (i = q->n - 1; i >= 0; i--) {
		if (q->type == R_PAGE) {
			dq_push(&a->pageq, q->page, 1);
			dq_push(&a->pageq, q->item[0], 1);
			break;
		}
		a->item[q->item[i]].state = I_QUEUED;
		dq_push(&a->queue, q->item[i], 1);
	}
}

/* A transient failure: retry after a backoff, or give up. */
static void
transient(struct run *r, const struct req *q, const char *reason,
    double now)
{
	struct sp_api *a = r->a;
	struct item *it;
	double wait;
	int i, left;

	/* The run is stopping: what was in flight stays pending, unsaid. */
	if (a->stop != SP_API_STOP_NONE) {
		if (q->type != R_PAGE || (a->item[q->item[0]].state ==
		    I_PAGING && q->pgen == a->item[q->item[0]].pgen))
			requeue(a, q);
		return;
	}
	for (i = 0; i < q->n; i++) {
		it = &a->item[q->item[i]];
		if (q->type == R_PAGE) {
			/* The whole album is fetched again. */
			if (it->state != I_PAGING || q->pgen != it->pgen)
				return;
			sp_album_free(it->album);
			it->album = NULL;
			it->pgen++;
		}
		if (it->tries == 0)
			it->failed0 = now;
		it->tries++;
		left = a->o.retries - it->tries + 1;
		wait = fmin(BACKOFF_CAP, pow(2, it->tries - 1)) * jitter(a);
		if (left <= 0 || now + wait - it->failed0 > RETRY_TOTAL) {
			giveup(r, q->item[i], SP_API_EV_GIVEUP, reason);
			continue;
		}
		event(r, SP_API_EV_RETRY, q->item[i], reason, wait, left - 1);
		it->state = I_DELAYED;
		it->due = now + wait;
		if (a->ndelayed == a->capdelayed) {
			size_t cap = a->capdelayed ? a->capdelayed * 2 : 64;
			int *d = realloc(a->delayed, cap * sizeof(*d));

			if (d == NULL) {
				giveup(r, q->item[i], SP_API_EV_GIVEUP,
				    "out of memory");
				continue;
			}
			a->delayed = d;
			a->capdelayed = cap;
		}
		a->delayed[a->ndelayed++] = q->item[i];
	}
}

static void
undelay(struct sp_api *a, double now, double *next)
{
	size_t i = 0;

	while (i < a->ndelayed) {
		struct item *it = &a->item[a->delayed[i]];

		if (it->due <= now) {
			it->state = I_QUEUED;
			dq_push(&a->queue, a->delayed[i], 1);
			a->delayed[i] = a->delayed[--a->ndelayed];
			continue;
		}
		if (it->due < *next)
			*next = it->due;
		i++;
	}
}

/* In flight and sent before q: they may have got through. */
static int
sentbefore(const struct sp_api *a, const struct req *q)
{
	const struct req *f;
	int n = 0;

	for (f = a->flight; f != NULL; f = f->next)
		if (f->sent < q->sent)
			n++;
	return n;
}

/* A 429: pause everything, learn the limit, or stop if told to wait long. */
static void
ratelimited(struct run *r, const struct req *q, long ra, double now)
{
	struct sp_api *a = r->a;
	struct sp_json *j = a->j;
	const char *reason = NULL;
	double wait;

	a->st.r429++;
	if (q->body != NULL && sp_json_parse(j, q->body, q->len, 1, NULL) ==
	    SP_JSON_OK)
		reason = sp_json_str(j, sp_json_path(j, 0, "error.reason"),
		    NULL);
	requeue(a, q);
	if (reason != NULL && strcmp(reason, "QUOTA_EXCEEDED") == 0) {
		a->retry_at = time(NULL) + (ra > 0 ? ra : 86400);
		sp_pace_block(a->pace, a->retry_at);
		stopwith(a, SP_API_STOP_QUOTA, SP_TEMPFAIL, "Spotify daily "
		    "quota exhausted");
		return;
	}
	sp_pace_learn(a->pace, now, sentbefore(a, q));
	if (ra > a->o.max_wait) {
		a->retry_at = time(NULL) + ra;
		sp_pace_block(a->pace, a->retry_at);
		stopwith(a, SP_API_STOP_WAIT, SP_TEMPFAIL, "Spotify asks to "
		    "wait %ld s (Retry-After), longer than --max-wait %ld s",
		    ra, a->o.max_wait);
		return;
	}
	if (sp_pace_wait(a->pace, now, ra, &wait))
		event(r, SP_API_EV_WAIT, -1, "HTTP 429", wait, 0);
}

static void
onauth(struct run *r, const struct req *q)
{
	struct sp_api *a = r->a;
	char err[SP_AUTH_ERRSIZE];
	int i, rc;

	for (i = 0; i < q->n; i++)
		if (q->gen == a->gen && ++a->item[q->item[i]].auths > 1) {
			stopwith(a, SP_API_STOP_AUTH, SP_FATAL_AUTH, "Spotify "
			    "rejects new access tokens (HTTP 401)");
			requeue(a, q);
			return;
		}
	requeue(a, q);
	if (q->gen != a->gen)
		return;		/* already renewed */
	rc = sp_auth_token(a->o.auth, 1, &a->token, err);
	if (rc != SP_OK) {
		stopwith(a, SP_API_STOP_AUTH, rc, "%s", err);
		return;
	}
	a->gen++;
}

/* Every page of an album came: deliver it whole. */
static void
album_done(struct run *r, int i)
{
	struct sp_api *a = r->a;
	struct item *it = &a->item[i];
	char *text;
	size_t len;

	text = sp_album_merge(it->album, a->j, a->w, &len);
	sp_album_free(it->album);
	it->album = NULL;
	if (text != NULL && sp_json_parse(a->j, text, len, 1, NULL) ==
	    SP_JSON_OK)
		deliver(r, i, 200, a->j, 0, NULL);
	else
		giveup(r, i, SP_API_EV_FAILED, "album pages did not merge");
	free(text);
}

/*
 * An album whose track listing goes on: keep it, queue its pages.
 * Returns 1 if paging started, 0 if the album is whole.
 */
static int
paging(struct run *r, int i, const struct sp_json *j, int v,
    const char *body, size_t len)
{
	struct sp_api *a = r->a;
	int n, k;

	if ((n = sp_album_pages(j, v)) == 0 ||
	    (a->item[i].album = sp_album_new(body, len, n)) == NULL)
		return 0;
	a->item[i].state = I_PAGING;
	for (k = 0; k < n; k++) {
		dq_push(&a->pageq, i, 0);
		dq_push(&a->pageq, k, 0);
	}
	return 1;
}

/* A 200: deliver each object (or null slot), or start paging. */
static void
answered(struct run *r, struct req *q, double now)
{
	struct sp_api *a = r->a;
	struct sp_json *j = a->j;
	int arr, e, i;

	if ((e = sp_json_parse(j, q->body ? q->body : "", q->len, 1,
	    NULL)) != SP_JSON_OK) {
		char why[80];

		snprintf(why, sizeof(why), "%s in a 200 answer",
		    e == SP_JSON_EDEPTH || e == SP_JSON_ENUL ?
		    sp_json_strerror(e) : "invalid JSON");
		transient(r, q, why, now);
		return;
	}
	if (q->type == R_PAGE) {
		if (a->item[q->item[0]].state != I_PAGING ||
		    q->pgen != a->item[q->item[0]].pgen)
			return;		/* a stale page */
		if (sp_json_type(j, sp_json_get(j, 0, "items")) !=
		    SP_JSON_ARRAY) {
			transient(r, q, "album page without items", now);
			return;
		}
		e = sp_album_page(a->item[q->item[0]].album, q->page, q->body,
		    q->len);
		q->body = NULL;
		if (e == 0)
			album_done(r, q->item[0]);
		return;
	}
	if (q->type == R_SINGLE) {
		if (sp_json_type(j, sp_json_get(j, 0, "id")) != SP_JSON_STRING) {
			transient(r, q, "answer without an id", now);
			return;
		}
		if (a->item[q->item[0]].kind == SP_KIND_ALBUM &&
		    paging(r, q->item[0], j, 0, q->body, q->len))
			return;
		deliver(r, q->item[0], 200, j, 0, NULL);
		return;
	}
	a->batchok = 1;
	arr = sp_json_get(j, 0, plural((enum sp_kind)a->item[q->item[0]].kind));
	if (sp_json_count(j, arr) != q->n ||
	    sp_json_type(j, arr) != SP_JSON_ARRAY) {
		transient(r, q, "batch answer of the wrong size", now);
		return;
	}
	for (i = 0, e = sp_json_first(j, arr); e >= 0 && i < q->n;
	    i++, e = sp_json_next(j, arr, e)) {
		if (sp_json_type(j, e) == SP_JSON_NULL)
			deliver(r, q->item[i], 404, NULL, -1,
			    "non existing id");
		else {
			const char *raw;
			size_t n;

			raw = sp_json_raw(j, e, &n);
			if (a->item[q->item[i]].kind != SP_KIND_ALBUM ||
			    !paging(r, q->item[i], j, e, raw, n))
				deliver(r, q->item[i], 200, j, e, NULL);
		}
	}
}

static const char *
curlreason(CURLcode cc)
{
	switch (cc) {
	case CURLE_OPERATION_TIMEDOUT:
		return "timed out";
	case CURLE_COULDNT_CONNECT:
		return "connection refused";
	case CURLE_COULDNT_RESOLVE_HOST:
		return "host not found";
	case CURLE_PARTIAL_FILE:
		return "answer cut short";
	case CURLE_GOT_NOTHING:
		return "empty answer";
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		return "connection reset";
	default:
		return curl_easy_strerror(cc);
	}
}

/* Take q off the multi handle and the in-flight list. */
static void
landed(struct sp_api *a, struct req *q)
{
	curl_multi_remove_handle(a->multi, q->easy);
	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		a->flight = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	a->inflight--;
}

/* A batch request refused: single ids for the rest of the run. */
static void
nobatch(struct run *r, const struct req *q, long code)
{
	char why[32];

	if (!r->a->nobatch) {
		r->a->nobatch = 1;
		snprintf(why, sizeof(why), "HTTP %ld", code);
		event(r, SP_API_EV_NOBATCH, -1, why, 0, 0);
	}
	requeue(r->a, q);
}

static void
done(struct run *r, struct req *q, CURLcode cc, double now)
{
	struct sp_api *a = r->a;
	struct sp_json *j = a->j;
	curl_off_t ra = -1;
	long long st;
	long code = 0;
	char reason[128];
	const char *msg;

	curl_easy_getinfo(q->easy, CURLINFO_RESPONSE_CODE, &code);
	if (sp_pace_landed(a->pace, now, q->sent, cc == CURLE_OK ? (int)code :
	    0) != 0)
		stopwith(a, SP_API_STOP_OTHER, SP_FATAL_IO, "out of memory");
	if (cc != CURLE_OK) {
		if (q->toolarge) {
			int i;

			for (i = 0; i < q->n; i++)
				giveup(r, q->item[i], SP_API_EV_FAILED,
				    "answer longer than a record line may be ("
				    LIMIT_TEXT ")");
			return;
		}
		/*
		 * Refused before the API host ever answered: not a blip but
		 * a wrong SP_API_URL (or no server there); retrying every id
		 * would only say so thousands of times.
		 */
		if (cc == CURLE_COULDNT_CONNECT && !a->answered) {
			requeue(a, q);
			stopwith(a, SP_API_STOP_URL, SP_USAGE, "%s: connection "
			    "refused to every first request: check SP_API_URL; "
			    "nothing more is requested", a->base);
			return;
		}
		transient(r, q, curlreason(cc), now);
		return;
	}
	a->answered = 1;
	switch (code) {
	case 200:
		answered(r, q, now);
		break;
	case 404:
		if (q->type == R_BATCH) {
			/*
			 * A batch endpoint that is not there: gone for the
			 * app, or SP_API_URL is wrong, which single ids say.
			 */
			nobatch(r, q, code);
			break;
		}
		if (q->type != R_SINGLE) {
			transient(r, q, "HTTP 404", now);
			break;
		}
		/*
		 * Only the Web API's own error object says the id does not
		 * exist.  An HTML page, or Spotify's "Service not found" for
		 * a path it does not serve, says SP_API_URL is wrong: were
		 * it taken as "not found", every id would be.
		 */
		msg = NULL;
		if (sp_json_parse(j, q->body ? q->body : "", q->len, 1,
		    NULL) == SP_JSON_OK && sp_json_int(j, sp_json_path(j, 0,
		    "error.status"), &st) == 0 && st == 404)
			msg = sp_json_str(j, sp_json_path(j, 0,
			    "error.message"), NULL);
		if (msg == NULL || strcmp(msg, "Service not found") == 0) {
			requeue(a, q);
			stopwith(a, SP_API_STOP_URL, SP_USAGE, "%s answered "
			    "404 %s to a request for one %s: it is not the "
			    "Spotify Web API; check SP_API_URL; nothing more "
			    "is requested", a->base, msg ? "\"Service not "
			    "found\"" : "without the Web API's error object",
			    sp_kind_name(a->item[q->item[0]].kind));
			break;
		}
		deliver(r, q->item[0], 404, NULL, -1, msg);
		break;
	case 429:
		curl_easy_getinfo(q->easy, CURLINFO_RETRY_AFTER, &ra);
		ratelimited(r, q, (long)ra, now);
		break;
	case 401:
		onauth(r, q);
		break;
	case 403:
	case 400:
		if (q->type == R_BATCH)
			nobatch(r, q, code);
		else if (code == 403) {
			requeue(a, q);
			stopwith(a, SP_API_STOP_FORBIDDEN, SP_FATAL_AUTH,
			    "Spotify answered 403 Forbidden to a single-id "
			    "request: this app has lost access to the API "
			    "(in Development Mode its owner needs an active "
			    "Premium subscription); nothing more is requested");
		} else {
			int i;

			for (i = 0; i < q->n; i++)
				giveup(r, q->item[i], SP_API_EV_FAILED,
				    "HTTP 400 (the API calls the id invalid)");
		}
		break;
	case 408:
	case 500:
	case 502:
	case 503:
	case 504:
		snprintf(reason, sizeof(reason), "HTTP %ld", code);
		transient(r, q, reason, now);
		break;
	default:
		snprintf(reason, sizeof(reason), "HTTP %ld", code);
		if (code >= 500)
			transient(r, q, reason, now);
		else {
			int i;

			for (i = 0; i < q->n; i++)
				giveup(r, q->item[i], SP_API_EV_FAILED, reason);
		}
	}
}

/*
 * How long the rest will take: the requests left, after the wait that is
 * running, at what the jobs in flight get through at the latency seen so
 * far (and --rate), under the window rule with the learned limit, and
 * the last answer's latency.  Not known before the first answer.
 */
static double
eta(struct sp_api *a, double now)
{
	double left, lat, pace;

	if (a->lat_n == 0)
		return -1;
	left = (double)(a->st.ids - a->st.ok - a->st.notfound - a->st.failed);
	if (a->o.batch && !a->nobatch)
		left = ceil(left / MAXBATCH);
	left += (double)(a->pageq.n / 2);
	lat = fmax(a->lat_sum / a->lat_n, 1e-3);
	pace = a->o.jobs / lat;
	if (a->o.rate > 0)
		pace = fmin(pace, a->o.rate);
	return sp_pace_eta(a->pace, now, left - a->inflight, pace) +
	    (left > 0 ? lat : 0);
}

static void
progress(struct run *r, double now)
{
	struct sp_api *a = r->a;
	size_t n;
	double pause = sp_pace_paused(a->pace);

	a->st.elapsed = now - a->t0;
	/* This run's answers of the last window: not an earlier run's. */
	n = sp_pace_count_since(a->pace, now, a->t0);
	a->st.rate = a->lat_n == 0 ? 0 : (double)n / fmax(1,
	    fmin(a->o.window, now - a->t0));
	a->st.eta = eta(a, now);
	a->st.tokens = sp_auth_requests(a->o.auth);
	event(r, SP_API_EV_PROGRESS, -1, NULL, pause > now ? pause - now : 0,
	    0);
}

static void
abort_all(struct sp_api *a)
{
	struct req *q;

	double now = mono();

	while ((q = a->flight) != NULL) {
		landed(a, q);
		(void)sp_pace_landed(a->pace, now, q->sent, 0);
		req_free(q);
	}
}

int
sp_api_run(struct sp_api *a, sp_api_result_fn *result, sp_api_event_fn *ev,
    void *ctx)
{
	struct run r = { a, result, ev, ctx };
	struct CURLMsg *m;
	struct req *q;
	char err[SP_AUTH_ERRSIZE];
	double now, next, send, tick = 0, prev, pause;
	time_t blocked;
	int running, left, rc, ms, ndone;

	a->t0 = mono();
	if (a->pace == NULL && (a->pace = sp_pace_new(a->o.window, a->o.rate,
	    a->t0, realtime())) == NULL) {
		stopwith(a, SP_API_STOP_OTHER, SP_FATAL_IO, "out of memory");
		return a->status;
	}
	sp_pace_load(a->pace, a->o.state, a->t0);
	blocked = sp_pace_blocked(a->pace);
	if (blocked > time(NULL) && a->queue.n > 0) {
		/* An earlier run was told to wait: wait, or stop if long. */
		if (blocked - time(NULL) > a->o.max_wait) {
			a->retry_at = blocked;
			stopwith(a, SP_API_STOP_WAIT, SP_TEMPFAIL, "Spotify "
			    "asked an earlier run to wait until then");
			return a->status;
		}
		sp_pace_pause(a->pace, a->t0 + (double)(blocked - time(NULL)));
		event(&r, SP_API_EV_WAIT, -1, "HTTP 429 to an earlier run",
		    sp_pace_paused(a->pace) - a->t0, 0);
	}
	if (a->queue.n > 0) {
		rc = sp_auth_token(a->o.auth, 0, &a->token, err);
		if (rc != SP_OK) {
			stopwith(a, SP_API_STOP_AUTH, rc, "%s", err);
			return a->status;
		}
	}
	prev = mono();
	for (;;) {
		now = mono();
		if ((pause = sp_pace_paused(a->pace)) > prev)
			a->st.waited += fmin(now, pause) - prev;
		prev = now;
		if (sp_signal() != 0) {
			stopwith(a, SP_API_STOP_OTHER, SP_SIGNALLED +
			    sp_signal(), "interrupted");
			abort_all(a);
			break;
		}
		next = now + TICK;
		undelay(a, now, &next);
		sp_pace_tick(a->pace, now);
		if (fill(a, now, &send) != 0) {
			stopwith(a, SP_API_STOP_OTHER, SP_FATAL_IO,
			    "out of memory");
			abort_all(a);
			break;
		}
		if (a->queue.n > 0 || a->pageq.n > 0)
			next = fmin(next, send);
		if (a->inflight == 0 && (a->stop != SP_API_STOP_NONE ||
		    (a->queue.n == 0 && a->pageq.n == 0 &&
		    a->ndelayed == 0)))
			break;
		curl_multi_perform(a->multi, &running);
		ndone = 0;
		while ((m = curl_multi_info_read(a->multi, &left)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    (char **)&q);
			landed(a, q);
			now = mono();
			a->lat_sum += now - q->sent;
			a->lat_n++;
			done(&r, q, m->data.result, now);
			req_free(q);
			ndone++;
		}
		now = mono();
		if (now >= tick) {
			progress(&r, now);
			tick = now + TICK;
		}
		if (ndone > 0)
			continue;	/* slots are free: fill them now */
		ms = (int)ceil((fmin(next, tick) - now) * 1000);
		if (ms < 1)
			ms = 1;
		if (ms > 250)
			ms = 250;
		curl_multi_poll(a->multi, NULL, 0, ms, NULL);
	}
	progress(&r, mono());
	(void)sp_pace_save(a->pace, a->o.state, mono());	/* best effort */
	if (a->st.failed > 0 || a->stop == SP_API_STOP_QUOTA ||
	    a->stop == SP_API_STOP_WAIT)
		a->status = sp_status_merge(a->status, SP_TEMPFAIL);
	return a->status;
}

void
sp_api_stats(const struct sp_api *a, struct sp_api_stats *st)
{
	*st = a->st;
	st->tokens = sp_auth_requests(a->o.auth);
}

enum sp_api_stop
sp_api_stopped(const struct sp_api *a, const char **detail,
    time_t *retry_at)
{
	*detail = a->detail;
	*retry_at = a->retry_at;
	return a->stop;
}
