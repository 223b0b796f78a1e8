/*
 * sp_jsarray: stream the elements of JSON arrays (Spotify's export files)
 * one at a time, in flat memory, whatever the size of the array.  Reads
 * the named files, or stdin when there are none ("-" is stdin); one input
 * may hold several arrays one after another.  Each element that is a JSON
 * object is parsed and handed to the callback; elements that are not
 * (invalid JSON, another type, over SP_JSARRAY_MAXELEM bytes) are reported
 * as "prog: FILE:LINE: entry N: ..." and skipped.  Ownership as in
 * sp_ndjson: the record lives until the callback returns.
 */
#ifndef SP_JSARRAY_H
#define SP_JSARRAY_H

#include <sys/types.h>

#include "sp_ndjson.h"

#define SP_JSARRAY_MAXELEM	(1024 * 1024)

/*
 * The callback gets rec->pos (the line where the element starts),
 * rec->index (its 1-based position in its array) and rec->json.  Statuses,
 * the returned status and *bad (entries rejected by the loop itself, may
 * be NULL) as in sp_ndjson_each().
 */
int	sp_jsarray_each(int argc, char *argv[], sp_ndjson_fn *, void *ctx,
	    unsigned long long *bad);

/*
 * The same, one input at a time, from any source of bytes (a member of
 * an archive): rd reads like read(2) (bytes read, 0 at the end, -1 and
 * errno).  sp_jsarray_new() returns NULL when out of memory.
 * sp_jsarray_read() reads the input named name (which must live until
 * sp_jsarray_free()) to its end and returns the status so far; with
 * SP_JSARRAY_FILE an input with nothing but white space in it is an
 * error.  sp_jsarray_fail() merges a status of the caller's in.
 * sp_jsarray_free() returns the status and sets *bad as
 * sp_jsarray_each() does; it accepts NULL (and returns SP_FATAL_IO).
 */
#define SP_JSARRAY_FILE	0x1
typedef ssize_t sp_jsarray_read_fn(void *src, void *buf, size_t n);
struct sp_jsarray;
struct sp_jsarray *sp_jsarray_new(sp_ndjson_fn *, void *ctx);
int	sp_jsarray_read(struct sp_jsarray *, const char *name, int flags,
	    sp_jsarray_read_fn *rd, void *src);
int	sp_jsarray_fail(struct sp_jsarray *, int status);
int	sp_jsarray_free(struct sp_jsarray *, unsigned long long *bad);

#endif
