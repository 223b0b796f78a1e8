/* sp_timeline.c: listens counted by local month, hour and age. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sp.h"
#include "sp_id.h"
#include "sp_timeline.h"

#define NAGE	(SP_TIMELINE_AGE_MAX - SP_TIMELINE_AGE_MIN + 1)

/*
 * An artist's, or a track's, weight in each family (a track has its
 * first artist's), and a track's release year.
 */
struct info {
	char		 id[SP_ID_LEN + 1];
	int		 year;		/* 0: unknown */
	unsigned	 off;		/* into the weights */
	unsigned	 nw;
};

/* An open hash of them, by id. */
struct map {
	struct info	*t;
	size_t		 cap;		/* a power of two */
};

struct weight {
	int		 fam;
	double		 w;
};

struct month {
	int		 ym;		/* year * 12 + month - 1 */
	long long	 n, ms;
	double		 fam[SP_TIMELINE_MAXFAM];
};

struct sp_timeline {
	struct map	 artists, tracks;
	struct weight	*w;
	size_t		 nw, capw;
	char		*fam[SP_TIMELINE_MAXFAM];
	int		 nfam;
	struct info	*artist;	/* the artist being given */
	long long	 k;		/* its genres so far */
	struct month	*m;
	size_t		 nm, capm;
	long long	 cn[7][24], cms[7][24];
	long long	 an[NAGE], ams[NAGE];
	long long	 unk_n, unk_ms;	/* age unknown */
	/* The local hour of the last listen, and the time it ends. */
	struct month	*cur;
	char		 until[SP_TS_LEN + 1];
	int		 wd, hr, year;
};

static size_t
hash(const char *id)
{
	size_t h = 5381;

	for (; *id != '\0'; id++)
		h = h * 33 + (unsigned char)*id;
	return h;
}

static int
map_init(struct map *m, long long n)
{
	for (m->cap = 64; m->cap < (size_t)n * 2; m->cap *= 2)
		;
	return (m->t = calloc(m->cap, sizeof(*m->t))) == NULL ? -1 : 0;
}

static struct info *
find(const struct map *m, const char *id)
{
	size_t i;

	if (id == NULL)
		return NULL;
	for (i = hash(id) & (m->cap - 1); m->t[i].id[0] != '\0';
	    i = (i + 1) & (m->cap - 1))
		if (strcmp(m->t[i].id, id) == 0)
			return &m->t[i];
	return NULL;
}

/*
 * The entry of id, made if new; NULL for an id too long or a full map
 * (it was sized for more than it is given).
 */
static struct info *
add(struct map *m, const char *id)
{
	size_t i, n;

	if (strlen(id) > SP_ID_LEN)
		return NULL;
	for (i = hash(id) & (m->cap - 1), n = 0; m->t[i].id[0] != '\0' &&
	    strcmp(m->t[i].id, id) != 0; i = (i + 1) & (m->cap - 1))
		if (++n == m->cap)
			return NULL;
	snprintf(m->t[i].id, sizeof(m->t[i].id), "%s", id);
	return &m->t[i];
}

struct sp_timeline *
sp_timeline_new(long long nartists, long long ntracks)
{
	struct sp_timeline *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if (map_init(&t->artists, nartists) != 0 ||
	    map_init(&t->tracks, ntracks) != 0) {
		sp_timeline_free(t);
		return NULL;
	}
	return t;
}

void
sp_timeline_free(struct sp_timeline *t)
{
	int i;

	if (t == NULL)
		return;
	free(t->artists.t);
	free(t->tracks.t);
	free(t->w);
	for (i = 0; i < t->nfam; i++)
		free(t->fam[i]);
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
	unsigned i;

	for (i = 0; t->artist != NULL && i < t->artist->nw; i++)
		t->w[t->artist->off + i].w /= t->k;
	t->artist = NULL;
}

int
sp_timeline_artist(struct sp_timeline *t, const char *id, const char *fam,
    long long n)
{
	struct weight *p;
	size_t cap;
	int f;

	if (t->artist == NULL || strcmp(t->artist->id, id) != 0) {
		artist_done(t);
		if ((t->artist = add(&t->artists, id)) == NULL)
			return 0;	/* not an id: not counted */
		t->artist->off = (unsigned)t->nw;
		t->artist->nw = 0;
		t->k = 0;
	}
	t->k += n;
	if (fam == NULL || (f = famidx(t, fam)) < 0)
		return 0;
	if (t->nw == t->capw) {
		cap = t->capw ? t->capw * 2 : 1024;
		if ((p = reallocarray(t->w, cap, sizeof(*p))) == NULL)
			return -1;
		t->w = p;
		t->capw = cap;
	}
	t->w[t->nw].fam = f;
	t->w[t->nw++].w = (double)n;
	t->artist->nw++;
	return 0;
}

int
sp_timeline_track(struct sp_timeline *t, const char *id, const char *artist,
    int year)
{
	struct info *tr, *a;

	artist_done(t);
	if ((tr = add(&t->tracks, id)) == NULL)
		return 0;
	if ((a = find(&t->artists, artist)) != NULL) {
		tr->off = a->off;
		tr->nw = a->nw;
	}
	tr->year = year;
	return 0;
}

/* The month ym, added in its place if new. */
static struct month *
month_of(struct sp_timeline *t, int ym)
{
	struct month *m;
	size_t i, cap;

	for (i = t->nm; i > 0; i--)
		if (t->m[i - 1].ym == ym)
			return &t->m[i - 1];
		else if (t->m[i - 1].ym < ym)
			break;
	if (t->nm == t->capm) {
		cap = t->capm ? t->capm * 2 : 64;
		if ((m = reallocarray(t->m, cap, sizeof(*m))) == NULL)
			return NULL;
		t->m = m;
		t->capm = cap;
	}
	/* In time order a new month comes last; keep the order anyway. */
	memmove(&t->m[i + 1], &t->m[i], (t->nm - i) * sizeof(*t->m));
	t->nm++;
	memset(&t->m[i], 0, sizeof(t->m[i]));
	t->m[i].ym = ym;
	return &t->m[i];
}

/* "YYYY-MM-DDTHH:MM:SSZ" as a time; -1 if it is not one. */
static time_t
ts_time(const char *ts)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (ts == NULL || strlen(ts) != SP_TS_LEN ||
	    sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return timegm(&tm);
}

int
sp_timeline_listen(struct sp_timeline *t, const char *ts, long long ms,
    const char *track)
{
	const struct info *tr;
	struct month *m;
	struct tm lt;
	time_t when;
	unsigned i;
	int age;

	/* A new local hour: what it is, and when it ends. */
	if (t->cur == NULL || ts == NULL || strcmp(ts, t->until) >= 0) {
		if ((when = ts_time(ts)) == -1 ||
		    localtime_r(&when, &lt) == NULL)
			return 1;
		t->wd = (lt.tm_wday + 6) % 7;
		t->hr = lt.tm_hour;
		t->year = lt.tm_year + 1900;
		sp_ts_format(when - lt.tm_min * 60 - lt.tm_sec + 3600,
		    t->until);
		if ((t->cur = month_of(t, t->year * 12 + lt.tm_mon)) == NULL)
			return -1;
	}
	m = t->cur;
	m->n++;
	m->ms += ms;
	t->cn[t->wd][t->hr]++;
	t->cms[t->wd][t->hr] += ms;
	tr = find(&t->tracks, track);
	for (i = 0; tr != NULL && i < tr->nw; i++)
		m->fam[t->w[tr->off + i].fam] += ms * t->w[tr->off + i].w;
	age = tr != NULL && tr->year > 0 ? t->year - tr->year :
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
	return t->nm;
}

const char *
sp_timeline_month(const struct sp_timeline *t, size_t i, char buf[8],
    long long *n, long long *ms, const char **top)
{
	const struct month *m = &t->m[i];
	int k, best = -1;

	snprintf(buf, 8, "%04u-%02u", (unsigned)(m->ym / 12) % 10000,
	    (unsigned)(m->ym % 12 + 1) % 100);
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
