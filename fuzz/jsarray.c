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
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned long long bad;

	(void)sp_jsarray_each(1, fuzz_args(data, size), on_entry, NULL, &bad);
	return 0;
}
