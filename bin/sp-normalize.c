/*
 * sp-normalize: turn the API objects that sp-fetch wraps in envelopes into
 * the normalized track, album and artist records that sp-load takes, and
 * pass error records on.  The data-quality rules live here: null for what
 * the API did not say, release years from release dates, clean genres
 * with their families.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sp.h"
#include "sp_err.h"
#include "sp_genre.h"
#include "sp_id.h"
#include "sp_json.h"
#include "sp_jsonw.h"
#include "sp_ndjson.h"

static const struct option longopts[] = {
	{ "explain",	no_argument,		NULL,	'e' },
	{ "help",	no_argument,		NULL,	'h' },
	{ "rules",	required_argument,	NULL,	'r' },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

static int explain;
static const char *rules;

#define NWARNED	1024	/* album dates remembered, not warned of again */

struct norm_ctx {
	struct sp_genre_rules	*rules;
	struct sp_jsonw		*w;
	struct sp_json		*j;		/* the record */
	const struct sp_pos	*pos;
	const char		*what;		/* "track", ... for messages */
	const char		*whatid;
	char			*gbuf;		/* an artist's genres */
	size_t			 gcap;
	size_t			*goff;		/* where each starts in gbuf */
	size_t			 goffcap;
	int			 maxyear;	/* next year */
	uint64_t		 warned[NWARNED]; /* album dates warned of */
};

_Noreturn static void
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: sp-normalize [-hV] [-r file] [file ...]\n"
	    "       sp-normalize -e [-r file] [genre ...]\n"
	    "  -e, --explain     print each genre normalized, its family and "
	    "the rule\n"
	    "  -h, --help        print this help and exit\n"
	    "  -r, --rules file  the genre rules (default $SP_GENRE_RULES, "
	    "else built in)\n"
	    "  -V, --version     print the version and exit\n");
	exit(status);
}

/* Room for n bytes in ctx->gbuf and k offsets in ctx->goff; 0 or -1. */
static int
grow(struct norm_ctx *ctx, size_t n, size_t k)
{
	void *p;
	size_t cap;

	if (n > ctx->gcap) {
		for (cap = ctx->gcap ? ctx->gcap : 256; cap < n; cap *= 2)
			;
		if ((p = realloc(ctx->gbuf, cap)) == NULL)
			return -1;
		ctx->gbuf = p;
		ctx->gcap = cap;
	}
	if (k > ctx->goffcap) {
		for (cap = ctx->goffcap ? ctx->goffcap : 32; cap < k; cap *= 2)
			;
		if ((p = realloc(ctx->goff, cap * sizeof(size_t))) == NULL)
			return -1;
		ctx->goff = p;
		ctx->goffcap = cap;
	}
	return 0;
}

/* A warning about the object being written: "track ID: message". */
static void __attribute__((format(printf, 2, 3)))
warn_obj(struct norm_ctx *ctx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sp_warnx_at(ctx->pos, "%s %s: %s", ctx->what, ctx->whatid, msg);
}

/* String v, NULL when absent, null, empty or not a string (reported). */
static const char *
str(struct norm_ctx *ctx, int v, const char *key)
{
	const char *s;
	size_t n;

	if (v < 0 || sp_json_type(ctx->j, v) == SP_JSON_NULL)
		return NULL;
	if ((s = sp_json_str(ctx->j, v, &n)) == NULL) {
		warn_obj(ctx, "\"%s\": expected a string; left null", key);
		return NULL;
	}
	return n > 0 ? s : NULL;
}

static void
put_str(struct norm_ctx *ctx, int obj, const char *key, const char *path)
{
	sp_jsonw_key(ctx->w, key);
	sp_jsonw_strz(ctx->w, str(ctx, sp_json_path(ctx->j, obj, path), key));
}

static void
put_int(struct norm_ctx *ctx, int obj, const char *key, const char *path)
{
	long long i;
	int v;

	v = sp_json_path(ctx->j, obj, path);
	sp_jsonw_key(ctx->w, key);
	if (sp_json_int(ctx->j, v, &i) == 0 && i >= 0) {
		sp_jsonw_int(ctx->w, i);
		return;
	}
	if (v >= 0 && sp_json_type(ctx->j, v) != SP_JSON_NULL)
		warn_obj(ctx, "\"%s\": expected an integer >= 0; left null",
		    key);
	sp_jsonw_null(ctx->w);
}

static void
put_bool(struct norm_ctx *ctx, int obj, const char *key)
{
	int b, v;

	v = sp_json_get(ctx->j, obj, key);
	sp_jsonw_key(ctx->w, key);
	if (sp_json_bool(ctx->j, v, &b) == 0) {
		sp_jsonw_bool(ctx->w, b);
		return;
	}
	if (v >= 0 && sp_json_type(ctx->j, v) != SP_JSON_NULL)
		warn_obj(ctx, "\"%s\": expected true or false; left null", key);
	sp_jsonw_null(ctx->w);
}

/*
 * Whether this album (ctx->whatid) with date d and precision p had a
 * warning already; remembers it.  An album's tracks repeat it, and one
 * warning is enough.  A slot per hash, so memory is flat.
 */
static int
warned(struct norm_ctx *ctx, const char *d, const char *p)
{
	const char *part[3] = { ctx->whatid, d, p != NULL ? p : "" };
	uint64_t h = 14695981039346656037u, *slot;
	const char *c;
	int i;

	for (i = 0; i < 3; i++)
		for (c = part[i]; ; c++) {
			h = (h ^ (unsigned char)*c) * 1099511628211u;
			if (*c == '\0')
				break;
		}
	slot = &ctx->warned[h % NWARNED];
	if (*slot == h)
		return 1;
	*slot = h;
	return 0;
}

/*
 * The year of release date d ("1981", "1981-12", "1981-12-04"), or -1 when
 * d is not such a date, is year 0, or is outside 1900..next year.  The
 * string wins over a precision p that contradicts it.
 */
static int
release_year(struct norm_ctx *ctx, const char *d, const char *p)
{
	static const char *const shape[] = { "year", "month", "day" };
	char q[SP_QUOTE_SIZE], qp[SP_QUOTE_SIZE];
	int y, k, bad;

	k = sp_date_parse(d, &y);
	bad = k < 0 || y < 1900 || y > ctx->maxyear;
	if (!bad && (p == NULL || strcmp(p, shape[k]) == 0))
		return y;
	/* A warning is due, unless an earlier track of the album had it. */
	if (warned(ctx, d, p))
		return bad ? -1 : y;
	sp_quote(d, strlen(d), q);
	if (k < 0)
		warn_obj(ctx, "release date %s is not a %s; release_year "
		    "left null", q, y == 0 ? "year" : "date");
	else if (bad)
		warn_obj(ctx, "release date %s is outside 1900..%d; "
		    "release_year left null", q, ctx->maxyear);
	else
		warn_obj(ctx, "release date %s does not match precision "
		    "%s; release_year taken from the date", q,
		    sp_quote(p, strlen(p), qp));
	return bad ? -1 : y;
}

/* An album object, read once for its record and its tracks' records. */
struct album {
	int		 v;		/* the object */
	const char	*id;		/* the id to write */
	int		 year;		/* release_year, -1 for null */
};

static void
album_read(struct norm_ctx *ctx, int a, const char *id, struct album *al)
{
	const char *d, *p;

	al->v = a;
	al->id = id;
	al->year = -1;
	d = sp_json_str(ctx->j, sp_json_get(ctx->j, a, "release_date"), NULL);
	p = sp_json_str(ctx->j, sp_json_get(ctx->j, a,
	    "release_date_precision"), NULL);
	if (d != NULL && *d != '\0') {
		ctx->what = "album";
		ctx->whatid = id;
		al->year = release_year(ctx, d, p != NULL && *p != '\0' ? p :
		    NULL);
	}
}

/* The keys an album record and a track's "album" share. */
static int
put_album(struct norm_ctx *ctx, const struct album *al)
{
	const char *t;
	size_t i, n;

	ctx->what = "album";
	ctx->whatid = al->id;
	sp_jsonw_key(ctx->w, "id");
	sp_jsonw_strz(ctx->w, al->id);
	put_str(ctx, al->v, "name", "name");
	sp_jsonw_key(ctx->w, "album_type");
	t = str(ctx, sp_json_get(ctx->j, al->v, "album_type"), "album_type");
	if (t != NULL) {
		n = strlen(t);
		if (grow(ctx, n, 0) != 0)
			return -1;
		for (i = 0; i < n; i++)
			ctx->gbuf[i] = t[i] >= 'A' && t[i] <= 'Z' ?
			    (char)(t[i] + 'a' - 'A') : t[i];
		sp_jsonw_str(ctx->w, ctx->gbuf, n);
	} else
		sp_jsonw_null(ctx->w);
	put_str(ctx, al->v, "release_date", "release_date");
	put_str(ctx, al->v, "release_date_precision", "release_date_precision");
	sp_jsonw_key(ctx->w, "release_year");
	if (al->year >= 0)
		sp_jsonw_int(ctx->w, al->year);
	else
		sp_jsonw_null(ctx->w);
	put_int(ctx, al->v, "total_tracks", "total_tracks");
	return 0;
}

static int
emit(struct norm_ctx *ctx)
{
	if (sp_jsonw_write(ctx->w, stdout) == 0)
		return SP_OK;
	if (errno == ENOMEM)
		sp_warnx_at(NULL, "out of memory");
	return SP_FATAL_IO;	/* a write error: sp_close_stdout() says it */
}

static int
nomem(struct norm_ctx *ctx)
{
	sp_jsonw_reset(ctx->w);
	sp_warnx_at(NULL, "out of memory");
	return SP_FATAL_IO;
}

/*
 * The ids of track object t: *rid, the id it is recorded under (asked, the
 * envelope's, else the id linked_from names, else its own), and *linked,
 * its own id when that differs.  pre starts the messages.  A local track
 * (is_local, or a null id) cannot be enriched: it is reported and
 * rejected.
 */
static int
track_ids(struct norm_ctx *ctx, int t, const char *asked, const char *pre,
    const char **rid, const char **linked)
{
	struct sp_json *j = ctx->j;
	char q[SP_QUOTE_SIZE];
	const char *oid, *from, *name;
	int local, v;

	v = sp_json_get(j, t, "id");
	if (sp_json_bool(j, sp_json_get(j, t, "is_local"), &local) != 0)
		local = 0;
	if (local || sp_json_type(j, v) == SP_JSON_NULL) {
		name = sp_json_str(j, sp_json_get(j, t, "name"), NULL);
		sp_warnx_at(ctx->pos, "%slocal track, cannot be enriched: %s",
		    pre, sp_quote(name ? name : "", name ? strlen(name) : 0,
		    q));
		return SP_REJECTED;
	}
	if ((oid = sp_json_str(j, v, NULL)) != NULL &&
	    !sp_id_valid(oid, strlen(oid))) {
		sp_warnx_at(ctx->pos, "%snot a Spotify track id: %s", pre,
		    sp_quote(oid, strlen(oid), q));
		return SP_REJECTED;
	}
	from = sp_json_str(j, sp_json_path(j, t, "linked_from.id"), NULL);
	if (asked == NULL && from != NULL && sp_id_valid(from, strlen(from)))
		asked = from;
	if (asked == NULL)
		asked = oid;
	if (asked == NULL) {
		sp_warnx_at(ctx->pos, "%smissing \"id\"", pre);
		return SP_REJECTED;
	}
	*rid = asked;
	*linked = oid != NULL && strcmp(oid, asked) != 0 ? oid : NULL;
	return SP_OK;
}

/*
 * A track record for track object t.  al is the album whose track
 * listing t is in (a simplified track: no album, popularity or ISRC, so
 * those keys are left out, and "from_listing" says so), or NULL for a
 * full track.
 */
static int
put_track(struct norm_ctx *ctx, const char *rid, const char *linked, int t,
    const struct album *al, const char *fetched)
{
	struct sp_json *j = ctx->j;
	struct album own;
	char q[SP_QUOTE_SIZE];
	const char *aid, *name;
	int a, arr, e, k;

	ctx->what = "track";
	ctx->whatid = rid;
	sp_jsonw_obj(ctx->w);
	sp_jsonw_key(ctx->w, "type");
	sp_jsonw_strz(ctx->w, "track");
	sp_jsonw_key(ctx->w, "id");
	sp_jsonw_strz(ctx->w, rid);
	sp_jsonw_key(ctx->w, "linked_id");
	sp_jsonw_strz(ctx->w, linked);
	put_str(ctx, t, "name", "name");
	put_int(ctx, t, "duration_ms", "duration_ms");
	put_bool(ctx, t, "explicit");
	if (al == NULL) {
		put_int(ctx, t, "popularity", "popularity");
		put_str(ctx, t, "isrc", "external_ids.isrc");
	}
	put_int(ctx, t, "disc_number", "disc_number");
	put_int(ctx, t, "track_number", "track_number");
	if (al != NULL) {
		sp_jsonw_key(ctx->w, "from_listing");
		sp_jsonw_bool(ctx->w, 1);
	}
	sp_jsonw_key(ctx->w, "fetched_at");
	sp_jsonw_strz(ctx->w, fetched);
	sp_jsonw_key(ctx->w, "album");
	if (al == NULL && sp_json_type(j, a = sp_json_get(j, t, "album")) ==
	    SP_JSON_OBJECT) {
		aid = sp_json_str(j, sp_json_get(j, a, "id"), NULL);
		if (aid != NULL && sp_id_valid(aid, strlen(aid))) {
			album_read(ctx, a, aid, &own);
			al = &own;
		} else
			warn_obj(ctx, "album id %s is not a Spotify album id; "
			    "album left null", aid ? sp_quote(aid,
			    strlen(aid), q) : "null");
	}
	if (al != NULL) {
		sp_jsonw_obj(ctx->w);
		if (put_album(ctx, al) != 0)
			return nomem(ctx);
		sp_jsonw_end(ctx->w);
	} else
		sp_jsonw_null(ctx->w);
	ctx->what = "track";
	ctx->whatid = rid;
	if (sp_json_type(j, arr = sp_json_get(j, t, "artists")) ==
	    SP_JSON_ARRAY) {
		sp_jsonw_key(ctx->w, "artists");
		sp_jsonw_arr(ctx->w);
		for (k = 0, e = sp_json_first(j, arr); e >= 0;
		    k++, e = sp_json_next(j, arr, e)) {
			aid = sp_json_str(j, sp_json_get(j, e, "id"), NULL);
			if (aid == NULL || !sp_id_valid(aid, strlen(aid))) {
				name = sp_json_str(j, sp_json_get(j, e, "name"),
				    NULL);
				warn_obj(ctx, "artist %s has no Spotify id; "
				    "left out", sp_quote(name ? name : "",
				    name ? strlen(name) : 0, q));
				continue;
			}
			sp_jsonw_obj(ctx->w);
			sp_jsonw_key(ctx->w, "id");
			sp_jsonw_strz(ctx->w, aid);
			put_str(ctx, e, "name", "name");
			sp_jsonw_key(ctx->w, "position");
			sp_jsonw_int(ctx->w, k);
			sp_jsonw_end(ctx->w);
		}
		sp_jsonw_end(ctx->w);
	}
	sp_jsonw_end(ctx->w);
	return emit(ctx);
}

/* An album record, then a track record for each track of its listing. */
static int
do_album(struct norm_ctx *ctx, const char *rid, int o, const char *fetched)
{
	struct sp_json *j = ctx->j;
	struct album al;
	char pre[SP_ID_LEN + 32];
	const char *tid, *linked;
	int items, e, k, rc, status;

	album_read(ctx, o, rid, &al);
	sp_jsonw_obj(ctx->w);
	sp_jsonw_key(ctx->w, "type");
	sp_jsonw_strz(ctx->w, "album");
	if (put_album(ctx, &al) != 0)
		return nomem(ctx);
	put_str(ctx, o, "label", "label");
	put_int(ctx, o, "popularity", "popularity");
	put_str(ctx, o, "upc", "external_ids.upc");
	sp_jsonw_key(ctx->w, "fetched_at");
	sp_jsonw_strz(ctx->w, fetched);
	sp_jsonw_end(ctx->w);
	if ((status = emit(ctx)) != SP_OK)
		return status;
	items = sp_json_path(j, o, "tracks.items");
	for (k = 1, e = sp_json_first(j, items); e >= 0 &&
	    sp_json_type(j, items) == SP_JSON_ARRAY; k++,
	    e = sp_json_next(j, items, e)) {
		snprintf(pre, sizeof(pre), "album %s: track %d: ", rid, k);
		if (sp_json_type(j, e) != SP_JSON_OBJECT) {
			sp_warnx_at(ctx->pos, "%snot an object", pre);
			status = SP_REJECTED;
			continue;
		}
		rc = track_ids(ctx, e, NULL, pre, &tid, &linked);
		if (rc == SP_OK)
			rc = put_track(ctx, tid, linked, e, &al, fetched);
		if (rc != SP_OK && rc != SP_REJECTED)
			return rc;
		status = sp_status_merge(status, rc);
	}
	return status;
}

/*
 * An artist's genres, normalized, without empty ones and repeats, and
 * their families.  Both null when the object has no genres (Development
 * Mode).
 */
static int
put_genres(struct norm_ctx *ctx, int o)
{
	struct sp_json *j = ctx->j;
	char q[SP_QUOTE_SIZE];
	const char *s;
	size_t len, used = 0, n = 0, i;
	int g, e, r;

	g = sp_json_get(j, o, "genres");
	if (sp_json_type(j, g) != SP_JSON_ARRAY) {
		if (g >= 0 && sp_json_type(j, g) != SP_JSON_NULL)
			warn_obj(ctx, "\"genres\": expected an array; left "
			    "null");
		sp_jsonw_key(ctx->w, "genres");
		sp_jsonw_null(ctx->w);
		sp_jsonw_key(ctx->w, "families");
		sp_jsonw_null(ctx->w);
		return 0;
	}
	for (e = sp_json_first(j, g); e >= 0; e = sp_json_next(j, g, e)) {
		if ((s = sp_json_str(j, e, &len)) == NULL) {
			warn_obj(ctx, "\"genres\": expected strings; "
			    "dropped an element");
			continue;
		}
		if (grow(ctx, used + len + 1, n + 1) != 0)
			return -1;
		r = sp_genre_norm(s, len, ctx->gbuf + used, len + 1);
		if (r < 0)
			warn_obj(ctx, "genre %s has a control character; "
			    "dropped", sp_quote(s, len, q));
		if (r <= 0)
			continue;
		for (i = 0; i < n; i++)
			if (strcmp(ctx->gbuf + ctx->goff[i],
			    ctx->gbuf + used) == 0)
				break;
		if (i < n)
			continue;
		ctx->goff[n++] = used;
		used += (size_t)r + 1;
	}
	sp_jsonw_key(ctx->w, "genres");
	sp_jsonw_arr(ctx->w);
	for (i = 0; i < n; i++)
		sp_jsonw_strz(ctx->w, ctx->gbuf + ctx->goff[i]);
	sp_jsonw_end(ctx->w);
	sp_jsonw_key(ctx->w, "families");
	sp_jsonw_arr(ctx->w);
	for (i = 0; i < n; i++)
		sp_jsonw_strz(ctx->w, sp_genre_family(ctx->rules,
		    ctx->gbuf + ctx->goff[i]));
	sp_jsonw_end(ctx->w);
	return 0;
}

static int
do_artist(struct norm_ctx *ctx, const char *rid, int o, const char *fetched)
{
	ctx->what = "artist";
	ctx->whatid = rid;
	sp_jsonw_obj(ctx->w);
	sp_jsonw_key(ctx->w, "type");
	sp_jsonw_strz(ctx->w, "artist");
	sp_jsonw_key(ctx->w, "id");
	sp_jsonw_strz(ctx->w, rid);
	put_str(ctx, o, "name", "name");
	put_int(ctx, o, "popularity", "popularity");
	put_int(ctx, o, "followers", "followers.total");
	if (put_genres(ctx, o) != 0)
		return nomem(ctx);
	sp_jsonw_key(ctx->w, "fetched_at");
	sp_jsonw_strz(ctx->w, fetched);
	sp_jsonw_end(ctx->w);
	return emit(ctx);
}

static int
reject(const struct sp_rec *rec, const char *fmt, const char *s)
{
	char q[SP_QUOTE_SIZE];

	sp_warnx_at(&rec->pos, fmt, s != NULL ? sp_quote(s, strlen(s), q) :
	    "");
	return SP_REJECTED;
}

/*
 * One input record: a fetch envelope, an error record (passed on), or a
 * bare API object, keyed by its own id and fetched now.
 */
static int
on_record(struct sp_rec *rec, void *arg)
{
	static const char *const kinds[] = { "track", "album", "artist" };
	struct norm_ctx *ctx = arg;
	struct sp_json *j = rec->json;
	char ts[SP_TS_LEN + 1], q[SP_QUOTE_SIZE];
	const char *type, *rid = NULL, *linked, *fetched, *ot;
	size_t n;
	int o, k, rc;

	ctx->j = j;
	ctx->pos = &rec->pos;
	sp_jsonw_reset(ctx->w);
	if (sp_json_get(j, 0, "error") >= 0) {
		sp_jsonw_value(ctx->w, j, 0);
		return emit(ctx);
	}
	o = sp_json_get(j, 0, "object");
	if (o < 0 && sp_json_get(j, 0, "fetched_at") >= 0)
		return reject(rec, "not a fetch envelope: no \"object\" or "
		    "\"error\"%s", NULL);
	if ((type = sp_json_str(j, sp_json_get(j, 0, "type"), &n)) == NULL)
		return reject(rec, "missing \"type\"%s", NULL);
	for (k = 0; k < 3 && strcmp(type, kinds[k]) != 0; k++)
		;
	if (k == 3)
		return reject(rec, "unknown type: %s", type);
	if (o >= 0) {
		if (sp_json_type(j, o) != SP_JSON_OBJECT)
			return reject(rec, "\"object\": expected an "
			    "object%s", NULL);
		ot = sp_json_str(j, sp_json_get(j, o, "type"), NULL);
		if (ot != NULL && strcmp(ot, type) != 0)
			return reject(rec, "the object's type is not the "
			    "envelope's: %s", ot);
		fetched = sp_json_str(j, sp_json_get(j, 0, "fetched_at"), &n);
		if (fetched == NULL)
			return reject(rec, "missing \"fetched_at\"%s", NULL);
		if (sp_ts_norm(fetched, n, ts) != 0)
			return reject(rec, "\"fetched_at\": not a UTC "
			    "timestamp: %s", fetched);
		if ((rid = sp_json_str(j, sp_json_get(j, 0, "id"), NULL)) ==
		    NULL)
			return reject(rec, "missing \"id\"%s", NULL);
	} else {
		o = 0;
		sp_ts_format(sp_now(), ts);
		if (k != 0 && (rid = sp_json_str(j, sp_json_get(j, 0, "id"),
		    NULL)) == NULL)
			return reject(rec, "missing \"id\"%s", NULL);
	}
	if (rid != NULL && !sp_id_valid(rid, strlen(rid))) {
		sp_warnx_at(&rec->pos, "not a Spotify %s id: %s", type,
		    sp_quote(rid, strlen(rid), q));
		return SP_REJECTED;
	}
	if (k == 1)
		return do_album(ctx, rid, o, ts);
	if (k == 2)
		return do_artist(ctx, rid, o, ts);
	if ((rc = track_ids(ctx, o, rid, "", &rid, &linked)) != SP_OK)
		return rc;
	return put_track(ctx, rid, linked, o, NULL, ts);
}

/* --explain: one genre, normalized, its family and the rule. */
static int
explain_genre(struct norm_ctx *ctx, const struct sp_pos *pos, const char *s,
    size_t len)
{
	char q[SP_QUOTE_SIZE];
	const char *fam, *file, *pat;
	unsigned long line;

	if (grow(ctx, len + 1, 0) != 0) {
		sp_warnx_at(NULL, "out of memory");
		return SP_FATAL_IO;
	}
	if (sp_genre_norm(s, len, ctx->gbuf, len + 1) <= 0) {
		sp_warnx_at(pos, "not a genre (empty, or a control character): "
		    "%s", sp_quote(s, len, q));
		return SP_REJECTED;
	}
	if ((fam = sp_genre_explain(ctx->rules, ctx->gbuf, &file, &line,
	    &pat)) == NULL)
		printf("%s\t-\t-\t-\n", ctx->gbuf);
	else
		printf("%s\t%s\t%s:%lu\t%s\n", ctx->gbuf, fam, file, line, pat);
	return fflush(stdout) == 0 ? SP_OK : SP_FATAL_IO;
}

static int
on_genre(struct sp_rec *rec, void *arg)
{
	return explain_genre(arg, &rec->pos, rec->line, rec->len);
}

int
main(int argc, char *argv[])
{
	struct norm_ctx ctx;
	struct tm tm;
	char err[SP_GENRE_ERRSIZE];
	const char *path;
	time_t now;
	int c, i, status = SP_OK;

	memset(&ctx, 0, sizeof(ctx));
	while ((c = getopt_long(argc, argv, "ehr:V", longopts, NULL)) != -1)
		switch (c) {
		case 'e':
			explain = 1;
			break;
		case 'h':
			usage(stdout, SP_OK);
		case 'r':
			rules = optarg;
			break;
		case 'V':
			printf("sp-normalize %s\n", SP_VERSION);
			return SP_OK;
		default:
			usage(stderr, SP_USAGE);
		}
	argc -= optind;
	argv += optind;

	path = rules != NULL ? rules : getenv("SP_GENRE_RULES");
	if (path != NULL && *path == '\0')
		path = NULL;
	if ((status = sp_genre_rules_load(path, &ctx.rules, err)) != SP_OK) {
		sp_warnx_at(NULL, "%s", err);
		return status;
	}
	if ((ctx.w = sp_jsonw_new()) == NULL) {
		sp_warnx_at(NULL, "out of memory");
		sp_genre_rules_free(ctx.rules);
		return SP_FATAL_IO;
	}
	now = sp_now();
	ctx.maxyear = gmtime_r(&now, &tm) != NULL ? tm.tm_year + 1901 : 9999;
	if (explain && argc > 0)
		for (i = 0; i < argc && (status == SP_OK ||
		    status == SP_REJECTED); i++)
			status = sp_status_merge(status, explain_genre(&ctx,
			    NULL, argv[i], strlen(argv[i])));
	else
		status = sp_ndjson_each(argc, argv, explain ? SP_NDJSON_TEXT :
		    0, explain ? on_genre : on_record, &ctx, NULL);
	sp_jsonw_free(ctx.w);
	sp_genre_rules_free(ctx.rules);
	free(ctx.gbuf);
	free(ctx.goff);
	if (sp_close_stdout() != 0)
		status = SP_FATAL_IO;
	return status;
}
