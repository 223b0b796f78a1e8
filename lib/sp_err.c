/* sp_err.c: "prog: file:line: message" on stderr. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sp_err.h"
#include "sp_json.h"

/*
 * On a terminal, a message starts by going back to the start of the line
 * and clearing it: whatever another program left there without a newline
 * (sp-fetch's progress line) gives way, and is drawn again after.
 */
static int
clean_line(void)
{
	static int tty = -1;

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	return tty;
}

/*
 * The whole message in one write, so that programs sharing a terminal
 * cannot cut into each other's lines; a message too long for the buffer
 * is cut, never its newline.
 */
static void
vwarn_at(const struct sp_pos *pos, int errnum, const char *fmt, va_list ap)
{
	char msg[1024], where[512], line[2048];
	int n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	where[0] = '\0';
	if (pos != NULL && pos->file != NULL && pos->line > 0)
		snprintf(where, sizeof(where), "%s:%lu: ", pos->file,
		    pos->line);
	else if (pos != NULL && pos->file != NULL)
		snprintf(where, sizeof(where), "%s: ", pos->file);
	n = snprintf(line, sizeof(line), "%s%s: %s%s%s%s\n",
	    clean_line() ? "\r\033[K" : "", program_invocation_short_name,
	    where, msg, errnum ? ": " : "", errnum ? strerror(errnum) : "");
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		line[sizeof(line) - 2] = '\n';
	fputs(line, stderr);
	fflush(stderr);
}

void
sp_warnx_at(const struct sp_pos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_at(pos, 0, fmt, ap);
	va_end(ap);
}

void
sp_warn_at(const struct sp_pos *pos, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vwarn_at(pos, e, fmt, ap);
	va_end(ap);
}

/*
 * Code points a terminal acts on or that reorder what follows: C1
 * controls (U+009B is CSI), the bidi marks, embeddings, overrides and
 * isolates, and the line and paragraph separators.
 */
static int
invisible(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c ||
	    cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

char *
sp_quote(const char *s, size_t len, char buf[SP_QUOTE_SIZE])
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n, j = 0, q;
	unsigned char c;
	uint32_t cp;

	n = len > SP_QUOTE_CUT ? SP_QUOTE_CUT : len;
	/* Do not cut a UTF-8 sequence in two. */
	if (n < len)
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	buf[j++] = '"';
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf[j++] = '\\';
			buf[j++] = (char)c;
		} else if (c >= 0x80) {
			/* Valid UTF-8 as is; a stray byte as \xNN. */
			q = sp_utf8_decode(s + i, n - i, &cp);
			if (q > 0 && invisible(cp)) {
				/* A terminal would act on it: escape it. */
				j += (size_t)sprintf(buf + j, "\\u%04x",
				    (unsigned)cp);
				i += q - 1;
			} else if (q > 0) {
				memcpy(buf + j, s + i, q);
				j += q;
				i += q - 1;
			} else {
				buf[j++] = '\\';
				buf[j++] = 'x';
				buf[j++] = hex[c >> 4];
				buf[j++] = hex[c & 0xf];
			}
		} else if (c < 0x20 || c == 0x7f) {
			buf[j++] = '\\';
			buf[j++] = 'u';
			buf[j++] = '0';
			buf[j++] = '0';
			buf[j++] = hex[c >> 4];
			buf[j++] = hex[c & 0xf];
		} else
			buf[j++] = (char)c;
	}
	buf[j++] = '"';
	if (n < len) {
		memcpy(buf + j, "...", 3);
		j += 3;
	}
	buf[j] = '\0';
	return buf;
}
