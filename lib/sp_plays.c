/*
 * sp_plays: sp-gen's listener: plays of the catalog over days, sessions
 * and hours.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sp.h"
#include "sp_catalog.h"
#include "sp_plays.h"
#include "sp_rng.h"
#include "sp_words.h"

static const char *const countries[] = {
	"DE", "GB", "US", "FR", "NL", "SE", "JP", "ES"
};

/* Listening by hour of day (UTC), relative weights. */
static const double hours[24] = {
	1, .5, .3, .2, .2, .3, 1, 3, 5, 4, 3, 3, 4, 3, 3, 3, 4, 5, 5, 6, 6, 5,
	4, 2
};

/* The play generator: days, then sessions, then plays. */
struct sp_plays {
	struct sp_rng	 r;
	const struct sp_catalog *c;
	time_t		 t0;		/* the first day */
	int		 days;
	long long	 peralbum;	/* -1: every track */
	enum sp_gen_purpose purpose;
	long long	 n, i;		/* plays to make, made */
	int		 music_only;
	double		 wtotal, wcum;	/* day weights */
	int		 day;
	long long	 made;		/* plays assigned to past days */
	long		 nsess, sessk, daycount;
	long		 sessleft;
	time_t		 daystart, t;
	long		 next_in_album;	/* track index, or -1 */
	const char	*prevend;
	int		 shuffle, offline, incognito;
	const char	*platform, *country;
	char		 ip[16];
	size_t		 missi;		/* missing tracks played */
	const char	*user[3];	/* phone, computer, home country */
	int		 home;		/* home IP address */
};

static double
day_weight(const struct sp_catalog *c, enum sp_gen_purpose p, int day,
    time_t t0, int days)
{
	struct sp_rng r;
	long wday;
	double w;

	sp_rng_seed(&r, c->seed, SP_GEN_DAY, (uint64_t)p << 32 | (uint64_t)day);
	wday = (t0 / 86400 + day + 4) % 7;	/* 1970-01-01 was a Thursday */
	if (days > 7 && sp_rng_uni(&r, 25) == 0)
		return 0;			/* away */
	w = 0.4 + sp_rng_dbl(&r) * 1.2;
	return wday == 0 || wday == 6 ? w * 1.4 : w;
}

/* Seconds into a day at quantile q of the hourly profile. */
static long
day_offset(double q)
{
	double tot = 0, acc = 0, want;
	int h;

	for (h = 0; h < 24; h++)
		tot += hours[h];
	want = q * tot;
	for (h = 0; h < 23 && acc + hours[h] <= want; h++)
		acc += hours[h];
	return h * 3600L + (long)((want - acc) / hours[h] * 3599);
}

struct sp_plays *
sp_plays_new(const struct sp_catalog *c, enum sp_gen_purpose p, long long n,
    int music_only, time_t t0, int days, long long peralbum)
{
	static const char *const phones[] = { "android", "ios" };
	static const char *const desks[] = { "windows", "osx", "linux" };
	struct sp_plays *s;
	struct sp_rng u;
	int d;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	sp_rng_seed(&s->r, c->seed, p, 0);
	s->c = c;
	s->purpose = p;
	s->n = n;
	s->music_only = music_only;
	s->t0 = t0;
	s->days = days;
	s->peralbum = peralbum;
	s->t = t0;
	s->daystart = t0;
	s->next_in_album = -1;
	for (d = 0; d < days; d++)
		s->wtotal += day_weight(c, p, d, t0, days);
	sp_rng_seed(&u, c->seed, SP_GEN_USER, 0);	/* the same listener */
	s->user[0] = SP_RNG_PICK(&u, phones);
	s->user[1] = SP_RNG_PICK(&u, desks);
	s->user[2] = SP_RNG_PICK(&u, countries);
	s->home = sp_rng_range(&u, 2, 250);
	return s;
}

void
sp_plays_free(struct sp_plays *s)
{
	free(s);
}

static void
new_day(struct sp_plays *s)
{
	long long cnt;

	s->wcum += day_weight(s->c, s->purpose, s->day, s->t0, s->days);
	if (s->day >= s->days - 1 || s->wtotal <= 0)
		cnt = s->n - s->made;
	else
		cnt = llround((double)s->n * s->wcum / s->wtotal) - s->made;
	if (cnt < 0)
		cnt = 0;
	if (s->day >= s->days - 1 && cnt == 0)
		cnt = 1;		/* called past the end: keep going */
	s->made += cnt;
	s->daystart = s->t0 + (time_t)s->day * 86400;
	s->day++;
	s->daycount = (long)cnt;
	s->nsess = cnt == 0 ? 0 : 1 + (long)(cnt / 14);
	s->sessk = 0;
}

static size_t
zipf(struct sp_plays *s)
{
	const struct sp_catalog *c = s->c;

	return c->rank[sp_rng_cum(&s->r, c->cum, c->ntr)];
}

static void
new_session(struct sp_plays *s)
{
	struct sp_rng *r = &s->r;
	long k = s->sessk++;
	time_t at;
	double u;
	size_t t;

	s->sessleft = s->daycount * (k + 1) / s->nsess -
	    s->daycount * k / s->nsess;
	at = s->daystart + day_offset((k + sp_rng_dbl(r)) / s->nsess);
	if (at > s->t)
		s->t = at;
	s->shuffle = sp_rng_dbl(r) < 0.4;
	s->offline = sp_rng_dbl(r) < 0.04;
	s->incognito = sp_rng_dbl(r) < 0.015;
	u = sp_rng_dbl(r);
	s->platform = u < 0.55 ? s->user[0] : u < 0.93 ? s->user[1] :
	    "web_player";
	if (sp_rng_dbl(r) < 0.04) {
		s->country = SP_RNG_PICK(r, countries);
		snprintf(s->ip, sizeof(s->ip), "203.0.113.%d",
		    sp_rng_range(r, 1, 254));
	} else {
		s->country = s->user[2];
		snprintf(s->ip, sizeof(s->ip), "198.51.100.%d",
		    s->home + (int)sp_rng_uni(r, 3));
	}
	s->next_in_album = -1;
	if (sp_rng_dbl(r) < 0.2) {		/* a whole album, in order */
		t = zipf(s);
		s->next_in_album = (long)s->c->al[s->c->tr[t].album].first;
	}
	s->prevend = NULL;
}

static const char *
reason_start(struct sp_plays *s)
{
	static const char *const first[] = { "clickrow", "clickrow",
	    "playbtn", "appload", "remote", "trackdone" };

	if (s->prevend == NULL)
		return SP_RNG_PICK(&s->r, first);
	if (strcmp(s->prevend, "trackdone") == 0 ||
	    strcmp(s->prevend, "fwdbtn") == 0 ||
	    strcmp(s->prevend, "backbtn") == 0)
		return s->prevend;
	return strcmp(s->prevend, "endplay") == 0 ? "clickrow" : "playbtn";
}

static void
music(struct sp_plays *s, struct sp_play *p)
{
	static const char *const zero[] = { "fwdbtn", "endplay",
	    "unexpected-exit-while-paused" };
	static const char *const part[] = { "endplay", "endplay", "fwdbtn",
	    "logout", "unexpected-exit-while-paused" };
	struct sp_rng *r = &s->r;
	int d = p->t->duration;
	double u = sp_rng_dbl(r);

	p->skipped = 0;
	if (u < 0.02) {
		p->ms = 0;
		p->rend = SP_RNG_PICK(r, zero);
	} else if (u < 0.17) {
		p->ms = sp_rng_range(r, 500, d < 30000 ? d : 29999);
		p->rend = sp_rng_dbl(r) < 0.85 ? "fwdbtn" : "backbtn";
	} else if (u < 0.28 && d > 30000) {
		p->ms = sp_rng_range(r, 30000, d - 1);
		p->rend = SP_RNG_PICK(r, part);
	} else {
		p->ms = d - (sp_rng_uni(r, 3) == 0 ? sp_rng_range(r, 1, 400) : 0);
		p->rend = "trackdone";
	}
	p->skipped = strcmp(p->rend, "fwdbtn") == 0 ||
	    strcmp(p->rend, "backbtn") == 0;
}

/*
 * The track the listener plays for track index i: with --per-album n,
 * only the first n tracks of each album are in the listener's library,
 * and a pick past them plays one of those.
 */
static const struct sp_catalog_track *
library(const struct sp_plays *s, size_t i)
{
	const struct sp_catalog *c = s->c;
	const struct sp_catalog_album *al = &c->al[c->tr[i].album];
	size_t k = i - al->first;

	if (s->peralbum < 0 || k < (size_t)s->peralbum)
		return &c->tr[i];
	return &c->tr[al->first + k % (size_t)s->peralbum];
}

/* The end of album al's tracks that the listener plays. */
static size_t
album_end(const struct sp_plays *s, const struct sp_catalog_album *al)
{
	return al->first + (s->peralbum >= 0 &&
	    (size_t)s->peralbum < al->ntracks ? (size_t)s->peralbum :
	    al->ntracks);
}

int
sp_plays_next(struct sp_plays *s, struct sp_play *p)
{
	const struct sp_catalog *c = s->c;
	struct sp_rng *r = &s->r;
	const struct sp_catalog_album *al;
	long long at;
	double u;

	while (s->sessleft == 0) {
		if (s->sessk < s->nsess)
			new_session(s);
		else
			new_day(s);
	}
	s->sessleft--;
	memset(p, 0, sizeof(*p));
	p->row = SP_PLAY_MUSIC;
	p->rstart = reason_start(s);
	at = c->nmiss > 0 ? (long long)(2 * s->missi + 1) * s->n /
	    (2 * (long long)c->nmiss) : -1;
	u = sp_rng_dbl(r);
	if (!s->music_only && s->missi < c->nmiss && s->i == at)
		p->t = &c->tr[c->ntr + s->missi++];
	else if (!s->music_only && u < 0.04) {
		p->row = u < 0.025 ? SP_PLAY_PODCAST : u < 0.031 ?
		    SP_PLAY_BOOK : SP_PLAY_NULL;
		p->ms = p->row == SP_PLAY_NULL ? sp_rng_range(r, 0, 20000) :
		    sp_rng_range(r, 60000, 2400000);
		p->rend = sp_rng_dbl(r) < 0.5 ? "trackdone" : "endplay";
		p->show = (int)sp_rng_uni(r, sp_words_nshows());
		p->episode = sp_rng_range(r, 1, 180);
		p->book = (int)sp_rng_uni(r, sp_words_nbooks());
		p->chapter = sp_rng_range(r, 1, 30);
	} else if (s->next_in_album >= 0) {
		p->t = &c->tr[s->next_in_album++];
		al = &c->al[p->t->album];
		if ((size_t)s->next_in_album >= album_end(s, al))
			s->next_in_album = -1;
	} else
		p->t = library(s, zipf(s));
	if (p->row == SP_PLAY_MUSIC)
		music(s, p);
	p->shuffle = s->shuffle;
	p->offline = s->offline;
	p->incognito = s->incognito;
	p->platform = s->platform;
	p->country = s->country;
	memcpy(p->ip, s->ip, sizeof(p->ip));
	p->start = s->t;
	p->end = s->t + (p->ms + 500) / 1000;
	if (p->end > SP_TS_MAX)
		return -1;
	s->t = p->end + (strcmp(p->rend, "trackdone") == 0 ? 0 :
	    sp_rng_range(r, 1, 3));
	s->prevend = p->rend;
	s->i++;
	return 0;
}
