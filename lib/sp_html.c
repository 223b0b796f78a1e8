/* sp_html.c: a report as one self-contained page. */
#include <stdio.h>
#include <string.h>

#include "sp_html.h"
#include "sp_table.h"

#define BARS_W		520	/* the bar chart's width in its units */
#define BAR_H		22	/* one bar and its gap */
#define LABEL_W		210	/* room for the labels */
#define LABEL_MAX	24	/* characters of a label drawn (wide ones */
				/* count two) */

static const char css[] =
":root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fdfdfc;--muted:#66666b;"
"--bar:#2f7d6b;--bar2:#c8e6dd;--line:#e2e2e0;--warn:#9a5b00}\n"
"@media (prefers-color-scheme:dark){:root{--fg:#ececea;--bg:#151517;"
"--muted:#a0a0a6;--bar:#5cc2a8;--bar2:#1f3d36;--line:#333338;"
"--warn:#f0b45a}}\n"
"*{box-sizing:border-box}\n"
"body{margin:0;background:var(--bg);color:var(--fg);"
"font:16px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif}\n"
"main{max-width:1100px;margin:0 auto;padding:1.5rem 1rem 3rem}\n"
"h1{font-size:1.8rem;margin:.2rem 0}h2{font-size:1.25rem;margin:0 0 .6rem}\n"
"p.meta{color:var(--muted);margin:.2rem 0 1rem}\n"
"p.coverage{border-left:4px solid var(--warn);padding:.4rem .8rem;"
"margin:1rem 0}\n"
"section{border-top:1px solid var(--line);padding:1.2rem 0;"
"break-inside:avoid}\n"
".pair{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);"
"gap:1.5rem;align-items:start}\n"
"@media (max-width:760px){.pair{grid-template-columns:1fr}}\n"
"svg{width:100%;height:auto;display:block}\n"
"svg text{fill:var(--fg);font-size:12px}\n"
"svg .bar{fill:var(--bar)}svg .cell{fill:var(--bar)}\n"
"svg .axis{fill:var(--muted);font-size:11px}\n"
".scroll{overflow-x:auto}\n"
"table{border-collapse:collapse;width:100%;font-size:.9rem}\n"
"th,td{padding:.2rem .4rem;border-bottom:1px solid var(--line);"
"text-align:left;vertical-align:top}\n"
"td{overflow-wrap:anywhere;max-width:22rem}\n"
"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;"
"white-space:nowrap;overflow-wrap:normal}\n"
"caption{text-align:left;color:var(--muted);padding-bottom:.3rem}\n"
"@media print{body{background:#fff;color:#000}"
":root{--fg:#000;--bg:#fff;--bar:#444;--line:#bbb}"
"main{max-width:none;padding:0}section{page-break-inside:avoid}}\n";

void
sp_html_esc(FILE *f, const char *s)
{
	if (s == NULL)
		return;
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			/* Controls have no place in a page. */
			putc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s,
			    f);
		}
}

void
sp_html_head(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"sp-report\">\n<title>", f);
	sp_html_esc(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n",
	    css);
}

void
sp_html_foot(FILE *f)
{
	fputs("</main>\n</body>\n</html>\n", f);
}

void
sp_html_section(FILE *f, const char *id, const char *title)
{
	fputs("<section id=\"", f);
	sp_html_esc(f, id);
	fputs("\">\n<h2>", f);
	sp_html_esc(f, title);
	fputs("</h2>\n", f);
}

void
sp_html_section_end(FILE *f)
{
	fputs("</section>\n", f);
}

/*
 * A label as drawn: cut to LABEL_MAX columns (a wide character takes
 * two), with an ellipsis, never inside a character.
 */
static void
label_text(FILE *f, const char *s)
{
	char buf[LABEL_MAX * 4 + 8], one[8];
	size_t i = 0, k, w = 0;

	while (s[i] != '\0' && i + 5 < sizeof(buf)) {
		/* The length of the character at s + i. */
		for (k = 1; (s[i + k] & 0xC0) == 0x80 && k < 4; k++)
			;
		memcpy(one, s + i, k);
		one[k] = '\0';
		if ((w += sp_table_width(one)) > LABEL_MAX)
			break;
		memcpy(buf + i, s + i, k);
		i += k;
	}
	buf[i] = '\0';
	sp_html_esc(f, buf);
	if (s[i] != '\0')
		fputs("\u2026", f);
}

/* The tooltip of row r: its cells as shown, "label: a, b, c". */
static void
tooltip(FILE *f, const struct sp_table *t, size_t r, int label)
{
	char buf[64];
	int k, first = 1;

	fputs("<title>", f);
	sp_html_esc(f, sp_table_shown(t, r, label, buf));
	for (k = 0; k < sp_table_ncols(t); k++) {
		if (k == label || sp_table_isnull(t, r, k))
			continue;
		fputs(first ? ": " : ", ", f);
		first = 0;
		sp_html_esc(f, sp_table_shown(t, r, k, buf));
	}
	fputs("</title>", f);
}

static double
maxof(const struct sp_table *t, int col)
{
	double m = 0;
	size_t r;

	for (r = 0; r < sp_table_nrows(t); r++)
		if (sp_table_num(t, r, col) > m)
			m = sp_table_num(t, r, col);
	return m;
}

void
sp_html_bars(FILE *f, const struct sp_table *t, int label, int value)
{
	size_t r, n = sp_table_nrows(t);
	double max = maxof(t, value), w;
	char buf[64];

	fprintf(f, "<svg viewBox=\"0 0 %d %zu\" role=\"img\">\n", BARS_W,
	    n * BAR_H + 4);
	for (r = 0; r < n; r++) {
		w = max > 0 ? sp_table_num(t, r, value) / max *
		    (BARS_W - LABEL_W - 4) : 0;
		fputs("<g>", f);
		tooltip(f, t, r, label);
		fprintf(f, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">",
		    LABEL_W - 6, r * BAR_H + 15);
		label_text(f, sp_table_shown(t, r, label, buf));
		fprintf(f, "</text><rect class=\"bar\" x=\"%d\" y=\"%zu\" "
		    "width=\"%.1f\" height=\"%d\" rx=\"2\"/></g>\n", LABEL_W,
		    r * BAR_H + 3, w > 0 && w < 1 ? 1.0 : w, BAR_H - 6);
	}
	fputs("</svg>\n", f);
}

void
sp_html_columns(FILE *f, const struct sp_table *t, int label, int value)
{
	size_t r, n = sp_table_nrows(t), every;
	double max = maxof(t, value), h, cw;
	const int H = 180, W = 720;
	char buf[64];

	if (n == 0)
		return;
	cw = (double)W / n;
	every = n > 24 ? (n + 11) / 12 : 1;	/* at most about 12 labels */
	fprintf(f, "<div class=\"scroll\"><svg viewBox=\"0 0 %d %d\" "
	    "role=\"img\">\n", W, H + 22);
	for (r = 0; r < n; r++) {
		h = max > 0 ? sp_table_num(t, r, value) / max * H : 0;
		fputs("<g>", f);
		tooltip(f, t, r, label);
		fprintf(f, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\"/>", r * cw + cw * 0.1,
		    H - h, cw * 0.8, h);
		if (r % every == 0) {
			fprintf(f, "<text class=\"axis\" x=\"%.1f\" y=\"%d\">",
			    r * cw, H + 16);
			sp_html_esc(f, sp_table_shown(t, r, label, buf));
			fputs("</text>", f);
		}
		fputs("</g>\n", f);
	}
	fputs("</svg></div>\n", f);
}

void
sp_html_grid(FILE *f, const struct sp_table *t, int rowkey, int colkey,
    int value)
{
	char rows[32][64], cols[64][64], buf[64];
	size_t nr = 0, nc = 0, r, i, j;
	double max = maxof(t, value), v;
	const int CW = 26, CH = 24, LW = 44;

	for (r = 0; r < sp_table_nrows(t); r++) {
		const char *a = sp_table_shown(t, r, rowkey, buf);

		for (i = 0; i < nr && strcmp(rows[i], a) != 0; i++)
			;
		if (i == nr && nr < 32)
			snprintf(rows[nr++], sizeof(rows[0]), "%s", a);
		a = sp_table_shown(t, r, colkey, buf);
		for (j = 0; j < nc && strcmp(cols[j], a) != 0; j++)
			;
		if (j == nc && nc < 64)
			snprintf(cols[nc++], sizeof(cols[0]), "%s", a);
	}
	fprintf(f, "<div class=\"scroll\"><svg viewBox=\"0 0 %zu %zu\" "
	    "role=\"img\">\n", LW + nc * CW, 20 + nr * CH);
	for (j = 0; j < nc; j++) {
		fprintf(f, "<text class=\"axis\" x=\"%zu\" y=\"14\" "
		    "text-anchor=\"middle\">", LW + j * CW + CW / 2);
		sp_html_esc(f, cols[j]);
		fputs("</text>\n", f);
	}
	for (i = 0; i < nr; i++) {
		fprintf(f, "<text x=\"0\" y=\"%zu\">", 20 + i * CH + 16);
		sp_html_esc(f, rows[i]);
		fputs("</text>\n", f);
	}
	for (r = 0; r < sp_table_nrows(t); r++) {
		for (i = 0; i < nr && strcmp(rows[i],
		    sp_table_shown(t, r, rowkey, buf)) != 0; i++)
			;
		for (j = 0; j < nc && strcmp(cols[j],
		    sp_table_shown(t, r, colkey, buf)) != 0; j++)
			;
		if (i == nr || j == nc)
			continue;
		v = max > 0 ? sp_table_num(t, r, value) / max : 0;
		fputs("<g>", f);
		tooltip(f, t, r, rowkey);
		fprintf(f, "<rect class=\"cell\" x=\"%zu\" y=\"%zu\" "
		    "width=\"%d\" height=\"%d\" rx=\"3\" fill-opacity="
		    "\"%.2f\"/></g>\n", LW + j * CW + 1, 20 + i * CH + 1,
		    CW - 2, CH - 2, 0.06 + 0.94 * v);
	}
	fputs("</svg></div>\n", f);
}

void
sp_html_table(FILE *f, const struct sp_table *t, unsigned hide)
{
	char buf[64];
	size_t r;
	int k, n = sp_table_ncols(t);

	fputs("<table>\n<thead><tr>", f);
	for (k = 0; k < n; k++) {
		if (k < 32 && (hide & (1u << k)))
			continue;
		fputs(sp_table_is_number(t, k) ? "<th class=\"n\">" : "<th>",
		    f);
		sp_html_esc(f, sp_table_head(t, k));
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (r = 0; r < sp_table_nrows(t); r++) {
		fputs("<tr>", f);
		for (k = 0; k < n; k++) {
			if (k < 32 && (hide & (1u << k)))
				continue;
			fputs(sp_table_is_number(t, k) ? "<td class=\"n\">" :
			    "<td>", f);
			sp_html_esc(f, sp_table_shown(t, r, k, buf));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
}
