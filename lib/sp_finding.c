/* sp_finding.c: the findings of a check, judged and shown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "sp.h"
#include "sp_finding.h"
#include "sp_jsonw.h"
#include "sp_table.h"

#define INDENT		"        "

struct sp_finding {
	long long		 examples;	/* kept per check */
	const struct sp_finding_check *c;	/* the check begun */
	long long		 limit;
	unsigned long long	 count;		/* findings */
	long long		 num, den;	/* a share */
	struct sp_table		*ex;		/* the examples kept */
	size_t			 nex;		/* examples kept */
	int			 ncell;		/* cells of the last one */
	int			 keep;		/* the last finding is kept */
	int			 nomem;		/* an example was lost */
};

struct sp_finding *
sp_finding_new(long long examples)
{
	struct sp_finding *f;

	if ((f = calloc(1, sizeof(*f))) != NULL)
		f->examples = examples;
	return f;
}

void
sp_finding_free(struct sp_finding *f)
{
	if (f == NULL)
		return;
	sp_table_free(f->ex);
	free(f);
}

static int
ncols(const struct sp_finding_check *c)
{
	int n;

	for (n = 0; n < SP_FINDING_MAXCOLS && c->cols[n].key != NULL; n++)
		;
	return n;
}

void
sp_finding_begin(struct sp_finding *f, const struct sp_finding_check *c,
    long long limit)
{
	f->c = c;
	f->limit = limit;
	f->count = 0;
	f->num = f->den = 0;
	f->nex = 0;
	f->keep = 0;
	sp_table_free(f->ex);
	if ((f->ex = sp_table_new(c->cols, ncols(c))) == NULL)
		f->nomem = 1;
}

void
sp_finding_add(struct sp_finding *f)
{
	f->count++;
	f->keep = f->ex != NULL && f->nex < (size_t)f->examples;
	if (f->keep) {
		if (sp_table_row(f->ex) != 0)
			f->nomem = 1;
		f->nex++;
		f->ncell = 0;
	}
}

/* The column of the next cell of the finding kept; -1: not kept. */
static int
nextcell(struct sp_finding *f)
{
	if (!f->keep || f->ncell == SP_FINDING_MAXCOLS)
		return -1;
	return f->ncell++;
}

void
sp_finding_str(struct sp_finding *f, const char *s)
{
	int k;

	if ((k = nextcell(f)) >= 0)
		sp_table_str(f->ex, k, s);
}

void
sp_finding_int(struct sp_finding *f, long long i)
{
	int k;

	if ((k = nextcell(f)) >= 0)
		sp_table_int(f->ex, k, i);
}

void
sp_finding_col(struct sp_finding *f, sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		(void)nextcell(f);
		break;
	case SQLITE_INTEGER:
		sp_finding_int(f, sqlite3_column_int64(st, i));
		break;
	default:
		sp_finding_str(f, (const char *)sqlite3_column_text(st, i));
	}
}

void
sp_finding_row(struct sp_finding *f, sqlite3_stmt *st)
{
	int i, n = ncols(f->c);

	sp_finding_add(f);
	for (i = 0; i < n; i++)
		sp_finding_col(f, st, i);
}

void
sp_finding_part(struct sp_finding *f, long long num, long long den)
{
	f->num += num;
	f->den += den;
}

/* A share in hundredths of a percent, rounded toward failing. */
static long long
hundredths(long long num, long long den, int up)
{
	return (num * 10000 + (up ? den - 1 : 0)) / den;
}

int
sp_finding_pass(const struct sp_finding *f)
{
	switch (f->c->kind) {
	case SP_FINDING_MAX:
		return f->count <= (unsigned long long)f->limit;
	case SP_FINDING_MAX_PCT:
		return f->den == 0 || f->num * 100 <= f->limit * f->den;
	case SP_FINDING_MIN_PCT:
		return f->den == 0 || f->num * 100 >= f->limit * f->den;
	default:
		return 1;
	}
}

char *
sp_finding_value(const struct sp_finding *f, char buf[32])
{
	enum sp_finding_kind kind = f->c->kind;
	long long h;

	if (kind == SP_FINDING_MAX || kind == SP_FINDING_NOTE)
		sp_fmt_count(f->count, buf);
	else if (f->den == 0)
		strcpy(buf, "n/a");
	else {
		h = hundredths(f->num, f->den, kind == SP_FINDING_MAX_PCT);
		/* Tenths, rounded toward failing too. */
		h = kind == SP_FINDING_MAX_PCT ? (h + 9) / 10 : h / 10;
		snprintf(buf, 32, "%lld.%lld%%", h / 10, h % 10);
	}
	return buf;
}

void
sp_finding_text(struct sp_finding *f, FILE *out, int pass)
{
	static const struct sp_table_style style = { .indent = INDENT,
	    .bar = -1, .left = 1 };
	const struct sp_finding_check *c = f->c;
	char value[32], limit[32], num[32];

	sp_finding_value(f, value);
	if (c->kind == SP_FINDING_NOTE)
		limit[0] = '\0';
	else
		snprintf(limit, sizeof(limit), "%s %lld%s", c->kind ==
		    SP_FINDING_MIN_PCT ? "min" : "max", f->limit, c->kind ==
		    SP_FINDING_MAX ? "" : "%");
	fprintf(out, "  %-4s  %-16s %7s  %-8s  %s\n", c->kind ==
	    SP_FINDING_NOTE ? "note" : pass ? "ok" : "FAIL", c->name, value,
	    limit, c->what);
	if (f->ex != NULL && sp_table_text(f->ex, out, &style) != 0)
		f->nomem = 1;
	if (f->count > f->nex)
		fprintf(out, INDENT "... and %s more\n",
		    sp_fmt_count(f->count - f->nex, num));
}

void
sp_finding_jsonw(const struct sp_finding *f, struct sp_jsonw *w, int pass)
{
	const struct sp_finding_check *c = f->c;
	int count = c->kind == SP_FINDING_MAX || c->kind == SP_FINDING_NOTE;

	sp_jsonw_obj(w);
	sp_jsonw_kstr(w, "name", c->name);
	sp_jsonw_kstr(w, "what", c->what);
	sp_jsonw_key(w, "value");
	if (count)
		sp_jsonw_int(w, (long long)f->count);
	else if (f->den == 0)
		sp_jsonw_null(w);
	else
		sp_jsonw_real(w, (double)hundredths(f->num, f->den,
		    c->kind == SP_FINDING_MAX_PCT) / 100.0, 2);
	sp_jsonw_kstr(w, "unit", count ? "count" : "percent");
	sp_jsonw_kstr(w, "limit", c->kind == SP_FINDING_NOTE ? NULL :
	    c->kind == SP_FINDING_MIN_PCT ? "min" : "max");
	sp_jsonw_key(w, "threshold");
	if (c->kind != SP_FINDING_NOTE)
		sp_jsonw_int(w, f->limit);
	else
		sp_jsonw_null(w);
	sp_jsonw_kstr(w, "flag", c->flag);
	sp_jsonw_key(w, "pass");
	sp_jsonw_bool(w, pass);
	if (!count) {
		sp_jsonw_kint(w, "numerator", f->num);
		sp_jsonw_kint(w, "denominator", f->den);
	}
	sp_jsonw_kint(w, "count", (long long)f->count);
}

void
sp_finding_jsonw_end(const struct sp_finding *f, struct sp_jsonw *w)
{
	sp_jsonw_key(w, "examples");
	if (f->ex != NULL)
		sp_table_jsonw(f->ex, w);
	else
		sp_jsonw_null(w);
	sp_jsonw_kint(w, "more", (long long)(f->count - f->nex));
	sp_jsonw_end(w);
}

int
sp_finding_nomem(const struct sp_finding *f)
{
	return f->nomem;
}
