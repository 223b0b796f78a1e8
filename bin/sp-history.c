/*
 * sp-history: read Spotify export files (Extended Streaming History, or
 * the short account-data export), as files, the folder they are in, or
 * the zip archive Spotify sends, and write one play record per play of
 * music.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "sp.h"
#include "sp_err.h"
#include "sp_id.h"
#include "sp_json.h"
#include "sp_jsarray.h"
#include "sp_jsonw.h"

static const struct option longopts[] = {
	{ "help",	no_argument,	NULL,	'h' },
	{ "quiet",	no_argument,	NULL,	'q' },
	{ "version",	no_argument,	NULL,	'V' },
	{ NULL,		0,		NULL,	0 }
};

static int quiet;

/* Why an entry was skipped. */
enum skip { SK_PODCAST, SK_AUDIOBOOK, SK_VIDEO, SK_EMPTY, SK_BAD, NSKIP };

struct hist_ctx {
	struct sp_jsonw		*w;
	const struct sp_pos	*pos;
	const char		*warned;	/* input told it has no ids */
	unsigned long long	 plays;
	unsigned long long	 skipped[NSKIP];
};

/* Export keys copied to the play record as they are. */
static const struct {
	const char *from, *to;
	enum sp_json_type type;
} copy[] = {
	{ "master_metadata_track_name", "track_name", SP_JSON_STRING },
	{ "master_metadata_album_artist_name", "artist_name", SP_JSON_STRING },
	{ "master_metadata_album_album_name", "album_name", SP_JSON_STRING },
	{ "reason_start", "reason_start", SP_JSON_STRING },
	{ "reason_end", "reason_end", SP_JSON_STRING },
	{ "shuffle", "shuffle", SP_JSON_BOOL },
	{ "skipped", "skipped", SP_JSON_BOOL },
	{ "offline", "offline", SP_JSON_BOOL },
	{ "offline_timestamp", "offline_ts", SP_JSON_NUMBER },
	{ "incognito_mode", "incognito", SP_JSON_BOOL },
	{ "platform", "platform", SP_JSON_STRING },
	{ "conn_country", "conn_country", SP_JSON_STRING },
};
#define NCOPY	(sizeof(copy) / sizeof(copy[0]))

_Noreturn static void
usage(FILE *f, int status)
{
	fprintf(f,
	    "usage: sp-history [-hqV] [file ...]\n"
	    "  -h, --help     print this help and exit\n"
	    "  -q, --quiet    no summary on stderr\n"
	    "  -V, --version  print the version and exit\n");
	exit(status);
}

static int
bad(struct hist_ctx *ctx, unsigned long index, const char *fmt,
    const char *key, const char *val, size_t n)
{
	char q[SP_QUOTE_SIZE], msg[256];

	snprintf(msg, sizeof(msg), fmt, key);
	if (val != NULL)
		sp_warnx_at(ctx->pos, "entry %lu: %s: %s", index, msg,
		    sp_quote(val, n, q));
	else
		sp_warnx_at(ctx->pos, "entry %lu: %s", index, msg);
	ctx->skipped[SK_BAD]++;
	return SP_REJECTED;
}

/* A value that is present and not null. */
static int
given(const struct sp_json *j, const char *key)
{
	int v = sp_json_get(j, 0, key);

	return v >= 0 && sp_json_type(j, v) != SP_JSON_NULL;
}

static int
skip(struct hist_ctx *ctx, enum skip why)
{
	ctx->skipped[why]++;
	return SP_OK;
}

/* "ts" or "endTime" into a play's ts; 0, or -1 reported. */
static int
timestamp(struct hist_ctx *ctx, struct sp_rec *rec, const char *key)
{
	char ts[SP_TS_LEN + 1];
	const char *s;
	size_t n;
	int v;

	v = sp_json_get(rec->json, 0, key);
	if ((s = sp_json_str(rec->json, v, &n)) == NULL) {
		bad(ctx, rec->index, sp_json_type(rec->json, v) > SP_JSON_NULL ?
		    "\"%s\": expected a string" : "missing \"%s\"", key, NULL, 0);
		return -1;
	}
	if (sp_ts_norm(s, n, ts) != 0) {
		bad(ctx, rec->index, "\"%s\": not a timestamp", key, s, n);
		return -1;
	}
	sp_jsonw_key(ctx->w, "ts");
	sp_jsonw_strz(ctx->w, ts);
	return 0;
}

/* "ms_played" or "msPlayed"; 0, or -1 reported. */
static int
msplayed(struct hist_ctx *ctx, struct sp_rec *rec, const char *key)
{
	long long ms;

	if (sp_json_int(rec->json, sp_json_get(rec->json, 0, key), &ms) != 0 ||
	    ms < 0) {
		bad(ctx, rec->index, "\"%s\": expected an integer >= 0", key,
		    NULL, 0);
		return -1;
	}
	sp_jsonw_key(ctx->w, "ms_played");
	sp_jsonw_int(ctx->w, ms);
	return 0;
}

/* Key "to" with the string at "from", or null. */
static void
str(struct hist_ctx *ctx, const struct sp_json *j, const char *from,
    const char *to)
{
	size_t n;
	const char *s = sp_json_str(j, sp_json_get(j, 0, from), &n);

	sp_jsonw_key(ctx->w, to);
	if (s != NULL)
		sp_jsonw_str(ctx->w, s, n);
	else
		sp_jsonw_null(ctx->w);
}

/* Write the play built in ctx->w. */
static int
emit(struct hist_ctx *ctx)
{
	if (sp_jsonw_write(ctx->w, stdout) != 0)
		return SP_FATAL_IO;	/* sp_close_stdout() reports it */
	ctx->plays++;
	return SP_OK;
}

static int
extended(struct hist_ctx *ctx, struct sp_rec *rec)
{
	const struct sp_json *j = rec->json;
	char id[SP_ID_LEN + 1];
	enum sp_kind kind;
	const char *uri;
	size_t i, n;
	long long ts;
	int v, b;

	if (given(j, "spotify_episode_uri") || given(j, "episode_name"))
		return skip(ctx, SK_PODCAST);
	if (given(j, "audiobook_uri") || given(j, "audiobook_title") ||
	    given(j, "audiobook_chapter_uri"))
		return skip(ctx, SK_AUDIOBOOK);
	v = sp_json_get(j, 0, "spotify_track_uri");
	uri = sp_json_str(j, v, &n);
	if (uri == NULL && sp_json_type(j, v) > SP_JSON_NULL)
		return bad(ctx, rec->index, "\"%s\": expected a string",
		    "spotify_track_uri", NULL, 0);
	if (uri == NULL && !given(j, "master_metadata_track_name"))
		return skip(ctx, SK_EMPTY);
	id[0] = '\0';
	if (uri != NULL && strncmp(uri, "spotify:local:", 14) != 0 &&
	    (sp_id_parse(uri, n, &kind, id) != 0 || kind != SP_KIND_TRACK ||
	    strncmp(uri, "spotify:track:", 14) != 0))
		return bad(ctx, rec->index, "\"%s\": not a Spotify track URI",
		    "spotify_track_uri", uri, n);

	sp_jsonw_obj(ctx->w);
	sp_jsonw_key(ctx->w, "type");
	sp_jsonw_strz(ctx->w, "play");
	if (timestamp(ctx, rec, "ts") != 0 || msplayed(ctx, rec,
	    "ms_played") != 0) {
		sp_jsonw_reset(ctx->w);
		return SP_REJECTED;
	}
	sp_jsonw_key(ctx->w, "track_id");
	sp_jsonw_strz(ctx->w, id[0] != '\0' ? id : NULL);
	for (i = 0; i < NCOPY; i++) {
		v = sp_json_get(j, 0, copy[i].from);
		if (copy[i].type == SP_JSON_STRING) {
			str(ctx, j, copy[i].from, copy[i].to);
			continue;
		}
		sp_jsonw_key(ctx->w, copy[i].to);
		if (copy[i].type == SP_JSON_BOOL && sp_json_bool(j, v,
		    &b) == 0)
			sp_jsonw_bool(ctx->w, b);
		else if (copy[i].type == SP_JSON_NUMBER && sp_json_int(j, v,
		    &ts) == 0 && ts >= 0)
			/* Old exports give milliseconds, newer seconds. */
			sp_jsonw_int(ctx->w, ts > 99999999999LL ? ts / 1000 :
			    ts);
		else
			sp_jsonw_null(ctx->w);
	}
	sp_jsonw_key(ctx->w, "source");
	sp_jsonw_strz(ctx->w, "extended");
	sp_jsonw_end(ctx->w);
	return emit(ctx);
}

static int
account(struct hist_ctx *ctx, struct sp_rec *rec)
{
	const struct sp_json *j = rec->json;
	static const char *const nulls[] = { "album_name", "reason_start",
	    "reason_end", "shuffle", "skipped", "offline", "offline_ts",
	    "incognito", "platform", "conn_country" };
	size_t i;

	if (strstr(rec->pos.file, "podcast") != NULL)
		return skip(ctx, SK_PODCAST);
	if (!given(j, "trackName") && !given(j, "artistName"))
		return skip(ctx, SK_EMPTY);
	if (ctx->warned != rec->pos.file) {
		ctx->warned = rec->pos.file;
		sp_warnx_at(&(struct sp_pos){ rec->pos.file, 0 },
		    "account-data export (StreamingHistory*.json) has no "
		    "track ids: its plays are loaded but cannot be enriched; "
		    "request the Extended streaming history instead");
	}
	sp_jsonw_obj(ctx->w);
	sp_jsonw_key(ctx->w, "type");
	sp_jsonw_strz(ctx->w, "play");
	if (timestamp(ctx, rec, "endTime") != 0 || msplayed(ctx, rec,
	    "msPlayed") != 0) {
		sp_jsonw_reset(ctx->w);
		return SP_REJECTED;
	}
	sp_jsonw_key(ctx->w, "track_id");
	sp_jsonw_null(ctx->w);
	str(ctx, j, "trackName", "track_name");
	str(ctx, j, "artistName", "artist_name");
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
		sp_jsonw_key(ctx->w, nulls[i]);
		sp_jsonw_null(ctx->w);
	}
	sp_jsonw_key(ctx->w, "source");
	sp_jsonw_strz(ctx->w, "account");
	sp_jsonw_end(ctx->w);
	return emit(ctx);
}

static int
on_entry(struct sp_rec *rec, void *arg)
{
	struct hist_ctx *ctx = arg;

	ctx->pos = &rec->pos;
	if (strstr(rec->pos.file, "Streaming_History_Video") != NULL)
		return skip(ctx, SK_VIDEO);
	if (sp_json_get(rec->json, 0, "ts") >= 0)
		return extended(ctx, rec);
	if (sp_json_get(rec->json, 0, "endTime") >= 0)
		return account(ctx, rec);
	return bad(ctx, rec->index, "%s", "not a streaming history entry "
	    "(no \"ts\" or \"endTime\")", NULL, 0);
}

static void
summary(const struct hist_ctx *ctx)
{
	char n[NSKIP + 1][32];
	int i;

	for (i = 0; i < NSKIP; i++)
		sp_fmt_count(ctx->skipped[i], n[i]);
	sp_fmt_count(ctx->plays, n[NSKIP]);
	sp_warnx_at(NULL, "%s play%s written; skipped: %s podcast "
	    "episode%s, %s audiobook chapter%s, %s video%s, %s entr%s without "
	    "a track, %s unreadable", n[NSKIP], ctx->plays == 1 ? "" : "s",
	    n[SK_PODCAST], ctx->skipped[SK_PODCAST] == 1 ? "" : "s",
	    n[SK_AUDIOBOOK], ctx->skipped[SK_AUDIOBOOK] == 1 ? "" : "s",
	    n[SK_VIDEO], ctx->skipped[SK_VIDEO] == 1 ? "" : "s",
	    n[SK_EMPTY], ctx->skipped[SK_EMPTY] == 1 ? "y" : "ies", n[SK_BAD]);
}

/* The streaming-history files of a folder or an archive, by name. */
static int
wanted(const char *path)
{
	static const char *const pat[] = { "Streaming_History_Audio_*.json",
	    "StreamingHistory*.json", "endsong*.json" };
	const char *base = strrchr(path, '/');
	size_t i;

	base = base != NULL ? base + 1 : path;
	for (i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
		if (fnmatch(pat[i], base, 0) == 0)
			return 1;
	return 0;
}

/* Input names live until the end: messages and ctx->warned point to them. */
struct names {
	char	**v;
	size_t	  n, cap;
};

static const char *
keep(struct names *nm, const char *a, const char *b)
{
	char *s, **v;

	if (nm->n == nm->cap) {
		size_t cap = nm->cap ? nm->cap * 2 : 16;

		if ((v = realloc(nm->v, cap * sizeof(*v))) == NULL)
			return NULL;
		nm->v = v;
		nm->cap = cap;
	}
	if (asprintf(&s, "%s/%s", a, b) < 0)
		return NULL;
	return nm->v[nm->n++] = s;
}

static ssize_t
fdread(void *src, void *buf, size_t n)
{
	return read(*(int *)src, buf, n);
}

static ssize_t
arread(void *src, void *buf, size_t n)
{
	la_ssize_t r = archive_read_data(src, buf, n);

	if (r < 0)
		errno = EIO;
	return r < 0 ? -1 : r;
}

/* The streaming-history members of a zip archive open on fd. */
static int
zip(struct sp_jsarray *sa, struct names *nm, const char *name, int fd)
{
	struct archive *a;
	struct archive_entry *e;
	const char *path, *full;
	int rc, status = SP_OK, n = 0;

	if ((a = archive_read_new()) == NULL)
		return SP_FATAL_IO;
	archive_read_support_format_zip(a);
	if (archive_read_open_fd(a, fd, 64 * 1024) != ARCHIVE_OK) {
		sp_warnx_at(&(struct sp_pos){ name, 0 }, "not a zip archive: "
		    "%s", archive_error_string(a));
		archive_read_free(a);
		return SP_FATAL_IO;
	}
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
	    rc == ARCHIVE_WARN) {
		path = archive_entry_pathname(e);
		if (archive_entry_filetype(e) != AE_IFREG || path == NULL ||
		    !wanted(path))
			continue;
		if ((full = keep(nm, name, path)) == NULL) {
			sp_warnx_at(NULL, "out of memory");
			status = SP_FATAL_IO;
			break;
		}
		n++;
		status = sp_jsarray_read(sa, full, SP_JSARRAY_FILE, arread, a);
		if (status != SP_OK && status != SP_REJECTED)
			break;
	}
	if (rc == ARCHIVE_FATAL) {
		sp_warnx_at(&(struct sp_pos){ name, 0 }, "zip archive: %s",
		    archive_error_string(a));
		status = SP_FATAL_IO;
	} else if (n == 0 && status == SP_OK) {
		sp_warnx_at(&(struct sp_pos){ name, 0 }, "no streaming "
		    "history in this archive (Streaming_History_Audio_*.json "
		    "or StreamingHistory*.json)");
		status = SP_REJECTED;
	}
	archive_read_free(a);
	return status;
}

static int
bydirent(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
onefile(struct sp_jsarray *sa, struct names *nm, const char *name);

/* The streaming-history files of a folder, in the order of their names. */
static int
folder(struct sp_jsarray *sa, struct names *nm, const char *name)
{
	struct dirent **de;
	const char *full;
	int i, n, status = SP_OK, st, found = 0;

	if ((n = scandir(name, &de, NULL, bydirent)) < 0) {
		sp_warn_at(&(struct sp_pos){ name, 0 }, "cannot read folder");
		return SP_FATAL_IO;
	}
	for (i = 0; i < n; i++) {
		/* After a fatal error, only free what is left. */
		if ((status == SP_OK || status == SP_REJECTED) &&
		    wanted(de[i]->d_name)) {
			found = 1;
			if ((full = keep(nm, name, de[i]->d_name)) == NULL) {
				sp_warnx_at(NULL, "out of memory");
				status = SP_FATAL_IO;
			} else {
				st = onefile(sa, nm, full);
				status = sp_status_merge(status, st);
			}
		}
		free(de[i]);
	}
	free(de);
	if (!found && status == SP_OK) {
		sp_warnx_at(&(struct sp_pos){ name, 0 }, "no streaming "
		    "history in this folder (Streaming_History_Audio_*.json "
		    "or StreamingHistory*.json)");
		status = SP_REJECTED;
	}
	return status;
}

/* One operand: a file of JSON arrays, a zip archive or a folder. */
static int
onefile(struct sp_jsarray *sa, struct names *nm, const char *name)
{
	struct stat sb;
	char magic[4];
	int fd, status;

	if (strcmp(name, "-") == 0) {
		fd = STDIN_FILENO;
		return sp_jsarray_read(sa, "stdin", 0, fdread, &fd);
	}
	if ((fd = open(name, O_RDONLY | O_CLOEXEC)) < 0) {
		sp_warn_at(&(struct sp_pos){ name, 0 }, "cannot open");
		return SP_FATAL_IO;
	}
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		close(fd);
		return folder(sa, nm, name);
	}
	/* A zip archive starts with a local file header (or is empty). */
	if (pread(fd, magic, 4, 0) == 4 && (memcmp(magic, "PK\3\4", 4) == 0 ||
	    memcmp(magic, "PK\5\6", 4) == 0))
		status = zip(sa, nm, name, fd);
	else
		status = sp_jsarray_read(sa, name, SP_JSARRAY_FILE, fdread,
		    &fd);
	close(fd);
	return status;
}

int
main(int argc, char *argv[])
{
	struct hist_ctx ctx;
	struct sp_jsarray *sa;
	struct names nm = { NULL, 0, 0 };
	unsigned long long bad;
	size_t k;
	int c, i, st, status = SP_OK;

	memset(&ctx, 0, sizeof(ctx));
	while ((c = getopt_long(argc, argv, "hqV", longopts, NULL)) != -1)
		switch (c) {
		case 'h':
			usage(stdout, SP_OK);
		case 'q':
			quiet = 1;
			break;
		case 'V':
			printf("sp-history %s\n", SP_VERSION);
			return SP_OK;
		default:
			usage(stderr, SP_USAGE);
		}
	argc -= optind;
	argv += optind;
	if (argc == 0 && isatty(STDIN_FILENO)) {
		sp_warnx_at(NULL, "no file named and standard input is a "
		    "terminal: name the export's files "
		    "(Streaming_History_Audio_*.json), their folder or the zip "
		    "archive Spotify sent, or pipe a JSON array in");
		return SP_USAGE;
	}

	if ((ctx.w = sp_jsonw_new()) == NULL ||
	    (sa = sp_jsarray_new(on_entry, &ctx)) == NULL) {
		sp_warnx_at(NULL, "out of memory");
		sp_jsonw_free(ctx.w);
		return SP_FATAL_IO;
	}
	for (i = 0; i < (argc > 0 ? argc : 1); i++) {
		st = onefile(sa, &nm, argc > 0 ? argv[i] : "-");
		status = sp_status_merge(status, st);
		/* A file that cannot be opened: the others are still read. */
		if (st != SP_OK && st != SP_REJECTED && st != SP_FATAL_IO)
			break;
	}
	sp_jsarray_fail(sa, status);
	status = sp_jsarray_free(sa, &bad);
	ctx.skipped[SK_BAD] += bad;
	sp_jsonw_free(ctx.w);
	for (k = 0; k < nm.n; k++)
		free(nm.v[k]);
	free(nm.v);
	if (sp_close_stdout() != 0)
		status = sp_status_merge(status, SP_FATAL_IO);
	if (!quiet)
		summary(&ctx);
	return status;
}
