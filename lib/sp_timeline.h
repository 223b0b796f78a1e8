/*
 * sp_timeline: listens counted by local time (the zone of TZ): per
 * calendar month, with the time of each genre family, per weekday and
 * hour, and per age of the music (the year played minus the release
 * year).  What it needs of a track, its first artist's families and its
 * release year, is given first; the listens then come in any order.  The
 * local time of each UTC quarter of an hour between the first listen and
 * the last is worked out once (every zone's offset is a whole number of
 * quarters of an hour since 1972), so a million listens cost a million
 * array lookups, not a million conversions.  Ownership: the timeline
 * copies what it is given; sp_timeline_free() frees it all and accepts
 * NULL.  No function here prints.
 */
#ifndef SP_TIMELINE_H
#define SP_TIMELINE_H

#include <stddef.h>

#define SP_TIMELINE_AGE_MIN	(-100)	/* ages counted; others are */
#define SP_TIMELINE_AGE_MAX	200	/* unknown */
#define SP_TIMELINE_MAXFAM	64	/* families told apart */

struct sp_timeline;

/*
 * A timeline for listens from first to last, UTC times
 * "YYYY-MM-DDTHH:MM:SSZ" (the earliest and latest that will be given);
 * NULL when out of memory, or when first or last is not such a time.
 */
struct sp_timeline *sp_timeline_new(const char *first, const char *last);
void		 sp_timeline_free(struct sp_timeline *);

/*
 * Artist id has n distinct genres of family fam (NULL: genres of none).
 * Give an artist's rows one after the other, and every artist before
 * the first track: an artist's weight in a family is that family's share
 * of its genres.  Returns 0, or -1 out of memory.
 */
int		 sp_timeline_artist(struct sp_timeline *, const char *id,
		    const char *fam, long long n);

/*
 * The next track: its first artist (NULL: none) and release year (0:
 * unknown).  Tracks are numbered in the order given, from 0.  Returns 0,
 * or -1 out of memory.
 */
int		 sp_timeline_track(struct sp_timeline *, const char *artist,
		    int year);

/*
 * One listen of ms milliseconds of track number track (-1: none, or a
 * track not given) at ts, a UTC time "YYYY-MM-DDTHH:MM:SSZ".  Returns 0,
 * 1 when ts is not such a time (the listen is not counted), or -1 out of
 * memory.
 */
int		 sp_timeline_listen(struct sp_timeline *, const char *ts,
		    long long ms, long track);

/*
 * The months with listens, in order; month i as "YYYY-MM" into buf, its
 * listens and time, and the family with the most time (a tie: the first
 * name in byte order; NULL when the month has no family's listening).
 */
size_t		 sp_timeline_nmonths(const struct sp_timeline *);
const char	*sp_timeline_month(const struct sp_timeline *, size_t i,
		    char buf[8], long long *n, long long *ms, const char **top);

/* Weekday wd (0 Monday) and hour hr, 0-23: listens and time. */
void		 sp_timeline_clock(const struct sp_timeline *, int wd, int hr,
		    long long *n, long long *ms);

/*
 * Age age (SP_TIMELINE_AGE_MIN to _MAX, or any other value for the
 * listens of unknown age): listens and time.
 */
void		 sp_timeline_age(const struct sp_timeline *, int age,
		    long long *n, long long *ms);

#endif
