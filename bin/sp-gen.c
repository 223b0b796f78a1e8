/*
 * sp-gen: write a seeded synthetic Spotify catalog (the API's full
 * objects, one per line) and an Extended Streaming History export that
 * plays it.  The same seed and options give the same bytes.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sp.h"
#include "sp_err.h"
#include "sp_id.h"
#include "sp_jsonw.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define PICK(r, a)	((a)[runi((r), NELEM(a))])
#define FILEMAX		(12L * 1024 * 1024)	/* bytes per export file */

enum purpose {
	P_ARTIST = 1, P_ALBUM, P_TRACK, P_MISSING, P_SIZES, P_RANKS,
	P_EPISODE, P_BOOK, P_PLAYS, P_ACCOUNT, P_DAY, P_USER
};

enum row { ROW_MUSIC, ROW_PODCAST, ROW_BOOK, ROW_NULL };

enum album_type { AL_ALBUM, AL_SINGLE, AL_COMPILATION };

struct rng {
	uint64_t	 s;
};

struct artist {
	char		 id[SP_ID_LEN + 1];
	char		 name[64];
	const char	*genres[6];
	int		 ngenres;
	int		 popularity;
	long		 followers;
	int		 images;		/* has pictures */
};

struct album {
	char		 id[SP_ID_LEN + 1];
	char		 name[96];
	char		 date[24];
	char		 upc[13];
	int		 precision;		/* 0 year, 1 month, 2 day */
	enum album_type	 type;
	size_t		 artists[2];
	int		 nartists;
	size_t		 first;			/* its tracks, in order */
	size_t		 ntracks;
	unsigned	 markets;		/* bits of markets[] */
	int		 popularity;
	const char	*label;
};

struct track {
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

struct cat {
	struct artist	*ar;
	struct album	*al;
	struct track	*tr;		/* the catalog, then the missing ones */
	size_t		 nar;
	size_t		 nal;
	size_t		 ntr;
	size_t		 nmiss;
	size_t		 guest;		/* next artist who leads no album */
	double		*cum;		/* Zipf: cumulative weight by rank */
	size_t		*rank;		/* track at each rank */
};

/* One generated play, as the export will show it. */
struct play {
	time_t		 start, end;
	enum row	 row;
	const struct track *t;
	int		 show, episode;
	int		 book, chapter;
	long		 ms;
	const char	*rstart, *rend;
	int		 shuffle, skipped, offline, incognito;
	const char	*platform, *country;
	char		 ip[16];
};

/* The play generator: days, then sessions, then plays. */
struct stream {
	struct rng	 r;
	const struct cat *c;
	enum purpose	 purpose;
	long long	 n, i;		/* plays to make, made */
	int		 music_only;
	double		 wtotal, wcum;	/* day weights */
	int		 day;
	long long	 made;		/* plays assigned to past days */
	long		 nsess, sessk, daycount;
	long		 sessleft;
	time_t		 daystart, t;
	long		 next_in_album;	/* track index, or -1 */
	const char	*prevend;
	int		 shuffle, offline, incognito;
	const char	*platform, *country;
	char		 ip[16];
	size_t		 missi;		/* missing tracks played */
	const char	*user[3];	/* phone, computer, home country */
	int		 home;		/* home IP address */
};

/* One record of an export, pretty-printed. */
struct buf {
	char		*s;
	size_t		 len, cap;
	int		 nomem;
	int		 first;		/* no field yet */
	const char	*colon;		/* Spotify's two styles */
};

static unsigned long long seed = 1;
static long long account;
static long long albums = -1;
static long long artists = -1;
static long long days = 365;
static long long missing;
static long long peralbum = -1;
static long long plays = 1000;
static const char *start = "2023-01-01";
static long long tracks = 200;

static const struct option longopts[] = {
	{ "account",	required_argument,	NULL,	'A' },
	{ "albums",	required_argument,	NULL,	'a' },
	{ "artists",	required_argument,	NULL,	'r' },
	{ "days",	required_argument,	NULL,	'd' },
	{ "help",	no_argument,		NULL,	'h' },
	{ "missing",	required_argument,	NULL,	'm' },
	{ "per-album",	required_argument,	NULL,	'p' },
	{ "plays",	required_argument,	NULL,	'n' },
	{ "seed",	required_argument,	NULL,	's' },
	{ "start",	required_argument,	NULL,	'S' },
	{ "tracks",	required_argument,	NULL,	't' },
	{ "version",	no_argument,		NULL,	'V' },
	{ NULL,		0,			NULL,	0 }
};

/* Real Spotify genre names. */
static const char *const genres[] = {
	"a cappella", "acid techno", "afrobeats", "alternative emo",
	"ambeat", "anime score", "argentine reggae",
	"australian alternative rock", "avantgarde metal", "bangla",
	"bassline", "belorush", "black thrash", "boogie-woogie",
	"brazilian ccm", "breton folk", "broadway", "bulgarian rock",
	"canadian indie", "carnatic", "celtic rock", "chaotic black metal",
	"chill groove", "chip hop", "christian music",
	"classic colombian pop", "classic icelandic pop",
	"classic soundtrack", "classical", "classical piano", "complextro",
	"contemporary post-bop", "country rock", "crust punk", "czech folk",
	"dance pop", "danish indie", "dark cabaret", "death metal",
	"deep ccm", "deep cumbia sonidera", "deep downtempo fusion",
	"deep freestyle", "deep german punk", "deep indie r&b",
	"deep latin jazz", "deep neofolk", "deep pop edm", "deep ragga",
	"deep string quartet", "deep texas country", "demoscene",
	"digital hardcore", "doo-wop", "drill", "dubstep", "early music",
	"electro bailando", "electrofox", "entehno", "europop",
	"fallen angel", "finnish hip hop", "folk", "fourth world",
	"french indie pop", "funk carioca", "g funk", "garage rock",
	"german pop", "glam metal", "gospel blues", "greek hip hop",
	"grunge pop", "hard glam", "hardstyle", "hebrew pop", "hollywood",
	"indian classical", "indie folk", "indie garage rock",
	"indie rockism", "industrial rock", "italian arena pop",
	"italian punk", "j-poppunk", "japanese jazztronica", "jazz funk",
	"jumpstyle", "k-pop", "kids dance party", "kuduro",
	"latin christian", "library music", "louisiana blues", "magyar",
	"manele", "medieval", "melodic power metal", "metal guitar",
	"microtonal", "mod revival", "monastic", "musiikkia lapsille",
	"neo mellow", "neo soul", "neo-synthpop", "neurostep",
	"new romantic", "noise pop", "norwegian indie", "nu jazz",
	"ok indie", "orquesta tipica", "pagan black metal", "piano rock",
	"polish punk", "pop rap", "post-disco soul", "power electronics",
	"progressive bluegrass", "progressive uplifting trance",
	"puerto rican rock", "ragga jungle", "re:techno",
	"regional mexican pop", "rock", "romantic", "russian pop",
	"schlager", "semba", "shiver pop", "skiffle", "sleep", "soda pop",
	"south african jazz", "spanish indie pop", "speed garage",
	"stomp and whittle", "strut", "swedish hard rock", "swedish prog",
	"synthpop", "techno", "tejano", "thrash metal",
	"traditional british folk", "traditional swing", "tropical",
	"turkish rock", "uk garage", "underground rap", "vaporwave",
	"vintage chanson", "vintage swing", "voidgaze", "wonky", "ye ye",
	"zouk riddim",
};

/* Genre strings as the API sometimes spells them; "" repeats the first. */
static const char *const oddgenres[] = {
	"Indie Folk", "", " chamber  pop ", "K-Pop", "ROCK"
};

static const char *const adjs[] = {
	"Quiet", "Paper", "Golden", "Silver", "Northern", "Hollow", "Velvet",
	"Electric", "Midnight", "Broken", "Crimson", "Distant", "Gentle",
	"Restless", "Wild", "Amber", "Glass", "Lonely", "Secret", "Endless",
	"Frozen", "Burning", "Little", "Low", "Bright", "Faded", "Copper",
	"Open", "Slow", "Blue", "Neon", "Salt", "Summer", "Winter", "Early",
	"Last", "Lost", "Sleeping", "Western", "Paper Moon"
};

static const char *const nouns[] = {
	"Harbour", "Lantern", "Tide", "Signal", "River", "Garden", "Mountain",
	"Window", "Engine", "Heart", "Ocean", "Machine", "Season", "Letter",
	"Ghost", "Ribbon", "Compass", "Forest", "Highway", "Satellite",
	"Station", "Mirror", "Orchard", "Lighthouse", "Meadow", "Parade",
	"Avenue", "Horizon", "Feather", "Island", "Canyon", "Bloom", "Wave",
	"Comet", "Shadow", "Diamond", "Anchor", "Kite", "Tower", "Echo Chamber"
};

static const char *const verbs[] = {
	"Waking", "Calling", "Following", "Holding", "Dreaming", "Running",
	"Drifting", "Falling", "Dancing", "Waiting", "Sleeping", "Burning"
};

static const char *const firsts[] = {
	"Marla", "Jonas", "Elena", "Theo", "Ingrid", "Mateo", "Aiko", "Noor",
	"Felix", "Clara", "Ruben", "Zoë", "Renée", "Björn", "Sólveig",
	"Chloé", "Anaïs", "José", "Łukasz", "Søren", "Maëlle", "Oskar",
	"Lena", "Darius", "Priya", "Kofi", "Yara", "Hana"
};

static const char *const lasts[] = {
	"Venn", "Hart", "Lind", "Moreau", "Okafor", "Castillo", "Nakamura",
	"Berg", "Quinn", "Álvarez", "Novák", "Sørensen", "Müller", "Brennan",
	"Kowalski", "Haddad", "Ferreira", "O’Neill", "Ibáñez", "Dahl"
};

static const char *const monos[] = {
	"Glasshouse", "Lowlight", "Marrow", "Halcyon", "Tidewater", "Oberon",
	"Kestrel", "Sundial", "Vesper", "Aurelia", "Cobalt", "Mistral"
};

/* Every 13th artist, so that small catalogs have them too. */
static const char *const oddartists[] = {
	"Sigrún Rós", "Beaumé", "星野ひかり", "Stålverk", "Cœur de Verre",
	"青い港", "Ночной Город", "하늘빛", "DJ “Nightowl”", "Ana Lúcia"
};

static const char *const oddtracks[] = {
	"Été indien", "Mañana (Otra Vez)", "夜明けのうた", "Smá Stund",
	"Song for \"M\"", "Ich weiß nicht", "Don’t Look Back", "Canción №5",
	"Rosie’s Garden", "Back\\Slash"
};

static const char *const labels[] = {
	"Harbour Light Records", "Northern Tape", "Copper Signal Music",
	"Glasshouse Recordings", "Paper Moon Ltd", "Velvet Static",
	"Low Tide Records", "Kestrel Audio", "Independent", "Sundial Sound"
};

static const char *const markets[] = {
	"AT", "BE", "CA", "CH", "DE", "DK", "ES", "FR", "GB", "IE", "IT", "JP",
	"NL", "NO", "SE", "US"
};

static const char *const shows[] = {
	"The Long Form", "Harbour Talk", "Signals & Noise", "Tiefenschärfe",
	"Morning Static"
};

static const char *const books[] = {
	"The Lighthouse Keeper’s Daughter", "A Brief History of Salt"
};

static const char *const countries[] = {
	"DE", "GB", "US", "FR", "NL", "SE", "JP", "ES"
};

/* Listening by hour of day (UTC), relative weights. */
static const double hours[24] = {
	1, .5, .3, .2, .2, .3, 1, 3, 5, 4, 3, 3, 4, 3, 3, 3, 4, 5, 5, 6, 6, 5,
	4, 2
};

static _Noreturn void
usage(FILE *f, int status)
{
	fputs("usage: sp-gen [-hV] [-A n] [-a n] [-d n] [-m n] [-n n] [-p n] "
	    "[-r n]\n"
	    "              [-S date] [-s seed] [-t n] outdir\n"
	    "  -A, --account n   also write n plays of account data "
	    "(default 0)\n"
	    "  -a, --albums n    albums (default: tracks / 10)\n"
	    "  -d, --days n      days of listening (default 365)\n"
	    "  -h, --help        print this help and exit\n"
	    "  -m, --missing n   plays of tracks not in the catalog "
	    "(default 0)\n"
	    "  -n, --plays n     plays in the export (default 1000)\n"
	    "  -p, --per-album n tracks played of each album, at most "
	    "(default: all)\n"
	    "  -r, --artists n   artists (default: tracks / 5)\n"
	    "  -S, --start date  first day, YYYY-MM-DD (default "
	    "2023-01-01)\n"
	    "  -s, --seed seed   seed (default 1)\n"
	    "  -t, --tracks n    tracks in the catalog (default 200)\n"
	    "  -V, --version     print the version and exit\n", f);
	exit(status);
}

/* splitmix64 */
static uint64_t
rnext(struct rng *r)
{
	uint64_t z;

	z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A generator for one purpose and index, whatever else was drawn. */
static void
rseed(struct rng *r, enum purpose p, uint64_t index)
{
	r->s = seed ^ (uint64_t)p * 0xd1b54a32d192ed03ULL;
	r->s = rnext(r) ^ index;
	rnext(r);
}

/* Uniform in [0, n). */
static uint32_t
runi(struct rng *r, size_t n)
{
	return (uint32_t)(((rnext(r) >> 32) * (uint64_t)n) >> 32);
}

static int
rrange(struct rng *r, int lo, int hi)
{
	return lo + (int)runi(r, (size_t)(hi - lo + 1));
}

static double
rdbl(struct rng *r)
{
	return (double)(rnext(r) >> 11) * 0x1p-53;
}

static void
mkid(enum purpose p, uint64_t index, char id[SP_ID_LEN + 1])
{
	static const char b62[] = "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	struct rng r;
	int i;

	rseed(&r, p, index);
	id[0] = b62[runi(&r, 8)];	/* 128 bits in base 62 */
	for (i = 1; i < SP_ID_LEN; i++)
		id[i] = b62[runi(&r, 62)];
	id[SP_ID_LEN] = '\0';
}

static void
digits(struct rng *r, char *s, int n)
{
	while (n-- > 0)
		*s++ = (char)('0' + runi(r, 10));
	*s = '\0';
}

static void
artist_name(struct rng *r, size_t i, char *buf, size_t n)
{
	const char *f, *l, *a, *b;

	if (i % 13 == 3) {
		snprintf(buf, n, "%s", oddartists[i / 13 % NELEM(oddartists)]);
		return;
	}
	f = PICK(r, firsts);
	l = PICK(r, lasts);
	a = PICK(r, adjs);
	b = PICK(r, nouns);
	switch (runi(r, 7)) {
	case 0:
	case 1:
		snprintf(buf, n, "%s %s", f, l);
		break;
	case 2:
		snprintf(buf, n, "The %s %ss", a, b);
		break;
	case 3:
		snprintf(buf, n, "%s & the %ss", f, b);
		break;
	case 4:
		snprintf(buf, n, "%s", PICK(r, monos));
		break;
	default:
		snprintf(buf, n, "%s %s", a, b);
	}
}

static void
album_name(struct rng *r, const struct album *al, const char *artist,
    char *buf, size_t n)
{
	const char *a, *b, *b2;
	int year;

	a = PICK(r, adjs);
	b = PICK(r, nouns);
	b2 = PICK(r, nouns);
	year = atoi(al->date);
	if (al->type == AL_COMPILATION) {
		if (year > 1960 && runi(r, 2) == 0)
			snprintf(buf, n, "Hits of the %ds",
			    year / 10 % 10 * 10);
		else
			snprintf(buf, n, "%s %s Collection, Vol. %d", a, b,
			    rrange(r, 1, 4));
		return;
	}
	switch (runi(r, 8)) {
	case 0:
		snprintf(buf, n, "%s", artist);
		break;
	case 1:
		snprintf(buf, n, "%s of the %s", b, b2);
		break;
	case 2:
		snprintf(buf, n, "%s %ss (Deluxe Edition)", a, b);
		break;
	case 3:
		snprintf(buf, n, "The %s %s", a, b);
		break;
	default:
		snprintf(buf, n, "%s %ss", a, b);
	}
}

static void
track_name(struct rng *r, const struct cat *c, const struct track *t,
    char *buf, size_t n)
{
	const char *a, *b, *b2, *v;
	size_t len;

	a = PICK(r, adjs);
	b = PICK(r, nouns);
	b2 = PICK(r, nouns);
	v = PICK(r, verbs);
	switch (runi(r, 16)) {
	case 0:
		snprintf(buf, n, "%s", b);
		break;
	case 1:
		snprintf(buf, n, "The %s", b);
		break;
	case 2:
		snprintf(buf, n, "%s %ss", a, b);
		break;
	case 3:
		snprintf(buf, n, "%s of the %s", b, b2);
		break;
	case 4:
		snprintf(buf, n, "%s in the %s", v, b);
		break;
	case 5:
		snprintf(buf, n, "Don’t Stop %s", v);
		break;
	case 6:
		snprintf(buf, n, "%s", PICK(r, oddtracks));
		break;
	default:
		snprintf(buf, n, "%s %s", a, b);
	}
	len = strlen(buf);
	if (t->nartists > 1 && runi(r, 5) < 3)
		snprintf(buf + len, n - len, " (feat. %s)",
		    c->ar[t->artists[1]].name);
	else if (runi(r, 25) == 0)
		snprintf(buf + len, n - len, " - Remastered %d",
		    rrange(r, 1995, 2022));
	else if (runi(r, 30) == 0)
		snprintf(buf + len, n - len, " - Live");
	else if (runi(r, 30) == 0)
		snprintf(buf + len, n - len, " - Radio Edit");
}

static void
make_artist(struct cat *c, size_t i)
{
	struct artist *a = &c->ar[i];
	struct rng r;
	const char *g;
	int k, n, j;

	rseed(&r, P_ARTIST, i);
	mkid(P_ARTIST, i, a->id);
	artist_name(&r, i, a->name, sizeof(a->name));
	a->popularity = rrange(&r, 0, 60);
	a->popularity += rrange(&r, 0, 40);
	a->followers = runi(&r, 20) == 0 ? 0 :
	    (long)exp(rdbl(&r) * 14.5);
	a->images = runi(&r, 15) != 0;
	n = (int)PICK(&r, ((const int[]){ 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2,
	    2, 3, 3, 3, 3, 4, 4, 4 }));
	for (k = 0; k < n; k++) {
		g = PICK(&r, genres);
		for (j = 0; j < a->ngenres; j++)
			if (a->genres[j] == g)
				break;
		if (j == a->ngenres)
			a->genres[a->ngenres++] = g;
	}
	if (i % 7 == 5) {	/* odd spellings, to normalize later */
		g = oddgenres[i / 7 % NELEM(oddgenres)];
		if (a->ngenres == 0)
			a->genres[a->ngenres++] = genres[i % NELEM(genres)];
		a->genres[a->ngenres++] = *g != '\0' ? g : a->genres[0];
	}
}

/* Album types and sizes, summing to the number of tracks; -1: no memory. */
static int
plan_albums(struct cat *c)
{
	struct rng r;
	size_t i, big = SIZE_MAX, rest, sum, d = 0, *want;
	long long diff;

	if ((want = calloc(c->nal, sizeof(*want))) == NULL)
		return -1;
	rseed(&r, P_SIZES, 0);
	for (i = 0; i < c->nal; i++) {
		switch (runi(&r, 20)) {
		case 0:
		case 1:
		case 2:
			c->al[i].type = AL_COMPILATION;
			want[i] = (size_t)rrange(&r, 14, 30);
			break;
		case 3: case 4: case 5: case 6: case 7:
			c->al[i].type = AL_SINGLE;
			want[i] = (size_t)rrange(&r, 1, 4);
			break;
		default:
			c->al[i].type = AL_ALBUM;
			want[i] = (size_t)rrange(&r, 7, 16);
		}
	}
	rest = c->ntr;
	if (c->ntr >= 150 && c->nal >= 3) {	/* one to page through */
		big = 1;
		c->al[big].type = AL_COMPILATION;
		c->al[big].ntracks = (size_t)rrange(&r, 55, 80);
		if (c->al[big].ntracks > c->ntr - (c->nal - 1))
			c->al[big].ntracks = c->ntr - (c->nal - 1);
		rest -= c->al[big].ntracks;
	}
	for (i = 0; i < c->nal; i++)
		if (i != big)
			d += want[i];
	sum = 0;
	for (i = 0; i < c->nal; i++)
		if (i != big) {
			c->al[i].ntracks = want[i] * rest / d;
			if (c->al[i].ntracks == 0)
				c->al[i].ntracks = 1;
			sum += c->al[i].ntracks;
		}
	diff = (long long)rest - (long long)sum;
	for (i = 0; diff != 0; i = (i + 1) % c->nal) {
		if (i == big || (diff < 0 && c->al[i].ntracks == 1))
			continue;
		c->al[i].ntracks += diff > 0 ? 1 : (size_t)-1;
		diff += diff > 0 ? -1 : 1;
	}
	for (i = 0, sum = 0; i < c->nal; i++) {
		c->al[i].first = sum;
		sum += c->al[i].ntracks;
		if (c->al[i].type == AL_COMPILATION)
			continue;
		if (c->al[i].ntracks <= 3)
			c->al[i].type = AL_SINGLE;
		else if (c->al[i].ntracks > 6)
			c->al[i].type = AL_ALBUM;
	}
	free(want);
	return 0;
}

static void
make_album(struct cat *c, size_t i)
{
	struct album *al = &c->al[i];
	struct rng r;
	int year, month;
	size_t a;
	double u;

	rseed(&r, P_ALBUM, i);
	mkid(P_ALBUM, i, al->id);
	al->artists[0] = i % c->nar;
	al->nartists = 1;
	if (c->nar > 1 && runi(&r, 10) == 0)
		al->artists[al->nartists++] = (i + 1 + runi(&r, c->nar - 1)) %
		    c->nar;
	u = rdbl(&r);
	year = atoi(start) - (int)(66 * u * u);	/* none later */
	month = rrange(&r, 1, 12);
	al->precision = year < 1980 && runi(&r, 2) == 0 ? 0 :
	    (int)PICK(&r, ((const int[]){ 0, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2 }));
	if (i % 61 == 7 || runi(&r, 80) == 0)
		snprintf(al->date, sizeof(al->date), "0000");
	else if (al->precision == 0)
		snprintf(al->date, sizeof(al->date), "%d", year);
	else if (al->precision == 1)
		snprintf(al->date, sizeof(al->date), "%d-%02d", year, month);
	else
		snprintf(al->date, sizeof(al->date), "%d-%02d-%02d", year,
		    month, rrange(&r, 1, month == 2 ? 28 : 30));
	if (strcmp(al->date, "0000") == 0)
		al->precision = 0;
	a = al->artists[0];
	album_name(&r, al, c->ar[a].name, al->name, sizeof(al->name));
	digits(&r, al->upc, 12);
	al->markets = runi(&r, 40) == 0 ? 0 : (unsigned)rnext(&r) & 0xffff;
	al->popularity = rrange(&r, 0, 50) + rrange(&r, 0, 50);
	al->label = PICK(&r, labels);
}

/* A guest artist: first those who lead no album, then anyone. */
static size_t
guest(struct cat *c, struct rng *r)
{
	size_t any = runi(r, c->nar);

	return c->guest < c->nar ? c->guest++ : any;
}

static void
make_track(struct cat *c, size_t i, size_t al, int number, int disc,
    enum purpose p, size_t pi)
{
	static const char *const cc[] = { "US", "GB", "DE", "SE", "FR", "QZ",
	    "JP", "NL" };
	static const char b36[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	struct track *t = &c->tr[i];
	struct album *a = &c->al[al];
	struct rng r;
	int k, year;

	rseed(&r, p, pi);
	mkid(p, pi, t->id);
	t->album = al;
	t->number = number;
	t->disc = disc;
	if (a->type == AL_COMPILATION)
		t->artists[t->nartists++] = guest(c, &r);
	else
		for (k = 0; k < a->nartists; k++)
			t->artists[t->nartists++] = a->artists[k];
	while (t->nartists < 3 && c->nar > 1 && runi(&r, 5) == 0)
		t->artists[t->nartists++] = guest(c, &r);
	for (k = 1; k < t->nartists; k++)	/* no one twice */
		if (t->artists[k] == t->artists[k - 1])
			t->artists[k] = (t->artists[k] + 1) % c->nar;
	if (t->nartists == 3 && t->artists[2] == t->artists[0])
		t->nartists = 2;
	track_name(&r, c, t, t->name, sizeof(t->name));
	switch (runi(&r, 30)) {
	case 0:
		t->duration = rrange(&r, 30000, 90000);
		break;
	case 1:
	case 2:
		t->duration = rrange(&r, 360000, 720000);
		break;
	default:
		t->duration = 140000 + rrange(&r, 0, 60000) +
		    rrange(&r, 0, 60000) + rrange(&r, 0, 60000);
	}
	t->explicit_ = runi(&r, 10) == 0;
	t->popularity = a->popularity / 2 + rrange(&r, 0, 50);
	year = atoi(a->date);
	if (year == 0)
		year = rrange(&r, 1990, 2020);
	memcpy(t->isrc, PICK(&r, cc), 2);
	for (k = 2; k < 5; k++)
		t->isrc[k] = b36[runi(&r, 36)];
	snprintf(t->isrc + 5, sizeof(t->isrc) - 5, "%02u%05d",
	    (unsigned)year % 100, rrange(&r, 0, 99999));
}

/* Returns 0, or -1 when out of memory. */
static int
build(struct cat *c)
{
	struct rng r;
	size_t i, k, half, j;
	double w = 0;

	c->ar = calloc(c->nar, sizeof(*c->ar));
	c->al = calloc(c->nal, sizeof(*c->al));
	c->tr = calloc(c->ntr + c->nmiss, sizeof(*c->tr));
	c->cum = calloc(c->ntr, sizeof(*c->cum));
	c->rank = calloc(c->ntr, sizeof(*c->rank));
	if (c->ar == NULL || c->al == NULL || c->tr == NULL ||
	    c->cum == NULL || c->rank == NULL || plan_albums(c) != 0)
		return -1;
	for (i = 0; i < c->nar; i++)
		make_artist(c, i);
	c->guest = c->nal;
	for (i = 0; i < c->nal; i++) {
		make_album(c, i);
		half = c->al[i].ntracks > 30 ? (c->al[i].ntracks + 1) / 2 :
		    c->al[i].ntracks;
		for (k = 0; k < c->al[i].ntracks; k++)
			make_track(c, c->al[i].first + k, i,
			    (int)(k < half ? k + 1 : k - half + 1),
			    k < half ? 1 : 2, P_TRACK, c->al[i].first + k);
	}
	rseed(&r, P_MISSING, 0);
	for (i = 0; i < c->nmiss; i++) {
		k = runi(&r, c->nal);	/* one draw a statement: the order */
		make_track(c, c->ntr + i, k, rrange(&r, 1, 12), 1, P_MISSING,
		    i + 1);
	}
	/* Zipf over a shuffled order: a few tracks get most plays. */
	rseed(&r, P_RANKS, 0);
	for (i = 0; i < c->ntr; i++)
		c->rank[i] = i;
	for (i = c->ntr; i > 1; i--) {
		j = runi(&r, i);
		k = c->rank[i - 1];
		c->rank[i - 1] = c->rank[j];
		c->rank[j] = k;
	}
	for (i = 0; i < c->ntr; i++) {
		w += pow((double)i + 1, -0.9);
		c->cum[i] = w;
	}
	return 0;
}

static void
cat_free(struct cat *c)
{
	free(c->ar);
	free(c->al);
	free(c->tr);
	free(c->cum);
	free(c->rank);
}

static void
put_ext(struct sp_jsonw *w, const char *kind, const char *id)
{
	char s[96];

	sp_jsonw_key(w, "external_urls");
	sp_jsonw_obj(w);
	sp_jsonw_key(w, "spotify");
	snprintf(s, sizeof(s), "https://open.spotify.com/%s/%s", kind, id);
	sp_jsonw_strz(w, s);
	sp_jsonw_end(w);
}

static void
put_href(struct sp_jsonw *w, const char *kind, const char *id)
{
	char s[96];

	sp_jsonw_key(w, "href");
	snprintf(s, sizeof(s), "https://api.spotify.com/v1/%ss/%s", kind, id);
	sp_jsonw_strz(w, s);
	sp_jsonw_key(w, "id");
	sp_jsonw_strz(w, id);
}

static void
put_tail(struct sp_jsonw *w, const char *kind, const char *id)
{
	char s[64];

	sp_jsonw_key(w, "type");
	sp_jsonw_strz(w, kind);
	sp_jsonw_key(w, "uri");
	snprintf(s, sizeof(s), "spotify:%s:%s", kind, id);
	sp_jsonw_strz(w, s);
}

/* Three sizes, widest first, named after the object. */
static void
put_images(struct sp_jsonw *w, const char *id, int artist, int any)
{
	static const char *const kinds[2][3] = {
		{ "ab67616d0000b273", "ab67616d00001e02", "ab67616d00004851" },
		{ "ab6761610000e5eb", "ab67616100005174", "ab6761610000f178" }
	};
	static const int sizes[2][3] = { { 640, 300, 64 }, { 640, 320, 160 } };
	char url[96], hex[25];
	struct rng r;
	int i, k;

	sp_jsonw_key(w, "images");
	sp_jsonw_arr(w);
	r.s = 0;
	for (i = 0; i < SP_ID_LEN; i++)
		r.s = r.s * 131 + (unsigned char)id[i];
	for (k = 0; k < 24; k++)
		hex[k] = "0123456789abcdef"[runi(&r, 16)];
	hex[24] = '\0';
	for (i = 0; any && i < 3; i++) {
		sp_jsonw_obj(w);
		sp_jsonw_key(w, "height");
		sp_jsonw_int(w, sizes[artist][i]);
		snprintf(url, sizeof(url), "https://i.scdn.co/image/%s%s",
		    kinds[artist][i], hex);
		sp_jsonw_key(w, "url");
		sp_jsonw_strz(w, url);
		sp_jsonw_key(w, "width");
		sp_jsonw_int(w, sizes[artist][i]);
		sp_jsonw_end(w);
	}
	sp_jsonw_end(w);
}

static void
put_markets(struct sp_jsonw *w, unsigned set)
{
	size_t i;

	sp_jsonw_key(w, "available_markets");
	sp_jsonw_arr(w);
	for (i = 0; i < NELEM(markets); i++)
		if (set & 1U << i)
			sp_jsonw_strz(w, markets[i]);
	sp_jsonw_end(w);
}

/* Keys in the API's (alphabetical) order, here and below. */
static void
put_artist(struct sp_jsonw *w, const struct artist *a, int full)
{
	int i;

	sp_jsonw_obj(w);
	put_ext(w, "artist", a->id);
	if (full) {
		sp_jsonw_key(w, "followers");
		sp_jsonw_obj(w);
		sp_jsonw_key(w, "href");
		sp_jsonw_null(w);
		sp_jsonw_key(w, "total");
		sp_jsonw_int(w, a->followers);
		sp_jsonw_end(w);
		sp_jsonw_key(w, "genres");
		sp_jsonw_arr(w);
		for (i = 0; i < a->ngenres; i++)
			sp_jsonw_strz(w, a->genres[i]);
		sp_jsonw_end(w);
	}
	put_href(w, "artist", a->id);
	if (full)
		put_images(w, a->id, 1, a->images);
	sp_jsonw_key(w, "name");
	sp_jsonw_strz(w, a->name);
	if (full) {
		sp_jsonw_key(w, "popularity");
		sp_jsonw_int(w, a->popularity);
	}
	put_tail(w, "artist", a->id);
	sp_jsonw_end(w);
}

static void put_track(struct sp_jsonw *, const struct cat *,
    const struct track *, int);

static void
put_album(struct sp_jsonw *w, const struct cat *c, const struct album *al,
    int full)
{
	static const char *const types[] = { "album", "single",
	    "compilation" };
	static const char *const precs[] = { "year", "month", "day" };
	char s[160];
	size_t i, lim;
	int k;

	sp_jsonw_obj(w);
	sp_jsonw_key(w, "album_type");
	sp_jsonw_strz(w, types[al->type]);
	sp_jsonw_key(w, "artists");
	sp_jsonw_arr(w);
	for (k = 0; k < al->nartists; k++)
		put_artist(w, &c->ar[al->artists[k]], 0);
	sp_jsonw_end(w);
	put_markets(w, al->markets);
	if (full) {
		sp_jsonw_key(w, "copyrights");
		sp_jsonw_arr(w);
		for (k = 0; k < 2; k++) {
			sp_jsonw_obj(w);
			snprintf(s, sizeof(s), "%s %.4s %s", k ? "℗" : "©",
			    al->date, al->label);
			sp_jsonw_key(w, "text");
			sp_jsonw_strz(w, s);
			sp_jsonw_key(w, "type");
			sp_jsonw_strz(w, k ? "P" : "C");
			sp_jsonw_end(w);
		}
		sp_jsonw_end(w);
		sp_jsonw_key(w, "external_ids");
		sp_jsonw_obj(w);
		sp_jsonw_key(w, "upc");
		sp_jsonw_strz(w, al->upc);
		sp_jsonw_end(w);
	}
	put_ext(w, "album", al->id);
	if (full) {
		sp_jsonw_key(w, "genres");
		sp_jsonw_arr(w);
		sp_jsonw_end(w);
	}
	put_href(w, "album", al->id);
	put_images(w, al->id, 0, 1);
	if (full) {
		sp_jsonw_key(w, "label");
		sp_jsonw_strz(w, al->label);
	}
	sp_jsonw_key(w, "name");
	sp_jsonw_strz(w, al->name);
	if (full) {
		sp_jsonw_key(w, "popularity");
		sp_jsonw_int(w, al->popularity);
	}
	sp_jsonw_key(w, "release_date");
	sp_jsonw_strz(w, al->date);
	sp_jsonw_key(w, "release_date_precision");
	sp_jsonw_strz(w, precs[al->precision]);
	sp_jsonw_key(w, "total_tracks");
	sp_jsonw_int(w, (long long)al->ntracks);
	if (full) {
		/* All of them: the emulator pages them 50 at a time. */
		lim = al->ntracks > 50 ? al->ntracks : 50;
		sp_jsonw_key(w, "tracks");
		sp_jsonw_obj(w);
		snprintf(s, sizeof(s), "https://api.spotify.com/v1/albums/%s/"
		    "tracks?offset=0&limit=%zu", al->id, lim);
		sp_jsonw_key(w, "href");
		sp_jsonw_strz(w, s);
		sp_jsonw_key(w, "items");
		sp_jsonw_arr(w);
		for (i = 0; i < al->ntracks; i++)
			put_track(w, c, &c->tr[al->first + i], 0);
		sp_jsonw_end(w);
		sp_jsonw_key(w, "limit");
		sp_jsonw_int(w, (long long)lim);
		sp_jsonw_key(w, "next");
		sp_jsonw_null(w);
		sp_jsonw_key(w, "offset");
		sp_jsonw_int(w, 0);
		sp_jsonw_key(w, "previous");
		sp_jsonw_null(w);
		sp_jsonw_key(w, "total");
		sp_jsonw_int(w, (long long)al->ntracks);
		sp_jsonw_end(w);
	}
	put_tail(w, "album", al->id);
	sp_jsonw_end(w);
}

static void
put_track(struct sp_jsonw *w, const struct cat *c, const struct track *t,
    int full)
{
	int k;

	sp_jsonw_obj(w);
	if (full) {
		sp_jsonw_key(w, "album");
		put_album(w, c, &c->al[t->album], 0);
	}
	sp_jsonw_key(w, "artists");
	sp_jsonw_arr(w);
	for (k = 0; k < t->nartists; k++)
		put_artist(w, &c->ar[t->artists[k]], 0);
	sp_jsonw_end(w);
	put_markets(w, c->al[t->album].markets);
	sp_jsonw_key(w, "disc_number");
	sp_jsonw_int(w, t->disc);
	sp_jsonw_key(w, "duration_ms");
	sp_jsonw_int(w, t->duration);
	sp_jsonw_key(w, "explicit");
	sp_jsonw_bool(w, t->explicit_);
	if (full) {
		sp_jsonw_key(w, "external_ids");
		sp_jsonw_obj(w);
		sp_jsonw_key(w, "isrc");
		sp_jsonw_strz(w, t->isrc);
		sp_jsonw_end(w);
	}
	put_ext(w, "track", t->id);
	put_href(w, "track", t->id);
	sp_jsonw_key(w, "is_local");
	sp_jsonw_bool(w, 0);
	sp_jsonw_key(w, "name");
	sp_jsonw_strz(w, t->name);
	if (full) {
		sp_jsonw_key(w, "popularity");
		sp_jsonw_int(w, t->popularity);
	}
	sp_jsonw_key(w, "preview_url");
	sp_jsonw_null(w);
	sp_jsonw_key(w, "track_number");
	sp_jsonw_int(w, t->number);
	put_tail(w, "track", t->id);
	sp_jsonw_end(w);
}

/* Open dir/name for writing; NULL after a message. */
static FILE *
create(const char *dir, const char *name, char *path, size_t n)
{
	struct sp_pos pos = { path, 0 };
	FILE *f;

	if ((size_t)snprintf(path, n, "%s/%s", dir, name) >= n)
		errno = ENAMETOOLONG;
	else if ((f = fopen(path, "w")) != NULL)
		return f;
	sp_warn_at(&pos, "cannot create");
	return NULL;
}

/* Close f, reporting a write error (or bad); returns an sp_status. */
static int
finish(FILE *f, const char *path, int bad)
{
	struct sp_pos pos = { path, 0 };

	bad |= ferror(f);
	if (fclose(f) != 0 || bad) {
		sp_warn_at(&pos, "write error");
		return SP_FATAL_IO;
	}
	return SP_OK;
}

static int
write_catalog(const struct cat *c, const char *dir)
{
	static const char *const names[] = { "artists.ndjson",
	    "albums.ndjson", "tracks.ndjson" };
	struct sp_jsonw *w;
	char path[4096];
	size_t i, n;
	FILE *f;
	int k, bad, status = SP_OK;

	if ((w = sp_jsonw_new()) == NULL) {
		warnx("out of memory");
		return SP_FATAL_IO;
	}
	for (k = 0; k < 3 && status == SP_OK; k++) {
		if ((f = create(dir, names[k], path, sizeof(path))) == NULL) {
			status = SP_FATAL_IO;
			break;
		}
		n = k == 0 ? c->nar : k == 1 ? c->nal : c->ntr;
		for (i = 0, bad = 0; i < n && !bad; i++) {
			if (k == 0)
				put_artist(w, &c->ar[i], 1);
			else if (k == 1)
				put_album(w, c, &c->al[i], 1);
			else
				put_track(w, c, &c->tr[i], 1);
			bad = sp_jsonw_write(w, f) != 0;
		}
		status = finish(f, path, bad);
	}
	sp_jsonw_free(w);
	return status;
}

static double
day_weight(enum purpose p, int day, time_t t0)
{
	struct rng r;
	long wday;
	double w;

	rseed(&r, P_DAY, (uint64_t)p << 32 | (uint64_t)day);
	wday = (t0 / 86400 + day + 4) % 7;	/* 1970-01-01 was a Thursday */
	if (days > 7 && runi(&r, 25) == 0)
		return 0;			/* away */
	w = 0.4 + rdbl(&r) * 1.2;
	return wday == 0 || wday == 6 ? w * 1.4 : w;
}

/* Seconds into a day at quantile q of the hourly profile. */
static long
day_offset(double q)
{
	double tot = 0, acc = 0, want;
	int h;

	for (h = 0; h < 24; h++)
		tot += hours[h];
	want = q * tot;
	for (h = 0; h < 23 && acc + hours[h] <= want; h++)
		acc += hours[h];
	return h * 3600L + (long)((want - acc) / hours[h] * 3599);
}

static void
stream_init(struct stream *s, const struct cat *c, enum purpose p,
    long long n, int music_only, time_t t0)
{
	static const char *const phones[] = { "android", "ios" };
	static const char *const desks[] = { "windows", "osx", "linux" };
	struct rng u;
	int d;

	memset(s, 0, sizeof(*s));
	rseed(&s->r, p, 0);
	s->c = c;
	s->purpose = p;
	s->n = n;
	s->music_only = music_only;
	s->t = t0;
	s->daystart = t0;
	s->next_in_album = -1;
	for (d = 0; d < days; d++)
		s->wtotal += day_weight(p, d, t0);
	rseed(&u, P_USER, 0);		/* the same listener in both exports */
	s->user[0] = PICK(&u, phones);
	s->user[1] = PICK(&u, desks);
	s->user[2] = PICK(&u, countries);
	s->home = rrange(&u, 2, 250);
}

static void
new_day(struct stream *s, time_t t0)
{
	long long cnt;

	s->wcum += day_weight(s->purpose, s->day, t0);
	if (s->day >= days - 1 || s->wtotal <= 0)
		cnt = s->n - s->made;
	else
		cnt = llround((double)s->n * s->wcum / s->wtotal) - s->made;
	if (cnt < 0)
		cnt = 0;
	if (s->day >= days - 1 && cnt == 0)
		cnt = 1;		/* called past the end: keep going */
	s->made += cnt;
	s->daystart = t0 + (time_t)s->day * 86400;
	s->day++;
	s->daycount = (long)cnt;
	s->nsess = cnt == 0 ? 0 : 1 + (long)(cnt / 14);
	s->sessk = 0;
}

static size_t
zipf(struct stream *s)
{
	const struct cat *c = s->c;
	double u = rdbl(&s->r) * c->cum[c->ntr - 1];
	size_t lo = 0, hi = c->ntr - 1, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c->cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return c->rank[lo];
}

static void
new_session(struct stream *s)
{
	struct rng *r = &s->r;
	long k = s->sessk++;
	time_t at;
	double u;
	size_t t;

	s->sessleft = s->daycount * (k + 1) / s->nsess -
	    s->daycount * k / s->nsess;
	at = s->daystart + day_offset((k + rdbl(r)) / s->nsess);
	if (at > s->t)
		s->t = at;
	s->shuffle = rdbl(r) < 0.4;
	s->offline = rdbl(r) < 0.04;
	s->incognito = rdbl(r) < 0.015;
	u = rdbl(r);
	s->platform = u < 0.55 ? s->user[0] : u < 0.93 ? s->user[1] :
	    "web_player";
	if (rdbl(r) < 0.04) {
		s->country = PICK(r, countries);
		snprintf(s->ip, sizeof(s->ip), "203.0.113.%d",
		    rrange(r, 1, 254));
	} else {
		s->country = s->user[2];
		snprintf(s->ip, sizeof(s->ip), "198.51.100.%d",
		    s->home + (int)runi(r, 3));
	}
	s->next_in_album = -1;
	if (rdbl(r) < 0.2) {		/* a whole album, in order */
		t = zipf(s);
		s->next_in_album = (long)s->c->al[s->c->tr[t].album].first;
	}
	s->prevend = NULL;
}

static const char *
reason_start(struct stream *s)
{
	static const char *const first[] = { "clickrow", "clickrow",
	    "playbtn", "appload", "remote", "trackdone" };

	if (s->prevend == NULL)
		return PICK(&s->r, first);
	if (strcmp(s->prevend, "trackdone") == 0 ||
	    strcmp(s->prevend, "fwdbtn") == 0 ||
	    strcmp(s->prevend, "backbtn") == 0)
		return s->prevend;
	return strcmp(s->prevend, "endplay") == 0 ? "clickrow" : "playbtn";
}

static void
music(struct stream *s, struct play *p)
{
	static const char *const zero[] = { "fwdbtn", "endplay",
	    "unexpected-exit-while-paused" };
	static const char *const part[] = { "endplay", "endplay", "fwdbtn",
	    "logout", "unexpected-exit-while-paused" };
	struct rng *r = &s->r;
	int d = p->t->duration;
	double u = rdbl(r);

	p->skipped = 0;
	if (u < 0.02) {
		p->ms = 0;
		p->rend = PICK(r, zero);
	} else if (u < 0.17) {
		p->ms = rrange(r, 500, d < 30000 ? d : 29999);
		p->rend = rdbl(r) < 0.85 ? "fwdbtn" : "backbtn";
	} else if (u < 0.28 && d > 30000) {
		p->ms = rrange(r, 30000, d - 1);
		p->rend = PICK(r, part);
	} else {
		p->ms = d - (runi(r, 3) == 0 ? rrange(r, 1, 400) : 0);
		p->rend = "trackdone";
	}
	p->skipped = strcmp(p->rend, "fwdbtn") == 0 ||
	    strcmp(p->rend, "backbtn") == 0;
}

/*
 * The track the listener plays for track index i: with --per-album n,
 * only the first n tracks of each album are in the listener's library,
 * and a pick past them plays one of those.
 */
static const struct track *
library(const struct cat *c, size_t i)
{
	const struct album *al = &c->al[c->tr[i].album];
	size_t k = i - al->first;

	if (peralbum < 0 || k < (size_t)peralbum)
		return &c->tr[i];
	return &c->tr[al->first + k % (size_t)peralbum];
}

/* The end of album al's tracks that the listener plays. */
static size_t
album_end(const struct album *al)
{
	return al->first + (peralbum >= 0 && (size_t)peralbum < al->ntracks ?
	    (size_t)peralbum : al->ntracks);
}

static void
stream_next(struct stream *s, struct play *p, time_t t0)
{
	const struct cat *c = s->c;
	struct rng *r = &s->r;
	const struct album *al;
	long long at;
	double u;

	while (s->sessleft == 0) {
		if (s->sessk < s->nsess)
			new_session(s);
		else
			new_day(s, t0);
	}
	s->sessleft--;
	memset(p, 0, sizeof(*p));
	p->row = ROW_MUSIC;
	p->rstart = reason_start(s);
	at = c->nmiss > 0 ? (long long)(2 * s->missi + 1) * s->n /
	    (2 * (long long)c->nmiss) : -1;
	u = rdbl(r);
	if (!s->music_only && s->missi < c->nmiss && s->i == at)
		p->t = &c->tr[c->ntr + s->missi++];
	else if (!s->music_only && u < 0.04) {
		p->row = u < 0.025 ? ROW_PODCAST : u < 0.031 ? ROW_BOOK :
		    ROW_NULL;
		p->ms = p->row == ROW_NULL ? rrange(r, 0, 20000) :
		    rrange(r, 60000, 2400000);
		p->rend = rdbl(r) < 0.5 ? "trackdone" : "endplay";
		p->show = (int)runi(r, NELEM(shows));
		p->episode = rrange(r, 1, 180);
		p->book = (int)runi(r, NELEM(books));
		p->chapter = rrange(r, 1, 30);
	} else if (s->next_in_album >= 0) {
		p->t = &c->tr[s->next_in_album++];
		al = &c->al[p->t->album];
		if ((size_t)s->next_in_album >= album_end(al))
			s->next_in_album = -1;
	} else
		p->t = library(c, zipf(s));
	if (p->row == ROW_MUSIC)
		music(s, p);
	p->shuffle = s->shuffle;
	p->offline = s->offline;
	p->incognito = s->incognito;
	p->platform = s->platform;
	p->country = s->country;
	memcpy(p->ip, s->ip, sizeof(p->ip));
	p->start = s->t;
	p->end = s->t + (p->ms + 500) / 1000;
	if (p->end > SP_TS_MAX)
		errx(SP_USAGE, "--start %s: plays would go past 9999-12-31",
		    start);
	s->t = p->end + (strcmp(p->rend, "trackdone") == 0 ? 0 :
	    rrange(r, 1, 3));
	s->prevend = p->rend;
	s->i++;
}

static void
bput(struct buf *b, const char *s, size_t n)
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
bputs(struct buf *b, const char *s)
{
	bput(b, s, strlen(s));
}

static void
bkey(struct buf *b, const char *key)
{
	bputs(b, b->first ? "    \"" : ",\n    \"");
	bputs(b, key);
	bputs(b, "\"");
	bputs(b, b->colon);
	b->first = 0;
}

/* A string field, escaped; null for NULL. */
static void
bstr(struct buf *b, const char *key, const char *s)
{
	char esc[8];
	size_t run;

	bkey(b, key);
	if (s == NULL) {
		bputs(b, "null");
		return;
	}
	bputs(b, "\"");
	for (;;) {
		run = strcspn(s, "\"\\\b\f\n\r\t");
		bput(b, s, run);
		s += run;
		if (*s == '\0')
			break;
		snprintf(esc, sizeof(esc), "\\%c", *s == '"' ? '"' :
		    *s == '\\' ? '\\' : *s == '\n' ? 'n' : *s == '\t' ? 't' :
		    *s == '\r' ? 'r' : *s == '\b' ? 'b' : 'f');
		bputs(b, esc);
		s++;
	}
	bputs(b, "\"");
}

static void
bnum(struct buf *b, const char *key, long long v)
{
	char s[24];

	bkey(b, key);
	snprintf(s, sizeof(s), "%lld", v);
	bputs(b, s);
}

static void
bbool(struct buf *b, const char *key, int v)
{
	bkey(b, key);
	bputs(b, v ? "true" : "false");
}

/* "spotify:KIND:ID", the id made up from p and key. */
static char *
uri(char buf[48], const char *kind, enum purpose p, uint64_t key)
{
	char id[SP_ID_LEN + 1];

	mkid(p, key, id);
	snprintf(buf, 48, "spotify:%s:%s", kind, id);
	return buf;
}

/* The 23 fields of an Extended Streaming History record. */
static void
put_play(struct buf *b, const struct cat *c, const struct play *p)
{
	char ts[SP_TS_LEN + 1], turi[48], euri[48], ename[96], buri[48],
	    curi[48], ctitle[32];
	const struct track *t = p->row == ROW_MUSIC ? p->t : NULL;
	int pod = p->row == ROW_PODCAST, book = p->row == ROW_BOOK;

	if (t != NULL)
		snprintf(turi, sizeof(turi), "spotify:track:%s", t->id);
	if (pod) {
		uri(euri, "episode", P_EPISODE, (uint64_t)p->show << 16 |
		    (uint64_t)p->episode);
		snprintf(ename, sizeof(ename), "#%d – %s", p->episode,
		    nouns[(size_t)p->episode % NELEM(nouns)]);
	}
	if (book) {
		uri(buri, "show", P_BOOK, (uint64_t)p->book);
		uri(curi, "episode", P_BOOK, (uint64_t)p->book << 16 |
		    (uint64_t)p->chapter);
		snprintf(ctitle, sizeof(ctitle), "Chapter %d", p->chapter);
	}

	b->first = 1;
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
	bstr(b, "episode_show_name", pod ? shows[p->show] : NULL);
	bstr(b, "spotify_episode_uri", pod ? euri : NULL);
	bstr(b, "audiobook_title", book ? books[p->book] : NULL);
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
static void
put_account(struct buf *b, const struct cat *c, const struct play *p)
{
	char end[SP_TS_LEN + 1];

	sp_ts_format(p->end, end);
	end[10] = ' ';
	end[16] = '\0';
	b->first = 1;
	bputs(b, "  {\n");
	bstr(b, "endTime", end);
	bstr(b, "artistName", c->ar[p->t->artists[0]].name);
	bstr(b, "trackName", p->t->name);
	bnum(b, "msPlayed", p->ms);
	bputs(b, "\n  }");
}

/* The export file being written. */
struct out {
	FILE		*f;
	char		 path[4096];
	int		 year;
	int		 seq;		/* files so far */
	long		 bytes;
	long		 count;		/* records in this file */
};

static int
out_open(struct out *o, const char *dir, const char *name, int year)
{
	if ((o->f = create(dir, name, o->path, sizeof(o->path))) == NULL)
		return SP_FATAL_IO;
	o->seq++;
	o->year = year;
	o->bytes = 2;
	o->count = 0;
	fputs("[\n", o->f);
	return SP_OK;
}

static int
out_close(struct out *o)
{
	FILE *f = o->f;

	if (f == NULL)
		return SP_OK;
	o->f = NULL;
	fputs(o->count > 0 ? "\n]\n" : "]\n", f);
	return finish(f, o->path, 0);
}

static int
out_record(struct out *o, struct buf *b)
{
	struct sp_pos pos = { o->path, 0 };

	if (b->nomem) {
		errno = ENOMEM;
		sp_warn_at(&pos, "cannot write");
		return SP_FATAL_IO;
	}
	if ((o->count++ > 0 && fputs(",\n", o->f) == EOF) ||
	    fwrite(b->s, 1, b->len, o->f) != b->len) {
		sp_warn_at(&pos, "write error");
		return SP_FATAL_IO;
	}
	o->bytes += (long)b->len + 2;
	b->len = 0;
	return SP_OK;
}

static int
year_of(time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

/* One file per year, and per FILEMAX bytes, as Spotify splits them. */
static int
write_export(const struct cat *c, const char *dir, time_t t0)
{
	struct stream s;
	struct out o = { .f = NULL };
	struct buf b = { .colon = ": " };
	struct play p;
	char name[64];
	long long i;
	int year, status = SP_OK;

	stream_init(&s, c, P_PLAYS, plays, 0, t0);
	for (i = 0; i < plays || o.seq == 0; i++) {
		if (i < plays)
			stream_next(&s, &p, t0);
		year = i < plays ? year_of(p.end) : year_of(t0);
		if (o.f != NULL && (year != o.year || o.bytes >= FILEMAX))
			status = out_close(&o);
		if (status == SP_OK && o.f == NULL) {
			snprintf(name, sizeof(name),
			    "Streaming_History_Audio_%d_%d.json", year, o.seq);
			status = out_open(&o, dir, name, year);
		}
		if (status != SP_OK || i >= plays)
			break;		/* no plays: an empty array */
		put_play(&b, c, &p);
		status = out_record(&o, &b);
	}
	status = sp_status_merge(status, out_close(&o));
	free(b.s);
	return status;
}

static int
write_account(const struct cat *c, const char *dir, time_t t0)
{
	struct stream s;
	struct out o = { .f = NULL };
	struct buf b = { .colon = " : " };
	struct play p;
	long long i;
	int status;

	stream_init(&s, c, P_ACCOUNT, account, 1, t0);
	status = out_open(&o, dir, "StreamingHistory_music_0.json",
	    year_of(t0));
	for (i = 0; i < account && status == SP_OK; i++) {
		stream_next(&s, &p, t0);
		put_account(&b, c, &p);
		status = out_record(&o, &b);
	}
	status = sp_status_merge(status, out_close(&o));
	free(b.s);
	return status;
}

/* Midnight UTC of s, a valid "YYYY-MM-DD" from 1970 on; else -1. */
static time_t
parse_date(const char *s)
{
	struct tm tm;
	char back[16];
	time_t t;
	char *end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0' ||
	    tm.tm_year < 70)
		return -1;
	t = timegm(&tm);	/* normalizes February 30 to March 2 */
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(back, sizeof(back), "%Y-%m-%d", &tm) == 0 ||
	    strcmp(back, s) != 0)
		return -1;
	return t;
}

static int
mkdirs(const char *dir, char *sub, size_t n, const char *name)
{
	struct sp_pos pos = { sub, 0 };

	if ((size_t)snprintf(sub, n, "%s%s%s", dir, *name ? "/" : "", name) >=
	    n)
		errno = ENAMETOOLONG;
	else if (mkdir(sub, 0777) == 0 || errno == EEXIST)
		return 0;
	sp_warn_at(&pos, "cannot create directory");
	return -1;
}

int
main(int argc, char *argv[])
{
	struct cat c;
	char catdir[4096], expdir[4096], top[4096];
	time_t t0;
	long long v;
	int ch, status;

	while ((ch = getopt_long(argc, argv, "A:a:d:hm:n:p:r:S:s:t:V", longopts,
	    NULL)) != -1)
		switch (ch) {
		case 'A':
			if (sp_opt_long("account", optarg, 0, 10000000,
			    &account) != 0)
				exit(SP_USAGE);
			break;
		case 'a':
			if (sp_opt_long("albums", optarg, 1, 10000000,
			    &albums) != 0)
				exit(SP_USAGE);
			break;
		case 'd':
			if (sp_opt_long("days", optarg, 1, 36500, &days) != 0)
				exit(SP_USAGE);
			break;
		case 'h': usage(stdout, SP_OK);
		case 'm':
			if (sp_opt_long("missing", optarg, 0, 1000000,
			    &missing) != 0)
				exit(SP_USAGE);
			break;
		case 'n':
			if (sp_opt_long("plays", optarg, 0, 100000000,
			    &plays) != 0)
				exit(SP_USAGE);
			break;
		case 'p':
			if (sp_opt_long("per-album", optarg, 1, 10000000,
			    &peralbum) != 0)
				exit(SP_USAGE);
			break;
		case 'r':
			if (sp_opt_long("artists", optarg, 1, 10000000,
			    &artists) != 0)
				exit(SP_USAGE);
			break;
		case 'S': start = optarg; break;
		case 's':
			if (sp_opt_long("seed", optarg, 0, LLONG_MAX, &v) != 0)
				exit(SP_USAGE);
			seed = (unsigned long long)v;
			break;
		case 't':
			if (sp_opt_long("tracks", optarg, 1, 10000000,
			    &tracks) != 0)
				exit(SP_USAGE);
			break;
		case 'V':
			printf("sp-gen %s\n", SP_VERSION);
			return SP_OK;
		default: usage(stderr, SP_USAGE);
		}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage(stderr, SP_USAGE);
	if ((t0 = parse_date(start)) == -1)
		errx(SP_USAGE, "--start is invalid: %s", start);
	/* Every play must be a time the records can hold. */
	if (t0 + (time_t)(days + 1) * 86400 > SP_TS_MAX + 1)
		errx(SP_USAGE, "--start %s with --days %lld goes past "
		    "9999-12-31", start, days);
	if (albums < 0)
		albums = tracks / 10 > 0 ? tracks / 10 : 1;
	if (artists < 0)
		artists = tracks / 5 > 0 ? tracks / 5 : 1;
	if (albums > tracks)
		errx(SP_USAGE, "--albums is larger than --tracks: %lld",
		    albums);
	if (missing > plays)
		errx(SP_USAGE, "--missing is larger than --plays: %lld",
		    missing);

	memset(&c, 0, sizeof(c));
	c.nar = (size_t)artists;
	c.nal = (size_t)albums;
	c.ntr = (size_t)tracks;
	c.nmiss = (size_t)missing;
	if (build(&c) != 0) {
		warnx("out of memory");
		cat_free(&c);
		return SP_FATAL_IO;
	}
	if (mkdirs(argv[0], top, sizeof(top), "") != 0 ||
	    mkdirs(argv[0], catdir, sizeof(catdir), "catalog") != 0 ||
	    mkdirs(argv[0], expdir, sizeof(expdir), "export") != 0)
		status = SP_FATAL_IO;
	else if ((status = write_catalog(&c, catdir)) == SP_OK &&
	    (status = write_export(&c, expdir, t0)) == SP_OK && account > 0)
		status = write_account(&c, expdir, t0);
	cat_free(&c);
	if (sp_close_stdout() != 0)
		status = SP_FATAL_IO;
	return status;
}
