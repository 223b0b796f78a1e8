/*
 * sp_api: fetch Spotify catalog objects by id.  Queues ids (each once),
 * then runs many requests in flight over kept-alive connections, paced to
 * what the API allows: honours Retry-After, learns the rolling-window
 * limit, retries transient failures with backoff, renews the token once
 * on a 401, follows an album's track pages.  Ownership: the sp_api owns
 * every id, body and parsed object, and what sp_api_from_env() made for
 * it; what a callback gets lives until it returns.  Nothing here prints:
 * events go to the caller's callback.
 */
#ifndef SP_API_H
#define SP_API_H

#include <stddef.h>
#include <time.h>

#include "sp_id.h"

#define SP_API_WINDOW	30	/* seconds: Spotify's rolling rate window */

struct sp_api;
struct sp_auth;
struct sp_json;

struct sp_api_opts {
	const char	*api_url;	/* "https://api.spotify.com/v1" */
	struct sp_auth	*auth;
	int		 jobs;		/* requests in flight, at most */
	double		 rate;		/* requests per second, at most; 0: no cap */
	long		 max_wait;	/* a longer Retry-After stops the run, s */
	int		 batch;		/* try the batch endpoints first */
	long		 timeout;	/* per request, seconds */
	int		 retries;	/* per id, for transient failures */
	const char	*state;		/* pacing state file, or NULL */
	long		 window;	/* rate window, s; 0: SP_API_WINDOW */
};

/* What a callback is told of. */
enum sp_api_ev {
	SP_API_EV_RETRY,	/* a transient failure; retried after wait */
	SP_API_EV_GIVEUP,	/* no retries left: the id is not fetched */
	SP_API_EV_FAILED,	/* a final failure (HTTP 400 ...): not fetched */
	SP_API_EV_WAIT,		/* rate limited: every request waits */
	SP_API_EV_NOBATCH,	/* batch endpoints refused: single ids now */
	SP_API_EV_PROGRESS	/* a few times a second */
};

struct sp_api_event {
	enum sp_api_ev	 type;
	enum sp_kind	 kind;		/* RETRY, GIVEUP, FAILED */
	const char	*id;
	void		*user;
	const char	*reason;	/* "HTTP 502", "timed out", ... */
	double		 wait;		/* RETRY, WAIT: seconds */
	int		 left;		/* RETRY: retries left */
};

/* An answer: the object (status 200), or "does not exist" (404). */
struct sp_api_result {
	enum sp_kind		 kind;
	const char		*id;		/* as asked for */
	void			*user;
	int			 status;
	const struct sp_json	*json;		/* 200: the object is value */
	int			 value;
	const char		*message;	/* 404: the API's message */
};

/*
 * Return SP_OK to go on; SP_REJECTED when the answer's record would be
 * longer than a record line may be (SP_NDJSON_MAXLINE): the id is not
 * fetched and the run goes on; another status to stop the run with it.
 */
typedef int sp_api_result_fn(const struct sp_api_result *, void *ctx);
typedef void sp_api_event_fn(const struct sp_api_event *, void *ctx);

struct sp_api_stats {
	unsigned long	 ids;		/* queued */
	unsigned long	 ok;		/* answered with an object */
	unsigned long	 notfound;	/* answered 404 or null */
	unsigned long	 failed;	/* given up on */
	unsigned long	 requests;	/* catalog requests sent */
	unsigned long	 tokens;	/* token requests sent */
	unsigned long	 r429;		/* answered 429 */
	double		 waited;	/* seconds paused by Retry-After */
	double		 elapsed;	/* seconds since the run began */
	double		 rate;		/* requests per second, lately; 0 before
					   the first answer */
	double		 eta;		/* seconds left, estimated from the
					   pace kept and the wait running;
					   < 0: not known yet */
};

/* Why a run stopped before its end. */
enum sp_api_stop {
	SP_API_STOP_NONE,
	SP_API_STOP_QUOTA,	/* 429 with reason QUOTA_EXCEEDED */
	SP_API_STOP_WAIT,	/* Retry-After longer than max_wait */
	SP_API_STOP_FORBIDDEN,	/* 403 on a single-id GET */
	SP_API_STOP_AUTH,	/* credentials or token refused */
	SP_API_STOP_URL,	/* 404s that are not the Web API's */
	SP_API_STOP_OTHER	/* the callback stopped it, or a signal */
};

/* Returns an sp_status; *out is NULL on failure. */
int	sp_api_new(const struct sp_api_opts *, struct sp_api **out);
void	sp_api_free(struct sp_api *);

/*
 * sp_api_new() as the programs run it: for $SP_API_URL (refused unless
 * sp_url_safe()), with an sp_auth for $SP_TOKEN_URL and secret_file (see
 * sp_auth_new()), both by default Spotify's, and the pacing state file of
 * that API and client id, under sp_cache_path(); the rest of the options
 * from *o (its api_url, auth and state are ignored).  Initialises
 * libcurl.  Returns an sp_status, with the reason in err and *out NULL on
 * failure.  sp_api_free() frees the sp_auth and the state path with the
 * sp_api, then calls curl_global_cleanup().
 */
#define SP_API_ERRSIZE	1024	/* at least SP_AUTH_ERRSIZE */
int	sp_api_from_env(const struct sp_api_opts *o, const char *secret_file,
	    struct sp_api **out, char err[SP_API_ERRSIZE]);

/* Queue an id (22 base62 characters): 1 queued, 0 already, -1 no memory. */
int	sp_api_add(struct sp_api *, enum sp_kind, const char *id, void *user);

/*
 * Fetch everything queued.  Returns SP_OK when every id was answered (an
 * object or "does not exist"), SP_TEMPFAIL when some were not (given up,
 * or the run stopped on the rate limit), SP_FATAL_AUTH on a credentials
 * or access problem, SP_SIGNALLED + signal, or a status the callback
 * returned.
 */
int	sp_api_run(struct sp_api *, sp_api_result_fn *, sp_api_event_fn *,
	    void *ctx);

void	sp_api_stats(const struct sp_api *, struct sp_api_stats *);

/*
 * Why the run stopped early, a sentence saying so in detail (no secret
 * in it), and when to try again (0: no particular time).
 */
enum sp_api_stop sp_api_stopped(const struct sp_api *, const char **detail,
	    time_t *retry_at);

#endif
