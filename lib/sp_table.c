/* sp_table.c: a report's rows, as text, CSV and NDJSON. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp.h"
#include "sp_err.h"
#include "sp_json.h"
#include "sp_jsonw.h"
#include "sp_table.h"

enum { C_NULL, C_STR, C_INT, C_REAL };

struct cell {
	int		 type;
	long long	 i;
	double		 d;
	char		*s;
};

struct sp_table {
	const struct sp_table_col *cols;
	int		 ncol;
	struct cell	*cells;		/* nrow x ncol */
	size_t		 nrow, cap;	/* rows kept, and room */
	size_t		 streamed;	/* rows written when streaming */
	enum sp_table_fmt fmt;		/* SP_TABLE_TEXT: rows are kept */
	FILE		*out;
	struct sp_jsonw	*w;
	int		 failed;
};

struct sp_table *
sp_table_new(const struct sp_table_col *cols, int ncol)
{
	struct sp_table *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->cols = cols;
	t->ncol = ncol;
	return t;
}

static void
clear_row(struct cell *c, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(c[i].s);
		memset(&c[i], 0, sizeof(c[i]));
	}
}

void
sp_table_clear(struct sp_table *t)
{
	size_t r;

	for (r = 0; r < t->nrow; r++)
		clear_row(&t->cells[r * t->ncol], t->ncol);
	t->nrow = 0;
}

void
sp_table_free(struct sp_table *t)
{
	if (t == NULL)
		return;
	sp_table_clear(t);
	free(t->cells);
	sp_jsonw_free(t->w);
	free(t);
}

static struct cell *
at(const struct sp_table *t, size_t row, int col)
{
	return &t->cells[row * t->ncol + col];
}

/*
 * Values as CSV and NDJSON give them.
 */

/* Decimals of a real of kind k. */
static int
decimals(enum sp_col_kind k)
{
	return k == SP_COL_SHARE ? 4 : k == SP_COL_REAL2 ? 2 : 0;
}

/*
 * v times 10^d, rounded half away from zero.  The values are sums of
 * fractions with small denominators, computed in floating point: a
 * value within a millionth of a half is taken for the half it is.
 */
static long long
rounded(double v, int d)
{
	double x = v;

	while (d-- > 0)
		x *= 10;
	return x < 0 ? -(long long)floor(-x + 0.5 + 1e-6) :
	    (long long)floor(x + 0.5 + 1e-6);
}

/* The cell as plain text, as CSV writes it; NULL for a null. */
const char *
sp_table_cell(const struct sp_table *t, size_t row, int col, char buf[64])
{
	const struct cell *c = at(t, row, col);
	long long q;
	int d;

	switch (c->type) {
	case C_STR:
		return c->s;
	case C_INT:
		snprintf(buf, 64, "%lld", c->i);
		return buf;
	case C_REAL:
		d = decimals(t->cols[col].kind);
		q = rounded(c->d, d);
		if (d == 0)
			snprintf(buf, 64, "%lld", q);
		else
			snprintf(buf, 64, "%s%lld.%0*lld", q < 0 ? "-" : "",
			    llabs(q) / (d == 2 ? 100 : 10000), d,
			    llabs(q) % (d == 2 ? 100 : 10000));
		return buf;
	default:
		return NULL;
	}
}

int
sp_table_ncols(const struct sp_table *t)
{
	return t->ncol;
}

int
sp_table_isnull(const struct sp_table *t, size_t row, int col)
{
	return at(t, row, col)->type == C_NULL;
}

double
sp_table_num(const struct sp_table *t, size_t row, int col)
{
	const struct cell *c = at(t, row, col);

	return c->type == C_INT ? (double)c->i : c->type == C_REAL ? c->d :
	    0.0;
}

/* RFC 4180: quoted when it holds a comma, a quote or a line break. */
static void
csv_field(FILE *f, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

static void
csv_row(struct sp_table *t, size_t row)
{
	char buf[64];
	int k;

	for (k = 0; k < t->ncol; k++) {
		if (k > 0)
			putc(',', t->out);
		csv_field(t->out, sp_table_cell(t, row, k, buf));
	}
	fputs("\r\n", t->out);
}

/* One row as a JSON object into w. */
static void
json_row(const struct sp_table *t, size_t row, struct sp_jsonw *w)
{
	const struct cell *c;
	long long q;
	int k, d;

	sp_jsonw_obj(w);
	for (k = 0; k < t->ncol; k++) {
		c = at(t, row, k);
		sp_jsonw_key(w, t->cols[k].key);
		switch (c->type) {
		case C_STR:
			sp_jsonw_strz(w, c->s);
			break;
		case C_INT:
			sp_jsonw_int(w, c->i);
			break;
		case C_REAL:
			d = decimals(t->cols[k].kind);
			q = rounded(c->d, d);
			if (d == 0)
				sp_jsonw_int(w, q);
			else
				sp_jsonw_real(w, (double)q / (d == 2 ? 100 :
				    10000), d);
			break;
		default:
			sp_jsonw_null(w);
		}
	}
	sp_jsonw_end(w);
}

void
sp_table_jsonw(const struct sp_table *t, struct sp_jsonw *w)
{
	size_t r;

	sp_jsonw_arr(w);
	for (r = 0; r < t->nrow; r++)
		json_row(t, r, w);
	sp_jsonw_end(w);
}

/* Write the one row kept when streaming, and drop it. */
static void
flush_row(struct sp_table *t)
{
	if (t->nrow == 0)
		return;
	if (t->fmt == SP_TABLE_CSV)
		csv_row(t, 0);
	else {
		sp_jsonw_reset(t->w);
		json_row(t, 0, t->w);
		if (sp_jsonw_write(t->w, t->out) != 0)
			t->failed = 1;
	}
	if (ferror(t->out))
		t->failed = 1;
	t->streamed++;
	sp_table_clear(t);
}

void
sp_table_stream(struct sp_table *t, enum sp_table_fmt fmt, FILE *f)
{
	int k;

	t->fmt = fmt;
	t->out = f;
	if (fmt == SP_TABLE_JSON && t->w == NULL &&
	    (t->w = sp_jsonw_new()) == NULL)
		t->failed = 1;
	if (fmt != SP_TABLE_CSV)
		return;
	for (k = 0; k < t->ncol; k++) {
		if (k > 0)
			putc(',', f);
		csv_field(f, t->cols[k].key);
	}
	fputs("\r\n", f);
}

int
sp_table_row(struct sp_table *t)
{
	struct cell *p;
	size_t cap;

	if (t->fmt != SP_TABLE_TEXT)
		flush_row(t);
	if (t->nrow == t->cap) {
		cap = t->cap ? t->cap * 2 : 16;
		if ((p = reallocarray(t->cells, cap * t->ncol,
		    sizeof(*p))) == NULL) {
			t->failed = 1;
			return -1;
		}
		t->cells = p;
		t->cap = cap;
	}
	memset(at(t, t->nrow, 0), 0, t->ncol * sizeof(*p));
	t->nrow++;
	return t->failed ? -1 : 0;
}

/* The cell col of the row begun; NULL when none is. */
static struct cell *
cur(struct sp_table *t, int col)
{
	if (t->nrow == 0 || col < 0 || col >= t->ncol)
		return NULL;
	return at(t, t->nrow - 1, col);
}

void
sp_table_str(struct sp_table *t, int col, const char *s)
{
	struct cell *c;

	if ((c = cur(t, col)) == NULL || s == NULL)
		return;
	free(c->s);
	if ((c->s = strdup(s)) == NULL) {
		t->failed = 1;
		c->type = C_NULL;
		return;
	}
	c->type = C_STR;
}

void
sp_table_int(struct sp_table *t, int col, long long v)
{
	struct cell *c;

	if ((c = cur(t, col)) == NULL)
		return;
	c->type = C_INT;
	c->i = v;
}

void
sp_table_real(struct sp_table *t, int col, double v)
{
	struct cell *c;

	if ((c = cur(t, col)) == NULL)
		return;
	c->type = isfinite(v) ? C_REAL : C_NULL;
	c->d = v;
}

size_t
sp_table_nrows(const struct sp_table *t)
{
	return t->fmt == SP_TABLE_TEXT ? t->nrow : t->streamed + t->nrow;
}

int
sp_table_end(struct sp_table *t)
{
	if (t->fmt != SP_TABLE_TEXT) {
		flush_row(t);
		if (fflush(t->out) != 0)
			t->failed = 1;
	}
	return t->failed ? -1 : 0;
}

/*
 * Text.
 */

struct range {
	uint32_t	 lo, hi;
};

/* Code points a terminal draws in no column: marks, joiners, bidi. */
static const struct range zero[] = {
	{ 0x0300, 0x036F }, { 0x200B, 0x200F }, { 0x202A, 0x202E },
	{ 0x2060, 0x206F }, { 0x20D0, 0x20FF }, { 0xFE00, 0xFE0F },
	{ 0xFEFF, 0xFEFF },
};

/* ... and in two: East Asian wide, and emoji (as wcwidth() has them). */
static const struct range wide[] = {
	{ 0x1100, 0x115F }, { 0x231A, 0x231B }, { 0x23E9, 0x23EC },
	{ 0x23F0, 0x23F0 }, { 0x23F3, 0x23F3 }, { 0x25FD, 0x25FE },
	{ 0x2614, 0x2615 }, { 0x2648, 0x2653 }, { 0x267F, 0x267F },
	{ 0x2693, 0x2693 }, { 0x26A1, 0x26A1 }, { 0x26AA, 0x26AB },
	{ 0x26BD, 0x26BE }, { 0x26C4, 0x26C5 }, { 0x26CE, 0x26CE },
	{ 0x26D4, 0x26D4 }, { 0x26EA, 0x26EA }, { 0x26F2, 0x26F3 },
	{ 0x26F5, 0x26F5 }, { 0x26FA, 0x26FA }, { 0x26FD, 0x26FD },
	{ 0x2705, 0x2705 }, { 0x270A, 0x270B }, { 0x2728, 0x2728 },
	{ 0x274C, 0x274C }, { 0x274E, 0x274E }, { 0x2753, 0x2755 },
	{ 0x2757, 0x2757 }, { 0x2795, 0x2797 }, { 0x27B0, 0x27B0 },
	{ 0x27BF, 0x27BF }, { 0x2B1B, 0x2B1C }, { 0x2B50, 0x2B50 },
	{ 0x2B55, 0x2B55 }, { 0x2E80, 0x303E }, { 0x3041, 0x33FF },
	{ 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF },
	{ 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFE30, 0xFE4F },
	{ 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x1F004, 0x1F004 },
	{ 0x1F0CF, 0x1F0CF }, { 0x1F18E, 0x1F18E }, { 0x1F191, 0x1F19A },
	{ 0x1F200, 0x1F251 }, { 0x1F300, 0x1F64F }, { 0x1F680, 0x1F6FF },
	{ 0x1F7E0, 0x1F7EB }, { 0x1F90C, 0x1F9FF }, { 0x1FA70, 0x1FAFF },
	{ 0x20000, 0x3FFFD },
};

static int
in(const struct range *r, size_t n, uint32_t c)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c < r[mid].lo)
			hi = mid;
		else if (c > r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static int
cpwidth(uint32_t c)
{
	if (in(zero, sizeof(zero) / sizeof(zero[0]), c))
		return 0;
	return in(wide, sizeof(wide) / sizeof(wide[0]), c) ? 2 : 1;
}

/*
 * What a terminal must not be sent from data: C0 and C1 controls, and
 * the bidi controls that would reorder what follows.
 */
static int
unsafe(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x200E ||
	    c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
	    (c >= 0x2066 && c <= 0x2069);
}

size_t
sp_table_width(const char *s)
{
	size_t n = 0, len = strlen(s), k;
	uint32_t cp;

	while (len > 0) {
		if ((k = sp_utf8_decode(s, len, &cp)) == 0) {
			k = 1;		/* a stray byte: one column */
			cp = '?';
		}
		n += cpwidth(cp);
		s += k;
		len -= k;
	}
	return n;
}

/* The cell as text shows it. */
const char *
sp_table_shown(const struct sp_table *t, size_t row, int col, char buf[64])
{
	const struct cell *c = at(t, row, col);
	enum sp_col_kind kind = t->cols[col].kind;
	double v;

	if (c->type == C_NULL)
		return "-";
	if (c->type == C_STR)
		return c->s;
	v = c->type == C_INT ? (double)c->i : c->d;
	switch (kind) {
	case SP_COL_MS:
		return sp_fmt_secs(llround(v) / 1000, buf);
	case SP_COL_COUNT:
	case SP_COL_REAL2:
		return sp_fmt_count(v < 0 ? 0 : (unsigned long long)llround(v),
		    buf);
	case SP_COL_SHARE:
		snprintf(buf, 64, "%.1f%%", v * 100);
		return buf;
	default:
		if (c->type == C_INT)
			snprintf(buf, 64, "%lld", c->i);
		else
			snprintf(buf, 64, "%.2f", v);
		return buf;
	}
}

/*
 * The cell as text writes it: quoted where asked; else unsafe code points
 * and stray bytes as '?', cut to st->maxw columns (if set) with an
 * ellipsis, and never past the buffer or inside a character.
 */
static const char *
text_cell(const struct sp_table *t, size_t row, int col,
    const struct sp_table_style *st, char buf[SP_QUOTE_SIZE])
{
	const struct cell *c = at(t, row, col);
	const char *s, *dots = st->utf8 ? "\u2026" : "...";
	char num[64];
	size_t len, k, o = 0, w = 0, max;
	uint32_t cp;
	int cw;

	if (c->type == C_STR && t->cols[col].kind == SP_COL_QUOTED)
		return sp_quote(c->s, strlen(c->s), buf);
	s = sp_table_shown(t, row, col, num);
	len = strlen(s);
	max = st->maxw > 0 && sp_table_width(s) > (size_t)st->maxw ?
	    (size_t)st->maxw - strlen(st->utf8 ? "x" : "...") : (size_t)-1;
	while (len > 0) {
		if ((k = sp_utf8_decode(s, len, &cp)) == 0 || unsafe(cp)) {
			cp = '?';
			k = k == 0 ? 1 : k;
		}
		cw = cpwidth(cp);
		if (w + cw > max || o + k + 4 >= SP_QUOTE_SIZE) {
			memcpy(buf + o, dots, strlen(dots));
			o += strlen(dots);
			break;
		}
		if (cp == '?' && k > 0 && *s != '?')
			buf[o++] = '?';
		else
			memcpy(buf + o, s, k), o += k;
		w += cw;
		s += k;
		len -= k;
	}
	buf[o] = '\0';
	return buf;
}

const char *
sp_table_head(const struct sp_table *t, int k)
{
	return t->cols[k].head != NULL ? t->cols[k].head : t->cols[k].key;
}

int
sp_table_is_number(const struct sp_table *t, int k)
{
	return t->cols[k].kind != SP_COL_STR &&
	    t->cols[k].kind != SP_COL_QUOTED;
}

/* Whether column k is aligned right: numbers, unless st says. */
static int
right(const struct sp_table *t, const struct sp_table_style *st, int k)
{
	return !st->left && sp_table_is_number(t, k);
}

static int
hidden(const struct sp_table_style *st, int k)
{
	return k < 32 && (st->hide & (1u << k));
}

static void
pad(FILE *f, size_t n)
{
	while (n-- > 0)
		putc(' ', f);
}

/* A bar of v / max of w columns, in eighths when utf8. */
static void
bar(FILE *f, double v, double max, int w, const struct sp_table_style *st)
{
	static const char *const eighth[] = { "", "\u258F", "\u258E",
	    "\u258D", "\u258C", "\u258B", "\u258A", "\u2589" };
	long long n, i;

	if (max <= 0 || v <= 0 || w <= 0)
		return;
	if (st->color)
		fputs("\033[36m", f);
	if (st->utf8) {
		n = llround(v / max * w * 8);
		for (i = 0; i < n / 8; i++)
			fputs("\u2588", f);
		fputs(eighth[n % 8], f);
	} else {
		n = llround(v / max * w);
		for (i = 0; i < n; i++)
			putc('#', f);
	}
	if (st->color)
		fputs("\033[0m", f);
}

int
sp_table_text(const struct sp_table *t, FILE *f,
    const struct sp_table_style *st)
{
	char buf[SP_QUOTE_SIZE];
	const char *s, *ind = st->indent != NULL ? st->indent : "";
	size_t *w, r, n, used;
	double max = 0;
	int k, last, bw;

	if ((w = calloc(t->ncol, sizeof(*w))) == NULL)
		return -1;
	for (k = 0; k < t->ncol; k++)
		if (st->header)
			w[k] = sp_table_width(sp_table_head(t, k));
	for (r = 0; r < t->nrow; r++)
		for (k = 0; k < t->ncol; k++) {
			if ((n = sp_table_width(text_cell(t, r, k, st,
			    buf))) > w[k])
				w[k] = n;
			if (k == st->bar && sp_table_num(t, r, k) > max)
				max = sp_table_num(t, r, k);
		}
	for (last = t->ncol - 1; last > 0 && hidden(st, last); last--)
		;
	used = strlen(ind);
	for (k = 0; k < t->ncol; k++)
		if (!hidden(st, k))
			used += w[k] + 2;
	bw = st->bar >= 0 ? st->width - (int)used : 0;
	if (bw < 10 && st->bar >= 0)
		bw = 10;
	for (r = 0; r < t->nrow + (st->header != 0); r++) {
		int head = st->header && r == 0;
		size_t row = r - (st->header != 0);

		fputs(ind, f);
		if (head && st->color)
			fputs("\033[1m", f);
		for (k = 0; k < t->ncol; k++) {
			if (hidden(st, k))
				continue;
			s = head ? sp_table_head(t, k) :
			    text_cell(t, row, k, st, buf);
			n = sp_table_width(s);
			if (right(t, st, k))
				pad(f, w[k] - n);
			fputs(s, f);
			/* No blanks at the end of a line. */
			if (k < last || (st->bar >= 0 && !head))
				pad(f, (right(t, st, k) ? 0 : w[k] - n) + 2);
		}
		if (head && st->color)
			fputs("\033[0m", f);
		if (!head && st->bar >= 0)
			bar(f, sp_table_num(t, row, st->bar), max, bw, st);
		putc('\n', f);
	}
	free(w);
	return ferror(f) ? -1 : 0;
}
