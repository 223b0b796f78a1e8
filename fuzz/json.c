/* json: sp_json_parse() and every accessor over what it accepts. */
#include <string.h>

#include "sp_json.h"
#include "fuzz.h"

static struct sp_json *j;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((j = sp_json_new()) == NULL)
		abort();
	return 0;
}

/* Visit v and its subtree with every accessor. */
static void
walk(int v, int depth)
{
	long long n;
	size_t len;
	int e, b;

	(void)sp_json_type(j, v);
	(void)sp_json_str(j, v, &len);
	(void)sp_json_int(j, v, &n);
	(void)sp_json_bool(j, v, &b);
	(void)sp_json_raw(j, v, &len);
	(void)sp_json_count(j, v);
	(void)sp_json_get(j, v, "type");
	(void)sp_json_path(j, v, "album.release_date");
	if (depth > 64)
		return;
	for (e = sp_json_first(j, v); e >= 0; e = sp_json_next(j, v, e))
		walk(sp_json_type(j, v) == SP_JSON_OBJECT ? e + 1 : e,
		    depth + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf;
	size_t where;

	/* A copy of exactly size bytes: ASan sees any read past it. */
	if ((buf = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	if (sp_json_parse(j, buf, size, 0, &where) == SP_JSON_OK) {
		walk(0, 0);
		(void)sp_json_skip(j, 0);
	}
	(void)sp_json_parse(j, buf, size, 1, &where);
	(void)sp_utf8_valid(buf, size);
	free(buf);
	return 0;
}
