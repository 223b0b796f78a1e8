/*
 * genre: the genre normalizer and the family rules.  An input that starts
 * with '#' is a rules file (loaded, then asked about a few genres); any
 * other is a genre, normalized and looked up in the built-in rules.
 */
#include <string.h>

#include "sp.h"
#include "sp_genre.h"
#include "fuzz.h"

static struct sp_genre_rules *builtin;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[SP_GENRE_ERRSIZE];

	(void)argc;
	(void)argv;
	if (sp_genre_rules_load(NULL, &builtin, err) != SP_OK)
		abort();
	return 0;
}

static void
ask(const struct sp_genre_rules *r, const char *g)
{
	const char *file, *pattern, *fam;
	unsigned long line;

	fam = sp_genre_family(r, g);
	if (sp_genre_explain(r, g, &file, &line, &pattern) != fam)
		abort();	/* explain and family must agree */
	if (fam != NULL && !sp_genre_is_family(fam))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const some[] = { "rock", "indie pop", "k-pop",
	    "deep house", "", "jazz", "classical" };
	struct sp_genre_rules *r;
	char err[SP_GENRE_ERRSIZE], *in, *out;
	size_t i;
	int n;

	if (size > 0 && data[0] == '#') {
		if (sp_genre_rules_load(fuzz_file(data, size), &r, err) ==
		    SP_OK) {
			for (i = 0; i < sizeof(some) / sizeof(some[0]); i++)
				ask(r, some[i]);
			sp_genre_rules_free(r);
		}
		return 0;
	}
	in = malloc(size ? size : 1);
	out = malloc(size + 1);
	if (in == NULL || out == NULL)
		goto out;
	memcpy(in, data, size);
	if ((n = sp_genre_norm(in, size, out, size + 1)) >= 0) {
		if ((size_t)n != strlen(out) || (size_t)n > size)
			abort();
		ask(builtin, out);
	}
out:
	free(in);
	free(out);
	return 0;
}
