/*
 * sp-pace-drive: lib/sp_pace on a fake clock, for tests/sp-pace.bats.
 * Reads one command a line on standard input, calls sp_pace with the
 * times given (seconds; no clock is read, nothing sleeps) and prints
 * what it answers, one line each:
 *
 *   new W RATE NOW RNOW      a pacer (W s window, RATE/s, 0: no cap)
 *   send T [N]               N requests (default 1) sent at T
 *   land T SENT CODE [N]     N of them landed at T with HTTP CODE
 *   refuse T BEFORE RA       a 429 (after land ... 429): learn, then
 *                            wait RA: "pause S", or "-" (one running)
 *   next T                   "next T2": when the next request may go
 *   count T                  "count N": requests in the window
 *   limit                    "limit N"
 *   tick T                   raise the limit, once a window
 *   eta T N RATE             "eta S": N more requests
 *   save T PATH, load T PATH the state file
 *   pause UNTIL              no request before
 *   paused, blocked          "paused T", "blocked T"
 *
 * Exits 0, or 1 on a line it does not understand (said on stderr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sp_pace.h"

int
main(void)
{
	struct sp_pace *p = NULL;
	char line[4096], cmd[32], path[4000];
	double a, b, c, d, wait;
	int n, k, lineno = 0;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		lineno++;
		if ((n = sscanf(line, "%31s", cmd)) != 1 || cmd[0] == '#')
			continue;
		if (strcmp(cmd, "new") == 0 && sscanf(line, "%*s %lf %lf %lf "
		    "%lf", &a, &b, &c, &d) == 4) {
			sp_pace_free(p);
			if ((p = sp_pace_new(a, b, c, d)) == NULL)
				return 3;
			continue;
		}
		if (p == NULL)
			goto bad;
		if (strcmp(cmd, "send") == 0 && (n = sscanf(line, "%*s %lf %d",
		    &a, &k)) >= 1) {
			for (k = n == 2 ? k : 1; k > 0; k--)
				sp_pace_sent(p, a);
		} else if (strcmp(cmd, "land") == 0 && (n = sscanf(line,
		    "%*s %lf %lf %lf %d", &a, &b, &c, &k)) >= 3) {
			for (k = n == 4 ? k : 1; k > 0; k--)
				if (sp_pace_landed(p, a, b, (int)c) != 0)
					return 3;
		} else if (strcmp(cmd, "refuse") == 0 && sscanf(line,
		    "%*s %lf %lf %lf", &a, &b, &c) == 3) {
			sp_pace_learn(p, a, (int)b);
			if (sp_pace_wait(p, a, (long)c, &wait))
				printf("pause %.3f\n", wait);
			else
				printf("-\n");
		} else if (strcmp(cmd, "next") == 0 && sscanf(line, "%*s %lf",
		    &a) == 1)
			printf("next %.3f\n", sp_pace_next(p, a));
		else if (strcmp(cmd, "count") == 0 && sscanf(line, "%*s %lf",
		    &a) == 1)
			printf("count %zu\n", sp_pace_count(p, a));
		else if (strcmp(cmd, "limit") == 0)
			printf("limit %.0f\n", sp_pace_limit(p));
		else if (strcmp(cmd, "tick") == 0 && sscanf(line, "%*s %lf",
		    &a) == 1)
			sp_pace_tick(p, a);
		else if (strcmp(cmd, "eta") == 0 && sscanf(line,
		    "%*s %lf %lf %lf", &a, &b, &c) == 3)
			printf("eta %.3f\n", sp_pace_eta(p, a, b, c));
		else if (strcmp(cmd, "save") == 0 && sscanf(line,
		    "%*s %lf %3999s", &a, path) == 2) {
			if (sp_pace_save(p, path, a) != 0)
				printf("save failed\n");
		} else if (strcmp(cmd, "load") == 0 && sscanf(line,
		    "%*s %lf %3999s", &a, path) == 2)
			sp_pace_load(p, path, a);
		else if (strcmp(cmd, "pause") == 0 && sscanf(line, "%*s %lf",
		    &a) == 1)
			sp_pace_pause(p, a);
		else if (strcmp(cmd, "paused") == 0)
			printf("paused %.3f\n", sp_pace_paused(p));
		else if (strcmp(cmd, "blocked") == 0)
			printf("blocked %lld\n", (long long)sp_pace_blocked(p));
		else
			goto bad;
		continue;
bad:
		fprintf(stderr, "sp-pace-drive: stdin:%d: not understood: %s",
		    lineno, line);
		sp_pace_free(p);
		return 1;
	}
	sp_pace_free(p);
	return ferror(stdout) || fclose(stdout) != 0 ? 3 : 0;
}
