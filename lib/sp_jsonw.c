/* sp_jsonw.c: build a JSON record, write it as one line. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_json.h"
#include "sp_jsonw.h"

struct sp_jsonw {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	int	 comma;		/* a value came before: the next needs ',' */
	int	 nomem;		/* an allocation failed: the record is lost */
	unsigned depth;		/* open containers */
	uint64_t arrays;	/* bit d: container d is an array */
};

struct sp_jsonw *
sp_jsonw_new(void)
{
	return calloc(1, sizeof(struct sp_jsonw));
}

void
sp_jsonw_free(struct sp_jsonw *w)
{
	if (w == NULL)
		return;
	free(w->buf);
	free(w);
}

void
sp_jsonw_reset(struct sp_jsonw *w)
{
	w->len = 0;
	w->comma = 0;
	w->nomem = 0;
	w->depth = 0;
	w->arrays = 0;
}

static void
put(struct sp_jsonw *w, const char *s, size_t n)
{
	char *b;
	size_t cap;

	if (w->nomem)
		return;
	if (w->len + n + 2 > w->cap) {	/* room for "\n" and NUL */
		cap = w->cap ? w->cap : 256;
		while (cap < w->len + n + 2)
			cap *= 2;
		if ((b = realloc(w->buf, cap)) == NULL) {
			w->nomem = 1;
			return;
		}
		w->buf = b;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void
open_(struct sp_jsonw *w, int array)
{
	if (w->depth == 64) {
		w->nomem = 1;
		return;
	}
	if (array)
		w->arrays |= (uint64_t)1 << w->depth;
	else
		w->arrays &= ~((uint64_t)1 << w->depth);
	w->depth++;
}

static void
sep(struct sp_jsonw *w)
{
	if (w->comma)
		put(w, ",", 1);
	w->comma = 1;
}

void
sp_jsonw_obj(struct sp_jsonw *w)
{
	sep(w);
	put(w, "{", 1);
	open_(w, 0);
	w->comma = 0;
}

void
sp_jsonw_arr(struct sp_jsonw *w)
{
	sep(w);
	put(w, "[", 1);
	open_(w, 1);
	w->comma = 0;
}

void
sp_jsonw_end(struct sp_jsonw *w)
{
	if (w->depth == 0) {
		w->nomem = 1;	/* unbalanced: poison the record */
		return;
	}
	w->depth--;
	put(w, w->arrays >> w->depth & 1 ? "]" : "}", 1);
	w->comma = 1;
}

static void
putstr(struct sp_jsonw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;
	char esc[7];

	put(w, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':	put(w, "\\\"", 2); break;
		case '\\':	put(w, "\\\\", 2); break;
		case '\n':	put(w, "\\n", 2); break;
		case '\r':	put(w, "\\r", 2); break;
		case '\t':	put(w, "\\t", 2); break;
		case '\b':	put(w, "\\b", 2); break;
		case '\f':	put(w, "\\f", 2); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			put(w, esc, 6);
		}
	}
	put(w, s + run, n - run);
	put(w, "\"", 1);
}

void
sp_jsonw_key(struct sp_jsonw *w, const char *key)
{
	sep(w);
	putstr(w, key, strlen(key));
	put(w, ":", 1);
	w->comma = 0;
}

void
sp_jsonw_str(struct sp_jsonw *w, const char *s, size_t len)
{
	sep(w);
	putstr(w, s, len);
}

void
sp_jsonw_strz(struct sp_jsonw *w, const char *s)
{
	if (s == NULL)
		sp_jsonw_null(w);
	else
		sp_jsonw_str(w, s, strlen(s));
}

void
sp_jsonw_int(struct sp_jsonw *w, long long v)
{
	char num[24];
	int n;

	sep(w);
	n = snprintf(num, sizeof(num), "%lld", v);
	put(w, num, (size_t)n);
}

void
sp_jsonw_kint(struct sp_jsonw *w, const char *key, long long v)
{
	sp_jsonw_key(w, key);
	sp_jsonw_int(w, v);
}

void
sp_jsonw_kstr(struct sp_jsonw *w, const char *key, const char *s)
{
	sp_jsonw_key(w, key);
	sp_jsonw_strz(w, s);
}

void
sp_jsonw_real(struct sp_jsonw *w, double v, int prec)
{
	char num[64];
	int n;

	if (!isfinite(v) || fabs(v) >= 1e18) {
		sp_jsonw_null(w);
		return;
	}
	sep(w);
	n = snprintf(num, sizeof(num), "%.*f", prec < 0 ? 0 : prec > 17 ?
	    17 : prec, v);
	put(w, num, (size_t)n);
}

void
sp_jsonw_bool(struct sp_jsonw *w, int v)
{
	sep(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void
sp_jsonw_null(struct sp_jsonw *w)
{
	sep(w);
	put(w, "null", 4);
}

void
sp_jsonw_value(struct sp_jsonw *w, const struct sp_json *j, int v)
{
	sp_jsonw_filtered(w, j, v, NULL);
}

void
sp_jsonw_filtered(struct sp_jsonw *w, const struct sp_json *j, int v,
    int (*skip)(const char *key))
{
	const char *raw;
	size_t n;
	int e;

	switch (sp_json_type(j, v)) {
	case SP_JSON_OBJECT:
		sp_jsonw_obj(w);
		for (e = sp_json_first(j, v); e >= 0;
		    e = sp_json_next(j, v, e)) {
			if (skip != NULL && skip(sp_json_str(j, e, NULL)))
				continue;
			sep(w);
			raw = sp_json_raw(j, e, &n);
			put(w, raw, n);		/* the key, escapes as sent */
			put(w, ":", 1);
			w->comma = 0;
			sp_jsonw_filtered(w, j, e + 1, skip);
		}
		sp_jsonw_end(w);
		break;
	case SP_JSON_ARRAY:
		sp_jsonw_arr(w);
		for (e = sp_json_first(j, v); e >= 0;
		    e = sp_json_next(j, v, e))
			sp_jsonw_filtered(w, j, e, skip);
		sp_jsonw_end(w);
		break;
	case SP_JSON_NONE:
		sp_jsonw_null(w);
		break;
	default:
		sep(w);
		raw = sp_json_raw(j, v, &n);
		put(w, raw, n);
	}
}

const char *
sp_jsonw_buf(const struct sp_jsonw *w, size_t *len)
{
	if (w->nomem || w->buf == NULL) {
		*len = 0;
		return w->nomem ? NULL : "";
	}
	w->buf[w->len] = '\0';
	*len = w->len;
	return w->buf;
}

int
sp_jsonw_write(struct sp_jsonw *w, FILE *f)
{
	if (w->nomem || w->depth != 0) {
		sp_jsonw_reset(w);
		errno = ENOMEM;
		return -1;
	}
	put(w, "\n", 1);
	if (w->nomem || fwrite(w->buf, 1, w->len, f) != w->len ||
	    fflush(f) != 0) {
		if (w->nomem)
			errno = ENOMEM;
		sp_jsonw_reset(w);
		return -1;
	}
	sp_jsonw_reset(w);
	return 0;
}
