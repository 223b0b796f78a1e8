/* sp_refetch.c: records fetched again, compared with the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "sp.h"
#include "sp_api.h"
#include "sp_auditq.h"
#include "sp_finding.h"
#include "sp_genre.h"
#include "sp_json.h"
#include "sp_refetch.h"
#include "sp_sbuf.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

struct sp_refetch {
	sqlite3_stmt *const	*st;
	struct sp_finding	*f;
	struct sp_sbuf		 sa, sb, sc;	/* scratch */
	char			 err[SP_AUDITQ_ERRSIZE];
};

struct sp_refetch *
sp_refetch_new(sqlite3_stmt *const *st, struct sp_finding *f)
{
	struct sp_refetch *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->st = st;
	a->f = f;
	return a;
}

void
sp_refetch_free(struct sp_refetch *a)
{
	if (a == NULL)
		return;
	sp_sbuf_free(&a->sa);
	sp_sbuf_free(&a->sb);
	sp_sbuf_free(&a->sc);
	free(a);
}

const char *
sp_refetch_errmsg(const struct sp_refetch *a)
{
	return a->err;
}

int
sp_refetch_ask(struct sp_refetch *a, struct sp_api *api, long long n,
    long long seed, unsigned long *asked)
{
	sqlite3_stmt *st;
	int rc, k;

	for (k = 0; k < 2; k++) {
		st = a->st[k == 0 ? SP_AUDITQ_SAMPLE_TRACKS :
		    SP_AUDITQ_SAMPLE_ARTISTS];
		sqlite3_bind_int64(st, 1, seed);
		sqlite3_bind_int64(st, 2, n);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (sp_api_add(api, k == 0 ? SP_KIND_TRACK :
			    SP_KIND_ARTIST, sp_auditq_text(st, 0), NULL) < 0) {
				sqlite3_reset(st);
				snprintf(a->err, sizeof(a->err),
				    "out of memory");
				return SP_FATAL_IO;
			}
			(*asked)++;
		}
		if (sp_auditq_done(st, rc, a->err) != SP_OK)
			return SP_FATAL_DB;
	}
	return SP_OK;
}

/* A difference, when stored and api (either may be NULL) differ. */
static void
differ(struct sp_refetch *a, const char *kind, const char *id,
    const char *field, const char *stored, const char *api, int numeric)
{
	if (stored == NULL ? api == NULL : api != NULL &&
	    strcmp(stored, api) == 0)
		return;
	sp_finding_add(a->f);
	sp_finding_str(a->f, kind);
	sp_finding_str(a->f, id);
	sp_finding_str(a->f, field);
	if (numeric && stored != NULL)
		sp_finding_int(a->f, strtoll(stored, NULL, 10));
	else
		sp_finding_str(a->f, stored);
	if (numeric && api != NULL)
		sp_finding_int(a->f, strtoll(api, NULL, 10));
	else
		sp_finding_str(a->f, api);
}

/* Value v of j as text in buf: a string, an integer, 0/1; else NULL. */
static const char *
json_text(const struct sp_json *j, int v, char buf[32])
{
	long long i;
	int b;

	if (sp_json_int(j, v, &i) == 0) {
		snprintf(buf, 32, "%lld", i);
		return buf;
	}
	if (sp_json_bool(j, v, &b) == 0)
		return b ? "1" : "0";
	return sp_json_str(j, v, NULL);
}

/* Column 0 of the rows of statement s for id, joined by sep in a->sa. */
static int
joined(struct sp_refetch *a, int s, const char *id, const char *sep)
{
	sqlite3_stmt *st = sp_auditq_bound(a->st[s], id);
	int rc;

	sp_sbuf_reset(&a->sa);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (a->sa.len > 0)
			sp_sbuf_addz(&a->sa, sep);
		sp_sbuf_addz(&a->sa, sp_auditq_text(st, 0));
	}
	return sp_auditq_done(st, rc, a->err);
}

/* The columns of SP_AUDITQ_STORED_TRACK, and where the API has them. */
static const struct field {
	const char	*name;
	const char	*path;		/* NULL: the id, unless the one asked */
	int		 numeric;
} trackfields[] = {
	{ "name",		"name",			0 },
	{ "duration_ms",	"duration_ms",		1 },
	{ "explicit",		"explicit",		1 },
	{ "isrc",		"external_ids.isrc",	0 },
	{ "album_id",		"album.id",		0 },
	{ "linked_id",		NULL,			0 },
	{ "release_date",	"album.release_date",	0 },
};

static int
compare_track(struct sp_refetch *a, const char *id, const struct sp_json *j,
    int o)
{
	sqlite3_stmt *st = sp_auditq_bound(a->st[SP_AUDITQ_STORED_TRACK], id);
	const struct field *f;
	char buf[32];
	const char *s;
	int rc, v, e, i;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (i = 0; i < (int)NITEMS(trackfields); i++) {
			f = &trackfields[i];
			/* A listing has no ISRC: stored none by design. */
			if (strcmp(f->name, "isrc") == 0 &&
			    sqlite3_column_int(st, (int)NITEMS(trackfields)))
				continue;
			v = f->path != NULL ? sp_json_path(j, o, f->path) :
			    sp_json_get(j, o, "id");
			s = f->numeric ? json_text(j, v, buf) :
			    sp_json_str(j, v, NULL);
			if (f->path == NULL && s != NULL && strcmp(s, id) == 0)
				s = NULL;
			differ(a, "track", id, f->name,
			    sp_auditq_text(st, i), s, f->numeric);
		}
	if (sp_auditq_done(st, rc, a->err) != SP_OK)
		return SP_FATAL_DB;
	if (rc != SQLITE_ROW)
		return SP_OK;	/* gone meanwhile */
	if (joined(a, SP_AUDITQ_TRACK_ARTISTS, id, ",") != SP_OK)
		return SP_FATAL_DB;
	sp_sbuf_reset(&a->sb);
	v = sp_json_get(j, o, "artists");
	for (e = sp_json_first(j, v); e >= 0; e = sp_json_next(j, v, e))
		if ((s = sp_json_str(j, sp_json_get(j, e, "id"), NULL)) !=
		    NULL) {
			if (a->sb.len > 0)
				sp_sbuf_addz(&a->sb, ",");
			sp_sbuf_addz(&a->sb, s);
		}
	if (a->sa.nomem || a->sb.nomem)
		return SP_FATAL_IO;
	differ(a, "track", id, "artists", sp_sbuf_str(&a->sa),
	    sp_sbuf_str(&a->sb), 0);
	return SP_OK;
}

/* Is g one of the items of list l, separated by US (0x1f)? */
static int
in_list(const char *l, const char *g)
{
	const char *e;
	size_t n = strlen(g), k;

	for (;;) {
		e = strchr(l, '\x1f');
		k = e != NULL ? (size_t)(e - l) : strlen(l);
		if (k == n && memcmp(l, g, n) == 0)
			return 1;
		if (e == NULL)
			return 0;
		l = e + 1;
	}
}

/* The list b, its US separators shown as commas. */
static const char *
commas(struct sp_sbuf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->s[i] == '\x1f')
			b->s[i] = ',';
	return sp_sbuf_str(b);
}

static int
compare_artist(struct sp_refetch *a, const char *id, const struct sp_json *j,
    int o)
{
	sqlite3_stmt *st = sp_auditq_bound(a->st[SP_AUDITQ_STORED_ARTIST], id);
	const char *s;
	size_t n;
	int rc, v, e, r, hasgenres;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		differ(a, "artist", id, "name", sp_auditq_text(st, 0),
		    sp_json_str(j, sp_json_get(j, o, "name"), NULL), 0);
	hasgenres = rc == SQLITE_ROW &&
	    sqlite3_column_type(st, 1) != SQLITE_NULL;
	if (sp_auditq_done(st, rc, a->err) != SP_OK)
		return SP_FATAL_DB;
	if (rc != SQLITE_ROW)
		return SP_OK;	/* gone meanwhile */
	if (joined(a, SP_AUDITQ_GENRES_OF, id, "\x1f") != SP_OK)
		return SP_FATAL_DB;
	/* The API's genres as sp-normalize keeps them. */
	sp_sbuf_reset(&a->sb);
	v = sp_json_get(j, o, "genres");
	for (e = sp_json_first(j, v); e >= 0; e = sp_json_next(j, v, e)) {
		if ((s = sp_json_str(j, e, &n)) == NULL)
			continue;
		sp_sbuf_reset(&a->sc);
		if (sp_sbuf_reserve(&a->sc, n) != 0)
			break;
		r = sp_genre_norm(s, n, a->sc.s, n + 1);
		if (r <= 0 || in_list(sp_sbuf_str(&a->sb), a->sc.s))
			continue;
		if (a->sb.len > 0)
			sp_sbuf_add(&a->sb, "\x1f", 1);
		sp_sbuf_add(&a->sb, a->sc.s, (size_t)r);
	}
	if (a->sa.nomem || a->sb.nomem || a->sc.nomem)
		return SP_FATAL_IO;
	differ(a, "artist", id, "genres", hasgenres ? commas(&a->sa) : NULL,
	    sp_json_type(j, v) == SP_JSON_ARRAY ? commas(&a->sb) : NULL, 0);
	return SP_OK;
}


int
sp_refetch_compare(struct sp_refetch *a, const struct sp_api_result *res)
{
	int status;

	if (res->status != 200) {
		differ(a, sp_kind_name(res->kind), res->id, "status", "ok",
		    "not_found", 0);
		return SP_OK;
	}
	if (res->kind == SP_KIND_TRACK)
		status = compare_track(a, res->id, res->json, res->value);
	else
		status = compare_artist(a, res->id, res->json, res->value);
	if (status == SP_FATAL_IO)
		snprintf(a->err, sizeof(a->err), "out of memory");
	return status;
}
