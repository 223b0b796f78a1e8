/*
 * sp_pace: when the next request may go.  Owns the rolling window (the
 * requests counted in it), the limit learned from 429 answers, the pause
 * a Retry-After or an earlier run imposes, the --rate spacing, and the
 * state file that carries them from one run to the next.  The rule: a
 * request may be sent while fewer than the learned limit are in the last
 * window, a request counting from when it is sent until a window after
 * its answer came (the server counted it at some moment in between).
 * Nothing here reads a clock: every time is passed in, in seconds of the
 * caller's monotonic clock ("now"), with the real-time clock given once
 * to sp_pace_new() for what the state file holds.  Ownership: the
 * sp_pace owns its window; it keeps no pointer to what it is given.
 */
#ifndef SP_PACE_H
#define SP_PACE_H

#include <time.h>

struct sp_pace;

/*
 * A pacer for a window of so many seconds and at most rate requests a
 * second (0: no cap); now and rnow are the monotonic and the real-time
 * clock at the same moment.  NULL when out of memory.
 */
struct sp_pace	*sp_pace_new(double window, double rate, double now,
		    double rnow);
void		 sp_pace_free(struct sp_pace *);

/*
 * The state file: {"blocked_until":T,"limit":N,"refused":N,
 * "refused_at":T,"sent":[ms,...]} (real time, s and ms).  Load is best
 * effort: what it cannot read it leaves unknown.  Save returns 0, or -1
 * when the file could not be written.
 */
void	sp_pace_load(struct sp_pace *, const char *path, double now);
int	sp_pace_save(struct sp_pace *, const char *path, double now);

/* The earliest time a request may be sent: now, or later. */
double	sp_pace_next(struct sp_pace *, double now);

/* A request was sent at now: it counts in the window from now on. */
void	sp_pace_sent(struct sp_pace *, double now);

/*
 * The request sent at sent landed at now with HTTP status code (0: no
 * answer: a time-out, a connection lost).  A 429 does not count in the
 * window; anything else does, until a window after now.  -1 when out of
 * memory (the request is then forgotten), else 0.
 */
int	sp_pace_landed(struct sp_pace *, double now, double sent, int code);

/*
 * A 429 that is the rate limit, not the daily quota, landed at now
 * (after sp_pace_landed()); before is how many requests still in flight
 * were sent before it.  What the window held then is the limit at once;
 * once the requests in flight have landed, what the window holds, but
 * never more than the limit before the 429.
 */
void	sp_pace_learn(struct sp_pace *, double now, int before);

/*
 * Every request pauses ra seconds, or without a Retry-After (ra <= 0) a
 * backoff: 1 s, doubling to 60 s while 429s go on.  Returns 1 and the
 * wait in *wait when this starts a pause, else 0 (one was running).
 */
int	sp_pace_wait(struct sp_pace *, double now, long ra, double *wait);

/*
 * Raise the limit after quiet windows: once no 429 came for PROBE
 * windows, by 5% (at least one request) for each window in which the
 * limit held a request back.  Call it often; it acts once a window.
 */
void	sp_pace_tick(struct sp_pace *, double now);

/* No request before until (monotonic) or, for the state file, rtime. */
void	sp_pace_pause(struct sp_pace *, double until);
void	sp_pace_block(struct sp_pace *, time_t rtime);

/* The pause running (monotonic end, <= now: none) and the blocked time. */
double	sp_pace_paused(const struct sp_pace *);
time_t	sp_pace_blocked(const struct sp_pace *);

/* The learned limit (0: not known yet), the requests in the window. */
double	sp_pace_limit(const struct sp_pace *);
size_t	sp_pace_count(struct sp_pace *, double now);

/* Requests counted in the window that were sent at since or later. */
size_t	sp_pace_count_since(struct sp_pace *, double now, double since);

/*
 * Seconds until n more requests can have been sent, at most rate a
 * second otherwise (the jobs at the latency seen), after the pause
 * running, under the window rule.
 */
double	sp_pace_eta(struct sp_pace *, double now, double n, double rate);

#endif
