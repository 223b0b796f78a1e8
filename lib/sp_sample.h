/*
 * sp_sample: --sample of sp-audit, a repeatable random choice of the
 * store's enriched tracks and artists (sp_rank() of a seed), each with
 * what a person needs to check it against Spotify: names, artists,
 * album, release, duration, genres and their families, listening.
 * Ownership: nothing is kept; the statements are sp_auditq's.
 */
#ifndef SP_SAMPLE_H
#define SP_SAMPLE_H

#include <stdio.h>

#include <sqlite3.h>

#include "sp_auditq.h"

struct sp_jsonw;

/*
 * n tracks and n artists of seed, through the statements st: a "sample"
 * member in w, or, w NULL, text to out.  SP_OK; SP_FATAL_DB with the
 * message in err; SP_FATAL_IO when out of memory.
 */
int	sp_sample_write(sqlite3_stmt *const *st, long long n, long long seed,
	    struct sp_jsonw *w, FILE *out, char err[SP_AUDITQ_ERRSIZE]);

#endif
