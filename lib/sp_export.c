/*
 * sp_export: sp-gen's plays as Spotify's exports write them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp.h"
#include "sp_catalog.h"
#include "sp_export.h"
#include "sp_jsonw.h"
#include "sp_plays.h"
#include "sp_rng.h"
#include "sp_words.h"

/* One record of an export, pretty-printed. */
struct sp_export {
	char		*s;
	size_t		 len, cap;
	int		 nomem;
	int		 first;		/* no field yet */
	const char	*colon;		/* Spotify's two styles */
	struct sp_jsonw	*w;		/* a string, escaped */
};

struct sp_export *
sp_export_new(void)
{
	struct sp_export *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return NULL;
	if ((b->w = sp_jsonw_new()) == NULL) {
		free(b);
		return NULL;
	}
	return b;
}

void
sp_export_free(struct sp_export *b)
{
	if (b == NULL)
		return;
	sp_jsonw_free(b->w);
	free(b->s);
	free(b);
}

const char *
sp_export_buf(const struct sp_export *b, size_t *len)
{
	*len = b->len;
	return b->nomem ? NULL : b->s != NULL ? b->s : "";
}

void
sp_export_reset(struct sp_export *b)
{
	b->len = 0;
}

static void
bput(struct sp_export *b, const char *s, size_t n)
{
	char *p;
	size_t cap;

	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap * 2 : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->s, cap)) == NULL) {
			b->nomem = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
}

static void
bputs(struct sp_export *b, const char *s)
{
	bput(b, s, strlen(s));
}

static void
bkey(struct sp_export *b, const char *key)
{
	bputs(b, b->first ? "    \"" : ",\n    \"");
	bputs(b, key);
	bputs(b, "\"");
	bputs(b, b->colon);
	b->first = 0;
}

/* A string field, escaped; null for NULL. */
static void
bstr(struct sp_export *b, const char *key, const char *s)
{
	const char *q;
	size_t n;

	bkey(b, key);
	sp_jsonw_reset(b->w);
	sp_jsonw_strz(b->w, s);
	if ((q = sp_jsonw_buf(b->w, &n)) == NULL)
		b->nomem = 1;
	else
		bput(b, q, n);
}

static void
bnum(struct sp_export *b, const char *key, long long v)
{
	char s[24];

	bkey(b, key);
	snprintf(s, sizeof(s), "%lld", v);
	bputs(b, s);
}

static void
bbool(struct sp_export *b, const char *key, int v)
{
	bkey(b, key);
	bputs(b, v ? "true" : "false");
}

/* "spotify:KIND:ID", the id made up from p and key. */
static char *
uri(char buf[48], uint64_t seed, const char *kind, enum sp_gen_purpose p,
    uint64_t key)
{
	char id[SP_ID_LEN + 1];

	sp_rng_id(seed, p, key, id);
	snprintf(buf, 48, "spotify:%s:%s", kind, id);
	return buf;
}

/* The 23 fields of an Extended Streaming History record. */
void
sp_export_play(struct sp_export *b, const struct sp_catalog *c,
    const struct sp_play *p)
{
	char ts[SP_TS_LEN + 1], turi[48], euri[48], ename[96], buri[48],
	    curi[48], ctitle[32];
	const struct sp_catalog_track *t = p->row == SP_PLAY_MUSIC ? p->t : NULL;
	int pod = p->row == SP_PLAY_PODCAST, book = p->row == SP_PLAY_BOOK;

	if (t != NULL)
		snprintf(turi, sizeof(turi), "spotify:track:%s", t->id);
	if (pod) {
		uri(euri, c->seed, "episode", SP_GEN_EPISODE, (uint64_t)p->show << 16 |
		    (uint64_t)p->episode);
		snprintf(ename, sizeof(ename), "#%d – %s", p->episode,
		    sp_words_noun((size_t)p->episode));
	}
	if (book) {
		uri(buri, c->seed, "show", SP_GEN_BOOK, (uint64_t)p->book);
		uri(curi, c->seed, "episode", SP_GEN_BOOK, (uint64_t)p->book << 16 |
		    (uint64_t)p->chapter);
		snprintf(ctitle, sizeof(ctitle), "Chapter %d", p->chapter);
	}

	b->first = 1;
	b->colon = ": ";
	bputs(b, "  {\n");
	bstr(b, "ts", sp_ts_format(p->end, ts));
	bstr(b, "platform", p->platform);
	bnum(b, "ms_played", p->ms);
	bstr(b, "conn_country", p->country);
	bstr(b, "ip_addr", p->ip);
	bstr(b, "master_metadata_track_name", t ? t->name : NULL);
	bstr(b, "master_metadata_album_artist_name",
	    t ? c->ar[t->artists[0]].name : NULL);
	bstr(b, "master_metadata_album_album_name",
	    t ? c->al[t->album].name : NULL);
	bstr(b, "spotify_track_uri", t ? turi : NULL);
	bstr(b, "episode_name", pod ? ename : NULL);
	bstr(b, "episode_show_name", pod ? sp_words_show((size_t)p->show) : NULL);
	bstr(b, "spotify_episode_uri", pod ? euri : NULL);
	bstr(b, "audiobook_title", book ? sp_words_book((size_t)p->book) : NULL);
	bstr(b, "audiobook_uri", book ? buri : NULL);
	bstr(b, "audiobook_chapter_uri", book ? curi : NULL);
	bstr(b, "audiobook_chapter_title", book ? ctitle : NULL);
	bstr(b, "reason_start", p->rstart);
	bstr(b, "reason_end", p->rend);
	bbool(b, "shuffle", p->shuffle);
	bbool(b, "skipped", p->skipped);
	bbool(b, "offline", p->offline);
	bnum(b, "offline_timestamp", (long long)p->start);
	bbool(b, "incognito_mode", p->incognito);
	bputs(b, "\n  }");
}

/* The short account-data record: names, no ids. */
void
sp_export_account(struct sp_export *b, const struct sp_catalog *c,
    const struct sp_play *p)
{
	char end[SP_TS_LEN + 1];

	sp_ts_format(p->end, end);
	end[10] = ' ';
	end[16] = '\0';
	b->first = 1;
	b->colon = " : ";
	bputs(b, "  {\n");
	bstr(b, "endTime", end);
	bstr(b, "artistName", c->ar[p->t->artists[0]].name);
	bstr(b, "trackName", p->t->name);
	bnum(b, "msPlayed", p->ms);
	bputs(b, "\n  }");
}
