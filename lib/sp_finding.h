/*
 * sp_finding: the findings of one check and its verdict.  A check is
 * begun, gets its findings (the first few kept as examples, with their
 * cells) or a share (a part of a whole), then is judged against its
 * threshold, the value rounded toward failing, and shown: one line of
 * text with its examples below, or one JSON object.  Ownership: the
 * findings own their examples; sp_finding_free() accepts NULL.  The
 * check described must outlive the findings of it.
 */
#ifndef SP_FINDING_H
#define SP_FINDING_H

#include <stdio.h>

#include <sqlite3.h>

#include "sp_table.h"

#define SP_FINDING_MAXCOLS	5	/* columns of a finding */

/* How a check compares its value with its threshold. */
enum sp_finding_kind {
	SP_FINDING_MAX,		/* a count, at most the threshold */
	SP_FINDING_MAX_PCT,	/* a share, at most the threshold */
	SP_FINDING_MIN_PCT,	/* a share, at least the threshold */
	SP_FINDING_NOTE		/* reported, never fails */
};

/* What a check judges, and the columns of its findings. */
struct sp_finding_check {
	const char		*name;
	enum sp_finding_kind	 kind;
	const char		*flag;	/* the option of its threshold */
	const char		*what;
	struct sp_table_col	 cols[SP_FINDING_MAXCOLS];
};

struct sp_finding;
struct sp_jsonw;

/* Findings that keep examples of each check; NULL out of memory. */
struct sp_finding	*sp_finding_new(long long examples);
void			 sp_finding_free(struct sp_finding *);

/* Begin check c, of threshold limit (ignored for a note). */
void	sp_finding_begin(struct sp_finding *, const struct sp_finding_check *c,
	    long long limit);

/* One more finding; its cells follow, kept for the first few. */
void	sp_finding_add(struct sp_finding *);
void	sp_finding_str(struct sp_finding *, const char *s);
void	sp_finding_int(struct sp_finding *, long long i);
/* Column i of a row, as its type says (NULL: an empty cell). */
void	sp_finding_col(struct sp_finding *, sqlite3_stmt *, int i);
/* A finding of the row's first columns, one a column of the check. */
void	sp_finding_row(struct sp_finding *, sqlite3_stmt *);

/* The share: num more of den more. */
void	sp_finding_part(struct sp_finding *, long long num, long long den);

/* Whether the check begun passes; its value as shown ("95.3%", "n/a"). */
int	sp_finding_pass(const struct sp_finding *);
char	*sp_finding_value(const struct sp_finding *, char buf[32]);

/* The check's line and its examples. */
void	sp_finding_text(struct sp_finding *, FILE *, int pass);

/*
 * The check as a JSON object: sp_finding_jsonw() opens it and writes up
 * to its count; the caller may add members; sp_finding_jsonw_end()
 * writes the examples and closes it.
 */
void	sp_finding_jsonw(const struct sp_finding *, struct sp_jsonw *,
	    int pass);
void	sp_finding_jsonw_end(const struct sp_finding *, struct sp_jsonw *);

/* Whether an example was lost (out of memory) since sp_finding_new(). */
int	sp_finding_nomem(const struct sp_finding *);

#endif
