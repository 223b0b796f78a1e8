/*
 * id: Spotify ids, URIs and URLs (sp_id_parse, sp_id_valid,
 * sp_kind_parse), and the timestamp and release date parsers.
 */
#include <string.h>

#include "sp.h"
#include "sp_id.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char id[SP_ID_LEN + 1], ts[SP_TS_LEN + 1], *buf;
	enum sp_kind kind;
	int year;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if (sp_id_parse(buf, size, &kind, id) == 0 &&
	    !sp_id_valid(id, strlen(id)))
		abort();	/* a parsed id is always a valid one */
	(void)sp_id_valid(buf, size);
	(void)sp_kind_parse(buf, size);
	(void)sp_ts_norm(buf, size, ts);
	(void)sp_date_parse(buf, &year);
	free(buf);
	return 0;
}
