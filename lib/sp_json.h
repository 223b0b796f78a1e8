/*
 * sp_json: parse one JSON text (a line) with jsmn and read values from it.
 * A value is an int handle; -1 means "absent".  Ownership: the sp_json
 * owns its tokens and its decoded strings, reused for every text; every
 * pointer it returns lives until the next sp_json_parse() or
 * sp_json_free(), and raw slices point into the caller's buffer, which
 * must live as long.
 */
#ifndef SP_JSON_H
#define SP_JSON_H

#include <stddef.h>
#include <stdint.h>

struct sp_json;

enum sp_json_type {
	SP_JSON_NONE,		/* absent (handle -1) */
	SP_JSON_NULL,
	SP_JSON_BOOL,
	SP_JSON_NUMBER,
	SP_JSON_STRING,
	SP_JSON_ARRAY,
	SP_JSON_OBJECT
};

enum sp_json_err {
	SP_JSON_OK,
	SP_JSON_ENOMEM,		/* out of memory */
	SP_JSON_EINVAL,		/* not JSON */
	SP_JSON_EPART,		/* truncated */
	SP_JSON_ENOTOBJ,	/* valid JSON, but not an object */
	SP_JSON_EUTF8,		/* invalid UTF-8 in a string */
	SP_JSON_ESCAPE,		/* \u0000 or a lone surrogate */
	SP_JSON_EDEPTH,		/* nested deeper than SP_JSON_MAXDEPTH */
	SP_JSON_ENUL		/* a raw NUL byte */
};

/* Arrays and objects nest at most this deep (the root is depth 1). */
#define SP_JSON_MAXDEPTH	512

/* Returns NULL when out of memory; sp_json_free() accepts NULL. */
struct sp_json	*sp_json_new(void);
void		 sp_json_free(struct sp_json *);

/*
 * Parse and validate buf[0..len): strict syntax, a single value with only
 * white space around it, valid UTF-8, no \u0000 or lone surrogates, no
 * raw NUL byte, nesting at most SP_JSON_MAXDEPTH deep (checked first, in
 * one pass, so any text costs time linear in its length).  With
 * objonly, the value must be an object.  Returns an sp_json_err; the root
 * value is handle 0; *where gets the byte offset of the error (or NULL).
 */
int		 sp_json_parse(struct sp_json *, const char *buf, size_t len,
		    int objonly, size_t *where);
const char	*sp_json_strerror(int);

enum sp_json_type sp_json_type(const struct sp_json *, int v);
/* Member key of object v, or -1. */
int		 sp_json_get(const struct sp_json *, int v, const char *key);
/* Dotted path of member keys from v ("album.release_date"), or -1. */
int		 sp_json_path(const struct sp_json *, int v, const char *path);
/* Number of elements of an array or members of an object; else 0. */
int		 sp_json_count(const struct sp_json *, int v);
/*
 * Iteration: the first element of array v (for an object: the first
 * key; its value is key + 1), and the one after e, or -1 at the end.
 */
int		 sp_json_first(const struct sp_json *, int v);
int		 sp_json_next(const struct sp_json *, int v, int e);
/* Index of the token after v's whole subtree. */
int		 sp_json_skip(const struct sp_json *, int v);

/* Decoded, NUL-terminated UTF-8 of string v (NULL if not a string). */
const char	*sp_json_str(const struct sp_json *, int v, size_t *len);
/* 0 and *out if v is an integer that fits; else -1. */
int		 sp_json_int(const struct sp_json *, int v, long long *out);
/* 0 and *out (0 or 1) if v is true or false; else -1. */
int		 sp_json_bool(const struct sp_json *, int v, int *out);
/* The bytes of v exactly as in the text. */
const char	*sp_json_raw(const struct sp_json *, int v, size_t *len);

/* Is s[0..len) valid UTF-8 (no overlongs, no surrogates)? */
int		 sp_utf8_valid(const char *s, size_t len);
/* The UTF-8 sequence at s (n bytes left): its length and *cp, or 0. */
size_t		 sp_utf8_decode(const char *s, size_t n, uint32_t *cp);

#endif
