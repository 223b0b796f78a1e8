/*
 * normalize: sp-normalize's record handling.  bin/sp-normalize.c is
 * compiled in with its main() renamed, and its own record callback runs
 * over the input through the record loop, as the program runs it; its
 * records go to stdout (closed by make fuzz: -close_fd_mask=3).
 */
#define main sp_normalize_main
int	sp_normalize_main(int, char *[]);
#include "../bin/sp-normalize.c"
#undef main

#include "fuzz.h"

static struct norm_ctx ctx;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[SP_GENRE_ERRSIZE];

	(void)argc;
	(void)argv;
	if (sp_genre_rules_load(NULL, &ctx.rules, err) != SP_OK ||
	    (ctx.w = sp_jsonw_new()) == NULL)
		abort();
	ctx.maxyear = 2027;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long long bad;

	(void)sp_ndjson_each(1, fuzz_args(data, size), 0, on_record, &ctx, &bad);
	return 0;
}
