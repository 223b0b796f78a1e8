/* sp_checks.c: the checks of the store, their rows judged as findings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "sp.h"
#include "sp_auditq.h"
#include "sp_checks.h"
#include "sp_finding.h"
#include "sp_genre.h"
#include "sp_id.h"
#include "sp_jsonw.h"
#include "sp_name.h"
#include "sp_sbuf.h"

#define MINYEAR		1900	/* the first plausible release year */

/* How a column of a finding is shown: as is, quoted, a number, a time. */
#define T_STR		SP_COL_STR
#define T_QUOTED	SP_COL_QUOTED
#define T_INT		SP_COL_INT
#define T_MS		SP_COL_MS

/* The totals: the columns of SP_AUDITQ_TOTALS. */
enum {
	TOT_PLAYS, TOT_MS, TOT_NOID, TOT_MSNOID, TOT_ACCOUNT, TOT_PLAYED,
	TOT_MSOK, TOT_MSNF, NTOT
};

struct totals {
	long long	 v[NTOT];
	long long	 n[3][4];	/* tracks, albums, artists: all, ok, */
					/* pending, not_found */
	long long	 g[3];		/* artists with genres, unclassified, */
					/* genres not said */
};

/* A row of the nulls table. */
struct nullcol {
	char		 col[40];
	int		 required;
	long long	 api;		/* enriched, but the API gave none */
	long long	 pending;	/* not fetched yet */
	long long	 listing;	/* from an album's listing: none there */
};

#define NNULLCOL	32

struct sp_checks {
	sqlite3_stmt *const	*st;
	struct sp_finding	*f;
	const long long		*limits;
	int			 maxyear;	/* next year */
	int			 cur;		/* the check being run */
	struct totals		 t;
	struct nullcol		 nulls[NNULLCOL];
	size_t			 nnulls;
	struct sp_sbuf		 sa, sb;	/* scratch */
	char			 err[SP_AUDITQ_ERRSIZE];
};

/* A row of a check's statement: its findings; SP_OK or a fatal status. */
typedef int row_fn(struct sp_checks *, sqlite3_stmt *);

/*
 * A check: what it judges, the rows of its statement (each through its
 * row function, or each a finding of its columns), and how it is shown.
 */
struct check {
	struct sp_finding_check def;
	int		 limit;		/* the threshold's; -1: none */
	int		 stmt;		/* -1: run apart */
	row_fn		*row;		/* NULL: the row is a finding */
	const char	*bind;		/* ?1 of the statement, or NULL */
	const char	*section;	/* the heading it opens, or NULL */
	int		(*before)(struct sp_checks *, FILE *);	/* after it */
};

static row_fn row_format, row_family, row_id, row_families, row_dates,
    row_names;
static int nulls_table(struct sp_checks *, FILE *);

/* In the order they run and are shown. */
static const struct check checks[SP_CHECKS_N] = {
	[SP_CHECKS_COVERAGE] = { { "coverage", SP_FINDING_MIN_PCT,
	    "--min-coverage", "listening time of enriched tracks",
	    { { "track", NULL, T_STR }, { "plays", NULL, T_INT },
	    { "ms_played", NULL, T_MS }, { "export_name", NULL, T_QUOTED } } },
	    SP_CHECKS_MIN_COVERAGE, SP_AUDITQ_TRACKS_BY_STATUS, .bind = "",
	    .section = "Coverage" },
	[SP_CHECKS_NOT_FOUND] = { { "not-found", SP_FINDING_MAX_PCT,
	    "--max-not-found", "listening time Spotify does not know",
	    { { "track", NULL, T_STR }, { "plays", NULL, T_INT },
	    { "ms_played", NULL, T_MS }, { "export_name", NULL, T_QUOTED } } },
	    SP_CHECKS_MAX_NOT_FOUND, SP_AUDITQ_TRACKS_BY_STATUS,
	    .bind = "not_found" },
	[SP_CHECKS_PENDING] = { { "pending", SP_FINDING_MAX, "--max-pending",
	    "rows not fetched yet", { { "type", NULL, T_STR },
	    { "id", NULL, T_STR }, { "ms_played", NULL, T_MS } } },
	    SP_CHECKS_MAX_PENDING, SP_AUDITQ_PENDING, .row = NULL },
	[SP_CHECKS_NULLS] = { { "nulls", SP_FINDING_MAX, "--max-nulls",
	    "required values the API did not give", { { "column", NULL, T_STR },
	    { "id", NULL, T_STR } } }, SP_CHECKS_MAX_NULLS, SP_AUDITQ_NULL_ROWS,
	    .section = "Nulls", .before = nulls_table },
	[SP_CHECKS_GENRE_FORMAT] = { { "genre-format", SP_FINDING_MAX,
	    "--max-format", "genres not in normalized form",
	    { { "table", NULL, T_STR }, { "artist", NULL, T_STR },
	    { "genre", NULL, T_QUOTED }, { "problem", NULL, T_STR },
	    { "normalized", NULL, T_QUOTED } } }, SP_CHECKS_MAX_FORMAT,
	    SP_AUDITQ_GENRES, .row = row_format, .section = "Format" },
	[SP_CHECKS_GENRE_DUPS] = { { "genre-duplicates", SP_FINDING_MAX,
	    "--max-format", "genres repeated for one artist",
	    { { "artist", NULL, T_STR }, { "genre", NULL, T_QUOTED },
	    { "times", NULL, T_INT } } }, SP_CHECKS_MAX_FORMAT,
	    SP_AUDITQ_GENRE_DUPS, .row = NULL },
	[SP_CHECKS_GENRE_COUNT] = { { "genre-count", SP_FINDING_MAX,
	    "--max-format", "genre counts unlike the genre rows",
	    { { "artist", NULL, T_STR }, { "genre_count", NULL, T_INT },
	    { "genres", NULL, T_INT } } }, SP_CHECKS_MAX_FORMAT,
	    SP_AUDITQ_GENRE_COUNT, .row = NULL },
	[SP_CHECKS_FAMILY_NAMES] = { { "family-names", SP_FINDING_MAX,
	    "--max-format", "families that are not sp families",
	    { { "genre", NULL, T_QUOTED }, { "family", NULL, T_QUOTED } } },
	    SP_CHECKS_MAX_FORMAT, SP_AUDITQ_FAMILY_NAMES, .row = row_family },
	[SP_CHECKS_IDS] = { { "ids", SP_FINDING_MAX, "--max-format",
	    "malformed Spotify ids", { { "column", NULL, T_STR },
	    { "id", NULL, T_QUOTED } } }, SP_CHECKS_MAX_FORMAT, SP_AUDITQ_IDS,
	    .row = row_id },
	[SP_CHECKS_FAMILIES] = { { "families", SP_FINDING_MIN_PCT,
	    "--min-families", "genre listening time with a family",
	    .cols = { { NULL, NULL, 0 } } },
	    SP_CHECKS_MIN_FAMILIES, SP_AUDITQ_FAMILIES, .row = row_families,
	    .section = "Genre families" },
	[SP_CHECKS_UNMAPPED] = { { "unmapped-genres", SP_FINDING_NOTE, NULL,
	    "genres without a family", { { "genre", NULL, T_QUOTED },
	    { "artists", NULL, T_INT }, { "ms_played", NULL, T_MS } } }, -1,
	    SP_AUDITQ_UNMAPPED, .row = NULL },
	[SP_CHECKS_RELEASE_YEARS] = { { "release-years", SP_FINDING_MAX,
	    "--max-dates", "implausible release years",
	    { { "album", NULL, T_STR }, { "release_year", NULL, T_INT },
	    { "release_date", NULL, T_QUOTED } } }, SP_CHECKS_MAX_DATES,
	    SP_AUDITQ_DATES, .row = row_dates, .section = "Plausibility" },
	[SP_CHECKS_YEAR_DATE] = { { "year-date", SP_FINDING_MAX, "--max-dates",
	    "release years unlike the date", { { "album", NULL, T_STR },
	    { "release_year", NULL, T_INT }, { "release_date", NULL, T_QUOTED },
	    { "expected", NULL, T_INT } } }, SP_CHECKS_MAX_DATES,
	    SP_AUDITQ_DATES, .row = row_dates },
	[SP_CHECKS_PRECISION] = { { "precision", SP_FINDING_MAX, "--max-dates",
	    "dates unlike their precision", { { "album", NULL, T_STR },
	    { "release_date", NULL, T_QUOTED }, { "precision", NULL, T_QUOTED },
	    { "problem", NULL, T_STR } } }, SP_CHECKS_MAX_DATES,
	    SP_AUDITQ_DATES, .row = row_dates },
	[SP_CHECKS_RANGES] = { { "ranges", SP_FINDING_MAX, "--max-range",
	    "values out of range", { { "column", NULL, T_STR },
	    { "id", NULL, T_STR }, { "value", NULL, T_QUOTED },
	    { "allowed", NULL, T_STR } } }, SP_CHECKS_MAX_RANGE,
	    SP_AUDITQ_RANGES, .row = NULL },
	[SP_CHECKS_ORPHANS] = { { "orphans", SP_FINDING_MAX, "--max-orphans",
	    "references to missing rows", { { "table", NULL, T_STR },
	    { "id", NULL, T_STR }, { "missing", NULL, T_STR },
	    { "ref", NULL, T_QUOTED } } }, SP_CHECKS_MAX_ORPHANS,
	    SP_AUDITQ_ORPHANS, .row = NULL },
	[SP_CHECKS_BEFORE] = { { "before-release", SP_FINDING_NOTE, NULL,
	    "tracks played before release", { { "track", NULL, T_STR },
	    { "first_played", NULL, T_STR }, { "release_date", NULL, T_STR },
	    { "album", NULL, T_STR } } }, -1, SP_AUDITQ_BEFORE,
	    .row = NULL },
	[SP_CHECKS_NAMES] = { { "names", SP_FINDING_MAX_PCT, "--max-mismatch",
	    "export names unlike Spotify's", { { "track", NULL, T_STR },
	    { "field", NULL, T_STR }, { "export", NULL, T_QUOTED },
	    { "spotify", NULL, T_QUOTED } } }, SP_CHECKS_MAX_MISMATCH,
	    SP_AUDITQ_NAMES, .row = row_names, .section = "Correctness" },
	[SP_CHECKS_REFETCH] = { { "refetch", SP_FINDING_MAX, "--max-changed",
	    "stored values the API now differs on", { { "type", NULL, T_STR },
	    { "id", NULL, T_STR }, { "field", NULL, T_STR },
	    { "stored", NULL, T_QUOTED }, { "api", NULL, T_QUOTED } } },
	    SP_CHECKS_MAX_CHANGED, -1, .section = "Refetch" },
};

struct sp_checks *
sp_checks_new(sqlite3_stmt *const *st, struct sp_finding *f,
    const long long *limits, int maxyear)
{
	struct sp_checks *cs;

	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return NULL;
	cs->st = st;
	cs->f = f;
	cs->limits = limits;
	cs->maxyear = maxyear;
	return cs;
}

void
sp_checks_free(struct sp_checks *cs)
{
	if (cs == NULL)
		return;
	sp_sbuf_free(&cs->sa);
	sp_sbuf_free(&cs->sb);
	free(cs);
}

const char *
sp_checks_name(int k)
{
	return checks[k].def.name;
}

const char *
sp_checks_errmsg(const struct sp_checks *cs)
{
	return cs->err;
}

int
sp_checks_nomem(const struct sp_checks *cs)
{
	return cs->sa.nomem || cs->sb.nomem;
}

/*
 * The totals.
 */

static const char *const kinds[] = { "tracks", "albums", "artists" };
static const char *const keys[NTOT] = { "plays", "ms_played",
    "plays_without_track_id", "ms_without_track_id", "account_plays",
    "tracks_played", "ms_enriched", "ms_not_found" };
static const char *const nkeys[] = { "total", "ok", "pending",
    "not_found" };
static const char *const gkeys[] = { "with_genres", "unclassified",
    "genres_not_said" };

/* The first n columns of the one row of statement s, into v. */
static int
one_row(struct sp_checks *cs, int s, long long *v, int n)
{
	sqlite3_stmt *st = cs->st[s];
	int rc, i;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (i = 0; i < n; i++)
			v[i] = sqlite3_column_int64(st, i);
	return sp_auditq_done(st, rc, cs->err);
}

int
sp_checks_totals(struct sp_checks *cs)
{
	struct totals *t = &cs->t;
	sqlite3_stmt *st = cs->st[SP_AUDITQ_STATUS];
	int rc, k, i;

	memset(t, 0, sizeof(*t));
	if (one_row(cs, SP_AUDITQ_TOTALS, t->v, NTOT) != SP_OK)
		return SP_FATAL_DB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((k = sqlite3_column_int(st, 0)) >= 0 && k < 3)
			for (i = 0; i < 4; i++)
				t->n[k][i] = sqlite3_column_int64(st, i + 1);
	if (sp_auditq_done(st, rc, cs->err) != SP_OK)
		return SP_FATAL_DB;
	return one_row(cs, SP_AUDITQ_ARTIST_GENRES, t->g, 3);
}

void
sp_checks_totals_jsonw(const struct sp_checks *cs, struct sp_jsonw *w)
{
	const struct totals *t = &cs->t;
	int k, i;

	sp_jsonw_key(w, "totals");
	sp_jsonw_obj(w);
	for (i = 0; i < NTOT; i++)
		sp_jsonw_kint(w, keys[i], t->v[i]);
	for (k = 0; k < 3; k++) {
		sp_jsonw_key(w, kinds[k]);
		sp_jsonw_obj(w);
		for (i = 0; i < 4; i++)
			sp_jsonw_kint(w, nkeys[i], t->n[k][i]);
		for (i = 0; k == 2 && i < 3; i++)
			sp_jsonw_kint(w, gkeys[i], t->g[i]);
		sp_jsonw_end(w);
	}
	sp_jsonw_end(w);
}

void
sp_checks_totals_text(const struct sp_checks *cs, FILE *out,
    const char *path)
{
	const struct totals *t = &cs->t;
	const long long *v = t->v;
	char c[4][32], d[32];
	int k;

	fprintf(out, "Audit of %s\n\nTotals\n", path);
	fprintf(out, "  %-18s %9s  %7s\n", "plays",
	    sp_fmt_count(v[TOT_PLAYS], c[0]), sp_fmt_secs(v[TOT_MS] / 1000, d));
	fprintf(out, "    %-16s %9s  %7s\n", "with a track id",
	    sp_fmt_count(v[TOT_PLAYS] - v[TOT_NOID], c[0]),
	    sp_fmt_secs((v[TOT_MS] - v[TOT_MSNOID]) / 1000, d));
	if (v[TOT_NOID] > 0)
		fprintf(out, "    %-16s %9s  %7s  %s\n", "without",
		    sp_fmt_count(v[TOT_NOID], c[0]),
		    sp_fmt_secs(v[TOT_MSNOID] / 1000, d),
		    v[TOT_ACCOUNT] == v[TOT_NOID] ?
		    "account-data export: cannot be enriched" :
		    "cannot be enriched");
	fprintf(out, "  %-18s %9s\n", "tracks played",
	    sp_fmt_count(v[TOT_PLAYED], c[0]));
	for (k = 0; k < 3; k++)
		fprintf(out, "  %-18s %9s  %s enriched, %s pending, "
		    "%s not found\n", kinds[k], sp_fmt_count(t->n[k][0], c[0]),
		    sp_fmt_count(t->n[k][1], c[1]),
		    sp_fmt_count(t->n[k][2], c[2]),
		    sp_fmt_count(t->n[k][3], c[3]));
	fprintf(out, "    %-16s %9s  %s not classified, %s not said by the "
	    "API\n", "with a genre", sp_fmt_count(t->g[0], c[0]),
	    sp_fmt_count(t->g[1], c[1]), sp_fmt_count(t->g[2], c[2]));
}

/*
 * The checks: each runs its statement, its rows through its row
 * function, then is judged and shown.
 */

static int
nomem(struct sp_checks *cs)
{
	snprintf(cs->err, sizeof(cs->err), "out of memory");
	return SP_FATAL_IO;
}

/* Every column of the row, a finding. */
static int
row_cols(struct sp_checks *cs, sqlite3_stmt *st)
{
	sp_finding_row(cs->f, st);
	return SP_OK;
}

/* A genre not as sp-normalize would have stored it. */
static int
row_format(struct sp_checks *cs, sqlite3_stmt *st)
{
	const char *g = sp_auditq_text(st, 2), *problem;
	size_t n = (size_t)sqlite3_column_bytes(st, 2);
	int r;

	sp_sbuf_reset(&cs->sa);
	if (sp_sbuf_reserve(&cs->sa, n) != 0)
		return nomem(cs);
	r = g != NULL ? sp_genre_norm(g, n, cs->sa.s, n + 1) : 0;
	if (r > 0 && (size_t)r == n && memcmp(cs->sa.s, g, n) == 0)
		return SP_OK;
	problem = r > 0 ? "not normalized" : r == 0 ? "empty" : "bad bytes";
	sp_finding_add(cs->f);
	sp_finding_col(cs->f, st, 0);
	sp_finding_col(cs->f, st, 1);
	sp_finding_str(cs->f, g);
	sp_finding_str(cs->f, problem);
	sp_finding_str(cs->f, r > 0 ? cs->sa.s : NULL);
	return SP_OK;
}

static int
row_family(struct sp_checks *cs, sqlite3_stmt *st)
{
	return sp_genre_is_family(sp_auditq_text(st, 1)) ? SP_OK :
	    row_cols(cs, st);
}

static int
row_id(struct sp_checks *cs, sqlite3_stmt *st)
{
	const char *id = sp_auditq_text(st, 1);

	if (id != NULL && sp_id_valid(id, (size_t)sqlite3_column_bytes(st,
	    1)))
		return SP_OK;
	sp_finding_add(cs->f);
	sp_finding_col(cs->f, st, 0);
	sp_finding_str(cs->f, id);
	return SP_OK;
}

/* The listening time with genres, and with a family. */
static int
row_families(struct sp_checks *cs, sqlite3_stmt *st)
{
	sp_finding_part(cs->f, sqlite3_column_int64(st, 1),
	    sqlite3_column_int64(st, 0));
	return SP_OK;
}

/* An album's date, precision and year, for the three checks on them. */
static int
row_dates(struct sp_checks *cs, sqlite3_stmt *st)
{
	static const char *const shapes[] = { "year", "month", "day" };
	static const char *const problems[] = { "the date is a year",
	    "the date is a month", "the date is a day" };
	const char *d = sp_auditq_text(st, 1), *p = sp_auditq_text(st, 2);
	const char *problem = NULL;
	long long ry;
	int k, y = 0, yok, hasy, plausible, found;

	hasy = sqlite3_column_type(st, 3) != SQLITE_NULL;
	ry = sqlite3_column_int64(st, 3);
	plausible = hasy && sqlite3_column_type(st, 3) == SQLITE_INTEGER &&
	    ry >= MINYEAR && ry <= cs->maxyear;
	k = d != NULL ? sp_date_parse(d, &y) : -1;
	yok = k >= 0 && y >= MINYEAR && y <= cs->maxyear;
	if (cs->cur == SP_CHECKS_PRECISION) {
		/* "0000" is how Spotify says it does not know: no defect. */
		if (d != NULL && k < 0 && strcmp(d, "0000") != 0)
			problem = "not a date";
		else if (p != NULL && strcmp(p, "year") != 0 &&
		    strcmp(p, "month") != 0 && strcmp(p, "day") != 0)
			problem = "unknown precision";
		else if (d != NULL && p != NULL && k >= 0 &&
		    strcmp(p, shapes[k]) != 0)
			problem = problems[k];
		if (problem == NULL)
			return SP_OK;
		sp_finding_add(cs->f);
		sp_finding_col(cs->f, st, 0);
		sp_finding_col(cs->f, st, 1);
		sp_finding_col(cs->f, st, 2);
		sp_finding_str(cs->f, problem);
		return SP_OK;
	}
	if (cs->cur == SP_CHECKS_RELEASE_YEARS)
		found = hasy && !plausible;
	else
		found = (!hasy || plausible) && (hasy != yok ||
		    (yok && ry != y));
	if (!found)
		return SP_OK;
	sp_finding_add(cs->f);
	sp_finding_col(cs->f, st, 0);
	sp_finding_col(cs->f, st, 3);
	sp_finding_col(cs->f, st, 1);
	if (cs->cur == SP_CHECKS_YEAR_DATE && yok)
		sp_finding_int(cs->f, y);
	return SP_OK;
}

/* Does name match one of the track's artists?  The first one in *first. */
static int
artist_match(struct sp_checks *cs, const char *track, const char *name,
    struct sp_sbuf *first)
{
	sqlite3_stmt *st = sp_auditq_bound(cs->st[SP_AUDITQ_TRACK_ARTISTS],
	    track);
	const char *s;
	int rc, k = 0, same = 0, r;

	sp_sbuf_reset(first);
	while (!same && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((s = sp_auditq_text(st, 1)) == NULL)
			continue;
		if (k++ == 0)
			sp_sbuf_addz(first, s);
		if ((r = sp_name_same(name, s)) < 0) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return -1;
		}
		same = r;
	}
	if (!same && sp_auditq_done(st, rc, cs->err) != SP_OK)
		return -2;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return same;
}

/* A track's names in the export against Spotify's. */
static int
row_names(struct sp_checks *cs, sqlite3_stmt *st)
{
	const char *id = sp_auditq_text(st, 0), *tn = sp_auditq_text(st, 1);
	const char *an = sp_auditq_text(st, 2), *sn = sp_auditq_text(st, 3);
	int bad = 0, r;

	if (tn != NULL) {
		if ((r = sn != NULL ? sp_name_same(tn, sn) : 0) < 0)
			goto nomem;
		if (r == 0) {
			sp_finding_add(cs->f);
			sp_finding_str(cs->f, id);
			sp_finding_str(cs->f, "name");
			sp_finding_str(cs->f, tn);
			sp_finding_str(cs->f, sn);
			bad = 1;
		}
	}
	if (an != NULL) {
		if ((r = artist_match(cs, id, an, &cs->sb)) == -1)
			goto nomem;
		if (r == -2)
			return SP_FATAL_DB;
		if (r == 0) {
			sp_finding_add(cs->f);
			sp_finding_str(cs->f, id);
			sp_finding_str(cs->f, "artist");
			sp_finding_str(cs->f, an);
			sp_finding_str(cs->f, cs->sb.len > 0 ? cs->sb.s : NULL);
			bad = 1;
		}
	}
	sp_finding_part(cs->f, bad, 1);
	return SP_OK;
nomem:
	return nomem(cs);
}

/* Before the nulls check: per column, the values missing. */
static int
nulls_table(struct sp_checks *cs, FILE *out)
{
	sqlite3_stmt *st = cs->st[SP_AUDITQ_NULLS];
	struct nullcol *n;
	char x[32], y[32], col[64];
	size_t i;
	int rc;

	cs->nnulls = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    cs->nnulls < NNULLCOL) {
		n = &cs->nulls[cs->nnulls++];
		snprintf(n->col, sizeof(n->col), "%s", sp_auditq_text(st, 1));
		n->required = sqlite3_column_int(st, 2);
		n->api = sqlite3_column_int64(st, 3);
		n->pending = sqlite3_column_int64(st, 4);
		n->listing = sqlite3_column_int64(st, 5);
	}
	if (sp_auditq_done(st, rc, cs->err) != SP_OK)
		return SP_FATAL_DB;
	if (out == NULL)
		return SP_OK;
	fprintf(out, "  %-40s %13s  %11s\n", "column", "API gave none",
	    "not fetched");
	for (i = 0; i < cs->nnulls; i++) {
		n = &cs->nulls[i];
		snprintf(col, sizeof(col), "%s%s", n->col, n->required ?
		    " (required)" : "");
		fprintf(out, "  %-40s %13s  %11s\n", col, sp_fmt_count(
		    (unsigned long long)n->api, x), sp_fmt_count(
		    (unsigned long long)n->pending, y));
	}
	for (i = 0; i < cs->nnulls; i++)
		if (cs->nulls[i].listing > 0)
			fprintf(out, "  %s: none in %s tracks enriched from "
			    "their album's listing, which has none (by "
			    "design)\n",
			    cs->nulls[i].col, sp_fmt_count((unsigned long long)
			    cs->nulls[i].listing, x));
	return SP_OK;
}

/* The section heading check c opens, if any. */
static void
heading(const struct check *c, FILE *out)
{
	if (c->section != NULL && out != NULL)
		fprintf(out, "\n%s\n", c->section);
}

static void
begin(struct sp_checks *cs, int k)
{
	const struct check *c = &checks[k];

	cs->cur = k;
	sp_finding_begin(cs->f, &c->def, c->limit >= 0 ?
	    cs->limits[c->limit] : 0);
}

void
sp_checks_begin(struct sp_checks *cs, int k, FILE *out)
{
	heading(&checks[k], out);
	begin(cs, k);
}

int
sp_checks_run(struct sp_checks *cs, int k, FILE *out)
{
	const struct check *c = &checks[k];
	const long long *v = cs->t.v;
	sqlite3_stmt *st = cs->st[c->stmt];
	int rc, status = SP_OK;

	heading(c, out);
	if (c->before != NULL && (status = c->before(cs, out)) != SP_OK)
		return status;
	begin(cs, k);
	if (c->bind != NULL)
		sqlite3_bind_text(st, 1, c->bind, -1, SQLITE_STATIC);
	while (status == SP_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		status = (c->row != NULL ? c->row : row_cols)(cs, st);
	if (status != SP_OK) {
		sqlite3_reset(st);
		return status;
	}
	if (sp_auditq_done(st, rc, cs->err) != SP_OK)
		return SP_FATAL_DB;
	/* The shares of listening time come from the totals. */
	if (k == SP_CHECKS_COVERAGE)
		sp_finding_part(cs->f, v[TOT_MSOK],
		    v[TOT_MS] - v[TOT_MSNOID] - v[TOT_MSNF]);
	else if (k == SP_CHECKS_NOT_FOUND)
		sp_finding_part(cs->f, v[TOT_MSNF], v[TOT_MS] - v[TOT_MSNOID]);
	return SP_OK;
}

void
sp_checks_nulls_jsonw(const struct sp_checks *cs, struct sp_jsonw *w)
{
	size_t i;

	sp_jsonw_key(w, "columns");
	sp_jsonw_arr(w);
	for (i = 0; i < cs->nnulls; i++) {
		sp_jsonw_obj(w);
		sp_jsonw_kstr(w, "column", cs->nulls[i].col);
		sp_jsonw_key(w, "required");
		sp_jsonw_bool(w, cs->nulls[i].required);
		sp_jsonw_kint(w, "api", cs->nulls[i].api);
		sp_jsonw_kint(w, "pending", cs->nulls[i].pending);
		sp_jsonw_kint(w, "listing", cs->nulls[i].listing);
		sp_jsonw_end(w);
	}
	sp_jsonw_end(w);
}
