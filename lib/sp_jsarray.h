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

#endif
