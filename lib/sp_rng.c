/*
 * sp_rng: splitmix64 and the draws sp-gen makes from it.
 */
#include <stddef.h>
#include <stdint.h>

#include "sp_rng.h"

uint64_t
sp_rng_next(struct sp_rng *r)
{
	uint64_t z;

	z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A generator for one purpose and index, whatever else was drawn. */
void
sp_rng_seed(struct sp_rng *r, uint64_t seed, unsigned p, uint64_t index)
{
	r->s = seed ^ (uint64_t)p * 0xd1b54a32d192ed03ULL;
	r->s = sp_rng_next(r) ^ index;
	sp_rng_next(r);
}

uint32_t
sp_rng_uni(struct sp_rng *r, size_t n)
{
	return (uint32_t)(((sp_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int
sp_rng_range(struct sp_rng *r, int lo, int hi)
{
	return lo + (int)sp_rng_uni(r, (size_t)(hi - lo + 1));
}

double
sp_rng_dbl(struct sp_rng *r)
{
	return (double)(sp_rng_next(r) >> 11) * 0x1p-53;
}

void
sp_rng_id(uint64_t seed, unsigned p, uint64_t index, char id[SP_ID_LEN + 1])
{
	static const char b62[] = "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	struct sp_rng r;
	int i;

	sp_rng_seed(&r, seed, p, index);
	id[0] = b62[sp_rng_uni(&r, 8)];	/* 128 bits in base 62 */
	for (i = 1; i < SP_ID_LEN; i++)
		id[i] = b62[sp_rng_uni(&r, 62)];
	id[SP_ID_LEN] = '\0';
}

void
sp_rng_digits(struct sp_rng *r, char *s, int n)
{
	while (n-- > 0)
		*s++ = (char)('0' + sp_rng_uni(r, 10));
	*s = '\0';
}

size_t
sp_rng_cum(struct sp_rng *r, const double *cum, size_t n)
{
	double u = sp_rng_dbl(r) * cum[n - 1];
	size_t lo = 0, hi = n - 1, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}
