/*
 * sp_sbuf: a growable string.  Owns its bytes, always NUL-terminated once
 * anything was added; an allocation that fails sets nomem, which sticks,
 * and every later addition is dropped.  Ownership: the caller frees s
 * with sp_sbuf_free(), which accepts a buffer never grown.
 */
#ifndef SP_SBUF_H
#define SP_SBUF_H

#include <stddef.h>

struct sp_sbuf {
	char		*s;
	size_t		 len, cap;
	int		 nomem;
};

void		 sp_sbuf_free(struct sp_sbuf *);
void		 sp_sbuf_reset(struct sp_sbuf *);

/* Room for n more bytes and a NUL; 0, or -1 out of memory. */
int		 sp_sbuf_reserve(struct sp_sbuf *, size_t n);
void		 sp_sbuf_add(struct sp_sbuf *, const char *s, size_t n);
void		 sp_sbuf_addz(struct sp_sbuf *, const char *s);

/* s, or "" while nothing was added. */
const char	*sp_sbuf_str(const struct sp_sbuf *);

#endif
