/*
 * sp_checks: the checks sp-audit makes of the store: the totals, then
 * each check's rows read through its statement of sp_auditq and judged
 * as findings (coverage, pending, nulls, formats, genre families,
 * plausibility, orphans, names against the export), in the order they
 * run and are shown; the refetch check is described here and run apart.
 * Ownership: the checks keep the statements and the findings given, which
 * must outlive them; sp_checks_free() frees the rest and accepts NULL.
 * Text goes to the FILE given; messages are returned, never printed.
 */
#ifndef SP_CHECKS_H
#define SP_CHECKS_H

#include <stdio.h>

#include <sqlite3.h>

/* The checks, in the order they run. */
enum sp_checks_id {
	SP_CHECKS_COVERAGE, SP_CHECKS_NOT_FOUND, SP_CHECKS_PENDING,
	SP_CHECKS_NULLS, SP_CHECKS_GENRE_FORMAT, SP_CHECKS_GENRE_DUPS,
	SP_CHECKS_GENRE_COUNT, SP_CHECKS_FAMILY_NAMES, SP_CHECKS_IDS,
	SP_CHECKS_FAMILIES, SP_CHECKS_UNMAPPED, SP_CHECKS_RELEASE_YEARS,
	SP_CHECKS_YEAR_DATE, SP_CHECKS_PRECISION, SP_CHECKS_RANGES,
	SP_CHECKS_ORPHANS, SP_CHECKS_BEFORE, SP_CHECKS_NAMES,
	SP_CHECKS_REFETCH, SP_CHECKS_N
};

/* The thresholds, one per option (--min-coverage...). */
enum sp_checks_limit {
	SP_CHECKS_MIN_COVERAGE, SP_CHECKS_MAX_NOT_FOUND,
	SP_CHECKS_MAX_PENDING, SP_CHECKS_MAX_NULLS, SP_CHECKS_MAX_FORMAT,
	SP_CHECKS_MIN_FAMILIES, SP_CHECKS_MAX_DATES, SP_CHECKS_MAX_RANGE,
	SP_CHECKS_MAX_ORPHANS, SP_CHECKS_MAX_MISMATCH, SP_CHECKS_MAX_CHANGED,
	SP_CHECKS_NLIMIT
};

struct sp_checks;
struct sp_finding;
struct sp_jsonw;

/*
 * The checks of the statements st (sp_auditq's, prepared), into findings
 * f, with the thresholds limits (SP_CHECKS_NLIMIT of them); maxyear is
 * the last plausible release year.  NULL out of memory.
 */
struct sp_checks *sp_checks_new(sqlite3_stmt *const *st, struct sp_finding *f,
		    const long long *limits, int maxyear);
void		 sp_checks_free(struct sp_checks *);

/* Count the totals; SP_OK or SP_FATAL_DB. */
int		 sp_checks_totals(struct sp_checks *);
/* The totals: text (after "Audit of path"), or a "totals" member. */
void		 sp_checks_totals_text(const struct sp_checks *, FILE *,
		    const char *path);
void		 sp_checks_totals_jsonw(const struct sp_checks *,
		    struct sp_jsonw *);

/*
 * Begin check k in the findings, its section heading to out first if it
 * opens one (out NULL: none shown).
 */
void		 sp_checks_begin(struct sp_checks *, int k, FILE *out);

/*
 * Run check k: begun, its rows read; it is then the caller's to judge
 * and show (sp_finding).  What the check shows before its findings goes
 * to out (NULL: nothing).  SP_OK, SP_FATAL_DB or SP_FATAL_IO, the
 * message in sp_checks_errmsg().
 */
int		 sp_checks_run(struct sp_checks *, int k, FILE *out);

/* The nulls check's columns, as a "columns" member. */
void		 sp_checks_nulls_jsonw(const struct sp_checks *,
		    struct sp_jsonw *);

/* The name of check k. */
const char	*sp_checks_name(int k);
/* What failed last; whether memory ran out for a value. */
const char	*sp_checks_errmsg(const struct sp_checks *);
int		 sp_checks_nomem(const struct sp_checks *);

#endif
