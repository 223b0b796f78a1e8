/*
 * sp_jsarray.c: a byte scanner that cuts JSON arrays into their elements
 * (tracking strings, escapes and nesting only), then sp_json parses each
 * element on its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp.h"
#include "sp_json.h"
#include "sp_jsarray.h"

#define CHUNK	(256 * 1024)

enum state {
	TOP,		/* between arrays */
	WANT,		/* in an array, before an element or ']' */
	ELEM,		/* in an element */
	AFTER,		/* after a comma: an element must come */
	BAD		/* not an array: skip the rest of this input */
};

struct sp_jsarray {
	struct sp_rec	 rec;
	struct sp_json	*j;
	sp_ndjson_fn	*fn;
	void		*ctx;
	enum state	 state;
	char		*elem;		/* the element so far */
	size_t		 len;
	size_t		 cap;
	int		 toolong;
	size_t		 deep;		/* 1 + where it went too deep, or 0 */
	int		 depth;
	int		 instr;
	int		 esc;
	int		 seen;		/* a byte that is not white space */
	unsigned long	 line;		/* current line */
	int		 status;
	unsigned long long bad;		/* entries rejected here */
};

static int
isws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
reject(struct sp_jsarray *s, const char *msg, size_t where)
{
	if (where > 0)
		sp_warnx_at(&s->rec.pos, "entry %lu: %s at byte %zu",
		    s->rec.index, msg, where);
	else
		sp_warnx_at(&s->rec.pos, "entry %lu: %s", s->rec.index, msg);
	s->bad++;
	s->status = sp_status_merge(s->status, SP_REJECTED);
}

/* The element is complete: parse it and call back.  0, or -1 to stop. */
static int
element(struct sp_jsarray *s)
{
	size_t where;
	int e, rc;

	if (s->deep > 0) {
		reject(s, sp_json_strerror(SP_JSON_EDEPTH), s->deep);
		return 0;
	}
	if (s->toolong) {
		reject(s, "too long", 0);
		return 0;
	}
	e = sp_json_parse(s->j, s->elem, s->len, 1, &where);
	if (e == SP_JSON_ENOMEM) {
		sp_warnx_at(&s->rec.pos, "out of memory");
		s->status = sp_status_merge(s->status, SP_FATAL_IO);
		return -1;
	}
	if (e != SP_JSON_OK) {
		reject(s, sp_json_strerror(e), e == SP_JSON_ENOTOBJ ||
		    e == SP_JSON_EPART ? 0 : where + 1);
		return 0;
	}
	s->elem[s->len] = '\0';
	s->rec.line = s->elem;
	s->rec.len = s->len;
	s->rec.json = s->j;
	rc = s->fn(&s->rec, s->ctx);
	s->status = sp_status_merge(s->status, rc);
	return rc == SP_OK || rc == SP_REJECTED ? 0 : -1;
}

static int
append(struct sp_jsarray *s, char c)
{
	char *b;
	size_t cap;

	if (s->toolong || s->deep > 0)
		return 0;
	if (s->len + 1 >= SP_JSARRAY_MAXELEM) {
		s->toolong = 1;
		return 0;
	}
	if (s->len + 2 > s->cap) {
		cap = s->cap ? s->cap * 2 : 4096;
		if ((b = realloc(s->elem, cap)) == NULL)
			return -1;
		s->elem = b;
		s->cap = cap;
	}
	s->elem[s->len++] = c;
	return 0;
}

static void
begin(struct sp_jsarray *s)
{
	s->state = ELEM;
	s->len = 0;
	s->toolong = 0;
	s->deep = 0;
	s->depth = 0;
	s->instr = 0;
	s->esc = 0;
	s->rec.index++;
	s->rec.pos.line = s->line;
}

/* Feed one byte; 0, or -1 to stop this input. */
static int
feed(struct sp_jsarray *s, char c)
{
	switch (s->state) {
	case BAD:
		return 0;
	case TOP:
		if (isws((unsigned char)c))
			return 0;
		if (c == '[') {
			s->state = WANT;
			s->rec.index = 0;
			return 0;
		}
		s->rec.pos.line = s->line;
		sp_warnx_at(&s->rec.pos, "not a JSON array");
		s->bad++;	/* the whole input is unreadable */
		s->status = sp_status_merge(s->status, SP_REJECTED);
		s->state = BAD;
		return 0;
	case WANT:
	case AFTER:
		if (isws((unsigned char)c))
			return 0;
		if (c == ']' && s->state == WANT) {
			s->state = TOP;
			return 0;
		}
		if (c == ',' || c == ']') {
			s->rec.index++;
			s->rec.pos.line = s->line;
			reject(s, "missing", 0);
			s->state = c == ']' ? TOP : AFTER;
			return 0;
		}
		begin(s);
		break;
	case ELEM:
		break;
	}
	/* In an element. */
	if (s->instr) {
		if (s->esc)
			s->esc = 0;
		else if (c == '\\')
			s->esc = 1;
		else if (c == '"')
			s->instr = 0;
	} else if (c == '"')
		s->instr = 1;
	else if (c == '{' || c == '[') {
		/* Cut off at once: past this, no parse is tried. */
		if (++s->depth > SP_JSON_MAXDEPTH && s->deep == 0 &&
		    !s->toolong)
			s->deep = s->len + 1;
	}
	else if ((c == '}' || c == ']') && s->depth > 0)
		s->depth--;
	else if (s->depth == 0 && (c == ',' || c == ']')) {
		s->state = c == ',' ? AFTER : TOP;
		return element(s);
	}
	if (append(s, c) != 0) {
		sp_warnx_at(&s->rec.pos, "out of memory");
		s->status = sp_status_merge(s->status, SP_FATAL_IO);
		return -1;
	}
	return 0;
}

/* Read one input to its end. */
static void
input(struct sp_jsarray *s, int flags, sp_jsarray_read_fn *rd, void *src)
{
	char *buf;
	ssize_t n, i;
	int first = 1;

	if ((buf = malloc(CHUNK)) == NULL) {
		s->status = sp_status_merge(s->status, SP_FATAL_IO);
		return;
	}
	s->state = TOP;
	s->line = 1;
	s->seen = 0;
	s->rec.index = 0;
	for (;;) {
		n = rd(src, buf, CHUNK);
		if (n < 0 && errno == EINTR && sp_signal() == 0)
			continue;
		if (n < 0 && errno == EINTR) {
			s->status = sp_status_merge(s->status,
			    SP_SIGNALLED + sp_signal());
			break;
		}
		if (n < 0) {
			s->rec.pos.line = 0;
			sp_warn_at(&s->rec.pos, "read error");
			s->status = sp_status_merge(s->status, SP_FATAL_IO);
			break;
		}
		if (n == 0) {
			if (s->state == ELEM)
				reject(s, "truncated JSON array", 0);
			else if (s->state != TOP && s->state != BAD) {
				s->rec.pos.line = s->line;
				sp_warnx_at(&s->rec.pos, "truncated JSON "
				    "array");
				s->status = sp_status_merge(s->status,
				    SP_REJECTED);
			} else if (!s->seen && (flags & SP_JSARRAY_FILE)) {
				s->rec.pos.line = 0;
				sp_warnx_at(&s->rec.pos, "empty file: expected "
				    "a JSON array");
				s->bad++;
				s->status = sp_status_merge(s->status,
				    SP_REJECTED);
			}
			break;
		}
		i = 0;
		/* A UTF-8 byte order mark may open the file. */
		if (first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
			i = 3;
		first = 0;
		for (; i < n; i++) {
			if (!s->seen && !isws((unsigned char)buf[i]))
				s->seen = 1;
			if (feed(s, buf[i]) != 0)
				goto out;
			if (buf[i] == '\n')
				s->line++;
		}
		if (sp_signal() != 0) {
			s->status = sp_status_merge(s->status,
			    SP_SIGNALLED + sp_signal());
			break;
		}
	}
out:
	free(buf);
}

static ssize_t
fdread(void *src, void *buf, size_t n)
{
	return read(*(int *)src, buf, n);
}

struct sp_jsarray *
sp_jsarray_new(sp_ndjson_fn *fn, void *ctx)
{
	struct sp_jsarray *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->fn = fn;
	s->ctx = ctx;
	if ((s->j = sp_json_new()) == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

int
sp_jsarray_read(struct sp_jsarray *s, const char *name, int flags,
    sp_jsarray_read_fn *rd, void *src)
{
	s->rec.pos.file = name;
	s->rec.pos.line = 0;
	input(s, flags, rd, src);
	return s->status;
}

int
sp_jsarray_fail(struct sp_jsarray *s, int status)
{
	s->status = sp_status_merge(s->status, status);
	return s->status;
}

int
sp_jsarray_free(struct sp_jsarray *s, unsigned long long *bad)
{
	int status;

	if (s == NULL)
		return SP_FATAL_IO;
	status = s->status;
	if (bad != NULL)
		*bad = s->bad;
	free(s->elem);
	sp_json_free(s->j);
	free(s);
	return status;
}

int
sp_jsarray_each(int argc, char *argv[], sp_ndjson_fn *fn, void *ctx,
    unsigned long long *bad)
{
	struct sp_jsarray *s;
	const char *name;
	int i, fd, status = SP_OK, openfail = 0;

	if ((s = sp_jsarray_new(fn, ctx)) == NULL)
		return SP_FATAL_IO;
	for (i = 0; i < (argc > 0 ? argc : 1); i++) {
		name = argc > 0 ? argv[i] : "-";
		if (strcmp(name, "-") == 0) {
			fd = STDIN_FILENO;
			name = "stdin";
		} else
			fd = open(name, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			sp_warn_at(&(struct sp_pos){ name, 0 }, "cannot open");
			openfail = 1;
			continue;
		}
		status = sp_jsarray_read(s, name, fd == STDIN_FILENO ? 0 :
		    SP_JSARRAY_FILE, fdread, &fd);
		if (fd != STDIN_FILENO)
			close(fd);
		if (status != SP_OK && status != SP_REJECTED)
			break;
	}
	if (openfail)
		sp_jsarray_fail(s, SP_FATAL_IO);
	return sp_jsarray_free(s, bad);
}
