/*
 * sp_album: an album whose track listing goes on past the first page.
 * Keeps the album object (GET /albums/{id}) and the further pages of its
 * listing (GET /albums/{id}/tracks) as they arrive, and merges them into
 * one album object, as if Spotify had sent the whole listing at once:
 * every page's items in order of offset, "next" null.  Ownership: the
 * sp_album owns a copy of the album and the page bodies it is given;
 * sp_album_merge() returns text the caller frees.
 */
#ifndef SP_ALBUM_H
#define SP_ALBUM_H

#include <stddef.h>

#define SP_ALBUM_PAGE	50	/* tracks a listing page holds */

struct sp_album;
struct sp_json;
struct sp_jsonw;

/*
 * How many further pages the album value v of j needs: 0 when its
 * listing is whole (no "next", or not a full first page).
 */
int		 sp_album_pages(const struct sp_json *j, int v);

/* Keep a copy of the album's text, to wait for npages pages; NULL: no memory. */
struct sp_album	*sp_album_new(const char *body, size_t len, int npages);
void		 sp_album_free(struct sp_album *);

/*
 * Page k (0 is the first after the album's own, at offset SP_ALBUM_PAGE)
 * arrived: the album takes body, a malloc'd text.  Returns how many
 * pages are still missing.
 */
int		 sp_album_page(struct sp_album *, int k, char *body, size_t len);

/*
 * The album with the items of every page: malloc'd text, its length in
 * *len; NULL when a part is not valid JSON or memory ran out.  j and w
 * are the caller's, used as scratch (reset on return).
 */
char		*sp_album_merge(const struct sp_album *, struct sp_json *j,
		    struct sp_jsonw *w, size_t *len);

#endif
