/*
 * sp_json.c: strict JSON on top of jsmn.  jsmn finds the tokens; this file
 * checks what jsmn lets through (separators, literals, numbers, escapes,
 * UTF-8) and decodes every string once, into an arena sized up front.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JSMN_HEADER
#include <jsmn.h>

#include "sp_json.h"

#define STR(x)	#x
#define XSTR(x)	STR(x)

/* Per token: its decoded string, and the token after its subtree. */
struct sp_tokx {
	size_t		 off;		/* strings: offset in the arena */
	size_t		 len;		/* strings: decoded length */
	int		 after;
};

struct sp_json {
	jsmntok_t	*tok;
	struct sp_tokx	*x;		/* what validation learnt per token */
	unsigned int	 cap;		/* tokens allocated */
	int		 ntok;
	const char	*buf;
	size_t		 len;
	char		*arena;
	size_t		 arenacap;
	size_t		 used;
	size_t		 where;		/* offset of the first error */
};

struct sp_json *
sp_json_new(void)
{
	struct sp_json *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return NULL;
	j->cap = 64;
	j->tok = calloc(j->cap, sizeof(*j->tok));
	j->x = calloc(j->cap, sizeof(*j->x));
	if (j->tok == NULL || j->x == NULL) {
		sp_json_free(j);
		return NULL;
	}
	return j;
}

void
sp_json_free(struct sp_json *j)
{
	if (j == NULL)
		return;
	free(j->tok);
	free(j->x);
	free(j->arena);
	free(j);
}

const char *
sp_json_strerror(int e)
{
	switch (e) {
	case SP_JSON_OK:	return "no error";
	case SP_JSON_ENOMEM:	return "out of memory";
	case SP_JSON_EINVAL:	return "invalid JSON";
	case SP_JSON_EPART:	return "truncated JSON";
	case SP_JSON_ENOTOBJ:	return "not a JSON object";
	case SP_JSON_EUTF8:	return "invalid UTF-8";
	case SP_JSON_ESCAPE:	return "invalid \\u escape (NUL or lone "
				    "surrogate)";
	case SP_JSON_EDEPTH:	return "nested deeper than "
				    XSTR(SP_JSON_MAXDEPTH);
	case SP_JSON_ENUL:	return "NUL byte";
	}
	return "unknown error";
}

static int
grow(struct sp_json *j)
{
	jsmntok_t *t;
	struct sp_tokx *x;
	unsigned int n;

	if (j->cap > UINT32_MAX / 4)
		return -1;
	n = j->cap * 2;
	if ((t = realloc(j->tok, n * sizeof(*t))) == NULL)
		return -1;
	j->tok = t;
	if ((x = realloc(j->x, n * sizeof(*x))) == NULL)
		return -1;
	j->x = x;
	j->cap = n;
	return 0;
}

static int
isws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Where a value's text starts and ends (strings with their quotes). */
static size_t
vstart(const jsmntok_t *t)
{
	return t->type == JSMN_STRING ? (size_t)t->start - 1 :
	    (size_t)t->start;
}

static size_t
vend(const jsmntok_t *t)
{
	return t->type == JSMN_STRING ? (size_t)t->end + 1 : (size_t)t->end;
}

/* buf[from..to) is white space around exactly one sep (none if 0). */
static int
gap(struct sp_json *j, size_t from, size_t to, char sep)
{
	size_t i;
	int seen = 0;

	for (i = from; i < to; i++) {
		if (isws((unsigned char)j->buf[i]))
			continue;
		if (sep != 0 && j->buf[i] == sep && !seen) {
			seen = 1;
			continue;
		}
		j->where = i;
		return -1;
	}
	if (sep != 0 && !seen) {
		j->where = from;
		return -1;
	}
	return 0;
}

static int
isdigit_(int c)
{
	return c >= '0' && c <= '9';
}

/* true, false, null, or a number by the JSON grammar. */
static int
primitive(const char *s, size_t n)
{
	size_t i = 0;

	if ((n == 4 && memcmp(s, "true", 4) == 0) ||
	    (n == 5 && memcmp(s, "false", 5) == 0) ||
	    (n == 4 && memcmp(s, "null", 4) == 0))
		return 0;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && isdigit_((unsigned char)s[i]))
		while (i < n && isdigit_((unsigned char)s[i]))
			i++;
	else
		return -1;
	if (i < n && s[i] == '.') {
		if (++i >= n || !isdigit_((unsigned char)s[i]))
			return -1;
		while (i < n && isdigit_((unsigned char)s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !isdigit_((unsigned char)s[i]))
			return -1;
		while (i < n && isdigit_((unsigned char)s[i]))
			i++;
	}
	return i == n ? 0 : -1;
}

size_t
sp_utf8_decode(const char *p, size_t n, uint32_t *cpout)
{
	const unsigned char *s = (const unsigned char *)p;
	uint32_t cp;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cpout = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
		cp = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		cp = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	*cpout = cp;
	return len;
}

int
sp_utf8_valid(const char *s, size_t len)
{
	uint32_t cp;
	size_t i = 0, n;

	while (i < len) {
		if ((n = sp_utf8_decode(s + i, len - i, &cp)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

static int
hex4(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	int i, c;

	for (i = 0; i < 4; i++) {
		c = (unsigned char)s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static char *
put8(char *o, uint32_t cp)
{
	if (cp < 0x80)
		*o++ = (char)cp;
	else if (cp < 0x800) {
		*o++ = (char)(0xC0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xE0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (char)(0xF0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3F));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (char)(0x80 | (cp & 0x3F));
	}
	return o;
}

/* Check and decode string token i into the arena. */
static int
string(struct sp_json *j, int i)
{
	const char *s = j->buf + j->tok[i].start;
	size_t n = (size_t)(j->tok[i].end - j->tok[i].start), k = 0, q;
	char *o = j->arena + j->used;
	uint32_t cp, lo;

	j->x[i].off = j->used;
	j->x[i].after = i + 1;
	while (k < n) {
		unsigned char c = (unsigned char)s[k];

		if (c >= 0x20 && c < 0x80 && c != '\\') {
			/* A run of plain ASCII is copied as it is. */
			for (q = k + 1; q < n; q++) {
				c = (unsigned char)s[q];
				if (c < 0x20 || c >= 0x80 || c == '\\')
					break;
			}
			memcpy(o, s + k, q - k);
			o += q - k;
			k = q;
			continue;
		}
		if (c < 0x20) {
			j->where = (size_t)(s + k - j->buf);
			return SP_JSON_EINVAL;
		}
		if (c >= 0x80) {
			if ((q = sp_utf8_decode(s + k, n - k, &cp)) == 0) {
				j->where = (size_t)(s + k - j->buf);
				return SP_JSON_EUTF8;
			}
			memcpy(o, s + k, q);
			o += q;
			k += q;
			continue;
		}
		j->where = (size_t)(s + k - j->buf);
		if (++k >= n)
			return SP_JSON_EINVAL;
		switch (s[k++]) {
		case '"':	*o++ = '"'; break;
		case '\\':	*o++ = '\\'; break;
		case '/':	*o++ = '/'; break;
		case 'b':	*o++ = '\b'; break;
		case 'f':	*o++ = '\f'; break;
		case 'n':	*o++ = '\n'; break;
		case 'r':	*o++ = '\r'; break;
		case 't':	*o++ = '\t'; break;
		case 'u':
			if (n - k < 4 || hex4(s + k, &cp) != 0)
				return SP_JSON_EINVAL;
			k += 4;
			if (cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
				return SP_JSON_ESCAPE;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (n - k < 6 || s[k] != '\\' ||
				    s[k + 1] != 'u' ||
				    hex4(s + k + 2, &lo) != 0 ||
				    lo < 0xDC00 || lo > 0xDFFF)
					return SP_JSON_ESCAPE;
				k += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) +
				    (lo - 0xDC00);
			}
			o = put8(o, cp);
			break;
		default:
			return SP_JSON_EINVAL;
		}
	}
	j->x[i].len = (size_t)(o - (j->arena + j->used));
	*o++ = '\0';
	j->used = (size_t)(o - j->arena);
	return SP_JSON_OK;
}

/*
 * Before jsmn sees buf[0..len): a raw NUL byte (where jsmn would stop) or
 * nesting past SP_JSON_MAXDEPTH (which costs jsmn time quadratic in the
 * depth).  One pass; strings are skipped as jsmn would skip them.
 */
static int
prescan(struct sp_json *j, const char *buf, size_t len)
{
	const char *nul;
	size_t i;
	int depth = 0, instr = 0;

	if ((nul = memchr(buf, '\0', len)) != NULL) {
		j->where = (size_t)(nul - buf);
		return SP_JSON_ENUL;
	}
	for (i = 0; i < len; i++) {
		switch (buf[i]) {
		case '"':
			instr = !instr;
			break;
		case '\\':
			if (instr)
				i++;
			break;
		case '{':
		case '[':
			if (!instr && ++depth > SP_JSON_MAXDEPTH) {
				j->where = i;
				return SP_JSON_EDEPTH;
			}
			break;
		case '}':
		case ']':
			if (!instr && depth > 0)
				depth--;
			break;
		}
	}
	return SP_JSON_OK;
}

/* Validate the value at *i and its subtree; *i moves past it. */
static int
value(struct sp_json *j, int *i, int depth)
{
	const jsmntok_t *t;
	size_t pos;
	int c, e, v, rc;

	if (*i >= j->ntok || depth > SP_JSON_MAXDEPTH)
		return SP_JSON_EINVAL;
	v = (*i)++;
	t = &j->tok[v];
	switch (t->type) {
	case JSMN_PRIMITIVE:
		j->x[v].after = v + 1;
		if (primitive(j->buf + t->start,
		    (size_t)(t->end - t->start)) != 0) {
			j->where = (size_t)t->start;
			return SP_JSON_EINVAL;
		}
		return SP_JSON_OK;
	case JSMN_STRING:
		return string(j, v);
	case JSMN_OBJECT:
	case JSMN_ARRAY:
		break;
	default:
		return SP_JSON_EINVAL;
	}
	pos = (size_t)t->start + 1;
	for (c = 0; c < t->size; c++) {
		if (*i >= j->ntok)
			return SP_JSON_EINVAL;
		e = *i;
		if (gap(j, pos, vstart(&j->tok[e]), c == 0 ? 0 : ',') != 0)
			return SP_JSON_EINVAL;
		if (t->type == JSMN_OBJECT) {
			if (j->tok[e].type != JSMN_STRING ||
			    j->tok[e].size != 1) {
				j->where = vstart(&j->tok[e]);
				return SP_JSON_EINVAL;
			}
			if ((rc = string(j, e)) != SP_JSON_OK)
				return rc;
			(*i)++;
			if (*i >= j->ntok)
				return SP_JSON_EINVAL;
			if (gap(j, vend(&j->tok[e]), vstart(&j->tok[*i]),
			    ':') != 0)
				return SP_JSON_EINVAL;
			e = *i;
		}
		if ((rc = value(j, i, depth + 1)) != SP_JSON_OK)
			return rc;
		pos = vend(&j->tok[e]);
	}
	if (gap(j, pos, (size_t)t->end - 1, 0) != 0)
		return SP_JSON_EINVAL;
	j->x[v].after = *i;
	return SP_JSON_OK;
}

int
sp_json_parse(struct sp_json *j, const char *buf, size_t len, int objonly,
    size_t *where)
{
	jsmn_parser p;
	size_t b = 0, e = len, need;
	int r, i, rc;

	j->buf = buf;
	j->len = len;
	j->ntok = 0;
	j->used = 0;
	j->where = 0;
	while (b < e && isws((unsigned char)buf[b]))
		b++;
	while (e > b && isws((unsigned char)buf[e - 1]))
		e--;
	if ((rc = prescan(j, buf, e)) != SP_JSON_OK)
		goto out;
	jsmn_init(&p);
	while ((r = jsmn_parse(&p, buf, e, j->tok, j->cap)) ==
	    JSMN_ERROR_NOMEM)
		if (grow(j) != 0) {
			rc = SP_JSON_ENOMEM;
			goto out;
		}
	if (r == JSMN_ERROR_PART && b < e && strchr("{[\"", buf[b]) == NULL) {
		/* jsmn wants a delimiter after a lone primitive. */
		j->where = b;
		rc = objonly && primitive(buf + b, e - b) == 0 ?
		    SP_JSON_ENOTOBJ : SP_JSON_EINVAL;
		goto out;
	}
	if (r == JSMN_ERROR_PART || (r == 0 && b == e)) {
		j->where = e;
		rc = r == 0 ? SP_JSON_EINVAL : SP_JSON_EPART;
		goto out;
	}
	if (r <= 0) {
		j->where = p.pos;
		rc = SP_JSON_EINVAL;
		goto out;
	}
	j->ntok = r;
	need = len + (size_t)r + 1;
	if (need > j->arenacap) {
		char *a;

		if ((a = realloc(j->arena, need)) == NULL) {
			rc = SP_JSON_ENOMEM;
			goto out;
		}
		j->arena = a;
		j->arenacap = need;
	}
	i = 0;
	if (vstart(&j->tok[0]) != b) {
		j->where = b;
		rc = SP_JSON_EINVAL;
		goto out;
	}
	if ((rc = value(j, &i, 0)) != SP_JSON_OK)
		goto out;
	if (i != r || vend(&j->tok[0]) != e) {
		j->where = vend(&j->tok[0]);
		rc = SP_JSON_EINVAL;
		goto out;
	}
	if (objonly && j->tok[0].type != JSMN_OBJECT)
		rc = SP_JSON_ENOTOBJ;
out:
	if (rc != SP_JSON_OK)
		j->ntok = 0;
	if (where != NULL)
		*where = j->where;
	return rc;
}

static int
ok(const struct sp_json *j, int v)
{
	return v >= 0 && v < j->ntok;
}

enum sp_json_type
sp_json_type(const struct sp_json *j, int v)
{
	const jsmntok_t *t;

	if (!ok(j, v))
		return SP_JSON_NONE;
	t = &j->tok[v];
	switch (t->type) {
	case JSMN_OBJECT:
		return SP_JSON_OBJECT;
	case JSMN_ARRAY:
		return SP_JSON_ARRAY;
	case JSMN_STRING:
		return SP_JSON_STRING;
	case JSMN_PRIMITIVE:
		switch (j->buf[t->start]) {
		case 'n':
			return SP_JSON_NULL;
		case 't':
		case 'f':
			return SP_JSON_BOOL;
		default:
			return SP_JSON_NUMBER;
		}
	default:
		return SP_JSON_NONE;
	}
}

int
sp_json_skip(const struct sp_json *j, int v)
{

	if (!ok(j, v))
		return -1;
	return j->x[v].after;
}

int
sp_json_count(const struct sp_json *j, int v)
{
	if (!ok(j, v) || (j->tok[v].type != JSMN_OBJECT &&
	    j->tok[v].type != JSMN_ARRAY))
		return 0;
	return j->tok[v].size;
}

int
sp_json_first(const struct sp_json *j, int v)
{
	return sp_json_count(j, v) > 0 ? v + 1 : -1;
}

int
sp_json_next(const struct sp_json *j, int v, int e)
{
	int n;

	if (!ok(j, v) || !ok(j, e))
		return -1;
	n = sp_json_skip(j, j->tok[v].type == JSMN_OBJECT ? e + 1 : e);
	return n < j->ntok && j->tok[n].start < j->tok[v].end ? n : -1;
}

int
sp_json_get(const struct sp_json *j, int v, const char *key)
{
	size_t n = strlen(key);
	int k;

	if (sp_json_type(j, v) != SP_JSON_OBJECT)
		return -1;
	for (k = sp_json_first(j, v); k >= 0; k = sp_json_next(j, v, k))
		if (j->x[k].len == n &&
		    memcmp(j->arena + j->x[k].off, key, n) == 0)
			return k + 1;
	return -1;
}

int
sp_json_path(const struct sp_json *j, int v, const char *path)
{
	char key[128];
	const char *dot;
	size_t n;

	while (v >= 0 && *path != '\0') {
		dot = strchr(path, '.');
		n = dot != NULL ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof(key))
			return -1;
		memcpy(key, path, n);
		key[n] = '\0';
		v = sp_json_get(j, v, key);
		path += n + (dot != NULL);
	}
	return v;
}

const char *
sp_json_str(const struct sp_json *j, int v, size_t *len)
{
	const char *s;

	if (sp_json_type(j, v) != SP_JSON_STRING)
		return NULL;
	s = j->arena + j->x[v].off;
	if (len != NULL)
		*len = j->x[v].len;
	return s;
}

int
sp_json_int(const struct sp_json *j, int v, long long *out)
{
	char num[24];
	const char *s;
	char *end;
	size_t n;

	if (sp_json_type(j, v) != SP_JSON_NUMBER)
		return -1;
	s = j->buf + j->tok[v].start;
	n = (size_t)(j->tok[v].end - j->tok[v].start);
	if (n >= sizeof(num) || memchr(s, '.', n) != NULL ||
	    memchr(s, 'e', n) != NULL || memchr(s, 'E', n) != NULL)
		return -1;
	memcpy(num, s, n);
	num[n] = '\0';
	*out = strtoll(num, &end, 10);
	return *end == '\0' && n < 19 ? 0 : -1;
}

int
sp_json_bool(const struct sp_json *j, int v, int *out)
{
	if (sp_json_type(j, v) != SP_JSON_BOOL)
		return -1;
	*out = j->buf[j->tok[v].start] == 't';
	return 0;
}

const char *
sp_json_raw(const struct sp_json *j, int v, size_t *len)
{
	if (!ok(j, v)) {
		*len = 0;
		return NULL;
	}
	*len = vend(&j->tok[v]) - vstart(&j->tok[v]);
	return j->buf + vstart(&j->tok[v]);
}
