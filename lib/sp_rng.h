/*
 * sp_rng: a seeded source of random numbers (splitmix64) and the draws
 * sp-gen makes from it: uniform integers and reals, made-up Spotify ids
 * and digit strings, a pick by cumulative weights.  One generator per
 * purpose and index, so that what one part draws never shifts another.
 * Ownership: a struct sp_rng is a plain value, on the caller's stack or
 * in the caller's struct; nothing here allocates or prints.
 */
#ifndef SP_RNG_H
#define SP_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "sp_id.h"

/* A value, not opaque: embedded and copied, never allocated. */
struct sp_rng {
	uint64_t	 s;
};

/* An element of the array a, uniformly. */
#define SP_RNG_PICK(r, a) \
	((a)[sp_rng_uni((r), sizeof(a) / sizeof((a)[0]))])

/* The generator for purpose p and index, under seed. */
void		 sp_rng_seed(struct sp_rng *, uint64_t seed, unsigned p,
		    uint64_t index);
/* The next 64 bits (splitmix64). */
uint64_t	 sp_rng_next(struct sp_rng *);
/* Uniform in [0, n). */
uint32_t	 sp_rng_uni(struct sp_rng *, size_t n);
/* Uniform in [lo, hi]. */
int		 sp_rng_range(struct sp_rng *, int lo, int hi);
/* Uniform in [0, 1), 53 bits. */
double		 sp_rng_dbl(struct sp_rng *);

/* A 22-character base-62 id (128 bits), the same for seed, p and index. */
void		 sp_rng_id(uint64_t seed, unsigned p, uint64_t index,
		    char id[SP_ID_LEN + 1]);
/* n random decimal digits and a NUL into s. */
void		 sp_rng_digits(struct sp_rng *, char *s, int n);

/*
 * An index i in [0, n) with the weight cum[i] - cum[i - 1]: cum holds
 * the cumulative weights, ascending, cum[n - 1] the total; n > 0.
 */
size_t		 sp_rng_cum(struct sp_rng *, const double *cum, size_t n);

#endif
