/* sp_sample.c: a sample of the store for a person to check. */
#include <stdio.h>

#include <sqlite3.h>

#include "sp.h"
#include "sp_auditq.h"
#include "sp_jsonw.h"
#include "sp_sample.h"
#include "sp_sbuf.h"

struct sample {
	sqlite3_stmt *const	*st;
	struct sp_jsonw		*w;
	FILE			*out;
	int			 json;		/* w, not text to out */
	struct sp_sbuf		 sa;		/* a list joined */
	char			*err;
};

/* ", " unless b is empty, then name ("?" for none) and " (paren)". */
static void
join_named(struct sp_sbuf *b, const char *name, const char *paren)
{
	if (b->len > 0)
		sp_sbuf_addz(b, ", ");
	sp_sbuf_addz(b, name != NULL ? name : "?");
	if (paren != NULL) {
		sp_sbuf_addz(b, " (");
		sp_sbuf_addz(b, paren);
		sp_sbuf_addz(b, ")");
	}
}

/* s with control characters shown as '?'. */
static void
putsafe(const char *s, FILE *out)
{
	for (; *s != '\0'; s++)
		putc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

/* Integer column i of a row, or null. */
static void
jcol(struct sp_jsonw *w, const char *key, sqlite3_stmt *st, int i)
{
	sp_jsonw_key(w, key);
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		sp_jsonw_null(w);
	else
		sp_jsonw_int(w, sqlite3_column_int64(st, i));
}

static void
label(struct sample *a, const char *l, const char *v)
{
	fprintf(a->out, "    %-11s", l);
	putsafe(v != NULL ? v : "-", a->out);
	putc('\n', a->out);
}

/* The lists of a sample: the rows of a statement for an id. */
enum { L_ARTISTS, L_GENRES, L_FAMILIES };

static const struct list {
	int		 stmt;
	const char	*key[2];	/* JSON: objects; NULL: strings */
	int		 name, paren;	/* text: "name (paren)" items */
	const char	*none;		/* text: a null paren's */
} lists[] = {
	[L_ARTISTS] = { SP_AUDITQ_TRACK_ARTISTS, { "id", "name" }, 1, 0,
	    NULL },
	[L_GENRES] = { SP_AUDITQ_TRACK_GENRES, { NULL, NULL }, 0, -1, NULL },
	[L_FAMILIES] = { SP_AUDITQ_GENRES_OF, { "genre", "family" }, 0, 1,
	    "no family" },
};

/* List l of id: a JSON array in the writer, or joined in a->sa. */
static int
list(struct sample *a, int l, const char *id)
{
	const struct list *ls = &lists[l];
	sqlite3_stmt *st = sp_auditq_bound(a->st[ls->stmt], id);
	const char *paren;
	int rc;

	sp_sbuf_reset(&a->sa);
	if (a->json)
		sp_jsonw_arr(a->w);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (a->json && ls->key[0] == NULL)
			sp_jsonw_strz(a->w, sp_auditq_text(st, 0));
		else if (a->json) {
			sp_jsonw_obj(a->w);
			sp_jsonw_kstr(a->w, ls->key[0], sp_auditq_text(st, 0));
			sp_jsonw_kstr(a->w, ls->key[1], sp_auditq_text(st, 1));
			sp_jsonw_end(a->w);
		} else {
			paren = ls->paren < 0 ? NULL :
			    sp_auditq_text(st, ls->paren);
			join_named(&a->sa, sp_auditq_text(st, ls->name),
			    paren != NULL ? paren : ls->none);
		}
	if (sp_auditq_done(st, rc, a->err) != SP_OK)
		return SP_FATAL_DB;
	if (a->json)
		sp_jsonw_end(a->w);
	return SP_OK;
}

static int
sample_track(struct sample *a, sqlite3_stmt *t)
{
	static const char *const album[] = { "id", "name", "album_type",
	    "release_date", "release_date_precision" };
	struct sp_jsonw *w = a->w;
	const char *id = sp_auditq_text(t, 0), *date, *prec, *year;
	char buf[256], ms[32], num[32];
	long long d;
	int i;

	if (a->json) {
		sp_jsonw_obj(w);
		sp_jsonw_kstr(w, "id", id);
		sp_jsonw_kstr(w, "name", sp_auditq_text(t, 1));
		jcol(w, "duration_ms", t, 2);
		sp_jsonw_key(w, "artists");
		if (list(a, L_ARTISTS, id) != SP_OK)
			return SP_FATAL_DB;
		sp_jsonw_key(w, "album");
		sp_jsonw_obj(w);
		for (i = 0; i < 5; i++)
			sp_jsonw_kstr(w, album[i], sp_auditq_text(t, 3 + i));
		jcol(w, "release_year", t, 8);
		sp_jsonw_end(w);
		sp_jsonw_key(w, "genres");
		if (list(a, L_GENRES, id) != SP_OK)
			return SP_FATAL_DB;
		sp_jsonw_kint(w, "plays", sqlite3_column_int64(t, 9));
		sp_jsonw_kint(w, "ms_played", sqlite3_column_int64(t, 10));
		sp_jsonw_end(w);
		return SP_OK;
	}
	fprintf(a->out, "  track      %s\n", id);
	label(a, "name", sp_auditq_text(t, 1));
	if (list(a, L_ARTISTS, id) != SP_OK)
		return SP_FATAL_DB;
	label(a, "artists", sp_sbuf_str(&a->sa));
	sp_sbuf_reset(&a->sa);
	join_named(&a->sa, sp_auditq_text(t, 4), sp_auditq_text(t, 3));
	if (sp_auditq_text(t, 5) != NULL) {
		sp_sbuf_addz(&a->sa, ", ");
		sp_sbuf_addz(&a->sa, sp_auditq_text(t, 5));
	}
	label(a, "album", sp_sbuf_str(&a->sa));
	date = sp_auditq_text(t, 6);
	prec = sp_auditq_text(t, 7);
	year = sp_auditq_text(t, 8);
	snprintf(buf, sizeof(buf), "%s (%s), year %s", date ? date : "-",
	    prec ? prec : "-", year ? year : "-");
	label(a, "released", buf);
	if (sqlite3_column_type(t, 2) == SQLITE_NULL)
		label(a, "duration", NULL);
	else {
		d = sqlite3_column_int64(t, 2) / 1000;
		snprintf(buf, sizeof(buf), "%lld:%02lld", d / 60, d % 60);
		label(a, "duration", buf);
	}
	if (list(a, L_GENRES, id) != SP_OK)
		return SP_FATAL_DB;
	label(a, "genres", a->sa.len > 0 ? a->sa.s : "none");
	snprintf(buf, sizeof(buf), "%s time%s, %s",
	    sp_fmt_count((unsigned long long)sqlite3_column_int64(t, 9), num),
	    sqlite3_column_int64(t, 9) == 1 ? "" : "s",
	    sp_fmt_secs(sqlite3_column_int64(t, 10) / 1000, ms));
	label(a, "played", buf);
	return SP_OK;
}

static int
sample_artist(struct sample *a, sqlite3_stmt *t)
{
	struct sp_jsonw *w = a->w;
	const char *id = sp_auditq_text(t, 0);
	char num[32];

	if (a->json) {
		sp_jsonw_obj(w);
		sp_jsonw_kstr(w, "id", id);
		sp_jsonw_kstr(w, "name", sp_auditq_text(t, 1));
		jcol(w, "popularity", t, 2);
		jcol(w, "followers", t, 3);
		sp_jsonw_key(w, "genres");
		if (list(a, L_FAMILIES, id) != SP_OK)
			return SP_FATAL_DB;
		sp_jsonw_end(w);
		return SP_OK;
	}
	fprintf(a->out, "  artist     %s\n", id);
	label(a, "name", sp_auditq_text(t, 1));
	if (list(a, L_FAMILIES, id) != SP_OK)
		return SP_FATAL_DB;
	label(a, "genres", a->sa.len > 0 ? a->sa.s :
	    sqlite3_column_type(t, 4) == SQLITE_NULL ? "not said by the API" :
	    "none: not classified by Spotify");
	label(a, "popularity", sp_auditq_text(t, 2));
	label(a, "followers", sqlite3_column_type(t, 3) == SQLITE_NULL ? NULL :
	    sp_fmt_count((unsigned long long)sqlite3_column_int64(t, 3),
	    num));
	return SP_OK;
}

int
sp_sample_write(sqlite3_stmt *const *sts, long long sample, long long s,
    struct sp_jsonw *w, FILE *out, char err[SP_AUDITQ_ERRSIZE])
{
	struct sample sa = { .st = sts, .w = w, .out = out, .json = w != NULL,
	    .err = err }, *a = &sa;
	sqlite3_stmt *st;
	int rc, k, status = SP_OK;

	if (a->json) {
		sp_jsonw_key(a->w, "sample");
		sp_jsonw_obj(a->w);
		sp_jsonw_kint(a->w, "seed", s);
	} else
		fprintf(out, "\nSample of %lld tracks and %lld artists "
		    "(--seed %lld)\n", sample, sample, s);
	for (k = 0; k < 2; k++) {
		st = a->st[k == 0 ? SP_AUDITQ_SAMPLE_TRACKS :
		    SP_AUDITQ_SAMPLE_ARTISTS];
		if (a->json) {
			sp_jsonw_key(a->w, k == 0 ? "tracks" : "artists");
			sp_jsonw_arr(a->w);
		}
		sqlite3_bind_int64(st, 1, s);
		sqlite3_bind_int64(st, 2, sample);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (!a->json)
				putc('\n', out);
			status = k == 0 ? sample_track(a, st) :
			    sample_artist(a, st);
			if (status != SP_OK) {
				sqlite3_reset(st);
				goto out;
			}
		}
		if ((status = sp_auditq_done(st, rc, a->err)) != SP_OK)
			goto out;
		if (a->json)
			sp_jsonw_end(a->w);
	}
	if (a->json)
		sp_jsonw_end(a->w);
	status = a->sa.nomem ? SP_FATAL_IO : SP_OK;
out:
	sp_sbuf_free(&a->sa);
	return status;
}
