/*
 * sp_html: a report as one self-contained HTML page: semantic HTML, one
 * inline style sheet (light and dark, phone and desktop, print), charts
 * as inline SVG with a <title> on every mark, numbers in a table beside
 * each chart, no script and nothing fetched from anywhere.  Every piece
 * of text goes through sp_html_esc().  Nothing here allocates; tables
 * are read, never kept.
 */
#ifndef SP_HTML_H
#define SP_HTML_H

#include <stdio.h>

struct sp_table;

/* s with & < > " ' as character references. */
void	sp_html_esc(FILE *, const char *s);

/* The page up to the opening of <main>, and from its end. */
void	sp_html_head(FILE *, const char *title);
void	sp_html_foot(FILE *);

/* A section: <section id=ID><h2>TITLE</h2>, and its end. */
void	sp_html_section(FILE *, const char *id, const char *title);
void	sp_html_section_end(FILE *);

/*
 * Horizontal bars, one a row of t: the label from column label, the
 * length from column value, the tooltip the row's cells as shown.
 */
void	sp_html_bars(FILE *, const struct sp_table *t, int label, int value);

/* Vertical bars (a time series): the same, one column a row. */
void	sp_html_columns(FILE *, const struct sp_table *t, int label,
	    int value);

/*
 * A heat grid: rows named by column rowkey, columns by colkey (in the
 * order they first appear), shade by column value.
 */
void	sp_html_grid(FILE *, const struct sp_table *t, int rowkey,
	    int colkey, int value);

/* The rows of t as a <table>; a column whose bit is set in hide is left out. */
void	sp_html_table(FILE *, const struct sp_table *t, unsigned hide);

#endif
