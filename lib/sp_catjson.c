/*
 * sp_catjson: sp-gen's catalog objects as the Web API serves them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sp_catalog.h"
#include "sp_catjson.h"
#include "sp_jsonw.h"
#include "sp_rng.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const markets[] = {
	"AT", "BE", "CA", "CH", "DE", "DK", "ES", "FR", "GB", "IE", "IT", "JP",
	"NL", "NO", "SE", "US"
};

static void
put_ext(struct sp_jsonw *w, const char *kind, const char *id)
{
	char s[96];

	sp_jsonw_key(w, "external_urls");
	sp_jsonw_obj(w);
	sp_jsonw_key(w, "spotify");
	snprintf(s, sizeof(s), "https://open.spotify.com/%s/%s", kind, id);
	sp_jsonw_strz(w, s);
	sp_jsonw_end(w);
}

static void
put_href(struct sp_jsonw *w, const char *kind, const char *id)
{
	char s[96];

	sp_jsonw_key(w, "href");
	snprintf(s, sizeof(s), "https://api.spotify.com/v1/%ss/%s", kind, id);
	sp_jsonw_strz(w, s);
	sp_jsonw_key(w, "id");
	sp_jsonw_strz(w, id);
}

static void
put_tail(struct sp_jsonw *w, const char *kind, const char *id)
{
	char s[64];

	sp_jsonw_key(w, "type");
	sp_jsonw_strz(w, kind);
	sp_jsonw_key(w, "uri");
	snprintf(s, sizeof(s), "spotify:%s:%s", kind, id);
	sp_jsonw_strz(w, s);
}

/* Three sizes, widest first, named after the object. */
static void
put_images(struct sp_jsonw *w, const char *id, int artist, int any)
{
	static const char *const kinds[2][3] = {
		{ "ab67616d0000b273", "ab67616d00001e02", "ab67616d00004851" },
		{ "ab6761610000e5eb", "ab67616100005174", "ab6761610000f178" }
	};
	static const int sizes[2][3] = { { 640, 300, 64 }, { 640, 320, 160 } };
	char url[96], hex[25];
	struct sp_rng r;
	int i, k;

	sp_jsonw_key(w, "images");
	sp_jsonw_arr(w);
	r.s = 0;
	for (i = 0; i < SP_ID_LEN; i++)
		r.s = r.s * 131 + (unsigned char)id[i];
	for (k = 0; k < 24; k++)
		hex[k] = "0123456789abcdef"[sp_rng_uni(&r, 16)];
	hex[24] = '\0';
	for (i = 0; any && i < 3; i++) {
		sp_jsonw_obj(w);
		sp_jsonw_key(w, "height");
		sp_jsonw_int(w, sizes[artist][i]);
		snprintf(url, sizeof(url), "https://i.scdn.co/image/%s%s",
		    kinds[artist][i], hex);
		sp_jsonw_key(w, "url");
		sp_jsonw_strz(w, url);
		sp_jsonw_key(w, "width");
		sp_jsonw_int(w, sizes[artist][i]);
		sp_jsonw_end(w);
	}
	sp_jsonw_end(w);
}

static void
put_markets(struct sp_jsonw *w, unsigned set)
{
	size_t i;

	sp_jsonw_key(w, "available_markets");
	sp_jsonw_arr(w);
	for (i = 0; i < NELEM(markets); i++)
		if (set & 1U << i)
			sp_jsonw_strz(w, markets[i]);
	sp_jsonw_end(w);
}

/* Keys in the API's (alphabetical) order, here and below. */
void
sp_catjson_artist(struct sp_jsonw *w, const struct sp_catalog_artist *a,
    int full)
{
	int i;

	sp_jsonw_obj(w);
	put_ext(w, "artist", a->id);
	if (full) {
		sp_jsonw_key(w, "followers");
		sp_jsonw_obj(w);
		sp_jsonw_key(w, "href");
		sp_jsonw_null(w);
		sp_jsonw_key(w, "total");
		sp_jsonw_int(w, a->followers);
		sp_jsonw_end(w);
		sp_jsonw_key(w, "genres");
		sp_jsonw_arr(w);
		for (i = 0; i < a->ngenres; i++)
			sp_jsonw_strz(w, a->genres[i]);
		sp_jsonw_end(w);
	}
	put_href(w, "artist", a->id);
	if (full)
		put_images(w, a->id, 1, a->images);
	sp_jsonw_key(w, "name");
	sp_jsonw_strz(w, a->name);
	if (full) {
		sp_jsonw_key(w, "popularity");
		sp_jsonw_int(w, a->popularity);
	}
	put_tail(w, "artist", a->id);
	sp_jsonw_end(w);
}

void
sp_catjson_album(struct sp_jsonw *w, const struct sp_catalog *c,
    const struct sp_catalog_album *al, int full)
{
	static const char *const types[] = { "album", "single",
	    "compilation" };
	static const char *const precs[] = { "year", "month", "day" };
	char s[160];
	size_t i, lim;
	int k;

	sp_jsonw_obj(w);
	sp_jsonw_key(w, "album_type");
	sp_jsonw_strz(w, types[al->type]);
	sp_jsonw_key(w, "artists");
	sp_jsonw_arr(w);
	for (k = 0; k < al->nartists; k++)
		sp_catjson_artist(w, &c->ar[al->artists[k]], 0);
	sp_jsonw_end(w);
	put_markets(w, al->markets);
	if (full) {
		sp_jsonw_key(w, "copyrights");
		sp_jsonw_arr(w);
		for (k = 0; k < 2; k++) {
			sp_jsonw_obj(w);
			snprintf(s, sizeof(s), "%s %.4s %s", k ? "℗" : "©",
			    al->date, al->label);
			sp_jsonw_key(w, "text");
			sp_jsonw_strz(w, s);
			sp_jsonw_key(w, "type");
			sp_jsonw_strz(w, k ? "P" : "C");
			sp_jsonw_end(w);
		}
		sp_jsonw_end(w);
		sp_jsonw_key(w, "external_ids");
		sp_jsonw_obj(w);
		sp_jsonw_key(w, "upc");
		sp_jsonw_strz(w, al->upc);
		sp_jsonw_end(w);
	}
	put_ext(w, "album", al->id);
	if (full) {
		sp_jsonw_key(w, "genres");
		sp_jsonw_arr(w);
		sp_jsonw_end(w);
	}
	put_href(w, "album", al->id);
	put_images(w, al->id, 0, 1);
	if (full) {
		sp_jsonw_key(w, "label");
		sp_jsonw_strz(w, al->label);
	}
	sp_jsonw_key(w, "name");
	sp_jsonw_strz(w, al->name);
	if (full) {
		sp_jsonw_key(w, "popularity");
		sp_jsonw_int(w, al->popularity);
	}
	sp_jsonw_key(w, "release_date");
	sp_jsonw_strz(w, al->date);
	sp_jsonw_key(w, "release_date_precision");
	sp_jsonw_strz(w, precs[al->precision]);
	sp_jsonw_key(w, "total_tracks");
	sp_jsonw_int(w, (long long)al->ntracks);
	if (full) {
		/* All of them: the emulator pages them 50 at a time. */
		lim = al->ntracks > 50 ? al->ntracks : 50;
		sp_jsonw_key(w, "tracks");
		sp_jsonw_obj(w);
		snprintf(s, sizeof(s), "https://api.spotify.com/v1/albums/%s/"
		    "tracks?offset=0&limit=%zu", al->id, lim);
		sp_jsonw_key(w, "href");
		sp_jsonw_strz(w, s);
		sp_jsonw_key(w, "items");
		sp_jsonw_arr(w);
		for (i = 0; i < al->ntracks; i++)
			sp_catjson_track(w, c, &c->tr[al->first + i], 0);
		sp_jsonw_end(w);
		sp_jsonw_key(w, "limit");
		sp_jsonw_int(w, (long long)lim);
		sp_jsonw_key(w, "next");
		sp_jsonw_null(w);
		sp_jsonw_key(w, "offset");
		sp_jsonw_int(w, 0);
		sp_jsonw_key(w, "previous");
		sp_jsonw_null(w);
		sp_jsonw_key(w, "total");
		sp_jsonw_int(w, (long long)al->ntracks);
		sp_jsonw_end(w);
	}
	put_tail(w, "album", al->id);
	sp_jsonw_end(w);
}

void
sp_catjson_track(struct sp_jsonw *w, const struct sp_catalog *c,
    const struct sp_catalog_track *t, int full)
{
	int k;

	sp_jsonw_obj(w);
	if (full) {
		sp_jsonw_key(w, "album");
		sp_catjson_album(w, c, &c->al[t->album], 0);
	}
	sp_jsonw_key(w, "artists");
	sp_jsonw_arr(w);
	for (k = 0; k < t->nartists; k++)
		sp_catjson_artist(w, &c->ar[t->artists[k]], 0);
	sp_jsonw_end(w);
	put_markets(w, c->al[t->album].markets);
	sp_jsonw_key(w, "disc_number");
	sp_jsonw_int(w, t->disc);
	sp_jsonw_key(w, "duration_ms");
	sp_jsonw_int(w, t->duration);
	sp_jsonw_key(w, "explicit");
	sp_jsonw_bool(w, t->explicit_);
	if (full) {
		sp_jsonw_key(w, "external_ids");
		sp_jsonw_obj(w);
		sp_jsonw_key(w, "isrc");
		sp_jsonw_strz(w, t->isrc);
		sp_jsonw_end(w);
	}
	put_ext(w, "track", t->id);
	put_href(w, "track", t->id);
	sp_jsonw_key(w, "is_local");
	sp_jsonw_bool(w, 0);
	sp_jsonw_key(w, "name");
	sp_jsonw_strz(w, t->name);
	if (full) {
		sp_jsonw_key(w, "popularity");
		sp_jsonw_int(w, t->popularity);
	}
	sp_jsonw_key(w, "preview_url");
	sp_jsonw_null(w);
	sp_jsonw_key(w, "track_number");
	sp_jsonw_int(w, t->number);
	put_tail(w, "track", t->id);
	sp_jsonw_end(w);
}
