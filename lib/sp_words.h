/*
 * sp_words: the made-up names of sp-gen's catalog, from fixed word lists
 * (accents, other scripts and typographic apostrophes among them):
 * artists, albums, tracks, labels, podcast shows and audiobooks, and the
 * real Spotify genres artists are given, a few spelt oddly.  Ownership:
 * names are written into the caller's buffer (cut to fit); the strings
 * returned are static.  Each function draws from the generator given,
 * always the same draws for the same state.
 */
#ifndef SP_WORDS_H
#define SP_WORDS_H

#include <stddef.h>

struct sp_rng;

/* The name of artist i (every 13th from a list of odd ones). */
void		 sp_words_artist(struct sp_rng *, size_t i, char *buf,
		    size_t n);
/* An album's name, given its year and first artist's name. */
void		 sp_words_album(struct sp_rng *, int compilation, int year,
		    const char *artist, char *buf, size_t n);
/* A track's name; feat, the second artist's name, or NULL. */
void		 sp_words_track(struct sp_rng *, const char *feat, char *buf,
		    size_t n);
/*
 * Artist i's genres, none to four (one more, spelt oddly or given twice,
 * for every 7th artist), into out; returns how many.
 */
int		 sp_words_genres(struct sp_rng *, size_t i, const char *out[6]);
/* A record label. */
const char	*sp_words_label(struct sp_rng *);
/* Noun k (modulo their number), for episode names. */
const char	*sp_words_noun(size_t k);
/* Podcast show k and audiobook k, NULL past the last; how many. */
const char	*sp_words_show(size_t k);
size_t		 sp_words_nshows(void);
const char	*sp_words_book(size_t k);
size_t		 sp_words_nbooks(void);

#endif
