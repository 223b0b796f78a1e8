/*
 * sp_ndjson: the record loop.  Reads NDJSON from the named files, or stdin
 * when there are none ("-" is stdin too), one line at a time in flat
 * memory, parses each line and calls back with it.  Lines that are too
 * long, not JSON or not an object are reported ("prog: FILE:LINE: ...")
 * and skipped; blank lines are ignored.  Ownership: the record and all it
 * points to live until the callback returns.
 */
#ifndef SP_NDJSON_H
#define SP_NDJSON_H

#include <stddef.h>

#include "sp_err.h"

#define SP_NDJSON_MAXLINE	(8 * 1024 * 1024)

/* Pass lines that do not start with '{' to the callback as text. */
#define SP_NDJSON_TEXT		0x1

struct sp_json;

struct sp_rec {
	struct sp_pos	 pos;
	const char	*line;		/* without the newline, NUL-terminated */
	size_t		 len;
	struct sp_json	*json;		/* parsed, root 0; NULL for a text line */
	unsigned long	 index;		/* sp_jsarray: 1-based in its array */
};

/*
 * Returns SP_OK to go on, SP_REJECTED to note a rejected record and go
 * on, or any other status to stop the loop with it.
 */
typedef int sp_ndjson_fn(struct sp_rec *, void *ctx);

/*
 * Runs the loop over argv[0..argc) (stdin if argc is 0).  An input that
 * cannot be opened is reported and the others are still read.  Returns
 * the merged status: SP_REJECTED if any line was rejected, SP_FATAL_IO on
 * an input that could not be read, the callback's stopping status, or
 * SP_SIGNALLED + signal when a signal installed with sp_signals_install()
 * arrived.  *bad (if not NULL) gets the number of lines the loop itself
 * rejected.
 */
int	sp_ndjson_each(int argc, char *argv[], int flags, sp_ndjson_fn *,
	    void *ctx, unsigned long long *bad);

/*
 * fn(ctx) is called whenever the input pauses: when nothing more has come
 * for ms milliseconds and the next read would wait.  A writer commits or
 * flushes there, so what it has taken in is out before it waits.  A
 * status other than SP_OK stops the loop with it.  NULL removes the hook.
 * A regular file never pauses: the hook is for pipes and terminals.
 */
void	sp_ndjson_idle(int (*fn)(void *), void *ctx, int ms);

#endif
