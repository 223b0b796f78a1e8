/*
 * sp_words: the made-up names of sp-gen's catalog, from fixed word lists:
 * artists, albums, tracks, labels, podcast shows and audiobooks, and the
 * real Spotify genres artists are given.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sp_rng.h"
#include "sp_words.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

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

static const char *const shows[] = {
	"The Long Form", "Harbour Talk", "Signals & Noise", "Tiefenschärfe",
	"Morning Static"
};

static const char *const books[] = {
	"The Lighthouse Keeper’s Daughter", "A Brief History of Salt"
};

void
sp_words_artist(struct sp_rng *r, size_t i, char *buf, size_t n)
{
	const char *f, *l, *a, *b;

	if (i % 13 == 3) {
		snprintf(buf, n, "%s", oddartists[i / 13 % NELEM(oddartists)]);
		return;
	}
	f = SP_RNG_PICK(r, firsts);
	l = SP_RNG_PICK(r, lasts);
	a = SP_RNG_PICK(r, adjs);
	b = SP_RNG_PICK(r, nouns);
	switch (sp_rng_uni(r, 7)) {
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
		snprintf(buf, n, "%s", SP_RNG_PICK(r, monos));
		break;
	default:
		snprintf(buf, n, "%s %s", a, b);
	}
}

void
sp_words_album(struct sp_rng *r, int compilation, int year,
    const char *artist, char *buf, size_t n)
{
	const char *a, *b, *b2;

	a = SP_RNG_PICK(r, adjs);
	b = SP_RNG_PICK(r, nouns);
	b2 = SP_RNG_PICK(r, nouns);
	if (compilation) {
		if (year > 1960 && sp_rng_uni(r, 2) == 0)
			snprintf(buf, n, "Hits of the %ds",
			    year / 10 % 10 * 10);
		else
			snprintf(buf, n, "%s %s Collection, Vol. %d", a, b,
			    sp_rng_range(r, 1, 4));
		return;
	}
	switch (sp_rng_uni(r, 8)) {
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

void
sp_words_track(struct sp_rng *r, const char *feat, char *buf, size_t n)
{
	const char *a, *b, *b2, *v;
	size_t len;

	a = SP_RNG_PICK(r, adjs);
	b = SP_RNG_PICK(r, nouns);
	b2 = SP_RNG_PICK(r, nouns);
	v = SP_RNG_PICK(r, verbs);
	switch (sp_rng_uni(r, 16)) {
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
		snprintf(buf, n, "%s", SP_RNG_PICK(r, oddtracks));
		break;
	default:
		snprintf(buf, n, "%s %s", a, b);
	}
	len = strlen(buf);
	if (feat != NULL && sp_rng_uni(r, 5) < 3)
		snprintf(buf + len, n - len, " (feat. %s)", feat);
	else if (sp_rng_uni(r, 25) == 0)
		snprintf(buf + len, n - len, " - Remastered %d",
		    sp_rng_range(r, 1995, 2022));
	else if (sp_rng_uni(r, 30) == 0)
		snprintf(buf + len, n - len, " - Live");
	else if (sp_rng_uni(r, 30) == 0)
		snprintf(buf + len, n - len, " - Radio Edit");
}


int
sp_words_genres(struct sp_rng *r, size_t i, const char *out[6])
{
	const char *g;
	int k, n, j, ng = 0;

	n = (int)SP_RNG_PICK(r, ((const int[]){ 0, 0, 0, 1, 1, 1, 1, 1, 2, 2,
	    2, 2, 2, 3, 3, 3, 3, 4, 4, 4 }));
	for (k = 0; k < n; k++) {
		g = SP_RNG_PICK(r, genres);
		for (j = 0; j < ng; j++)
			if (out[j] == g)
				break;
		if (j == ng)
			out[ng++] = g;
	}
	if (i % 7 == 5) {	/* odd spellings, to normalize later */
		g = oddgenres[i / 7 % NELEM(oddgenres)];
		if (ng == 0)
			out[ng++] = genres[i % NELEM(genres)];
		out[ng] = *g != '\0' ? g : out[0];
		ng++;
	}
	return ng;
}

const char *
sp_words_label(struct sp_rng *r)
{
	return SP_RNG_PICK(r, labels);
}

const char *
sp_words_noun(size_t k)
{
	return nouns[k % NELEM(nouns)];
}

const char *
sp_words_show(size_t k)
{
	return k < NELEM(shows) ? shows[k] : NULL;
}

size_t
sp_words_nshows(void)
{
	return NELEM(shows);
}

const char *
sp_words_book(size_t k)
{
	return k < NELEM(books) ? books[k] : NULL;
}

size_t
sp_words_nbooks(void)
{
	return NELEM(books);
}
