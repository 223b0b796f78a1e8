/*
 * sp_catalog: sp-gen's synthetic catalog, made from a seed: artists,
 * albums (typed and sized, their tracks consecutive and in order),
 * tracks, then the tracks played that the catalog does not hold, and the
 * Zipf weights by which the listener picks tracks.  Each object draws
 * from a generator of its own (purpose and index), so the same seed and
 * sizes give the same catalog.  Ownership: the caller owns the struct;
 * sp_catalog_build() fills its arrays, sp_catalog_free() frees them (it
 * accepts a zeroed struct).  The structs are open: the writers read them
 * and, once built, nothing changes them.
 */
#ifndef SP_CATALOG_H
#define SP_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "sp_id.h"

/* What a generator is for: one stream of numbers each.  Never renumber. */
enum sp_gen_purpose {
	SP_GEN_ARTIST = 1, SP_GEN_ALBUM, SP_GEN_TRACK, SP_GEN_MISSING,
	SP_GEN_SIZES, SP_GEN_RANKS, SP_GEN_EPISODE, SP_GEN_BOOK, SP_GEN_PLAYS,
	SP_GEN_ACCOUNT, SP_GEN_DAY, SP_GEN_USER
};

enum sp_catalog_type {
	SP_CATALOG_ALBUM, SP_CATALOG_SINGLE, SP_CATALOG_COMPILATION
};

struct sp_catalog_artist {
	char		 id[SP_ID_LEN + 1];
	char		 name[64];
	const char	*genres[6];
	int		 ngenres;
	int		 popularity;
	long		 followers;
	int		 images;		/* has pictures */
};

struct sp_catalog_album {
	char		 id[SP_ID_LEN + 1];
	char		 name[96];
	char		 date[24];
	char		 upc[13];
	int		 precision;		/* 0 year, 1 month, 2 day */
	enum sp_catalog_type type;
	size_t		 artists[2];
	int		 nartists;
	size_t		 first;			/* its tracks, in order */
	size_t		 ntracks;
	unsigned	 markets;		/* bits of the markets */
	int		 popularity;
	const char	*label;
};

struct sp_catalog_track {
	char		 id[SP_ID_LEN + 1];
	char		 name[128];
	char		 isrc[16];
	size_t		 album;
	size_t		 artists[3];
	int		 nartists;
	int		 duration;
	int		 disc;
	int		 number;
	int		 explicit_;
	int		 popularity;
};

struct sp_catalog {
	uint64_t	 seed;
	int		 year;		/* no album released later */
	struct sp_catalog_artist *ar;
	struct sp_catalog_album *al;
	struct sp_catalog_track *tr;	/* the catalog, then the missing */
	size_t		 nar;
	size_t		 nal;
	size_t		 ntr;
	size_t		 nmiss;
	size_t		 guest;		/* next artist who leads no album */
	double		*cum;		/* Zipf: cumulative weight by rank */
	size_t		*rank;		/* track at each rank */
};

/*
 * Make the catalog of c->seed, c->year and the sizes c->nar, c->nal,
 * c->ntr (nal <= ntr) and c->nmiss, the rest of *c zeroed.  Returns 0,
 * or -1 when out of memory (then free it all with sp_catalog_free()).
 */
int	sp_catalog_build(struct sp_catalog *);
void	sp_catalog_free(struct sp_catalog *);

#endif
