/*
 * sp-rng-drive: lib/sp_rng, for tests/sp-rng.bats.  Reads one command a
 * line on standard input, draws from one generator and prints what it
 * gives, one line each:
 *
 *   set S                    the state, raw (decimal or 0x hex)
 *   seed SEED P I            the generator of purpose P and index I
 *   next                     the next 64 bits, as 0x and 16 hex digits
 *   uni N                    uniform in [0, N)
 *   range LO HI              uniform in [LO, HI]
 *   dbl                      uniform in [0, 1), %.17g
 *   digits N                 N decimal digits
 *   id SEED P I              the id of purpose P and index I (no draw)
 *   cum K W...               K picks by the weights W (at most 64): how
 *                            many times each index came, on one line
 *
 * Exits 0, or 1 on a line it does not understand (said on stderr).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_rng.h"

int
main(void)
{
	struct sp_rng r = { 0 };
	char line[4096], cmd[32], id[SP_ID_LEN + 1], dig[64], *p, *end;
	unsigned long long a, c;
	unsigned p_;
	double cum[64], w;
	long cnt[64], k, n;
	int lo, hi, lineno = 0;
	size_t i, nw;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		lineno++;
		if (sscanf(line, "%31s", cmd) != 1 || cmd[0] == '#')
			continue;
		if (strcmp(cmd, "set") == 0 && sscanf(line, "%*s %lli",
		    (long long *)&a) == 1)
			r.s = a;
		else if (strcmp(cmd, "seed") == 0 && sscanf(line,
		    "%*s %llu %u %llu", &a, &p_, &c) == 3)
			sp_rng_seed(&r, a, p_, c);
		else if (strcmp(cmd, "next") == 0)
			printf("0x%016llx\n",
			    (unsigned long long)sp_rng_next(&r));
		else if (strcmp(cmd, "uni") == 0 && sscanf(line, "%*s %ld",
		    &n) == 1 && n > 0)
			printf("%u\n", (unsigned)sp_rng_uni(&r, (size_t)n));
		else if (strcmp(cmd, "range") == 0 && sscanf(line, "%*s %d %d",
		    &lo, &hi) == 2 && lo <= hi)
			printf("%d\n", sp_rng_range(&r, lo, hi));
		else if (strcmp(cmd, "dbl") == 0)
			printf("%.17g\n", sp_rng_dbl(&r));
		else if (strcmp(cmd, "digits") == 0 && sscanf(line, "%*s %ld",
		    &n) == 1 && n >= 0 && n < (long)sizeof(dig)) {
			sp_rng_digits(&r, dig, (int)n);
			printf("%s\n", dig);
		} else if (strcmp(cmd, "id") == 0 && sscanf(line,
		    "%*s %llu %u %llu", &a, &p_, &c) == 3) {
			sp_rng_id(a, p_, c, id);
			printf("%s\n", id);
		} else if (strcmp(cmd, "cum") == 0 && sscanf(line, "%*s %ld",
		    &k) == 1 && k >= 0) {
			p = line + strspn(line, " \t");
			p += strcspn(p, " \t");		/* the command */
			p += strspn(p, " \t");
			p += strcspn(p, " \t");		/* K */
			for (nw = 0, w = 0; nw < 64; nw++) {
				w += strtod(p, &end);
				if (end == p)
					break;
				cum[nw] = w;
				p = end;
			}
			if (nw == 0 || w <= 0)
				goto bad;
			memset(cnt, 0, sizeof(cnt));
			for (; k > 0; k--)
				cnt[sp_rng_cum(&r, cum, nw)]++;
			for (i = 0; i < nw; i++)
				printf("%s%ld", i ? " " : "", cnt[i]);
			printf("\n");
		} else
			goto bad;
		fflush(stdout);
		continue;
bad:
		fprintf(stderr, "sp-rng-drive: stdin:%d: bad command: %s",
		    lineno, line);
		return 1;
	}
	return 0;
}
