/*
 * sp_tally: a store's listens counted in memory, as the reports count
 * them.  A listen is a play of at least minms; it is credited to its
 * track, and when the track is enriched to the track's album and first
 * artist; an artist's genres split its time equally among them.  Loading
 * reads each table once, in order (no lookup per row), so that a store
 * of a million plays is counted in a fraction of a second.  Ownership:
 * the tally owns every string it returns; sp_tally_free() frees them all
 * and accepts NULL.  No function here prints.
 */
#ifndef SP_TALLY_H
#define SP_TALLY_H

#include <sqlite3.h>

/* What is known of a track: the coverage's parts. */
enum sp_tally_cv { SP_TALLY_ENRICHED, SP_TALLY_NOT_FOUND, SP_TALLY_PENDING,
    SP_TALLY_NO_ID, SP_TALLY_NO_GENRES, SP_TALLY_NO_YEAR, SP_TALLY_NCV };

struct sp_tally;

/* A row: a key's listens n and time ms (a split one: fractions). */
struct sp_tally_row {
	const char	*key;		/* id, genre or family; NULL: none */
	const char	*name;		/* an artist's name; NULL: unknown */
	const char	*family;	/* a genre's; NULL: none */
	const char	*artist;	/* a track's first artist's id */
	int		 year;		/* an album's, or a year's; 0: unknown */
	long long	 n, ms;
	double		 sn, sms;	/* split listens and time */
};

/*
 * Count the listens of db: those of at least minms played in [lo, hi)
 * (UTC times as the store keeps them; NULL: no bound), or, with whole,
 * the store's own count of every listen (table listens).  Returns 0, -1
 * out of memory, or 1 on a database error (sqlite3_errmsg() says it).
 */
int	sp_tally_load(sqlite3 *db, long long minms, const char *lo,
	    const char *hi, int whole, struct sp_tally **out);
void	sp_tally_free(struct sp_tally *);

/* All listens, their time, and the tracks they are of. */
void	sp_tally_total(const struct sp_tally *, long long *n, long long *ms,
	    long long *ntracks);

/* Coverage part k: its time and listens. */
void	sp_tally_coverage(const struct sp_tally *, enum sp_tally_cv k,
	    long long *ms, long long *n);

/*
 * The rows of a report, ranked or in order, into *rows (the tally's,
 * valid until the next call of the same function); the number of rows,
 * or -1 out of memory.
 * genres, families: key, family (genres), split sn and sms; most time
 *	first, then by name (the families' null last).
 * years: one row per step years (1: years, 10: decades) by year, those
 *	of unknown year (year 0: no album, or none known) last.
 * artists: first artists, most time first, then by name and id; genre
 *	and family (non-NULL) keep those with a genre of that name, or of
 *	that family ("unmapped": a genre of none).
 * tracks: key, artist (NULL unless enriched), n, ms; most time first.
 * albums: key, year, n, ms; most time first.
 */
long	sp_tally_genres(struct sp_tally *, const struct sp_tally_row **rows);
long	sp_tally_families(struct sp_tally *,
	    const struct sp_tally_row **rows);
long	sp_tally_years(struct sp_tally *, int step,
	    const struct sp_tally_row **rows);
long	sp_tally_artists(struct sp_tally *, const char *genre,
	    const char *family, const struct sp_tally_row **rows);
long	sp_tally_tracks(struct sp_tally *, const struct sp_tally_row **rows);
long	sp_tally_albums(struct sp_tally *, const struct sp_tally_row **rows);

/* The name of artist id, when it is known; NULL otherwise. */
const char *sp_tally_artist_name(const struct sp_tally *, const char *id);

/*
 * What the timeline needs, one call per item: each artist with genres,
 * its families (NULL: genres of none) with how many of its genres each;
 * then each track listened to, its first artist (NULL: none) and release
 * year (0: unknown).  A callback's non-zero return stops the walk and is
 * returned.
 */
typedef int	sp_tally_artist_fn(void *, const char *id, const char *fam,
		    long long n);
typedef int	sp_tally_track_fn(void *, const char *id, const char *artist,
		    int year);
int	sp_tally_walk(const struct sp_tally *, sp_tally_artist_fn *,
	    sp_tally_track_fn *, void *);
long long sp_tally_nartists(const struct sp_tally *);	/* with genres */

/*
 * The number of track id in the walk's order (from 0), or -1 if it was
 * not listened to; fastest when asked in id order.
 */
long	sp_tally_index(struct sp_tally *, const char *id);

#endif
