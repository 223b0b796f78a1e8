/*
 * sp_map: a set of strings (ids, genre names), each numbered in the order
 * it was first added: 0, 1, 2...  An open hash over a growing array; the
 * keys are copied into blocks that never move, so a key's pointer stays
 * valid until sp_map_free(), which frees it all and accepts NULL.  Arrays
 * of the caller's, indexed by those numbers, carry what goes with a key.
 */
#ifndef SP_MAP_H
#define SP_MAP_H

#include <stddef.h>

struct sp_map;

/* An empty map sized for about n keys; NULL when out of memory. */
struct sp_map	*sp_map_new(size_t n);
void		 sp_map_free(struct sp_map *);

/* The number of key, added if new; -1 when out of memory. */
long		 sp_map_add(struct sp_map *, const char *key);

/* The number of key (NULL is never there), or -1. */
long		 sp_map_find(const struct sp_map *, const char *key);

/* How many keys; key number i. */
size_t		 sp_map_len(const struct sp_map *);
const char	*sp_map_key(const struct sp_map *, size_t i);

/*
 * Room for item i in such an array of the caller's: *pp, of *cap items
 * of size bytes, grows (doubling, from 1024 items) to hold it, the new
 * items zeroed.  Returns 0, or -1 out of memory (*pp is then unchanged).
 */
int		 sp_map_room(void *pp, size_t *cap, size_t i, size_t size);

#endif
