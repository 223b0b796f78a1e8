/*
 * sp_genre.c: genre names and the rules that map them to families.  A
 * rules file is read whole and cut in place: each rule is a family and a
 * list of patterns, each pattern a run of words, each word matched whole,
 * as a prefix ("indie*") or as a suffix ("*core").  Hyphens separate words
 * like spaces, so "post-punk" is the words "post" and "punk".
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp.h"
#include "sp_err.h"
#include "sp_genre.h"
#include "sp_json.h"

#define MAXWORDS	64		/* words of a genre that are matched */
#define MAXFILE		(16 * 1024 * 1024)
#define CACHESLOTS	4096		/* genres remembered, a power of 2 */
#define CACHEKEY	48		/* longer genres are not remembered */
#define NORULE		((size_t)-1)
#define BUILTIN_NAME	"genre-rules.txt"

/* lib/genre-rules.txt, a string a line, made by the Makefile. */
extern const char *const sp_genre_builtin[];

static const char *const families[] = {
	"pop", "rock", "metal", "punk", "hip hop", "r&b", "electronic",
	"jazz", "blues", "classical", "country", "folk", "latin", "reggae",
	"world", "soundtrack", "spoken", "children", "religious",
	"easy listening", NULL
};

enum wkind { W_WHOLE, W_PREFIX, W_SUFFIX };

struct word {
	const char	*s;
	size_t		 n;
	enum wkind	 kind;
};

struct pattern {
	const char	*text;		/* as written */
	size_t		 first;		/* its words: w[first..first + n) */
	size_t		 n;
	int		 exact;		/* "=": the whole genre */
};

struct rule {
	const char	*family;
	unsigned long	 line;
	size_t		 first;		/* its patterns: p[first..first + n) */
	size_t		 n;
};

/*
 * A genre seen before and the rule and pattern it took (rule NORULE: none).
 * An artist's genres come back again and again, and matching one against
 * every pattern is most of sp-normalize's work on artists.
 */
struct slot {
	char		 key[CACHEKEY];	/* "": an empty slot */
	size_t		 rule, pat;
};

struct sp_genre_rules {
	char		*name;		/* the file, for sp_genre_explain() */
	struct slot	*cache;		/* CACHESLOTS, direct-mapped */
	char		*text;		/* the file, cut in place */
	char		*norm;		/* the patterns, normalized */
	struct word	*w;
	size_t		 nw, capw;
	struct pattern	*p;
	size_t		 np, capp;
	struct rule	*r;
	size_t		 nr, capr;
};

/* A genre cut into words. */
struct words {
	const char	*s[MAXWORDS];
	size_t		 n[MAXWORDS];
	size_t		 count;
};

int
sp_genre_is_family(const char *s)
{
	size_t i;

	for (i = 0; families[i] != NULL; i++)
		if (strcmp(s, families[i]) == 0)
			return 1;
	return 0;
}

static const char *
family(const char *s)
{
	size_t i;

	for (i = 0; families[i] != NULL; i++)
		if (strcmp(s, families[i]) == 0)
			return families[i];
	return NULL;
}

/* Lower case of Latin-1 and Latin Extended-A letters; others as they are. */
static uint32_t
lower(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 0x20;
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 0x20;
	if (c == 0x130)			/* capital I with dot above */
		return 'i';
	if (c == 0x178)			/* capital Y with diaeresis */
		return 0xFF;
	if (((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) &&
	    c % 2 == 0)
		return c + 1;
	if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) &&
	    c % 2 == 1)
		return c + 1;
	return c;
}

static size_t
utf8enc(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3F));
	o[2] = (char)(0x80 | (c >> 6 & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

int
sp_genre_norm(const char *in, size_t len, char *out, size_t outsize)
{
	char enc[4];
	size_t i = 0, o = 0, n, k;
	uint32_t c;
	int space = 0;

	while (i < len) {
		if ((n = sp_utf8_decode(in + i, len - i, &c)) == 0)
			return -1;
		i += n;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == 0xA0) {
			space = o > 0;
			continue;
		}
		if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
			return -1;
		k = utf8enc(enc, lower(c));
		if (o + space + k >= outsize)
			return -1;
		if (space)
			out[o++] = ' ';
		space = 0;
		memcpy(out + o, enc, k);
		o += k;
	}
	if (outsize == 0)
		return -1;
	out[o] = '\0';
	return (int)o;
}

/* Cut s (normalized) into words at spaces and hyphens. */
static void
cut(const char *s, struct words *ws)
{
	size_t n;

	ws->count = 0;
	while (*s != '\0' && ws->count < MAXWORDS) {
		if (*s == ' ' || *s == '-') {
			s++;
			continue;
		}
		n = strcspn(s, " -");
		ws->s[ws->count] = s;
		ws->n[ws->count++] = n;
		s += n;
	}
}

static int
wmatch(const struct word *w, const char *s, size_t n)
{
	if (n < w->n)
		return 0;
	switch (w->kind) {
	case W_PREFIX:
		return memcmp(s, w->s, w->n) == 0;
	case W_SUFFIX:
		return memcmp(s + n - w->n, w->s, w->n) == 0;
	default:
		return n == w->n && memcmp(s, w->s, n) == 0;
	}
}

static int
pmatch(const struct sp_genre_rules *r, const struct pattern *p,
    const struct words *ws)
{
	size_t at, k;

	if (p->n > ws->count || (p->exact && p->n != ws->count))
		return 0;
	for (at = 0; at + p->n <= ws->count; at++) {
		for (k = 0; k < p->n; k++)
			if (!wmatch(&r->w[p->first + k], ws->s[at + k],
			    ws->n[at + k]))
				break;
		if (k == p->n)
			return 1;
		if (p->exact)
			break;
	}
	return 0;
}

/* The rule and pattern genre takes: *rule is NORULE when none matches. */
static void
find(const struct sp_genre_rules *r, const char *genre, size_t *rule,
    size_t *pat)
{
	struct words ws;
	size_t i, k;

	*rule = NORULE;
	cut(genre, &ws);
	for (i = 0; i < r->nr; i++)
		for (k = 0; k < r->r[i].n; k++)
			if (pmatch(r, &r->p[r->r[i].first + k], &ws)) {
				*rule = i;
				*pat = r->r[i].first + k;
				return;
			}
}

const char *
sp_genre_explain(const struct sp_genre_rules *r, const char *genre,
    const char **file, unsigned long *line, const char **pattern)
{
	struct slot *sl = NULL, one;
	const unsigned char *c;
	size_t len = strlen(genre);
	uint32_t h = 2166136261u;	/* FNV-1a */

	if (len > 0 && len < CACHEKEY) {
		for (c = (const unsigned char *)genre; *c != '\0'; c++)
			h = (h ^ *c) * 16777619u;
		sl = &r->cache[h & (CACHESLOTS - 1)];
		if (strcmp(sl->key, genre) != 0) {
			find(r, genre, &sl->rule, &sl->pat);
			memcpy(sl->key, genre, len + 1);
		}
	} else {
		sl = &one;
		find(r, genre, &sl->rule, &sl->pat);
	}
	if (sl->rule == NORULE)
		return NULL;
	if (file != NULL)
		*file = r->name;
	if (line != NULL)
		*line = r->r[sl->rule].line;
	if (pattern != NULL)
		*pattern = r->p[sl->pat].text;
	return r->r[sl->rule].family;
}

const char *
sp_genre_family(const struct sp_genre_rules *r, const char *genre)
{
	return sp_genre_explain(r, genre, NULL, NULL, NULL);
}

void
sp_genre_rules_free(struct sp_genre_rules *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->cache);
	free(r->text);
	free(r->norm);
	free(r->w);
	free(r->p);
	free(r->r);
	free(r);
}

/*
 * Array a of n elements of sz bytes, with room for *cap, grown to hold
 * one more: the array (maybe moved), or NULL when out of memory (a is
 * left as it was).
 */
static void *
more(void *a, size_t *cap, size_t n, size_t sz)
{
	size_t c;

	if (n < *cap)
		return a;
	c = *cap ? *cap * 2 : 64;
	if ((a = realloc(a, c * sz)) != NULL)
		*cap = c;
	return a;
}

static char *
trim(char *s, char **end)
{
	char *e = *end;

	while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*end = e;
	*e = '\0';
	return s;
}

/*
 * One pattern, s (NUL-terminated, trimmed): its normalized copy goes to
 * the same offset of r->norm.  Returns 0, SP_FATAL_IO, or SP_USAGE with a
 * message in err.
 */
static int
pattern(struct sp_genre_rules *r, char *s, char *err, size_t errsize)
{
	struct pattern *p;
	struct word *w;
	struct words ws;
	char q[SP_QUOTE_SIZE], *norm;
	size_t k, n;
	void *a;
	int len;

	if ((a = more(r->p, &r->capp, r->np, sizeof(*r->p))) == NULL)
		return SP_FATAL_IO;
	r->p = a;
	p = &r->p[r->np];
	p->text = s;
	p->exact = *s == '=';
	norm = r->norm + (s - r->text) + p->exact;
	len = sp_genre_norm(s + p->exact, strlen(s + p->exact), norm,
	    strlen(s + p->exact) + 1);
	if (len < 0) {
		snprintf(err, errsize, "control character in pattern %s",
		    sp_quote(s, strlen(s), q));
		return SP_USAGE;
	}
	cut(norm, &ws);
	if (ws.count == 0) {
		snprintf(err, errsize, "empty pattern");
		return SP_USAGE;
	}
	if (ws.count == MAXWORDS) {
		snprintf(err, errsize, "pattern of more than %d words",
		    MAXWORDS - 1);
		return SP_USAGE;
	}
	p->first = r->nw;
	p->n = ws.count;
	for (k = 0; k < ws.count; k++) {
		if ((a = more(r->w, &r->capw, r->nw, sizeof(*r->w))) == NULL)
			return SP_FATAL_IO;
		r->w = a;
		w = &r->w[r->nw++];
		w->s = ws.s[k];
		n = ws.n[k];
		w->kind = W_WHOLE;
		if (n > 1 && w->s[0] == '*') {
			w->kind = W_SUFFIX;
			w->s++;
			n--;
		} else if (n > 1 && w->s[n - 1] == '*') {
			w->kind = W_PREFIX;
			n--;
		}
		w->n = n;
		if (memchr(w->s, '*', n) != NULL) {
			snprintf(err, errsize, "bad wildcard in %s (a word "
			    "may start or end with one *)",
			    sp_quote(ws.s[k], ws.n[k], q));
			return SP_USAGE;
		}
	}
	r->np++;
	return SP_OK;
}

/* One line, s..e (NUL at e), number line. */
static int
rule(struct sp_genre_rules *r, char *s, char *e, unsigned long line,
    char *err, size_t errsize)
{
	struct rule *ru;
	char q[SP_QUOTE_SIZE], *colon, *pe, *comma, *fam, *pats;
	void *a;
	int rc;

	if ((pe = strchr(s, '#')) != NULL) {
		e = pe;
		*e = '\0';
	}
	s = trim(s, &e);
	if (*s == '\0')
		return SP_OK;
	if ((colon = strchr(s, ':')) == NULL) {
		snprintf(err, errsize, "expected \"family: pattern, ...\"");
		return SP_USAGE;
	}
	pats = colon + 1;
	fam = trim(s, &colon);
	if ((a = more(r->r, &r->capr, r->nr, sizeof(*r->r))) == NULL)
		return SP_FATAL_IO;
	r->r = a;
	ru = &r->r[r->nr];
	if ((ru->family = family(fam)) == NULL) {
		snprintf(err, errsize, "unknown family: %s",
		    sp_quote(fam, strlen(fam), q));
		return SP_USAGE;
	}
	ru->line = line;
	ru->first = r->np;
	for (s = pats; s <= e; s = comma + 1) {
		if ((comma = strchr(s, ',')) == NULL)
			comma = e;
		pe = comma;
		if ((rc = pattern(r, trim(s, &pe), err, errsize)) != SP_OK)
			return rc;
	}
	ru->n = r->np - ru->first;
	r->nr++;
	return SP_OK;
}

/* The built-in rules as one text. */
static char *
builtin(void)
{
	char *text, *p;
	size_t i, n = 0;

	for (i = 0; sp_genre_builtin[i] != NULL; i++)
		n += strlen(sp_genre_builtin[i]) + 1;
	if ((text = p = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; sp_genre_builtin[i] != NULL; i++) {
		n = strlen(sp_genre_builtin[i]);
		memcpy(p, sp_genre_builtin[i], n);
		p[n] = '\n';
		p += n + 1;
	}
	*p = '\0';
	return text;
}

static char *
slurp(const char *path, char *err, size_t errsize)
{
	FILE *f;
	char *buf = NULL, *b;
	size_t len = 0, cap = 0, n;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsize, "%s: cannot open: %s", path,
		    strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 16384;
			if (cap > MAXFILE || (b = realloc(buf, cap + 1)) ==
			    NULL) {
				snprintf(err, errsize, "%s: %s", path,
				    cap > MAXFILE ? "too large" :
				    strerror(ENOMEM));
				goto fail;
			}
			buf = b;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errsize, "%s: read error: %s", path,
		    strerror(errno));
		goto fail;
	}
	fclose(f);
	buf[len] = '\0';
	if (strlen(buf) != len) {
		snprintf(err, errsize, "%s: not a text file", path);
		free(buf);
		return NULL;
	}
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

int
sp_genre_rules_load(const char *path, struct sp_genre_rules **out,
    char err[SP_GENRE_ERRSIZE])
{
	struct sp_genre_rules *r;
	char msg[SP_GENRE_ERRSIZE / 2], *s, *e;
	unsigned long line = 0;
	size_t len;
	int rc = SP_FATAL_IO;

	*out = NULL;
	snprintf(err, SP_GENRE_ERRSIZE, "out of memory");
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return SP_FATAL_IO;
	r->name = strdup(path != NULL ? path : BUILTIN_NAME);
	r->cache = calloc(CACHESLOTS, sizeof(*r->cache));
	if (r->name == NULL || r->cache == NULL)
		goto fail;
	if (path != NULL)
		r->text = slurp(path, err, SP_GENRE_ERRSIZE);
	else
		r->text = builtin();
	if (r->text == NULL)
		goto fail;
	len = strlen(r->text);
	if ((r->norm = malloc(len + 1)) == NULL)
		goto fail;
	for (s = r->text; *s != '\0'; s = e + 1) {
		line++;
		if ((e = strchr(s, '\n')) == NULL)
			e = s + strlen(s);
		*e = '\0';
		if ((rc = rule(r, s, e, line, msg, sizeof(msg))) != SP_OK) {
			if (rc == SP_FATAL_IO)
				snprintf(msg, sizeof(msg), "out of memory");
			snprintf(err, SP_GENRE_ERRSIZE, "%.200s:%lu: %s",
			    r->name, line, msg);
			goto fail;
		}
		if (e == r->text + len)
			break;
	}
	*out = r;
	return SP_OK;
fail:
	sp_genre_rules_free(r);
	return rc;
}
