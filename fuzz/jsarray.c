/* jsarray: the export array reader, sp_jsarray_each(), over any bytes. */
#include "sp.h"
#include "sp_json.h"
#include "sp_jsarray.h"
#include "fuzz.h"

static int
on_entry(struct sp_rec *rec, void *arg)
{
	size_t len;

	(void)arg;
	(void)sp_json_str(rec->json, sp_json_get(rec->json, 0, "ts"), &len);
	return SP_OK;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[2];
	unsigned long long bad;

	argv[0] = fuzz_file(data, size);
	argv[1] = NULL;
	(void)sp_jsarray_each(1, argv, on_entry, NULL, &bad);
	return 0;
}
