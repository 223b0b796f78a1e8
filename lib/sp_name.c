/* sp_name.c: names folded for comparison, version suffixes cut. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_json.h"
#include "sp_name.h"

/*
 * Names, folded for comparison: lower case, accents and ligatures of
 * Latin-1 and Latin Extended-A to their letters, apostrophes dropped,
 * other punctuation to spaces, "&" to "and", spaces collapsed.
 */

/* U+00C0..U+00FF. */
static const char *const latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", " ",
	"o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
	"i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", " ",
	"o", "u", "u", "u", "u", "y", "th", "y"
};

/* U+0100..U+017F, one letter each (U+0132, U+0133, U+0152, U+0153 apart). */
static const char latin_a[] =
    "aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh"
    "iiiiiiiiii" "ii" "jj" "kkk" "llllllllll" "nnnnnnn" "nn" "oooooo"
    "oo" "rrrrrr" "ssssssss" "tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz"
    "s";
_Static_assert(sizeof(latin_a) == 129, "latin_a covers U+0100..U+017F");

/* s[0..n) folded, malloc'd (the caller frees), or NULL. */
static char *
fold(const char *s, size_t n)
{
	const char *rep;
	char *out, one[2] = { 0, 0 };
	size_t i, j = 0, k, len;
	uint32_t c;

	if ((out = malloc(n * 5 + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i += len) {
		if ((len = sp_utf8_decode(s + i, n - i, &c)) == 0) {
			len = 1;	/* not UTF-8: a space */
			c = ' ';
		}
		rep = NULL;
		if (c < 0x80) {
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
				one[0] = (char)c;
			else if (c >= 'A' && c <= 'Z')
				one[0] = (char)(c - 'A' + 'a');
			else if (c == '\'' || c == '`')
				continue;
			else if (c == '&') {
				rep = " and ";
				one[0] = '\0';
			} else
				one[0] = ' ';
			if (rep == NULL)
				rep = one;
		} else if (c == 0x2018 || c == 0x2019 || c == 0x201B ||
		    c == 0x02BC || c == 0x00B4 || c == 0x2032 ||
		    (c >= 0x0300 && c <= 0x036F))
			continue;	/* apostrophes, combining accents */
		else if (c >= 0xC0 && c <= 0xFF)
			rep = latin1[c - 0xC0];
		else if (c == 0x132 || c == 0x133)
			rep = "ij";
		else if (c == 0x152 || c == 0x153)
			rep = "oe";
		else if (c >= 0x100 && c <= 0x17F) {
			one[0] = latin_a[c - 0x100];
			rep = one;
		} else if (c < 0xC0 || (c >= 0x2000 && c <= 0x206F) ||
		    (c >= 0x3000 && c <= 0x303F) ||
		    (c >= 0xFF01 && c <= 0xFF0F)) {
			one[0] = ' ';	/* signs, punctuation, spaces */
			rep = one;
		}
		if (rep == NULL) {	/* another script: as is */
			memcpy(out + j, s + i, len);
			j += len;
			continue;
		}
		for (k = 0; rep[k] != '\0'; k++)
			if (rep[k] != ' ' || (j > 0 && out[j - 1] != ' '))
				out[j++] = rep[k];
	}
	while (j > 0 && out[j - 1] == ' ')
		j--;
	out[j] = '\0';
	return out;
}

/* Words that mark another version of the same recording. */
static const char *const versionwords[] = {
	"acoustic", "anniversary", "bonus", "deluxe", "demo", "edit",
	"edition", "expanded", "explicit", "feat", "featuring", "ft",
	"instrumental", "live", "mix", "mixed", "mono", "original", "radio",
	"remaster", "remastered", "remix", "single", "stereo", "version",
	"with"
};

/* Does s[0..n) name a version ("Remastered 2011", "feat. X")? */
static int
versiontag(const char *s, size_t n)
{
	char *f, *w, *save = NULL;
	size_t i;
	int found = 0;

	if ((f = fold(s, n)) == NULL)
		return 0;
	for (w = strtok_r(f, " ", &save); w != NULL && !found;
	    w = strtok_r(NULL, " ", &save))
		for (i = 0; i < sizeof(versionwords) / sizeof(versionwords[0]);
		    i++)
			if (strcmp(w, versionwords[i]) == 0)
				found = 1;
	free(f);
	return found;
}

/*
 * The length of s without its version suffixes: " - Remastered 2011",
 * " (feat. X)", " [Live]", " - Radio Edit", repeated.
 */
static size_t
strip_len(const char *s)
{
	static const char *const dash[] = { " - ", " \xe2\x80\x93 ",
	    " \xe2\x80\x94 " };
	size_t n = strlen(s), cut, seg, segn, p, k, d;
	char open;

	for (k = 0; k < 4; k++) {
		while (n > 0 && s[n - 1] == ' ')
			n--;
		cut = 0;
		if (n > 0 && (s[n - 1] == ')' || s[n - 1] == ']')) {
			open = s[n - 1] == ')' ? '(' : '[';
			for (p = n - 1; p > 0 && s[p - 1] != open; p--)
				;
			if (p == 0)
				break;
			cut = p - 1;
			seg = p;
			segn = n - 1 - p;
		} else {
			for (p = n; p > 0 && cut == 0; p--)
				for (d = 0; d < 3; d++)
					if (p - 1 + strlen(dash[d]) <= n &&
					    strncmp(s + p - 1, dash[d],
					    strlen(dash[d])) == 0) {
						cut = p - 1;
						seg = p - 1 + strlen(dash[d]);
						segn = n - seg;
						break;
					}
		}
		if (cut == 0 || !versiontag(s + seg, segn))
			break;
		n = cut;
	}
	return n;
}

/* Whether a[0..na) and b[0..nb) fold the same: 1, 0, or -1. */
static int
same_folded(const char *a, size_t na, const char *b, size_t nb)
{
	char *fa, *fb;
	int same;

	if ((fa = fold(a, na)) == NULL || (fb = fold(b, nb)) == NULL) {
		free(fa);
		return -1;
	}
	same = strcmp(fa, fb) == 0;
	free(fa);
	free(fb);
	return same;
}

int
sp_name_same(const char *a, const char *b)
{
	int r;

	if ((r = same_folded(a, strlen(a), b, strlen(b))) != 0)
		return r;
	return same_folded(a, strip_len(a), b, strip_len(b));
}
