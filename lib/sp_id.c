/* sp_id.c: Spotify ids, URIs and URLs. */
#include <string.h>

#include "sp_id.h"

static const char *const kindname[] = {
	[SP_KIND_TRACK] = "track",
	[SP_KIND_ALBUM] = "album",
	[SP_KIND_ARTIST] = "artist",
};

static int
isbase62(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

int
sp_id_valid(const char *s, size_t len)
{
	size_t i;

	if (len != SP_ID_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!isbase62((unsigned char)s[i]))
			return 0;
	return 1;
}

const char *
sp_kind_name(enum sp_kind k)
{
	return k > SP_KIND_NONE && k <= SP_KIND_ARTIST ? kindname[k] : NULL;
}

enum sp_kind
sp_kind_parse(const char *s, size_t len)
{
	int k;
	size_t n;

	for (k = SP_KIND_TRACK; k <= SP_KIND_ARTIST; k++) {
		n = strlen(kindname[k]);
		if ((len == n || (len == n + 1 && s[n] == 's')) &&
		    strncmp(s, kindname[k], n) == 0)
			return (enum sp_kind)k;
	}
	return SP_KIND_NONE;
}

/* If s starts with prefix, skip it and return 1. */
static int
skip(const char **s, size_t *len, const char *prefix)
{
	size_t n = strlen(prefix);

	if (*len < n || strncmp(*s, prefix, n) != 0)
		return 0;
	*s += n;
	*len -= n;
	return 1;
}

/* "KIND" then sep: sets *kind and skips both. */
static int
skipkind(const char **s, size_t *len, char sep, enum sp_kind *kind)
{
	int k;
	size_t n;

	for (k = SP_KIND_TRACK; k <= SP_KIND_ARTIST; k++) {
		n = strlen(kindname[k]);
		if (*len > n && strncmp(*s, kindname[k], n) == 0 &&
		    (*s)[n] == sep) {
			*s += n + 1;
			*len -= n + 1;
			*kind = (enum sp_kind)k;
			return 1;
		}
	}
	return 0;
}

int
sp_id_parse(const char *s, size_t len, enum sp_kind *kind,
    char id[SP_ID_LEN + 1])
{
	enum sp_kind k = SP_KIND_NONE;
	size_t n;

	if (skip(&s, &len, "spotify:")) {
		if (!skipkind(&s, &len, ':', &k))
			return -1;
	} else if (skip(&s, &len, "https://open.spotify.com/") ||
	    skip(&s, &len, "http://open.spotify.com/") ||
	    skip(&s, &len, "open.spotify.com/")) {
		if (len > 5 && strncmp(s, "intl-", 5) == 0) {
			const char *p = memchr(s, '/', len);

			if (p == NULL)
				return -1;
			len -= (size_t)(p + 1 - s);
			s = p + 1;
		}
		if (!skipkind(&s, &len, '/', &k))
			return -1;
		/* A slash, a query or a fragment may follow the id. */
		for (n = 0; n < len && s[n] != '?' && s[n] != '#'; n++)
			;
		if (n == SP_ID_LEN + 1 && s[SP_ID_LEN] == '/')
			n = SP_ID_LEN;
		len = n;
	}
	if (!sp_id_valid(s, len))
		return -1;
	memcpy(id, s, SP_ID_LEN);
	id[SP_ID_LEN] = '\0';
	*kind = k;
	return 0;
}
