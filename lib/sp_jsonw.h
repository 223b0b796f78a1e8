/*
 * sp_jsonw: build one JSON record in a growable buffer, then write it as
 * one whole line.  Ownership: the writer owns its buffer; sp_jsonw_buf()
 * points into it until the next call that writes.  Commas and colons are
 * placed by the writer.  Strings given must be valid UTF-8 (sp_json
 * guarantees that of everything it decodes).
 */
#ifndef SP_JSONW_H
#define SP_JSONW_H

#include <stddef.h>
#include <stdio.h>

struct sp_json;
struct sp_jsonw;

/* NULL when out of memory; sp_jsonw_free() accepts NULL. */
struct sp_jsonw	*sp_jsonw_new(void);
void		 sp_jsonw_free(struct sp_jsonw *);
void		 sp_jsonw_reset(struct sp_jsonw *);

void	sp_jsonw_obj(struct sp_jsonw *);
void	sp_jsonw_arr(struct sp_jsonw *);
void	sp_jsonw_end(struct sp_jsonw *);	/* closes either */
void	sp_jsonw_key(struct sp_jsonw *, const char *key);
void	sp_jsonw_str(struct sp_jsonw *, const char *s, size_t len);
void	sp_jsonw_strz(struct sp_jsonw *, const char *s);	/* NULL: null */
void	sp_jsonw_int(struct sp_jsonw *, long long);
/* v with prec decimals ("99.50"); null when v is not finite. */
void	sp_jsonw_real(struct sp_jsonw *, double v, int prec);
void	sp_jsonw_bool(struct sp_jsonw *, int);
void	sp_jsonw_null(struct sp_jsonw *);
/* A member: key, then an integer or a string (NULL: null). */
void	sp_jsonw_kint(struct sp_jsonw *, const char *key, long long);
void	sp_jsonw_kstr(struct sp_jsonw *, const char *key, const char *s);
/* A value of a parsed text, compacted (insignificant white space gone). */
void	sp_jsonw_value(struct sp_jsonw *, const struct sp_json *, int v);
/* The same, leaving out every member whose key skip() accepts, at any depth. */
void	sp_jsonw_filtered(struct sp_jsonw *, const struct sp_json *, int v,
	    int (*skip)(const char *key));

/* The record so far; NULL if an allocation failed since the reset. */
const char *sp_jsonw_buf(const struct sp_jsonw *, size_t *len);
/*
 * Write the record and a newline with one fwrite(), flush, and reset.
 * Returns 0, or -1 (errno set) on a write or allocation error.
 */
int	sp_jsonw_write(struct sp_jsonw *, FILE *);

#endif
