/*
 * sp_genre: normalize Spotify genre names and map each to a broad family
 * by a rules file.  Ownership: the rules own their text; every string
 * returned by sp_genre_family() and sp_genre_explain() points into the
 * rules (or is static) and lives until sp_genre_rules_free(), which
 * accepts NULL.  sp_genre_norm() writes into the caller's buffer.  The
 * rules remember the last few thousand genres looked up, so one rules
 * object is for one thread at a time.
 */
#ifndef SP_GENRE_H
#define SP_GENRE_H

#include <stddef.h>

/* Size of the error buffer of sp_genre_rules_load(). */
#define SP_GENRE_ERRSIZE	512

struct sp_genre_rules;

/*
 * Load the rules file at path, or the built-in rules (lib/genre-rules.txt,
 * compiled in) when path is NULL.  Returns SP_OK and *out, which the
 * caller frees with sp_genre_rules_free(); SP_FATAL_IO when the file
 * cannot be read or memory runs out; SP_USAGE for a bad rule.  On error,
 * err holds the message: "FILE: cannot open: REASON" or
 * "FILE:LINE: unknown family: \"rokc\"".
 */
int		 sp_genre_rules_load(const char *path,
		    struct sp_genre_rules **out, char err[SP_GENRE_ERRSIZE]);
void		 sp_genre_rules_free(struct sp_genre_rules *);

/*
 * The normalized form of genre in[0..len) into out (NUL-terminated): white
 * space (space, tab, CR, LF, no-break space) trimmed and collapsed to one
 * space, ASCII and Latin-1 and Latin Extended-A letters lower-cased, every
 * other byte kept.  Returns its length (0: the genre is empty), or -1 if
 * in is not valid UTF-8, holds another control character (U+0000 to
 * U+001F, U+007F to U+009F), or out is too small; the result is never
 * longer than in, so outsize = len + 1 is enough.
 */
int		 sp_genre_norm(const char *in, size_t len, char *out,
		    size_t outsize);

/*
 * The family of a normalized genre: the family of the first rule with a
 * pattern that matches, or NULL when none does.
 */
const char	*sp_genre_family(const struct sp_genre_rules *,
		    const char *genre);

/*
 * Same, and where the matching rule is: its file ("genre-rules.txt" for
 * the built-in rules), line and the pattern as written.  When no rule
 * matches, returns NULL and leaves the outputs alone.  A genre seen
 * recently is not matched again (both write the rules' memory of it).
 */
const char	*sp_genre_explain(const struct sp_genre_rules *,
		    const char *genre, const char **file, unsigned long *line,
		    const char **pattern);

/* Is s one of the families a rule may name? */
int		 sp_genre_is_family(const char *s);

#endif
