/*
 * sp-finding-drive: lib/sp_finding, for tests/sp-finding.bats.  Reads
 * one command a line on standard input and prints what the findings
 * answer:
 *
 *   new N                    findings keeping N examples a check
 *   check KIND LIMIT         begin a check (max, max%, min%, note) of
 *                            two columns, "id" and "n"
 *   add [ID [N]]             a finding, with its cells
 *   part NUM DEN             NUM more of DEN more
 *   judge                    "pass P value V"
 *   text                     the check's line and examples
 *   json                     the check as a JSON object
 *
 * Exits 0, or 1 on a line it does not understand (said on stderr).
 */
#include <stdio.h>
#include <string.h>

#include "sp_finding.h"
#include "sp_jsonw.h"

int
main(void)
{
	static const char *const kinds[] = { "max", "max%", "min%", "note" };
	struct sp_finding_check c = { "check", SP_FINDING_MAX, "--max",
	    "what it judges", { { "id", NULL, SP_COL_STR },
	    { "n", NULL, SP_COL_INT } } };
	struct sp_finding *f = NULL;
	struct sp_jsonw *w;
	char line[4096], cmd[32], a[1024], value[32];
	long long x, y;
	int n, k, lineno = 0;

	if ((w = sp_jsonw_new()) == NULL)
		return 3;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		lineno++;
		if (sscanf(line, "%31s", cmd) != 1 || cmd[0] == '#')
			continue;
		if (strcmp(cmd, "new") == 0 && sscanf(line, "%*s %lld",
		    &x) == 1) {
			sp_finding_free(f);
			if ((f = sp_finding_new(x)) == NULL)
				return 3;
			continue;
		}
		if (f == NULL)
			goto bad;
		if (strcmp(cmd, "check") == 0 && sscanf(line, "%*s %31s %lld",
		    a, &x) == 2) {
			for (k = 0; k < 4 && strcmp(a, kinds[k]) != 0; k++)
				;
			if (k == 4)
				goto bad;
			c.kind = (enum sp_finding_kind)k;
			sp_finding_begin(f, &c, x);
		} else if (strcmp(cmd, "add") == 0) {
			sp_finding_add(f);
			n = sscanf(line, "%*s %1023s %lld", a, &x);
			if (n >= 1)
				sp_finding_str(f, a);
			if (n == 2)
				sp_finding_int(f, x);
		} else if (strcmp(cmd, "part") == 0 && sscanf(line,
		    "%*s %lld %lld", &x, &y) == 2)
			sp_finding_part(f, x, y);
		else if (strcmp(cmd, "judge") == 0)
			printf("pass %d value %s\n", sp_finding_pass(f),
			    sp_finding_value(f, value));
		else if (strcmp(cmd, "text") == 0)
			sp_finding_text(f, stdout, sp_finding_pass(f));
		else if (strcmp(cmd, "json") == 0) {
			sp_finding_jsonw(f, w, sp_finding_pass(f));
			sp_finding_jsonw_end(f, w);
			if (sp_jsonw_write(w, stdout) != 0)
				return 3;
		} else
			goto bad;
		continue;
bad:
		fprintf(stderr, "sp-finding-drive: stdin:%d: not understood: "
		    "%s", lineno, line);
		sp_finding_free(f);
		sp_jsonw_free(w);
		return 1;
	}
	sp_finding_free(f);
	sp_jsonw_free(w);
	return ferror(stdout) || fclose(stdout) != 0 ? 3 : 0;
}
