/*
 * sp_auth: Spotify Client Credentials.  Reads the client id and secret
 * (never from argv), gets an access token and caches it, mode 0600, under
 * $XDG_CACHE_HOME/sp/.  Ownership: the sp_auth owns the secret and the
 * token; sp_auth_token() points into it until the next refresh or
 * sp_auth_free(), which wipes the secret and accepts NULL.  Error texts go
 * into the caller's buffer and never contain the secret.
 */
#ifndef SP_AUTH_H
#define SP_AUTH_H

#include <stddef.h>

#define SP_AUTH_ERRSIZE	512

struct sp_auth;

/*
 * Credentials from $SPOTIFY_CLIENT_ID and $SPOTIFY_CLIENT_SECRET, or the
 * first line of secret_file (refused if group- or world-readable), for the
 * token endpoint token_url (refused over plain http unless its host is a
 * loopback address).  Returns an sp_status (SP_USAGE or SP_FATAL_AUTH
 * with err set).
 */
int		 sp_auth_new(const char *token_url, const char *secret_file,
		    struct sp_auth **out, char err[SP_AUTH_ERRSIZE]);
void		 sp_auth_free(struct sp_auth *);

/*
 * A valid access token: the cached one unless force, it is too close to
 * expiry or it is the one that failed; else a new one (one request,
 * retried on transient failures).  Returns SP_OK, SP_FATAL_AUTH (bad
 * credentials) or SP_TEMPFAIL, with err set.
 */
int		 sp_auth_token(struct sp_auth *, int force, const char **token,
		    char err[SP_AUTH_ERRSIZE]);

/* Token requests made so far. */
unsigned long	 sp_auth_requests(const struct sp_auth *);

/* Whether url is http(s) to a loopback host, or https anywhere. */
int		 sp_url_safe(const char *url);
/*
 * Whether url is http(s) to a loopback host: such a request must never
 * go through a proxy (set CURLOPT_PROXY to "").
 */
int		 sp_url_loopback(const char *url);

/* A hex key for cache file names: FNV-1a of a and b. */
void		 sp_auth_key(const char *a, const char *b, char out[17]);

/* $XDG_CACHE_HOME/sp/name or ~/.cache/sp/name, folder created; malloc'd. */
char		*sp_cache_path(const char *name);

/*
 * Whether the cache file path (NULL: no cache) and its folder, where they
 * exist, belong to the user and are closed to group and others: 0, or -1
 * with err set.  A token or pace file someone else could have written is
 * never trusted.
 */
int		 sp_cache_check(const char *path, char err[SP_AUTH_ERRSIZE]);

/*
 * Write len bytes to path atomically (temporary file, fsync, rename),
 * mode 0600; 0 or -1 with errno.
 */
int		 sp_write_private(const char *path, const char *buf, size_t len);

#endif
