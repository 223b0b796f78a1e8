/*
 * sp_id: Spotify ids, URIs and open.spotify.com URLs.  Nothing here
 * allocates; ids are copied into the caller's buffer.
 */
#ifndef SP_ID_H
#define SP_ID_H

#include <stddef.h>

#define SP_ID_LEN	22

enum sp_kind {
	SP_KIND_NONE,
	SP_KIND_TRACK,
	SP_KIND_ALBUM,
	SP_KIND_ARTIST
};

/* Is s[0..len) exactly 22 base62 characters? */
int		 sp_id_valid(const char *s, size_t len);

/*
 * Parse a bare id, "spotify:KIND:ID" or "https://open.spotify.com/KIND/ID"
 * (an "intl-xx/" segment, a query and a fragment allowed).  On success
 * returns 0, copies the id into id and sets *kind (SP_KIND_NONE for a bare
 * id); returns -1 if s is none of those.
 */
int		 sp_id_parse(const char *s, size_t len, enum sp_kind *kind,
		    char id[SP_ID_LEN + 1]);

/* "track", "album", "artist"; NULL for SP_KIND_NONE. */
const char	*sp_kind_name(enum sp_kind);
/* Inverse of sp_kind_name(), also taking the plurals; else SP_KIND_NONE. */
enum sp_kind	 sp_kind_parse(const char *s, size_t len);

#endif
