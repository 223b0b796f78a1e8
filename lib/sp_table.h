/*
 * sp_table: the rows of a report and the writers that show them: aligned
 * text with an optional bar column, CSV (RFC 4180) and NDJSON.  A table
 * either keeps its rows (text, and rows put inside a larger JSON record)
 * or streams them (CSV and NDJSON: a row is written as soon as the next
 * one starts, so memory stays flat however many rows there are).
 * Ownership: a table owns a copy of every string it is given;
 * sp_table_free() frees them all and accepts NULL.
 */
#ifndef SP_TABLE_H
#define SP_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct sp_jsonw;

/* How a column's values are shown as text; CSV and NDJSON give the value. */
enum sp_col_kind {
	SP_COL_STR,	/* as is, control characters shown as '?' */
	SP_COL_QUOTED,	/* JSON-quoted and cut, as messages quote */
	SP_COL_INT,	/* 1234 */
	SP_COL_COUNT,	/* 1,234 */
	SP_COL_MS,	/* milliseconds, shown as 12h34m; an integer */
	SP_COL_REAL2,	/* a real with two decimals (split listens) */
	SP_COL_SHARE	/* 0-1 with four decimals; shown as 12.3% */
};

struct sp_table_col {
	const char	*key;		/* CSV heading and NDJSON key */
	const char	*head;		/* text heading; NULL: the key */
	enum sp_col_kind kind;
};

enum sp_table_fmt { SP_TABLE_TEXT, SP_TABLE_CSV, SP_TABLE_JSON };

/* How text is drawn. */
struct sp_table_style {
	const char	*indent;	/* before each line; NULL: none */
	int		 header;	/* a heading line */
	int		 left;		/* numbers left-aligned too */
	int		 maxw;		/* columns a cell may take; 0: any */
	int		 bar;		/* column drawn as a bar after the */
					/* others; -1: none */
	int		 width;		/* columns the lines may take */
	int		 utf8;		/* eighth blocks, else '#' */
	int		 color;		/* ANSI colour */
	unsigned	 hide;		/* columns (bits) not shown */
};

struct sp_table;

/* A table of ncol columns (cols must outlive it); NULL out of memory. */
struct sp_table	*sp_table_new(const struct sp_table_col *cols, int ncol);
void		 sp_table_free(struct sp_table *);

/*
 * Stream the rows to f as CSV (the heading line first) or NDJSON from now
 * on, instead of keeping them.
 */
void		 sp_table_stream(struct sp_table *, enum sp_table_fmt,
		    FILE *f);

/*
 * Start a row: every cell null until set.  Writes the previous row when
 * streaming.  Returns 0, or -1 on an allocation or write error (which
 * sticks: see sp_table_end()).
 */
int		 sp_table_row(struct sp_table *);
void		 sp_table_str(struct sp_table *, int col, const char *s);
void		 sp_table_int(struct sp_table *, int col, long long v);
void		 sp_table_real(struct sp_table *, int col, double v);

/* Rows kept (or streamed so far); drop the rows kept. */
size_t		 sp_table_nrows(const struct sp_table *);
void		 sp_table_clear(struct sp_table *);

/*
 * Write the last streamed row and flush; 0, or -1 if any allocation or
 * write failed since sp_table_new() (errno set for a write error).
 */
int		 sp_table_end(struct sp_table *);

/* The rows kept, as aligned text; 0 or -1 on a write error. */
int		 sp_table_text(const struct sp_table *, FILE *,
		    const struct sp_table_style *);

/* The rows kept, as a JSON array of objects, into an open record. */
void		 sp_table_jsonw(const struct sp_table *, struct sp_jsonw *);

/* Cell access for other writers (HTML): its text as CSV gives it. */
int		 sp_table_ncols(const struct sp_table *);
int		 sp_table_isnull(const struct sp_table *, size_t row, int col);
double		 sp_table_num(const struct sp_table *, size_t row, int col);
const char	*sp_table_cell(const struct sp_table *, size_t row, int col,
		    char buf[64]);
/* The same as text shows it, without quoting or '?' for controls. */
const char	*sp_table_shown(const struct sp_table *, size_t row, int col,
		    char buf[64]);

/* Column k's text heading, and whether its values are numbers. */
const char	*sp_table_head(const struct sp_table *, int k);
int		 sp_table_is_number(const struct sp_table *, int k);

/* Columns s takes on a terminal (wide characters count two). */
size_t		 sp_table_width(const char *s);

#endif
