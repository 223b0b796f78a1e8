/* sp_sbuf.c: a growable string. */
#include <stdlib.h>
#include <string.h>

#include "sp_sbuf.h"

void
sp_sbuf_free(struct sp_sbuf *b)
{
	if (b == NULL)
		return;
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void
sp_sbuf_reset(struct sp_sbuf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

int
sp_sbuf_reserve(struct sp_sbuf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->nomem)
		return -1;
	if (b->len + n + 1 > b->cap) {
		for (cap = b->cap ? b->cap : 256; cap < b->len + n + 1;
		    cap *= 2)
			;
		if ((p = realloc(b->s, cap)) == NULL) {
			b->nomem = 1;
			return -1;
		}
		b->s = p;
		b->cap = cap;
	}
	return 0;
}

void
sp_sbuf_add(struct sp_sbuf *b, const char *s, size_t n)
{
	if (sp_sbuf_reserve(b, n) != 0)
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sp_sbuf_addz(struct sp_sbuf *b, const char *s)
{
	sp_sbuf_add(b, s, strlen(s));
}

const char *
sp_sbuf_str(const struct sp_sbuf *b)
{
	return b->s != NULL ? b->s : "";
}
