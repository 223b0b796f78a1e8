/*
 * sp_pace.c: the window rule, the learned limit and their state file.
 *
 * The window holds, oldest first, the time each request counted in it
 * was answered; requests in flight count too, as many as there are.  An
 * answer stays in the window for a whole window after it came: the
 * server counted the request at some moment between its send and its
 * answer, so a request sent then cannot fall into the same server window
 * whatever the latency was.  Sending while fewer than the limit are in
 * the window therefore never draws a 429 from a server that allows that
 * many, and wastes no more than one latency a window.
 *
 * The limit is not known until the first 429: then what the window held
 * is what the server allows.  At once that is the answers of the last
 * window and the requests sent before the refused one still in flight
 * (safe: those sent after it were sent past the limit, as far as sp can
 * tell); once every request in flight then has landed, it is the answers
 * of the window, which counts those the server let through ahead of one
 * it refused though they were sent after it.  A 429 never raises the
 * limit above what it was before; it goes up after PROBE windows
 * without one, by RAISE for each window in which it held a request back,
 * and a raise too far draws one 429 from the requests in flight and
 * learns the limit again.
 */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp.h"
#include "sp_auth.h"
#include "sp_json.h"
#include "sp_jsonw.h"
#include "sp_pace.h"

#define RAISE		1.05	/* limit raise per window it held a request */
#define PROBE		10	/* windows after a 429 without raises */
#define BACKOFF_MAX	60.0	/* seconds: 429s without Retry-After */
#define STATE_MAX	(1024 * 1024)

struct sp_pace {
	double	 window;	/* seconds */
	double	 rate;		/* requests a second at most; 0: no cap */
	double	 off;		/* real time less monotonic time */
	double	*t;		/* answer times in the window, oldest first */
	size_t	 cap, head, n;
	size_t	 flying;	/* requests sent, not landed */
	double	 last;		/* last send */
	double	 limit;		/* requests a window; 0: not known */
	double	 refused;	/* what the window held at the last 429 */
	double	 refusedt;	/* when; -inf: never */
	int	 ep;		/* a 429 came: its burst is still landing */
	size_t	 pending;	/* requests of that burst in flight */
	double	 ept;		/* when its last 429 landed */
	double	 base;		/* the limit before it */
	double	 raised;	/* last raise, or 429 */
	int	 held;		/* the limit held a request back lately */
	double	 pause;		/* no send before */
	double	 backoff;	/* 429 without Retry-After, s */
	double	 last429;	/* when the last 429 landed */
	time_t	 blocked;	/* real time: no send before */
};

struct sp_pace *
sp_pace_new(double window, double rate, double now, double rnow)
{
	struct sp_pace *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->window = window;
	p->rate = rate;
	p->off = rnow - now;
	p->last = p->last429 = p->refusedt = -INFINITY;
	p->raised = now;
	return p;
}

void
sp_pace_free(struct sp_pace *p)
{
	if (p == NULL)
		return;
	free(p->t);
	free(p);
}

static double
at(const struct sp_pace *p, size_t i)
{
	return p->t[(p->head + i) % p->cap];
}

/* Forget answers a window old or older. */
static void
expire(struct sp_pace *p, double now)
{
	while (p->n > 0 && at(p, 0) + p->window <= now) {
		p->head = (p->head + 1) % p->cap;
		p->n--;
	}
}

/* Append an answer time; a clock that went back counts it as the last. */
static int
push(struct sp_pace *p, double t)
{
	if (p->n > 0 && t < at(p, p->n - 1))
		t = at(p, p->n - 1);
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 1024, i;
		double *v;

		if ((v = malloc(cap * sizeof(*v))) == NULL)
			return -1;
		for (i = 0; i < p->n; i++)
			v[i] = at(p, i);
		free(p->t);
		p->t = v;
		p->cap = cap;
		p->head = 0;
	}
	p->t[(p->head + p->n) % p->cap] = t;
	p->n++;
	return 0;
}

size_t
sp_pace_count(struct sp_pace *p, double now)
{
	expire(p, now);
	return p->n + p->flying;
}

size_t
sp_pace_count_since(struct sp_pace *p, double now, double since)
{
	size_t i, k = 0;

	expire(p, now);
	for (i = 0; i < p->n; i++)
		if (at(p, i) >= since)
			k++;
	return k;
}

double
sp_pace_limit(const struct sp_pace *p)
{
	return p->limit;
}

double
sp_pace_paused(const struct sp_pace *p)
{
	return p->pause;
}

time_t
sp_pace_blocked(const struct sp_pace *p)
{
	return p->blocked;
}

void
sp_pace_pause(struct sp_pace *p, double until)
{
	if (until > p->pause)
		p->pause = until;
}

void
sp_pace_block(struct sp_pace *p, time_t rtime)
{
	if (rtime > p->blocked)
		p->blocked = rtime;
}

double
sp_pace_next(struct sp_pace *p, double now)
{
	double t = now;
	size_t c, lim, k;

	if (p->pause > t)
		t = p->pause;
	if (p->rate > 0 && p->last + 1 / p->rate > t)
		t = p->last + 1 / p->rate;
	if (p->limit <= 0)
		return t;
	lim = (size_t)p->limit;
	if ((c = sp_pace_count(p, now)) < lim)
		return t;
	p->held = 1;
	/* The (c - lim + 1)-th oldest must leave; in flight: a window on. */
	k = c - lim;
	return fmax(t, k < p->n ? at(p, k) + p->window : now + p->window);
}

/* The burst of a 429 has landed: the window holds what got through. */
static void
settle(struct sp_pace *p, double now)
{
	expire(p, now);
	p->refused = (double)p->n;
	if (p->base <= 0 || p->refused < p->base)
		p->limit = fmax(1, p->refused);
	else
		p->limit = p->base;
	p->ep = 0;
}

void
sp_pace_sent(struct sp_pace *p, double now)
{
	/* Sending again: a burst still landing counts as what it has. */
	if (p->ep)
		settle(p, now);
	p->flying++;
	p->last = now;
}

int
sp_pace_landed(struct sp_pace *p, double now, double sent, int code)
{
	int rc = 0;

	if (p->flying > 0)
		p->flying--;
	if (code == 429) {
		p->last429 = now;
		if (p->ep && p->pending > 0 && sent <= p->ept)
			p->pending--;	/* sp_pace_learn() follows */
		return 0;
	}
	/* Sent after the last 429 and let through: no more backoff. */
	if (code != 0 && sent > p->last429)
		p->backoff = 0;
	rc = push(p, now);
	if (p->ep && p->pending > 0 && sent <= p->ept && --p->pending == 0)
		settle(p, now);
	return rc;
}

void
sp_pace_learn(struct sp_pace *p, double now, int before)
{
	double n;

	expire(p, now);
	n = (double)p->n + (before > 0 ? before : 0);
	if (!p->ep) {
		p->ep = 1;
		p->base = p->limit;
	}
	if (p->limit <= 0 || n < p->limit)
		p->limit = fmax(1, n);
	p->refused = n;
	p->refusedt = now;
	/* The quiet windows before a raise start when sending resumes. */
	p->raised = fmax(now, p->pause);
	p->held = 0;
	p->ept = now;
	if ((p->pending = p->flying) == 0)
		settle(p, now);
}

int
sp_pace_wait(struct sp_pace *p, double now, long ra, double *wait)
{
	double until;
	int started = 0;

	if (ra > 0) {
		*wait = (double)ra;
		p->backoff = 0;
	} else {
		p->backoff = p->backoff > 0 ? fmin(p->backoff * 2,
		    BACKOFF_MAX) : 1;
		*wait = p->backoff;
	}
	until = now + *wait;
	if (until > p->pause) {
		started = p->pause <= now;
		p->pause = until;
	}
	p->raised = fmax(p->raised, p->pause);
	return started;
}

void
sp_pace_tick(struct sp_pace *p, double now)
{
	if (now - p->raised < p->window)
		return;
	p->raised = now;
	if (p->limit > 0 && p->held && now - p->refusedt >= PROBE *
	    p->window)
		p->limit = ceil(p->limit * RAISE);
	p->held = 0;
}

double
sp_pace_eta(struct sp_pace *p, double now, double n, double rate)
{
	double start = fmax(now, p->pause), tr, t, slot;
	size_t c, lim, k, k0, i, j, freeslots;

	if (n < 1)
		return start - now;
	tr = start - now + (rate > 0 ? n / rate : 0);
	if (p->limit <= 0)
		return tr;
	/*
	 * Under the window rule, the j-th request from now (from 0) goes
	 * when the window has room: the free slots at once, then each when
	 * the oldest left in the window leaves it, and no faster than rate.
	 * A window's sends free the next window's slots in the same rhythm,
	 * so the k-th goes k / limit windows after the (k mod limit)-th.
	 */
	lim = (size_t)p->limit;
	c = sp_pace_count(p, now);
	freeslots = c < lim ? lim - c : 0;
	k = n > 1e15 ? (size_t)1e15 : (size_t)n - 1;
	k0 = k % lim;
	t = start;
	for (j = 0; j <= k0; j++) {
		slot = start;
		if (j >= freeslots) {
			i = j - freeslots + (c > lim ? c - lim : 0);
			slot = (i < p->n ? at(p, i) : now) + p->window;
		}
		if (j > 0 && rate > 0)
			t += 1 / rate;
		t = fmax(t, slot);
	}
	return fmax(tr, t + (double)(k / lim) * p->window - now);
}

void
sp_pace_load(struct sp_pace *p, const char *path, double now)
{
	struct sp_json *j;
	char *buf;
	double t;
	long long v;
	ssize_t n;
	int fd, arr, e;

	if (path == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	if ((buf = malloc(STATE_MAX)) == NULL) {
		close(fd);
		return;
	}
	n = read(fd, buf, STATE_MAX);
	close(fd);
	if (n > 0 && (j = sp_json_new()) != NULL) {
		if (sp_json_parse(j, buf, (size_t)n, 1, NULL) == SP_JSON_OK) {
			if (sp_json_int(j, sp_json_get(j, 0, "blocked_until"),
			    &v) == 0)
				p->blocked = (time_t)v;
			if (sp_json_int(j, sp_json_get(j, 0, "limit"), &v) ==
			    0 && v > 0)
				p->limit = (double)v;
			if (sp_json_int(j, sp_json_get(j, 0, "refused"),
			    &v) == 0 && v > 0)
				p->refused = (double)v;
			if (sp_json_int(j, sp_json_get(j, 0, "refused_at"),
			    &v) == 0 && v > 0)
				p->refusedt = fmin((double)v - p->off, now);
			/*
			 * The answers of the last window.  One that seems
			 * to come from the future (the real clock went back)
			 * counts as answered now: never a burst.
			 */
			arr = sp_json_get(j, 0, "sent");
			for (e = sp_json_first(j, arr); e >= 0;
			    e = sp_json_next(j, arr, e)) {
				if (sp_json_int(j, e, &v) != 0)
					continue;
				t = (double)v / 1000 - p->off;
				if (t + p->window > now)
					(void)push(p, fmin(t, now));
			}
		}
		sp_json_free(j);
	}
	free(buf);
}

int
sp_pace_save(struct sp_pace *p, const char *path, double now)
{
	struct sp_jsonw *w;
	const char *buf;
	size_t i, len;
	int rc = -1;

	if (path == NULL)
		return 0;
	expire(p, now);
	/* A pause still running is kept too: the next run waits it out. */
	if (p->pause > now && (time_t)(p->pause + p->off) > p->blocked)
		p->blocked = (time_t)ceil(p->pause + p->off);
	if ((w = sp_jsonw_new()) == NULL)
		return -1;
	sp_jsonw_obj(w);
	sp_jsonw_key(w, "blocked_until");
	sp_jsonw_int(w, (long long)p->blocked);
	sp_jsonw_key(w, "limit");
	sp_jsonw_int(w, (long long)p->limit);
	sp_jsonw_key(w, "refused");
	sp_jsonw_int(w, (long long)p->refused);
	sp_jsonw_key(w, "refused_at");
	sp_jsonw_int(w, isfinite(p->refusedt) ? (long long)floor(p->refusedt +
	    p->off) : 0);
	sp_jsonw_key(w, "sent");
	sp_jsonw_arr(w);
	for (i = 0; i < p->n; i++)
		sp_jsonw_int(w, (long long)ceil((at(p, i) + p->off) * 1000));
	/* Requests still in flight (a run cut short) count as answered now. */
	for (i = 0; i < p->flying; i++)
		sp_jsonw_int(w, (long long)ceil((now + p->off) * 1000));
	sp_jsonw_end(w);
	sp_jsonw_end(w);
	if ((buf = sp_jsonw_buf(w, &len)) != NULL &&
	    sp_write_private(path, buf, len) == 0)
		rc = 0;
	sp_jsonw_free(w);
	return rc;
}
