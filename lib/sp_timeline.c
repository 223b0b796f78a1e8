/* sp_timeline.c: listens counted by local month, hour and age. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sp.h"
#include "sp_map.h"
#include "sp_timeline.h"

#define NAGE	(SP_TIMELINE_AGE_MAX - SP_TIMELINE_AGE_MIN + 1)
#define QUARTER	900			/* seconds */
#define MAXQ	(1L << 22)		/* quarters kept: about 120 years */

/* An artist's, or a track's, weights in the families: w[off .. off+nw). */
struct info {
	int		 year;		/* a track's release year; 0 unknown */
	unsigned	 off, nw;
};

struct weight {
	int		 fam;
	double		 w;
};

struct month {
	long long	 n, ms;
	double		 fam[SP_TIMELINE_MAXFAM];
};

struct sp_timeline {
	struct sp_map	*amap;		/* artists, numbered */
	struct info	*a, *t;		/* by artist, by track number */
	size_t		 capa, nt, capt;
	struct weight	*w;
	size_t		 nw, capw;
	char		*fam[SP_TIMELINE_MAXFAM];
	int		 nfam;
	long		 artist;	/* the artist being given, -1 */
	long long	 k;		/* its genres so far */
	/*
	 * The local time of each quarter of an hour from q0 on: 0 not yet
	 * known, else 1 + (month - ym0) << 8 | weekday << 5 | hour.
	 */
	uint32_t	*q;
	long long	 q0;
	size_t		 nq;
	struct month	*m;		/* by month - ym0 */
	int		 ym0, nm;	/* ym: year * 12 + month - 1 */
	long long	 cn[7][24], cms[7][24];
	long long	 an[NAGE], ams[NAGE];
	long long	 unk_n, unk_ms;	/* age unknown */
};

/* "YYYY-MM-DDTHH:MM:SSZ" as a time; -1 if it is not one. */
static long long
ts_time(const char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	long long y, mo, d, days;
	int i, v[6], k = 0, x = 0;

	if (s == NULL)
		return -1;
	for (i = 0; form[i] != '\0'; i++) {
		if (form[i] == 'd') {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			x = x * 10 + (s[i] - '0');
			if (form[i + 1] != 'd') {
				v[k++] = x;
				x = 0;
			}
		} else if (s[i] != form[i])
			return -1;
	}
	if (s[i] != '\0' || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 ||
	    v[3] > 23 || v[4] > 59 || v[5] > 59)
		return -1;
	/* Days from 1970-01-01 (H. Hinnant's days_from_civil). */
	y = v[0] - (v[1] <= 2);
	mo = v[1];
	d = v[2];
	days = (y >= 0 ? y : y - 399) / 400;
	days = days * 146097 + (y - days * 400) * 365 + (y - days * 400) / 4 -
	    (y - days * 400) / 100 + (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 +
	    d - 1 - 719468;
	return days * 86400 + v[3] * 3600 + v[4] * 60 + v[5];
}

struct sp_timeline *
sp_timeline_new(const char *first, const char *last)
{
	struct sp_timeline *t;
	long long a = ts_time(first), b = ts_time(last), n;
	struct tm tm;
	time_t when;
	int ym1;

	if (a < 0 || b < a || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->artist = -1;
	if ((t->amap = sp_map_new(1024)) == NULL)
		goto fail;
	/* A zone is at most a day off UTC: a month either side. */
	when = (time_t)a;
	if (gmtime_r(&when, &tm) == NULL)
		goto fail;
	t->ym0 = (tm.tm_year + 1900) * 12 + tm.tm_mon - 1;
	when = (time_t)b;
	if (gmtime_r(&when, &tm) == NULL)
		goto fail;
	ym1 = (tm.tm_year + 1900) * 12 + tm.tm_mon + 1;
	t->nm = ym1 - t->ym0 + 1;
	if ((t->m = calloc((size_t)t->nm, sizeof(*t->m))) == NULL)
		goto fail;
	t->q0 = a / QUARTER;
	n = b / QUARTER - t->q0 + 1;
	if (n <= MAXQ) {
		if ((t->q = calloc((size_t)n, sizeof(*t->q))) == NULL)
			goto fail;
		t->nq = (size_t)n;
	}
	return t;
fail:
	sp_timeline_free(t);
	return NULL;
}

void
sp_timeline_free(struct sp_timeline *t)
{
	int i;

	if (t == NULL)
		return;
	sp_map_free(t->amap);
	free(t->a);
	free(t->t);
	free(t->w);
	for (i = 0; i < t->nfam; i++)
		free(t->fam[i]);
	free(t->q);
	free(t->m);
	free(t);
}

/* The index of family name s, added if new; -1 when there are too many. */
static int
famidx(struct sp_timeline *t, const char *s)
{
	int i;

	for (i = 0; i < t->nfam; i++)
		if (strcmp(t->fam[i], s) == 0)
			return i;
	if (t->nfam == SP_TIMELINE_MAXFAM ||
	    (t->fam[t->nfam] = strdup(s)) == NULL)
		return -1;
	return t->nfam++;
}

/* The counts of the artist given so far become its shares. */
static void
artist_done(struct sp_timeline *t)
{
	struct info *a;
	unsigned i;

	if (t->artist < 0)
		return;
	a = &t->a[t->artist];
	for (i = 0; i < a->nw; i++)
		t->w[a->off + i].w /= t->k;
	t->artist = -1;
}

int
sp_timeline_artist(struct sp_timeline *t, const char *id, const char *fam,
    long long n)
{
	long i;
	int f;

	if (t->artist < 0 || strcmp(sp_map_key(t->amap, (size_t)t->artist),
	    id) != 0) {
		artist_done(t);
		if ((i = sp_map_add(t->amap, id)) < 0 ||
		    sp_map_room(&t->a, &t->capa, (size_t)i, sizeof(*t->a)) != 0)
			return -1;
		t->artist = i;
		t->a[i].off = (unsigned)t->nw;
		t->a[i].nw = 0;
		t->k = 0;
	}
	t->k += n;
	if (fam == NULL || (f = famidx(t, fam)) < 0)
		return 0;
	if (sp_map_room(&t->w, &t->capw, t->nw, sizeof(*t->w)) != 0)
		return -1;
	t->w[t->nw].fam = f;
	t->w[t->nw++].w = (double)n;
	t->a[t->artist].nw++;
	return 0;
}

int
sp_timeline_track(struct sp_timeline *t, const char *artist, int year)
{
	struct info *tr;
	long a;

	artist_done(t);
	if (sp_map_room(&t->t, &t->capt, t->nt, sizeof(*t->t)) != 0)
		return -1;
	tr = &t->t[t->nt++];
	if ((a = sp_map_find(t->amap, artist)) >= 0) {
		tr->off = t->a[a].off;
		tr->nw = t->a[a].nw;
	}
	tr->year = year;
	return 0;
}

/* The local time of when, packed as t->q keeps it; 0 if it has none. */
static uint32_t
local(const struct sp_timeline *t, long long when)
{
	struct tm lt;
	time_t tt = (time_t)when;
	int ym;

	if (localtime_r(&tt, &lt) == NULL)
		return 0;
	ym = (lt.tm_year + 1900) * 12 + lt.tm_mon;
	if (ym < t->ym0 || ym >= t->ym0 + t->nm)
		return 0;
	return 1 + ((uint32_t)(ym - t->ym0) << 8 |
	    (uint32_t)((lt.tm_wday + 6) % 7) << 5 | (uint32_t)lt.tm_hour);
}

int
sp_timeline_listen(struct sp_timeline *t, const char *ts, long long ms,
    long track)
{
	const struct info *tr;
	struct month *m;
	long long when, qi;
	uint32_t p;
	unsigned i;
	int age, wd, hr, ym;

	if ((when = ts_time(ts)) < 0)
		return 1;
	qi = when / QUARTER - t->q0;
	if (qi >= 0 && (size_t)qi < t->nq) {
		if (t->q[qi] == 0)
			t->q[qi] = local(t, qi * (long long)QUARTER +
			    t->q0 * QUARTER);
		p = t->q[qi];
	} else
		p = local(t, when);
	if (p-- == 0)
		return 1;
	ym = t->ym0 + (int)(p >> 8);
	wd = (int)(p >> 5 & 7);
	hr = (int)(p & 31);
	m = &t->m[ym - t->ym0];
	m->n++;
	m->ms += ms;
	t->cn[wd][hr]++;
	t->cms[wd][hr] += ms;
	tr = track >= 0 && (size_t)track < t->nt ? &t->t[track] : NULL;
	for (i = 0; tr != NULL && i < tr->nw; i++)
		m->fam[t->w[tr->off + i].fam] += ms * t->w[tr->off + i].w;
	age = tr != NULL && tr->year > 0 ? ym / 12 - tr->year :
	    SP_TIMELINE_AGE_MAX + 1;
	if (age >= SP_TIMELINE_AGE_MIN && age <= SP_TIMELINE_AGE_MAX) {
		t->an[age - SP_TIMELINE_AGE_MIN]++;
		t->ams[age - SP_TIMELINE_AGE_MIN] += ms;
	} else {
		t->unk_n++;
		t->unk_ms += ms;
	}
	return 0;
}

size_t
sp_timeline_nmonths(const struct sp_timeline *t)
{
	size_t n = 0;
	int i;

	for (i = 0; i < t->nm; i++)
		n += t->m[i].n > 0;
	return n;
}

const char *
sp_timeline_month(const struct sp_timeline *t, size_t i, char buf[8],
    long long *n, long long *ms, const char **top)
{
	const struct month *m = NULL;
	int k, best = -1, ym;

	for (k = 0; k < t->nm; k++)
		if (t->m[k].n > 0 && i-- == 0) {
			m = &t->m[k];
			break;
		}
	if (m == NULL)
		return NULL;
	ym = t->ym0 + k;
	snprintf(buf, 8, "%04u-%02u", (unsigned)(ym / 12) % 10000,
	    (unsigned)(ym % 12 + 1) % 100);
	*n = m->n;
	*ms = m->ms;
	for (k = 0; k < t->nfam; k++)
		if (m->fam[k] > 0 && (best < 0 || m->fam[k] > m->fam[best] ||
		    (m->fam[k] == m->fam[best] &&
		    strcmp(t->fam[k], t->fam[best]) < 0)))
			best = k;
	*top = best >= 0 ? t->fam[best] : NULL;
	return buf;
}

void
sp_timeline_clock(const struct sp_timeline *t, int wd, int hr, long long *n,
    long long *ms)
{
	*n = t->cn[wd][hr];
	*ms = t->cms[wd][hr];
}

void
sp_timeline_age(const struct sp_timeline *t, int age, long long *n,
    long long *ms)
{
	if (age >= SP_TIMELINE_AGE_MIN && age <= SP_TIMELINE_AGE_MAX) {
		*n = t->an[age - SP_TIMELINE_AGE_MIN];
		*ms = t->ams[age - SP_TIMELINE_AGE_MIN];
	} else {
		*n = t->unk_n;
		*ms = t->unk_ms;
	}
}
