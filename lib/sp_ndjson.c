/*
 * sp_ndjson.c: the record loop.  Reads with read(2) into one buffer that
 * grows to the longest line seen (at most SP_NDJSON_MAXLINE), so memory is
 * flat and a signal interrupts a blocked read.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp.h"
#include "sp_json.h"
#include "sp_ndjson.h"

#define CHUNK	(64 * 1024)

struct reader {
	int		 fd;
	char		*buf;
	size_t		 cap;
	size_t		 beg;	/* start of unread data */
	size_t		 end;	/* end of data */
	int		 eof;
	int		 idlestatus;	/* what the idle hook stopped with */
};

static int	(*idlefn)(void *);
static void	*idlectx;
static int	 idlems;

void
sp_ndjson_idle(int (*fn)(void *), void *ctx, int ms)
{
	idlefn = fn;
	idlectx = ctx;
	idlems = ms;
}

/*
 * Before a read of r: if the input has paused (nothing to read now, nor
 * after idlems), call the idle hook.  Returns 0 to read, -3 for a signal,
 * -4 when the hook said to stop (r->idlestatus).
 */
static int
idle(struct reader *r)
{
	struct pollfd p;
	int n;

	if (idlefn == NULL)
		return 0;
	p.fd = r->fd;
	p.events = POLLIN;
	p.revents = 0;
	if ((n = poll(&p, 1, 0)) == 0)
		n = poll(&p, 1, idlems);
	if (n == 0 && (r->idlestatus = idlefn(idlectx)) != SP_OK)
		return -4;
	/* A signal during the wait or the hook ends the loop here. */
	if (sp_signal() != 0)
		return -3;
	return 0;
}

/*
 * Next line into *line and *len (NUL-terminated, newline removed).  Returns 1
 * for a line, 0 at end of input, -1 on a read error (errno), -2 for a
 * line over the limit (skipped up to its newline; *len is its length so
 * far), -3 when interrupted by a signal, -4 when the idle hook said to
 * stop (r->idlestatus).
 */
static int
nextline(struct reader *r, char **line, size_t *len)
{
	char *nl, *b;
	size_t scan = r->beg, skipped = 0;
	ssize_t n;

	for (;;) {
		nl = r->buf == NULL ? NULL : memchr(r->buf + scan, '\n',
		    r->end - scan);
		if (nl != NULL || (r->eof && r->end > r->beg)) {
			if (nl == NULL)
				nl = r->buf + r->end;
			*line = r->buf + r->beg;
			*len = (size_t)(nl - *line);
			r->beg = (size_t)(nl - r->buf) +
			    (nl < r->buf + r->end);
			*nl = '\0';
			if (skipped > 0 || *len > SP_NDJSON_MAXLINE) {
				*len += skipped;
				return -2;
			}
			return 1;
		}
		if (r->eof)
			return 0;
		if (r->end - r->beg > SP_NDJSON_MAXLINE) {
			/* Too long: drop what we have, keep scanning. */
			skipped += r->end - r->beg;
			r->beg = r->end = 0;
		}
		/* Keep only the line being read: memory stays flat. */
		if (r->beg > 0) {
			memmove(r->buf, r->buf + r->beg, r->end - r->beg);
			r->end -= r->beg;
			r->beg = 0;
		}
		if (r->cap - r->end < CHUNK) {
			size_t cap = r->cap ? r->cap * 2 : 2 * CHUNK;

			if ((b = realloc(r->buf, cap + 1)) == NULL)
				return -1;
			r->buf = b;
			r->cap = cap;
		}
		scan = r->end;
		if ((n = idle(r)) != 0)
			return (int)n;
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n < 0) {
			if (errno == EINTR && sp_signal() != 0)
				return -3;
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			r->eof = 1;
		r->end += (size_t)n;
	}
}

static int
blank(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r')) {
		s++;
		n--;
	}
	return n == 0;
}

/* One input; returns the merged status so far. */
static int
each(struct reader *r, const char *name, struct sp_json *j, int flags,
    sp_ndjson_fn *fn, void *ctx, int status, unsigned long long *bad)
{
	struct sp_rec rec;
	size_t len, where;
	char *line;
	int rc, e;

	rec.pos.file = name;
	rec.pos.line = 0;
	for (;;) {
		rc = nextline(r, &line, &len);
		if (rc == 0)
			break;
		if (rc == -3)
			return sp_status_merge(status,
			    SP_SIGNALLED + sp_signal());
		if (rc == -4)
			return sp_status_merge(status, r->idlestatus);
		if (rc == -1) {
			rec.pos.line = 0;
			sp_warn_at(&rec.pos, "read error");
			return sp_status_merge(status, SP_FATAL_IO);
		}
		rec.pos.line++;
		if (rc == -2) {
			sp_warnx_at(&rec.pos, "line too long (%zu bytes, the "
			    "limit is %d)", len, SP_NDJSON_MAXLINE);
			(*bad)++;
			status = sp_status_merge(status, SP_REJECTED);
			continue;
		}
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (blank(line, len))
			continue;
		rec.line = line;
		rec.len = len;
		rec.json = NULL;
		if ((flags & SP_NDJSON_TEXT) == 0 || line[strspn(line,
		    " \t")] == '{') {
			e = sp_json_parse(j, line, len, 1, &where);
			if (e == SP_JSON_ENOMEM) {
				sp_warnx_at(&rec.pos, "out of memory");
				return sp_status_merge(status, SP_FATAL_IO);
			}
			if (e != SP_JSON_OK) {
				if (e == SP_JSON_EPART || e == SP_JSON_ENOTOBJ)
					sp_warnx_at(&rec.pos, "%s",
					    e == SP_JSON_EPART ? "truncated "
					    "JSON record" : "not a JSON "
					    "object");
				else
					sp_warnx_at(&rec.pos, "%s at byte "
					    "%zu", sp_json_strerror(e),
					    where + 1);
				(*bad)++;
				status = sp_status_merge(status,
				    SP_REJECTED);
				continue;
			}
			rec.json = j;
		}
		rc = fn(&rec, ctx);
		status = sp_status_merge(status, rc);
		if (rc != SP_OK && rc != SP_REJECTED)
			return status;
		if (sp_signal() != 0)
			return sp_status_merge(status,
			    SP_SIGNALLED + sp_signal());
	}
	return status;
}

int
sp_ndjson_each(int argc, char *argv[], int flags, sp_ndjson_fn *fn,
    void *ctx, unsigned long long *bad)
{
	struct reader r;
	struct sp_json *j;
	struct sp_pos pos;
	unsigned long long nbad = 0;
	int i, status = SP_OK, openfail = 0;
	const char *name;

	if ((j = sp_json_new()) == NULL)
		return SP_FATAL_IO;
	memset(&r, 0, sizeof(r));
	for (i = 0; i < (argc > 0 ? argc : 1); i++) {
		name = argc > 0 ? argv[i] : "-";
		r.beg = r.end = 0;
		r.eof = 0;
		if (strcmp(name, "-") == 0) {
			r.fd = STDIN_FILENO;
			name = "stdin";
		} else if ((r.fd = open(name, O_RDONLY | O_CLOEXEC)) < 0) {
			pos.file = name;
			pos.line = 0;
			sp_warn_at(&pos, "cannot open");
			openfail = 1;
			continue;
		}
		status = each(&r, name, j, flags, fn, ctx, status, &nbad);
		if (r.fd != STDIN_FILENO)
			close(r.fd);
		if (status != SP_OK && status != SP_REJECTED)
			break;
	}
	free(r.buf);
	sp_json_free(j);
	if (bad != NULL)
		*bad = nbad;
	if (openfail)
		status = sp_status_merge(status, SP_FATAL_IO);
	return status;
}
