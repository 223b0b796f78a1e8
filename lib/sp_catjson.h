/*
 * sp_catjson: sp-gen's catalog objects as GET /v1/artists, /v1/albums
 * and /v1/tracks served them before 2026, keys in the API's order: full
 * objects for the catalog's lines (an album with all its tracks in one
 * page of simplified tracks), simplified ones inside them.  Ownership:
 * each call appends one object to the caller's writer; nothing here
 * allocates or prints.
 */
#ifndef SP_CATJSON_H
#define SP_CATJSON_H

struct sp_catalog;
struct sp_catalog_album;
struct sp_catalog_artist;
struct sp_catalog_track;
struct sp_jsonw;

/* The full object when full, else the simplified one. */
void	sp_catjson_artist(struct sp_jsonw *,
	    const struct sp_catalog_artist *, int full);
void	sp_catjson_album(struct sp_jsonw *, const struct sp_catalog *,
	    const struct sp_catalog_album *, int full);
void	sp_catjson_track(struct sp_jsonw *, const struct sp_catalog *,
	    const struct sp_catalog_track *, int full);

#endif
