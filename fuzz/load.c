/*
 * load: sp-load's record handling.  bin/sp-load.c is compiled in with its
 * main() renamed; its own record callback runs over the input through
 * the record loop, into one in-memory store, committed after each input.
 */
#define main sp_load_main
int	sp_load_main(int, char *[]);
#include "../bin/sp-load.c"
#undef main

#include "fuzz.h"

static struct load_ctx ctx;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dbpath = ":memory:";
	ctx.gen = 1;
	if ((ctx.written = calloc(NWRITTEN, sizeof(*ctx.written))) == NULL ||
	    load_open(&ctx) != SP_OK)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long long bad;
	int status;

	status = sp_ndjson_each(1, fuzz_args(data, size), 0, on_record, &ctx, &bad);
	if (status == SP_FATAL_DB)
		abort();	/* no input may break the store */
	if (commit(&ctx) != SP_OK)
		abort();
	return 0;
}
