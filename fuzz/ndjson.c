/* ndjson: the record loop, sp_ndjson_each(), over a file of any bytes. */
#include "sp.h"
#include "sp_json.h"
#include "sp_ndjson.h"
#include "fuzz.h"

static int
on_record(struct sp_rec *rec, void *arg)
{
	size_t len;

	(void)arg;
	if (rec->json != NULL)
		(void)sp_json_str(rec->json, sp_json_get(rec->json, 0, "type"),
		    &len);
	return rec->len % 7 == 0 ? SP_REJECTED : SP_OK;
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
	(void)sp_ndjson_each(1, argv, size > 0 && data[0] == 'T' ?
	    SP_NDJSON_TEXT : 0, on_record, NULL, &bad);
	return 0;
}
