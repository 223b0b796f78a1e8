/*
 * sp_err: the one message convention, "sp-NAME: FILE:LINE: message" on
 * stderr.  Nothing here allocates; sp_quote() writes into the caller's
 * buffer.
 */
#ifndef SP_ERR_H
#define SP_ERR_H

#include <stddef.h>

/* Where a record came from: the input as named, and its line (1-based). */
struct sp_pos {
	const char	*file;		/* argument as given, or "stdin" */
	unsigned long	 line;		/* 0: no line */
};

/* "prog: file:line: fmt" ("prog: file: fmt" when line is 0). */
void	sp_warnx_at(const struct sp_pos *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Same, with ": strerror(errno)" appended. */
void	sp_warn_at(const struct sp_pos *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * s (len bytes) as a JSON string for a message: quoted, escaped, cut to
 * SP_QUOTE_CUT bytes with "..." after the closing quote when longer; a
 * byte that is not part of valid UTF-8 is shown as \xNN; C0 and C1
 * controls, DEL, the bidi controls (U+061C, U+200E-200F, U+202A-202E,
 * U+2066-2069) and U+2028-2029 as \uXXXX, so that no input can drive the
 * terminal or reorder the message.
 */
#define SP_QUOTE_CUT	40
#define SP_QUOTE_SIZE	(SP_QUOTE_CUT * 6 + 8)
char	*sp_quote(const char *s, size_t len, char buf[SP_QUOTE_SIZE]);

#endif
