/* sp_auth.c: Client Credentials tokens, cached per client id. */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "sp.h"
#include "sp_auth.h"
#include "sp_json.h"
#include "sp_jsonw.h"

#define TOKEN_MARGIN	60	/* seconds before expiry a token is renewed */
#define TOKEN_TRIES	4
#define MAXBODY		(64 * 1024)

struct sp_auth {
	char		*id;
	char		*secret;
	char		*url;
	char		*cache;		/* token cache file */
	char		*token;
	time_t		 expires;
	unsigned long	 requests;
};

struct body {
	char	buf[MAXBODY];
	size_t	len;
};

void
sp_auth_key(const char *a, const char *b, char out[17])
{
	uint64_t h = 14695981039346656037ULL;
	const char *s;

	for (s = a; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (s = b; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* localhost, an IPv4 address in 127/8, or [::1]: not a name like 127.x.com */
static int
loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	char buf[64];
	size_t n;

	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	n = strlen(host);
	if (n > 2 && n < sizeof(buf) && host[0] == '[' && host[n - 1] == ']') {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		return inet_pton(AF_INET6, buf, &a6) == 1 &&
		    IN6_IS_ADDR_LOOPBACK(&a6);
	}
	return 0;
}

/* 1 for https, 2 for http to a loopback host, else 0. */
static int
urlkind(const char *url)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL;
	int kind = 0;

	if ((u = curl_url()) == NULL)
		return 0;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		if (strcmp(scheme, "https") == 0)
			kind = loopback(host) ? 2 : 1;
		else if (strcmp(scheme, "http") == 0)
			kind = loopback(host) ? 2 : 0;
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return kind;
}

int
sp_url_safe(const char *url)
{
	return urlkind(url) != 0;
}

int
sp_url_loopback(const char *url)
{
	return urlkind(url) == 2;
}

char *
sp_cache_path(const char *name)
{
	const char *env;
	char *dir, *p, *path;

	if ((env = getenv("XDG_CACHE_HOME")) != NULL && *env == '/') {
		if (asprintf(&dir, "%s/sp", env) < 0)
			return NULL;
	} else if ((env = getenv("HOME")) != NULL && *env != '\0') {
		if (asprintf(&dir, "%s/.cache/sp", env) < 0)
			return NULL;
	} else
		return NULL;
	for (p = dir + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
				free(dir);
				return NULL;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		path = NULL;
	free(dir);
	return path;
}

/* path, if it exists, is the user's and closed to others; else err. */
static int
mine(const char *path, char err[SP_AUTH_ERRSIZE])
{
	struct stat sb;

	if (lstat(path, &sb) != 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, SP_AUTH_ERRSIZE, "%s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (sb.st_uid != geteuid()) {
		snprintf(err, SP_AUTH_ERRSIZE, "%s: not yours (owner uid %u): "
		    "refusing to use it as a cache; remove it", path,
		    (unsigned)sb.st_uid);
		return -1;
	}
	if ((sb.st_mode & 077) != 0 || (!S_ISDIR(sb.st_mode) &&
	    !S_ISREG(sb.st_mode))) {
		snprintf(err, SP_AUTH_ERRSIZE, "%s: open to others (mode %03o): "
		    "refusing to use it as a cache; chmod %s it", path,
		    (unsigned)(sb.st_mode & 0777), S_ISDIR(sb.st_mode) ?
		    "700" : "600");
		return -1;
	}
	return 0;
}

int
sp_cache_check(const char *path, char err[SP_AUTH_ERRSIZE])
{
	char *dir, *slash;
	int rc;

	if (path == NULL)
		return 0;
	if ((dir = strdup(path)) == NULL) {
		snprintf(err, SP_AUTH_ERRSIZE, "out of memory");
		return -1;
	}
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir)
		*slash = '\0';
	rc = mine(dir, err) != 0 || mine(path, err) != 0 ? -1 : 0;
	free(dir);
	return rc;
}

int
sp_write_private(const char *path, const char *buf, size_t len)
{
	char *tmp;
	int fd, e;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -1;
	if ((fd = mkstemp(tmp)) < 0) {
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0600) != 0 || write(fd, buf, len) != (ssize_t)len ||
	    fsync(fd) != 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		free(tmp);
		errno = e;
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		e = errno;
		unlink(tmp);
		free(tmp);
		errno = e;
		return -1;
	}
	free(tmp);
	return 0;
}

/* The first line of a private file; NULL with err set. */
static char *
readsecret(const char *path, char err[SP_AUTH_ERRSIZE])
{
	struct stat sb;
	char buf[1024], *nl;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &sb) != 0) {
		snprintf(err, SP_AUTH_ERRSIZE, "%s: %s", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (sb.st_mode & 077) {
		snprintf(err, SP_AUTH_ERRSIZE, "%s: readable by others (mode "
		    "%03o): chmod 600 it first", path,
		    (unsigned)(sb.st_mode & 0777));
		close(fd);
		return NULL;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		snprintf(err, SP_AUTH_ERRSIZE, "%s: %s", path,
		    strerror(errno));
		return NULL;
	}
	buf[n] = '\0';
	if ((nl = strpbrk(buf, "\r\n")) != NULL)
		*nl = '\0';
	if (buf[0] == '\0') {
		snprintf(err, SP_AUTH_ERRSIZE, "%s: empty", path);
		return NULL;
	}
	nl = strdup(buf);
	memset(buf, 0, sizeof(buf));
	return nl;
}

/* Use the cached token when it is good for a while yet. */
static void
loadcache(struct sp_auth *a)
{
	struct sp_json *j;
	char buf[4096];
	const char *tok;
	long long exp;
	ssize_t n;
	int fd;

	if (a->cache == NULL || (fd = open(a->cache, O_RDONLY | O_CLOEXEC)) <
	    0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || (j = sp_json_new()) == NULL)
		return;
	if (sp_json_parse(j, buf, (size_t)n, 1, NULL) == SP_JSON_OK &&
	    (tok = sp_json_str(j, sp_json_get(j, 0, "access_token"),
	    NULL)) != NULL && *tok != '\0' &&
	    sp_json_int(j, sp_json_get(j, 0, "expires_at"), &exp) == 0 &&
	    exp - TOKEN_MARGIN > time(NULL)) {
		free(a->token);
		a->token = strdup(tok);
		a->expires = (time_t)exp;
	}
	sp_json_free(j);
}

static void
savecache(struct sp_auth *a)
{
	struct sp_jsonw *w;
	const char *buf;
	size_t len;

	if (a->cache == NULL || (w = sp_jsonw_new()) == NULL)
		return;
	sp_jsonw_obj(w);
	sp_jsonw_key(w, "access_token");
	sp_jsonw_strz(w, a->token);
	sp_jsonw_key(w, "expires_at");
	sp_jsonw_int(w, (long long)a->expires);
	sp_jsonw_end(w);
	if ((buf = sp_jsonw_buf(w, &len)) != NULL)
		(void)sp_write_private(a->cache, buf, len);	/* best effort */
	sp_jsonw_free(w);
}

int
sp_auth_new(const char *token_url, const char *secret_file,
    struct sp_auth **out, char err[SP_AUTH_ERRSIZE])
{
	struct sp_auth *a;
	const char *id, *secret;
	char key[17], name[64];

	*out = NULL;
	if ((id = getenv("SPOTIFY_CLIENT_ID")) == NULL || *id == '\0') {
		snprintf(err, SP_AUTH_ERRSIZE, "SPOTIFY_CLIENT_ID is not set: "
		    "create an app at developer.spotify.com and export its "
		    "Client ID");
		return SP_FATAL_AUTH;
	}
	if (!sp_url_safe(token_url)) {
		snprintf(err, SP_AUTH_ERRSIZE, "refusing to send credentials "
		    "to %s: use https, or http to a loopback address",
		    token_url);
		return SP_USAGE;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->id = strdup(id)) == NULL || (a->url = strdup(token_url)) ==
	    NULL) {
		sp_auth_free(a);
		snprintf(err, SP_AUTH_ERRSIZE, "out of memory");
		return SP_FATAL_IO;
	}
	if (secret_file != NULL)
		a->secret = readsecret(secret_file, err);
	else if ((secret = getenv("SPOTIFY_CLIENT_SECRET")) != NULL &&
	    *secret != '\0')
		a->secret = strdup(secret);
	else
		snprintf(err, SP_AUTH_ERRSIZE, "no client secret: set "
		    "SPOTIFY_CLIENT_SECRET or use --secret-file");
	if (a->secret == NULL) {
		sp_auth_free(a);
		return SP_FATAL_AUTH;
	}
	sp_auth_key(a->id, a->url, key);
	snprintf(name, sizeof(name), "token-%s.json", key);
	a->cache = sp_cache_path(name);
	if (sp_cache_check(a->cache, err) != 0) {
		sp_auth_free(a);
		return SP_FATAL_AUTH;
	}
	loadcache(a);
	*out = a;
	return SP_OK;
}

void
sp_auth_free(struct sp_auth *a)
{
	if (a == NULL)
		return;
	if (a->secret != NULL) {
		explicit_bzero(a->secret, strlen(a->secret));
		free(a->secret);
	}
	free(a->id);
	free(a->url);
	free(a->cache);
	free(a->token);
	free(a);
}

unsigned long
sp_auth_requests(const struct sp_auth *a)
{
	return a->requests;
}

static size_t
onbody(char *p, size_t size, size_t n, void *arg)
{
	struct body *b = arg;
	size_t len = size * n;

	if (len > sizeof(b->buf) - 1 - b->len)
		return 0;
	memcpy(b->buf + b->len, p, len);
	b->len += len;
	return len;
}

/* One token request.  SP_OK, SP_FATAL_AUTH, or SP_TEMPFAIL (transient). */
static int
request(struct sp_auth *a, char err[SP_AUTH_ERRSIZE])
{
	struct sp_json *j = NULL;
	struct body *b;
	CURL *c;
	CURLcode cc;
	const char *tok, *type, *e;
	long code = 0;
	long long ttl;
	int rc;

	if ((b = calloc(1, sizeof(*b))) == NULL || (c = curl_easy_init()) ==
	    NULL) {
		free(b);
		snprintf(err, SP_AUTH_ERRSIZE, "out of memory");
		return SP_TEMPFAIL;
	}
	curl_easy_setopt(c, CURLOPT_URL, a->url);
	/* No proxy may see a loopback request: it would go out in clear. */
	if (sp_url_loopback(a->url))
		curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(c, CURLOPT_USERNAME, a->id);
	curl_easy_setopt(c, CURLOPT_PASSWORD, a->secret);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, "grant_type=client_credentials");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onbody);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "sp/" SP_VERSION);
	a->requests++;
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	b->buf[b->len] = '\0';
	if (cc != CURLE_OK) {
		snprintf(err, SP_AUTH_ERRSIZE, "token request failed: %s",
		    curl_easy_strerror(cc));
		rc = SP_TEMPFAIL;
		goto out;
	}
	if ((j = sp_json_new()) == NULL || sp_json_parse(j, b->buf, b->len,
	    1, NULL) != SP_JSON_OK) {
		snprintf(err, SP_AUTH_ERRSIZE, "token request failed: HTTP %ld "
		    "with %s", code, code == 200 ? "invalid JSON" :
		    "no OAuth error");
		rc = code >= 400 && code < 500 && code != 429 ? SP_FATAL_AUTH :
		    SP_TEMPFAIL;
		goto out;
	}
	if (code != 200) {
		e = sp_json_str(j, sp_json_get(j, 0, "error"), NULL);
		if (e != NULL && strcmp(e, "invalid_client") == 0)
			snprintf(err, SP_AUTH_ERRSIZE, "Spotify rejected the "
			    "client credentials (invalid_client); check "
			    "SPOTIFY_CLIENT_ID and the secret");
		else
			snprintf(err, SP_AUTH_ERRSIZE, "token request failed: "
			    "HTTP %ld (%s)", code, e ? e : "no error code");
		rc = code >= 400 && code < 500 && code != 429 ? SP_FATAL_AUTH :
		    SP_TEMPFAIL;
		goto out;
	}
	tok = sp_json_str(j, sp_json_get(j, 0, "access_token"), NULL);
	type = sp_json_str(j, sp_json_get(j, 0, "token_type"), NULL);
	if (tok == NULL || *tok == '\0' || type == NULL ||
	    strcasecmp(type, "bearer") != 0 ||
	    sp_json_int(j, sp_json_get(j, 0, "expires_in"), &ttl) != 0) {
		snprintf(err, SP_AUTH_ERRSIZE, "token request failed: no "
		    "bearer token in the answer");
		rc = SP_TEMPFAIL;
		goto out;
	}
	free(a->token);
	if ((a->token = strdup(tok)) == NULL) {
		rc = SP_TEMPFAIL;
		goto out;
	}
	a->expires = time(NULL) + (time_t)ttl;
	savecache(a);
	rc = SP_OK;
out:
	sp_json_free(j);
	explicit_bzero(b->buf, b->len);
	free(b);
	return rc;
}

int
sp_auth_token(struct sp_auth *a, int force, const char **token,
    char err[SP_AUTH_ERRSIZE])
{
	unsigned int wait = 1;
	int i, rc = SP_TEMPFAIL;

	if (!force && a->token != NULL && a->expires - TOKEN_MARGIN >
	    time(NULL)) {
		*token = a->token;
		return SP_OK;
	}
	for (i = 0; i < TOKEN_TRIES; i++) {
		if (i > 0) {
			sleep(wait);
			wait *= 2;
		}
		if ((rc = request(a, err)) != SP_TEMPFAIL)
			break;
		if (sp_signal() != 0)
			break;
	}
	*token = rc == SP_OK ? a->token : NULL;
	return rc;
}
