/*
 * sp_refetch: --refetch of sp-audit, the live re-check: which stored
 * records are asked again (the sample's order for a seed), and the
 * comparison of each answer with the store, field by field (a track's
 * name, duration, explicit, ISRC, album, linked id, release date and
 * artists; an artist's name and genres, normalized as sp-normalize
 * keeps them), every difference a finding.  Ownership: the statements
 * (sp_auditq's) and the findings given must outlive it;
 * sp_refetch_free() frees the rest and accepts NULL.
 */
#ifndef SP_REFETCH_H
#define SP_REFETCH_H

#include <sqlite3.h>

struct sp_api;
struct sp_api_result;
struct sp_finding;
struct sp_refetch;

/* A re-check through the statements st into findings f; NULL no memory. */
struct sp_refetch *sp_refetch_new(sqlite3_stmt *const *st,
		    struct sp_finding *f);
void		 sp_refetch_free(struct sp_refetch *);

/*
 * Add n tracks and n artists of seed to api, *asked counting them.
 * SP_OK, or SP_FATAL_IO or SP_FATAL_DB, said by sp_refetch_errmsg().
 */
int		 sp_refetch_ask(struct sp_refetch *, struct sp_api *,
		    long long n, long long seed, unsigned long *asked);

/*
 * An answer against the store: each difference a finding of the check
 * begun.  SP_OK, or SP_FATAL_IO or SP_FATAL_DB (sp_refetch_errmsg()).
 */
int		 sp_refetch_compare(struct sp_refetch *,
		    const struct sp_api_result *);

const char	*sp_refetch_errmsg(const struct sp_refetch *);

#endif
