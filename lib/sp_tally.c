/*
 * sp_tally.c: a store's listens counted in memory.  Each table is read
 * once, front to back; what a row says of a track, album or artist goes
 * into an array indexed by that id's number in a map.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_id.h"
#include "sp_map.h"
#include "sp_tally.h"

enum { ST_PENDING, ST_OK, ST_NOT_FOUND };

/* A track listened to; ids are 22 characters (sp-load checks them). */
struct trk {
	char		 id[SP_ID_LEN + 1];
	long long	 n, ms;
	long		 album, artist;	/* -1: none (or not enriched) */
	int		 status;
};

struct alb {
	long long	 n, ms;
	int		 year;		/* 0: unknown */
};

struct art {
	long long	 n, ms;
	long		 g0, ng;	/* its genres: gl[g0 .. g0 + ng) */
	const char	*name;
};

/* One (genre or family, number of the artist's genres) and its sums. */
struct part {
	long		 key;		/* genre number; family: -1 none */
	long		 k;
	long long	 n, ms;
};

struct sp_tally {
	struct sp_map	*amap, *almap, *gmap, *fmap;
	struct trk	*t;		/* in id order, once loaded */
	size_t		 nt, cur;	/* cur: the merge's place in t */
	struct alb	*al;
	struct art	*a;
	long		*gfam;		/* a genre's family number, -1 */
	long		*gl;		/* every artist's genres, in runs */
	size_t		 capt, capal, capa, capg, ngl, capgl;
	long long	 n, ms, ntracks;
	long long	 cv[SP_TALLY_NCV][2];
	struct sp_tally_row *rows;
	size_t		 caprows;
	char		**names;	/* artist names, strdup'd */
	size_t		 nnames;
};

/* qsort(3), which must not be given a null array, even of no items. */
static void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *,
    const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/*
 * The steps of loading, one statement each.  ?1 minms, ?2 and ?3 the
 * period; the indexes named are the store's covering ones.
 */
static const char *const sql_listens =
    "SELECT track_id, n, ms FROM listens WHERE n > 0";
static const char *const sql_period =
    "SELECT track_id, count(*), sum(ms_played) FROM plays"
    " INDEXED BY plays_listen WHERE ms_played >= ?1 AND ts >= ?2"
    " AND ts < ?3 GROUP BY track_id";
static const char *const sql_tracks =
    "SELECT id, status, album_id FROM tracks INDEXED BY tracks_report"
    " ORDER BY id";
static const char *const sql_first =
    "SELECT track_id, artist_id FROM track_artists"
    " INDEXED BY track_artists_first WHERE position = 0 ORDER BY track_id";
static const char *const sql_albums =
    "SELECT id, release_year FROM albums INDEXED BY albums_year";
static const char *const sql_families =
    "SELECT genre, family FROM genres";
static const char *const sql_genres =
    "SELECT artist_id, genre FROM artist_genres ORDER BY artist_id";
static const char *const sql_names = "SELECT id, name FROM artists";

/* The listens per track, in the table's order. */
static int
listens(struct sp_tally *t, sqlite3_stmt *st)
{
	const char *id;
	struct trk *k;

	id = col(st, 0);
	if (id == NULL || *id == '\0') {
		t->cv[SP_TALLY_NO_ID][0] += sqlite3_column_int64(st, 2);
		t->cv[SP_TALLY_NO_ID][1] += sqlite3_column_int64(st, 1);
		return 0;
	}
	if (sp_map_room(&t->t, &t->capt, t->nt, sizeof(*t->t)) != 0)
		return -1;
	k = &t->t[t->nt++];
	snprintf(k->id, sizeof(k->id), "%s", id);
	k->n = sqlite3_column_int64(st, 1);
	k->ms = sqlite3_column_int64(st, 2);
	k->album = k->artist = -1;
	return 0;
}

static int
idcmp(const void *x, const void *y)
{
	return strcmp(((const struct trk *)x)->id, ((const struct trk *)y)->id);
}

/*
 * The tracks in id order: read in order, the table would be read by
 * random lookups, far slower than sorting what was read.
 */
static int
order(struct sp_tally *t)
{
	sort(t->t, t->nt, sizeof(*t->t), idcmp);
	return 0;
}

/*
 * The number of track id, which comes no earlier than the one before (a
 * merge: the tables are read in id order), or -1 if not listened to.
 */
static long
merge(struct sp_tally *t, const char *id)
{
	int c;

	if (id == NULL)
		return -1;
	for (; t->cur < t->nt; t->cur++)
		if ((c = strcmp(t->t[t->cur].id, id)) >= 0)
			return c == 0 ? (long)t->cur : -1;
	return -1;
}

static int
tracks(struct sp_tally *t, sqlite3_stmt *st)
{
	const char *s;
	long i, k;

	if ((i = merge(t, col(st, 0))) < 0 ||
	    (s = col(st, 1)) == NULL)
		return 0;
	t->t[i].status = strcmp(s, "ok") == 0 ? ST_OK :
	    strcmp(s, "not_found") == 0 ? ST_NOT_FOUND : ST_PENDING;
	if (t->t[i].status != ST_OK || (s = col(st, 2)) == NULL)
		return 0;
	if ((k = sp_map_add(t->almap, s)) < 0 ||
	    sp_map_room(&t->al, &t->capal, (size_t)k, sizeof(*t->al)) != 0)
		return -1;
	t->t[i].album = k;
	return 0;
}

static int
first(struct sp_tally *t, sqlite3_stmt *st)
{
	const char *s;
	long i, k;

	if ((i = merge(t, col(st, 0))) < 0 ||
	    t->t[i].status != ST_OK || (s = col(st, 1)) == NULL)
		return 0;
	if ((k = sp_map_add(t->amap, s)) < 0 ||
	    sp_map_room(&t->a, &t->capa, (size_t)k, sizeof(*t->a)) != 0)
		return -1;
	if (t->a[k].ng == 0)
		t->a[k].g0 = -1;
	t->t[i].artist = k;
	return 0;
}

static int
albums(struct sp_tally *t, sqlite3_stmt *st)
{
	long i;

	if ((i = sp_map_find(t->almap, col(st, 0))) >= 0 &&
	    sqlite3_column_type(st, 1) != SQLITE_NULL)
		t->al[i].year = sqlite3_column_int(st, 1);
	return 0;
}

static int
families(struct sp_tally *t, sqlite3_stmt *st)
{
	long g, f = -1;

	if (col(st, 0) == NULL)
		return 0;
	if ((g = sp_map_add(t->gmap, col(st, 0))) < 0 ||
	    sp_map_room(&t->gfam, &t->capg, (size_t)g, sizeof(*t->gfam)) != 0)
		return -1;
	if (col(st, 1) != NULL && (f = sp_map_add(t->fmap, col(st, 1))) < 0)
		return -1;
	t->gfam[g] = f;
	return 0;
}

/* An artist's distinct genres, its rows one after the other. */
static int
genres(struct sp_tally *t, sqlite3_stmt *st)
{
	struct art *a;
	long i, g, j;
	size_t have;

	if ((i = sp_map_find(t->amap, col(st, 0))) < 0 || col(st, 1) == NULL)
		return 0;
	a = &t->a[i];
	have = sp_map_len(t->gmap);
	if ((g = sp_map_add(t->gmap, col(st, 1))) < 0 ||
	    sp_map_room(&t->gfam, &t->capg, (size_t)g, sizeof(*t->gfam)) != 0)
		return -1;
	if ((size_t)g == have)
		t->gfam[g] = -1;	/* not in genres: no family */
	if (a->g0 < 0 || a->g0 + a->ng != (long)t->ngl) {
		if (a->ng > 0)		/* rows not together: cannot be */
			return 0;
		a->g0 = (long)t->ngl;
	}
	for (j = 0; j < a->ng; j++)
		if (t->gl[a->g0 + j] == g)
			return 0;
	if (sp_map_room(&t->gl, &t->capgl, t->ngl, sizeof(*t->gl)) != 0)
		return -1;
	t->gl[t->ngl++] = g;
	a->ng++;
	return 0;
}

static int
names(struct sp_tally *t, sqlite3_stmt *st)
{
	long i;

	if ((i = sp_map_find(t->amap, col(st, 0))) < 0 || col(st, 1) == NULL)
		return 0;
	if (sp_map_room(&t->names, &t->nnames, (size_t)i, sizeof(*t->names)) != 0 ||
	    (t->names[i] == NULL && (t->names[i] = strdup(col(st, 1))) ==
	    NULL))
		return -1;
	t->a[i].name = t->names[i];
	return 0;
}

/* Run sql, giving each row to fn; 0, -1 out of memory, 1 database. */
static int
each(struct sp_tally *t, sqlite3 *db, const char *sql, long long minms,
    const char *lo, const char *hi, int (*fn)(struct sp_tally *,
    sqlite3_stmt *))
{
	sqlite3_stmt *st;
	int rc, e = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 1;
	t->cur = 0;
	t->cur = 0;
	if (sqlite3_bind_parameter_count(st) == 3) {
		sqlite3_bind_int64(st, 1, minms);
		sqlite3_bind_text(st, 2, lo ? lo : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, hi ? hi : "~", -1, SQLITE_STATIC);
	}
	while (e == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		e = fn(t, st);
	sqlite3_finalize(st);
	return e != 0 ? -1 : rc == SQLITE_DONE ? 0 : 1;
}

/* The sums per album and per artist, and the coverage. */
static void
sums(struct sp_tally *t)
{
	struct trk *k;
	size_t i;
	int cv;

	for (i = 0; i < t->nt; i++) {
		k = &t->t[i];
		cv = k->status == ST_OK ? SP_TALLY_ENRICHED :
		    k->status == ST_NOT_FOUND ? SP_TALLY_NOT_FOUND :
		    SP_TALLY_PENDING;
		t->cv[cv][0] += k->ms;
		t->cv[cv][1] += k->n;
		if (k->album >= 0) {
			t->al[k->album].n += k->n;
			t->al[k->album].ms += k->ms;
		}
		if (k->artist >= 0) {
			t->a[k->artist].n += k->n;
			t->a[k->artist].ms += k->ms;
		}
		if (k->status == ST_OK && (k->artist < 0 ||
		    t->a[k->artist].ng == 0)) {
			t->cv[SP_TALLY_NO_GENRES][0] += k->ms;
			t->cv[SP_TALLY_NO_GENRES][1] += k->n;
		}
		if (k->status == ST_OK && (k->album < 0 ||
		    t->al[k->album].year == 0)) {
			t->cv[SP_TALLY_NO_YEAR][0] += k->ms;
			t->cv[SP_TALLY_NO_YEAR][1] += k->n;
		}
	}
	t->ntracks = (long long)t->nt;
	for (cv = 0; cv < SP_TALLY_NO_GENRES; cv++) {
		t->n += t->cv[cv][1];
		t->ms += t->cv[cv][0];
	}
}

int
sp_tally_load(sqlite3 *db, long long minms, const char *lo, const char *hi,
    int whole, struct sp_tally **out)
{
	struct sp_tally *t;
	int e;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return -1;
	if ((t->amap = sp_map_new(1024)) == NULL ||
	    (t->almap = sp_map_new(1024)) == NULL ||
	    (t->gmap = sp_map_new(1024)) == NULL ||
	    (t->fmap = sp_map_new(64)) == NULL) {
		sp_tally_free(t);
		return -1;
	}
	if ((e = each(t, db, whole ? sql_listens : sql_period, minms, lo, hi,
	    listens)) != 0 || (e = order(t)) != 0 ||
	    (e = each(t, db, sql_tracks, 0, 0, 0, tracks)) != 0 ||
	    (e = each(t, db, sql_first, 0, 0, 0, first)) != 0 ||
	    (e = each(t, db, sql_albums, 0, 0, 0, albums)) != 0 ||
	    (e = each(t, db, sql_families, 0, 0, 0, families)) != 0 ||
	    (e = each(t, db, sql_genres, 0, 0, 0, genres)) != 0 ||
	    (e = each(t, db, sql_names, 0, 0, 0, names)) != 0) {
		sp_tally_free(t);
		return e;
	}
	sums(t);
	*out = t;
	return 0;
}

void
sp_tally_free(struct sp_tally *t)
{
	size_t i;

	if (t == NULL)
		return;
	sp_map_free(t->amap);
	sp_map_free(t->almap);
	sp_map_free(t->gmap);
	sp_map_free(t->fmap);
	for (i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t->t);
	free(t->al);
	free(t->a);
	free(t->gfam);
	free(t->gl);
	free(t->rows);
	free(t);
}

void
sp_tally_total(const struct sp_tally *t, long long *n, long long *ms,
    long long *ntracks)
{
	*n = t->n;
	*ms = t->ms;
	*ntracks = t->ntracks;
}

void
sp_tally_coverage(const struct sp_tally *t, enum sp_tally_cv k,
    long long *ms, long long *n)
{
	*ms = t->cv[k][0];
	*n = t->cv[k][1];
}

/* The row array sized for n rows and cleared; NULL out of memory. */
static struct sp_tally_row *
rows(struct sp_tally *t, size_t n)
{
	if (sp_map_room(&t->rows, &t->caprows, n, sizeof(*t->rows)) != 0)
		return NULL;
	memset(t->rows, 0, (n + 1) * sizeof(*t->rows));
	return t->rows;
}

/* Byte order of two names, a null first (SQLite's order). */
static int
namecmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
partcmp(const void *x, const void *y)
{
	const struct part *a = x, *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->k > b->k) - (a->k < b->k);
}

/*
 * The split rows of genres (fam 0) or of families: per (key, k) the exact
 * sums of the artists' time, then per key the sum of those over k, in
 * order of k, as the SQL of sp-sync's views sums them.
 */
static long
split(struct sp_tally *t, int fam, int (*cmp)(const void *, const void *),
    const struct sp_tally_row **out)
{
	struct part *p = NULL;
	struct sp_tally_row *r;
	size_t np = 0, cap = 0, i, j, nr;
	const struct art *a;
	long g;

	for (i = 0; i < sp_map_len(t->amap); i++) {
		a = &t->a[i];
		for (j = 0; j < (size_t)a->ng; j++) {
			if (sp_map_room(&p, &cap, np, sizeof(*p)) != 0) {
				free(p);
				return -1;
			}
			g = t->gl[a->g0 + (long)j];
			p[np].key = fam ? t->gfam[g] : g;
			p[np].k = a->ng;
			p[np].n = a->n;
			p[np].ms = a->ms;
			np++;
		}
	}
	sort(p, np, sizeof(*p), partcmp);
	/* At most one row per key: as many as parts. */
	if ((r = rows(t, np)) == NULL) {
		free(p);
		return -1;
	}
	for (i = nr = 0; i < np; nr++) {
		g = p[i].key;
		r[nr].key = g < 0 ? NULL : fam ? sp_map_key(t->fmap, (size_t)g) :
		    sp_map_key(t->gmap, (size_t)g);
		if (!fam && t->gfam[g] >= 0)
			r[nr].family = sp_map_key(t->fmap, (size_t)t->gfam[g]);
		while (i < np && p[i].key == g) {
			long long n = 0, ms = 0;
			long k = p[i].k;

			for (; i < np && p[i].key == g && p[i].k == k; i++) {
				n += p[i].n;
				ms += p[i].ms;
			}
			r[nr].sms += ms * 1.0 / k;
			r[nr].sn += n * 1.0 / k;
		}
	}
	free(p);
	sort(r, nr, sizeof(*r), cmp);
	*out = r;
	return (long)nr;
}

static int
genrecmp(const void *x, const void *y)
{
	const struct sp_tally_row *a = x, *b = y;

	if (a->sms != b->sms)
		return a->sms > b->sms ? -1 : 1;
	return namecmp(a->key, b->key);
}

/* Families: a null family after the others of the same time. */
static int
familycmp(const void *x, const void *y)
{
	const struct sp_tally_row *a = x, *b = y;

	if (a->sms != b->sms)
		return a->sms > b->sms ? -1 : 1;
	if ((a->key == NULL) != (b->key == NULL))
		return a->key == NULL ? 1 : -1;
	return namecmp(a->key, b->key);
}

long
sp_tally_genres(struct sp_tally *t, const struct sp_tally_row **r)
{
	return split(t, 0, genrecmp, r);
}

long
sp_tally_families(struct sp_tally *t, const struct sp_tally_row **r)
{
	return split(t, 1, familycmp, r);
}

static int
yearcmp(const void *x, const void *y)
{
	const struct sp_tally_row *a = x, *b = y;

	if ((a->year == 0) != (b->year == 0))
		return a->year == 0 ? 1 : -1;
	return (a->year > b->year) - (a->year < b->year);
}

long
sp_tally_years(struct sp_tally *t, int step, const struct sp_tally_row **out)
{
	struct sp_tally_row *r;
	long long n = t->n, ms = t->ms;
	size_t i, nr = 0;
	int y;

	if ((r = rows(t, sp_map_len(t->almap) + 1)) == NULL)
		return -1;
	for (i = 0; i < sp_map_len(t->almap); i++)
		if ((y = t->al[i].year) != 0 && t->al[i].n > 0) {
			r[nr].year = y / step * step;
			r[nr].n = t->al[i].n;
			r[nr].ms = t->al[i].ms;
			n -= r[nr].n;
			ms -= r[nr].ms;
			nr++;
		}
	sort(r, nr, sizeof(*r), yearcmp);
	/* One row a year: the runs summed into their first. */
	for (i = 1, y = 0; i < nr; i++)
		if (r[i].year == r[y].year) {
			r[y].n += r[i].n;
			r[y].ms += r[i].ms;
		} else
			r[++y] = r[i];
	nr = nr > 0 ? (size_t)y + 1 : 0;
	if (n > 0) {
		memset(&r[nr], 0, sizeof(r[nr]));
		r[nr].n = n;
		r[nr++].ms = ms;
	}
	*out = r;
	return (long)nr;
}

/* Most time first, then by name, then by key. */
static int
rankcmp(const void *x, const void *y)
{
	const struct sp_tally_row *a = x, *b = y;
	int c;

	if (a->ms != b->ms)
		return a->ms > b->ms ? -1 : 1;
	if ((c = namecmp(a->name, b->name)) != 0)
		return c;
	return namecmp(a->key, b->key);
}

/* Whether artist i has genre g (>= 0), or a genre of family f. */
static int
has(const struct sp_tally *t, size_t i, long g, const char *family,
    long f)
{
	const struct art *a = &t->a[i];
	long j, gj;

	for (j = 0; j < a->ng; j++) {
		gj = t->gl[a->g0 + j];
		if (g >= 0 && gj == g)
			return 1;
		if (family != NULL && (t->gfam[gj] == f ||
		    (f < 0 && t->gfam[gj] < 0 &&
		    strcmp(family, "unmapped") == 0)))
			return 1;
	}
	return 0;
}

long
sp_tally_artists(struct sp_tally *t, const char *genre, const char *family,
    const struct sp_tally_row **out)
{
	struct sp_tally_row *r;
	size_t i, nr = 0;
	long g = -1, f = -1;

	if ((r = rows(t, sp_map_len(t->amap))) == NULL)
		return -1;
	if (genre != NULL && (g = sp_map_find(t->gmap, genre)) < 0)
		goto done;
	if (family != NULL)
		f = sp_map_find(t->fmap, family);
	for (i = 0; i < sp_map_len(t->amap); i++) {
		if (t->a[i].n == 0)
			continue;
		if (genre != NULL && !has(t, i, g, NULL, -1))
			continue;
		if (family != NULL && !has(t, i, -1, family, f))
			continue;
		r[nr].key = sp_map_key(t->amap, i);
		r[nr].name = t->a[i].name;
		r[nr].n = t->a[i].n;
		r[nr].ms = t->a[i].ms;
		nr++;
	}
	sort(r, nr, sizeof(*r), rankcmp);
done:
	*out = r;
	return (long)nr;
}

long
sp_tally_tracks(struct sp_tally *t, const struct sp_tally_row **out)
{
	struct sp_tally_row *r;
	size_t i, n = t->nt;

	if ((r = rows(t, n)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		r[i].key = t->t[i].id;
		if (t->t[i].artist >= 0)
			r[i].artist = sp_map_key(t->amap,
			    (size_t)t->t[i].artist);
		r[i].n = t->t[i].n;
		r[i].ms = t->t[i].ms;
	}
	sort(r, n, sizeof(*r), rankcmp);
	*out = r;
	return (long)n;
}

long
sp_tally_albums(struct sp_tally *t, const struct sp_tally_row **out)
{
	struct sp_tally_row *r;
	size_t i, nr = 0;

	if ((r = rows(t, sp_map_len(t->almap))) == NULL)
		return -1;
	for (i = 0; i < sp_map_len(t->almap); i++) {
		if (t->al[i].n == 0)
			continue;
		r[nr].key = sp_map_key(t->almap, i);
		r[nr].year = t->al[i].year;
		r[nr].n = t->al[i].n;
		r[nr].ms = t->al[i].ms;
		nr++;
	}
	sort(r, nr, sizeof(*r), rankcmp);
	*out = r;
	return (long)nr;
}

const char *
sp_tally_artist_name(const struct sp_tally *t, const char *id)
{
	long i = sp_map_find(t->amap, id);

	return i < 0 ? NULL : t->a[i].name;
}

long long
sp_tally_nartists(const struct sp_tally *t)
{
	size_t i;
	long long n = 0;

	for (i = 0; i < sp_map_len(t->amap); i++)
		n += t->a[i].ng > 0;
	return n;
}

int
sp_tally_walk(const struct sp_tally *t, sp_tally_artist_fn *afn,
    sp_tally_track_fn *tfn, void *arg)
{
	long *cnt = NULL, f;
	const struct art *a;
	size_t i, nf = sp_map_len(t->fmap) + 1;
	long j;
	int e = 0;

	if ((cnt = calloc(nf, sizeof(*cnt))) == NULL)
		return -1;
	for (i = 0; e == 0 && i < sp_map_len(t->amap); i++) {
		a = &t->a[i];
		if (a->ng == 0)
			continue;
		memset(cnt, 0, nf * sizeof(*cnt));
		for (j = 0; j < a->ng; j++)
			cnt[t->gfam[t->gl[a->g0 + j]] + 1]++;
		for (f = 0; e == 0 && f < (long)nf; f++)
			if (cnt[f] > 0)
				e = afn(arg, sp_map_key(t->amap, i),
				    f == 0 ? NULL : sp_map_key(t->fmap,
				    (size_t)f - 1), cnt[f]);
	}
	free(cnt);
	for (i = 0; e == 0 && i < t->nt; i++)
		e = tfn(arg, t->t[i].id, t->t[i].artist < 0 ? NULL :
		    sp_map_key(t->amap, (size_t)t->t[i].artist),
		    t->t[i].album < 0 ? 0 : t->al[t->t[i].album].year);
	return e;
}

long
sp_tally_index(struct sp_tally *t, const char *id)
{
	if (id == NULL)
		return -1;
	if (t->cur >= t->nt || strcmp(t->t[t->cur].id, id) > 0)
		t->cur = 0;
	return merge(t, id);
}
