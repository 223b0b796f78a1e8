/*
 * sp_album.c: an album's track listing pages, merged into the album.
 */
#include <stdlib.h>
#include <string.h>

#include "sp_album.h"
#include "sp_json.h"
#include "sp_jsonw.h"

struct sp_album {
	char	 *first;		/* the album object */
	size_t	  firstlen;
	char	**body;			/* pages past the first, by offset */
	size_t	 *len;
	int	  n;
	int	  left;
};

int
sp_album_pages(const struct sp_json *j, int v)
{
	long long total;
	int have;

	if (sp_json_type(j, sp_json_path(j, v, "tracks.next")) !=
	    SP_JSON_STRING || sp_json_int(j, sp_json_path(j, v,
	    "tracks.total"), &total) != 0)
		return 0;
	have = sp_json_count(j, sp_json_path(j, v, "tracks.items"));
	if (have != SP_ALBUM_PAGE || total <= SP_ALBUM_PAGE || total > 100000)
		return 0;
	return (int)((total - SP_ALBUM_PAGE + SP_ALBUM_PAGE - 1) /
	    SP_ALBUM_PAGE);
}

struct sp_album *
sp_album_new(const char *body, size_t len, int npages)
{
	struct sp_album *p;

	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->body = calloc((size_t)npages, sizeof(*p->body))) == NULL ||
	    (p->len = calloc((size_t)npages, sizeof(*p->len))) == NULL ||
	    (p->first = malloc(len + 1)) == NULL) {
		sp_album_free(p);
		return NULL;
	}
	memcpy(p->first, body, len);
	p->first[len] = '\0';
	p->firstlen = len;
	p->n = p->left = npages;
	return p;
}

void
sp_album_free(struct sp_album *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; p->body != NULL && i < p->n; i++)
		free(p->body[i]);
	free(p->body);
	free(p->len);
	free(p->first);
	free(p);
}

int
sp_album_page(struct sp_album *p, int k, char *body, size_t len)
{
	if (k < 0 || k >= p->n) {
		free(body);
		return p->left;
	}
	if (p->body[k] == NULL)
		p->left--;
	free(p->body[k]);
	p->body[k] = body;
	p->len[k] = len;
	return p->left;
}

/* The album's members, its listing's items followed by every page's. */
static int
merge(const struct sp_album *p, struct sp_json *j, struct sp_json *pj,
    struct sp_jsonw *w)
{
	int k, e, t, tk, pg, arr;

	if (sp_json_parse(j, p->first, p->firstlen, 1, NULL) != SP_JSON_OK)
		return -1;
	sp_jsonw_reset(w);
	sp_jsonw_obj(w);
	for (k = sp_json_first(j, 0); k >= 0; k = sp_json_next(j, 0, k)) {
		sp_jsonw_key(w, sp_json_str(j, k, NULL));
		if (strcmp(sp_json_str(j, k, NULL), "tracks") != 0 ||
		    sp_json_type(j, k + 1) != SP_JSON_OBJECT) {
			sp_jsonw_value(w, j, k + 1);
			continue;
		}
		t = k + 1;
		sp_jsonw_obj(w);
		for (tk = sp_json_first(j, t); tk >= 0;
		    tk = sp_json_next(j, t, tk)) {
			const char *key = sp_json_str(j, tk, NULL);

			sp_jsonw_key(w, key);
			if (strcmp(key, "next") == 0) {
				sp_jsonw_null(w);
				continue;
			}
			if (strcmp(key, "items") != 0) {
				sp_jsonw_value(w, j, tk + 1);
				continue;
			}
			sp_jsonw_arr(w);
			for (e = sp_json_first(j, tk + 1); e >= 0;
			    e = sp_json_next(j, tk + 1, e))
				sp_jsonw_value(w, j, e);
			for (pg = 0; pg < p->n; pg++) {
				if (p->body[pg] == NULL ||
				    sp_json_parse(pj, p->body[pg], p->len[pg],
				    1, NULL) != SP_JSON_OK)
					return -1;
				arr = sp_json_get(pj, 0, "items");
				for (e = sp_json_first(pj, arr); e >= 0;
				    e = sp_json_next(pj, arr, e))
					sp_jsonw_value(w, pj, e);
			}
			sp_jsonw_end(w);
		}
		sp_jsonw_end(w);
	}
	sp_jsonw_end(w);
	return 0;
}

char *
sp_album_merge(const struct sp_album *p, struct sp_json *j,
    struct sp_jsonw *w, size_t *len)
{
	struct sp_json *pj;
	const char *buf;
	char *copy = NULL;

	if ((pj = sp_json_new()) == NULL)
		return NULL;
	if (merge(p, j, pj, w) == 0 && (buf = sp_jsonw_buf(w, len)) != NULL &&
	    (copy = malloc(*len + 1)) != NULL)
		memcpy(copy, buf, *len + 1);
	sp_json_free(pj);
	sp_jsonw_reset(w);
	return copy;
}
