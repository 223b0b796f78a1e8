/*
 * sp_catalog: sp-gen's synthetic catalog: artists, albums planned by type
 * and size with their tracks in order, tracks, the tracks played that are
 * not in it, and the Zipf ranks that make a few tracks most played.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_catalog.h"
#include "sp_rng.h"
#include "sp_words.h"

static void
make_artist(struct sp_catalog *c, size_t i)
{
	struct sp_catalog_artist *a = &c->ar[i];
	struct sp_rng r;

	sp_rng_seed(&r, c->seed, SP_GEN_ARTIST, i);
	sp_rng_id(c->seed, SP_GEN_ARTIST, i, a->id);
	sp_words_artist(&r, i, a->name, sizeof(a->name));
	a->popularity = sp_rng_range(&r, 0, 60);
	a->popularity += sp_rng_range(&r, 0, 40);
	a->followers = sp_rng_uni(&r, 20) == 0 ? 0 :
	    (long)exp(sp_rng_dbl(&r) * 14.5);
	a->images = sp_rng_uni(&r, 15) != 0;
	a->ngenres = sp_words_genres(&r, i, a->genres);
}

/* Album types and sizes, summing to the number of tracks; -1: no memory. */
static int
plan_albums(struct sp_catalog *c)
{
	struct sp_rng r;
	size_t i, big = SIZE_MAX, rest, sum, d = 0, *want;
	long long diff;

	if ((want = calloc(c->nal, sizeof(*want))) == NULL)
		return -1;
	sp_rng_seed(&r, c->seed, SP_GEN_SIZES, 0);
	for (i = 0; i < c->nal; i++) {
		switch (sp_rng_uni(&r, 20)) {
		case 0:
		case 1:
		case 2:
			c->al[i].type = SP_CATALOG_COMPILATION;
			want[i] = (size_t)sp_rng_range(&r, 14, 30);
			break;
		case 3: case 4: case 5: case 6: case 7:
			c->al[i].type = SP_CATALOG_SINGLE;
			want[i] = (size_t)sp_rng_range(&r, 1, 4);
			break;
		default:
			c->al[i].type = SP_CATALOG_ALBUM;
			want[i] = (size_t)sp_rng_range(&r, 7, 16);
		}
	}
	rest = c->ntr;
	if (c->ntr >= 150 && c->nal >= 3) {	/* one to page through */
		big = 1;
		c->al[big].type = SP_CATALOG_COMPILATION;
		c->al[big].ntracks = (size_t)sp_rng_range(&r, 55, 80);
		if (c->al[big].ntracks > c->ntr - (c->nal - 1))
			c->al[big].ntracks = c->ntr - (c->nal - 1);
		rest -= c->al[big].ntracks;
	}
	for (i = 0; i < c->nal; i++)
		if (i != big)
			d += want[i];
	sum = 0;
	for (i = 0; i < c->nal; i++)
		if (i != big) {
			c->al[i].ntracks = want[i] * rest / d;
			if (c->al[i].ntracks == 0)
				c->al[i].ntracks = 1;
			sum += c->al[i].ntracks;
		}
	diff = (long long)rest - (long long)sum;
	for (i = 0; diff != 0; i = (i + 1) % c->nal) {
		if (i == big || (diff < 0 && c->al[i].ntracks == 1))
			continue;
		c->al[i].ntracks += diff > 0 ? 1 : (size_t)-1;
		diff += diff > 0 ? -1 : 1;
	}
	for (i = 0, sum = 0; i < c->nal; i++) {
		c->al[i].first = sum;
		sum += c->al[i].ntracks;
		if (c->al[i].type == SP_CATALOG_COMPILATION)
			continue;
		if (c->al[i].ntracks <= 3)
			c->al[i].type = SP_CATALOG_SINGLE;
		else if (c->al[i].ntracks > 6)
			c->al[i].type = SP_CATALOG_ALBUM;
	}
	free(want);
	return 0;
}

static void
make_album(struct sp_catalog *c, size_t i)
{
	struct sp_catalog_album *al = &c->al[i];
	struct sp_rng r;
	int year, month;
	size_t a;
	double u;

	sp_rng_seed(&r, c->seed, SP_GEN_ALBUM, i);
	sp_rng_id(c->seed, SP_GEN_ALBUM, i, al->id);
	al->artists[0] = i % c->nar;
	al->nartists = 1;
	if (c->nar > 1 && sp_rng_uni(&r, 10) == 0)
		al->artists[al->nartists++] = (i + 1 + sp_rng_uni(&r, c->nar - 1)) %
		    c->nar;
	u = sp_rng_dbl(&r);
	year = c->year - (int)(66 * u * u);	/* none later */
	month = sp_rng_range(&r, 1, 12);
	al->precision = year < 1980 && sp_rng_uni(&r, 2) == 0 ? 0 :
	    (int)SP_RNG_PICK(&r, ((const int[]){ 0, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2 }));
	if (i % 61 == 7 || sp_rng_uni(&r, 80) == 0)
		snprintf(al->date, sizeof(al->date), "0000");
	else if (al->precision == 0)
		snprintf(al->date, sizeof(al->date), "%d", year);
	else if (al->precision == 1)
		snprintf(al->date, sizeof(al->date), "%d-%02d", year, month);
	else
		snprintf(al->date, sizeof(al->date), "%d-%02d-%02d", year,
		    month, sp_rng_range(&r, 1, month == 2 ? 28 : 30));
	if (strcmp(al->date, "0000") == 0)
		al->precision = 0;
	a = al->artists[0];
	sp_words_album(&r, al->type == SP_CATALOG_COMPILATION, atoi(al->date),
	    c->ar[a].name, al->name, sizeof(al->name));
	sp_rng_digits(&r, al->upc, 12);
	al->markets = sp_rng_uni(&r, 40) == 0 ? 0 : (unsigned)sp_rng_next(&r) & 0xffff;
	al->popularity = sp_rng_range(&r, 0, 50) + sp_rng_range(&r, 0, 50);
	al->label = sp_words_label(&r);
}

/* A guest artist: first those who lead no album, then anyone. */
static size_t
guest(struct sp_catalog *c, struct sp_rng *r)
{
	size_t any = sp_rng_uni(r, c->nar);

	return c->guest < c->nar ? c->guest++ : any;
}

static void
make_track(struct sp_catalog *c, size_t i, size_t al, int number, int disc,
    enum sp_gen_purpose p, size_t pi)
{
	static const char *const cc[] = { "US", "GB", "DE", "SE", "FR", "QZ",
	    "JP", "NL" };
	static const char b36[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	struct sp_catalog_track *t = &c->tr[i];
	struct sp_catalog_album *a = &c->al[al];
	struct sp_rng r;
	int k, year;

	sp_rng_seed(&r, c->seed, p, pi);
	sp_rng_id(c->seed, p, pi, t->id);
	t->album = al;
	t->number = number;
	t->disc = disc;
	if (a->type == SP_CATALOG_COMPILATION)
		t->artists[t->nartists++] = guest(c, &r);
	else
		for (k = 0; k < a->nartists; k++)
			t->artists[t->nartists++] = a->artists[k];
	while (t->nartists < 3 && c->nar > 1 && sp_rng_uni(&r, 5) == 0)
		t->artists[t->nartists++] = guest(c, &r);
	for (k = 1; k < t->nartists; k++)	/* no one twice */
		if (t->artists[k] == t->artists[k - 1])
			t->artists[k] = (t->artists[k] + 1) % c->nar;
	if (t->nartists == 3 && t->artists[2] == t->artists[0])
		t->nartists = 2;
	sp_words_track(&r, t->nartists > 1 ? c->ar[t->artists[1]].name : NULL,
	    t->name, sizeof(t->name));
	switch (sp_rng_uni(&r, 30)) {
	case 0:
		t->duration = sp_rng_range(&r, 30000, 90000);
		break;
	case 1:
	case 2:
		t->duration = sp_rng_range(&r, 360000, 720000);
		break;
	default:
		t->duration = 140000 + sp_rng_range(&r, 0, 60000) +
		    sp_rng_range(&r, 0, 60000) + sp_rng_range(&r, 0, 60000);
	}
	t->explicit_ = sp_rng_uni(&r, 10) == 0;
	t->popularity = a->popularity / 2 + sp_rng_range(&r, 0, 50);
	year = atoi(a->date);
	if (year == 0)
		year = sp_rng_range(&r, 1990, 2020);
	memcpy(t->isrc, SP_RNG_PICK(&r, cc), 2);
	for (k = 2; k < 5; k++)
		t->isrc[k] = b36[sp_rng_uni(&r, 36)];
	snprintf(t->isrc + 5, sizeof(t->isrc) - 5, "%02u%05d",
	    (unsigned)year % 100, sp_rng_range(&r, 0, 99999));
}

/* Returns 0, or -1 when out of memory. */
int
sp_catalog_build(struct sp_catalog *c)
{
	struct sp_rng r;
	size_t i, k, half, j;
	double w = 0;

	c->ar = calloc(c->nar, sizeof(*c->ar));
	c->al = calloc(c->nal, sizeof(*c->al));
	c->tr = calloc(c->ntr + c->nmiss, sizeof(*c->tr));
	c->cum = calloc(c->ntr, sizeof(*c->cum));
	c->rank = calloc(c->ntr, sizeof(*c->rank));
	if (c->ar == NULL || c->al == NULL || c->tr == NULL ||
	    c->cum == NULL || c->rank == NULL || plan_albums(c) != 0)
		return -1;
	for (i = 0; i < c->nar; i++)
		make_artist(c, i);
	c->guest = c->nal;
	for (i = 0; i < c->nal; i++) {
		make_album(c, i);
		half = c->al[i].ntracks > 30 ? (c->al[i].ntracks + 1) / 2 :
		    c->al[i].ntracks;
		for (k = 0; k < c->al[i].ntracks; k++)
			make_track(c, c->al[i].first + k, i,
			    (int)(k < half ? k + 1 : k - half + 1),
			    k < half ? 1 : 2, SP_GEN_TRACK, c->al[i].first + k);
	}
	sp_rng_seed(&r, c->seed, SP_GEN_MISSING, 0);
	for (i = 0; i < c->nmiss; i++) {
		k = sp_rng_uni(&r, c->nal);	/* one draw a statement: the order */
		make_track(c, c->ntr + i, k, sp_rng_range(&r, 1, 12), 1, SP_GEN_MISSING,
		    i + 1);
	}
	/* Zipf over a shuffled order: a few tracks get most plays. */
	sp_rng_seed(&r, c->seed, SP_GEN_RANKS, 0);
	for (i = 0; i < c->ntr; i++)
		c->rank[i] = i;
	for (i = c->ntr; i > 1; i--) {
		j = sp_rng_uni(&r, i);
		k = c->rank[i - 1];
		c->rank[i - 1] = c->rank[j];
		c->rank[j] = k;
	}
	for (i = 0; i < c->ntr; i++) {
		w += pow((double)i + 1, -0.9);
		c->cum[i] = w;
	}
	return 0;
}

void
sp_catalog_free(struct sp_catalog *c)
{
	free(c->ar);
	free(c->al);
	free(c->tr);
	free(c->cum);
	free(c->rank);
}
