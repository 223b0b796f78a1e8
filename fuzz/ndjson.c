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
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long long bad;

	(void)sp_ndjson_each(1, fuzz_args(data, size), size > 0 &&
	    data[0] == 'T' ? SP_NDJSON_TEXT : 0, on_record, NULL, &bad);
	return 0;
}
