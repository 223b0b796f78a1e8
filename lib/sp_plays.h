/*
 * sp_plays: sp-gen's listener, playing a catalog: plays spread over days
 * by weight (weekends more, some days away), in sessions at the hours
 * people listen, with favourites (Zipf), albums played through, skips,
 * podcasts, audiobooks and entries without metadata, and the catalog's
 * missing tracks played once each, evenly.  The same catalog, purpose
 * and arguments give the same plays.  Ownership: the caller frees the
 * generator with sp_plays_free() (which accepts NULL); a play points
 * into the catalog and static strings, so it lives as long as they do.
 */
#ifndef SP_PLAYS_H
#define SP_PLAYS_H

#include <time.h>

#include "sp_catalog.h"

enum sp_play_row {
	SP_PLAY_MUSIC, SP_PLAY_PODCAST, SP_PLAY_BOOK, SP_PLAY_NULL
};

/* One generated play, as the export will show it. */
struct sp_play {
	time_t		 start, end;
	enum sp_play_row row;
	const struct sp_catalog_track *t;	/* SP_PLAY_MUSIC */
	int		 show, episode;		/* SP_PLAY_PODCAST */
	int		 book, chapter;		/* SP_PLAY_BOOK */
	long		 ms;
	const char	*rstart, *rend;
	int		 shuffle, skipped, offline, incognito;
	const char	*platform, *country;
	char		 ip[16];
};

struct sp_plays;

/*
 * n plays of catalog c from the generator of purpose p, over days days
 * from t0 (midnight UTC) on; music_only: no podcasts, audiobooks, empty
 * entries or missing tracks; peralbum: the listener plays only the first
 * peralbum tracks of each album (-1: all).  NULL when out of memory.
 */
struct sp_plays	*sp_plays_new(const struct sp_catalog *c,
		    enum sp_gen_purpose p, long long n, int music_only,
		    time_t t0, int days, long long peralbum);
void		 sp_plays_free(struct sp_plays *);

/*
 * The next play into *p (past the n-th, more go on the last day):
 * 0, or -1 when it would end after 9999-12-31 (SP_TS_MAX).
 */
int		 sp_plays_next(struct sp_plays *, struct sp_play *p);

#endif
