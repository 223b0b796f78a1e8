/* sp_map.c: a set of strings, numbered in the order added. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_map.h"

#define BLOCK	65536		/* bytes of keys per block, at least */

struct block {
	struct block	*next;
	size_t		 used, size;
	char		 buf[];
};

/* A slot: a key's hash and its number plus one (0: empty). */
struct slot {
	uint32_t	 hash;
	uint32_t	 i;
};

struct sp_map {
	struct slot	*slot;
	size_t		 cap;		/* slots, a power of two */
	const char	**key;		/* by number */
	size_t		 n, capk;
	struct block	*blocks;
};

static uint32_t
hashof(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int
grow_slots(struct sp_map *m, size_t cap)
{
	struct slot *slot;
	size_t i, j;

	if ((slot = calloc(cap, sizeof(*slot))) == NULL)
		return -1;
	for (i = 0; i < m->cap; i++) {
		if (m->slot[i].i == 0)
			continue;
		for (j = m->slot[i].hash & (cap - 1); slot[j].i != 0;
		    j = (j + 1) & (cap - 1))
			;
		slot[j] = m->slot[i];
	}
	free(m->slot);
	m->slot = slot;
	m->cap = cap;
	return 0;
}

struct sp_map *
sp_map_new(size_t n)
{
	struct sp_map *m;
	size_t cap;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	for (cap = 16; cap < 2 * n && cap < SIZE_MAX / 4; cap *= 2)
		;
	if (grow_slots(m, cap) != 0) {
		free(m);
		return NULL;
	}
	return m;
}

void
sp_map_free(struct sp_map *m)
{
	struct block *b, *next;

	if (m == NULL)
		return;
	for (b = m->blocks; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(m->slot);
	free(m->key);
	free(m);
}

/* A copy of s, len bytes and a NUL, in the blocks; NULL out of memory. */
static const char *
copy(struct sp_map *m, const char *s, size_t len)
{
	struct block *b = m->blocks;
	size_t size;
	char *p;

	if (b == NULL || b->size - b->used < len + 1) {
		size = len + 1 > BLOCK ? len + 1 : BLOCK;
		if ((b = malloc(sizeof(*b) + size)) == NULL)
			return NULL;
		b->size = size;
		b->used = 0;
		b->next = m->blocks;
		m->blocks = b;
	}
	p = b->buf + b->used;
	memcpy(p, s, len + 1);
	b->used += len + 1;
	return p;
}

/* The slot of key, or the empty one where it would go. */
static struct slot *
lookup(const struct sp_map *m, const char *key, uint32_t h)
{
	struct slot *s;
	size_t j;

	for (j = h & (m->cap - 1); (s = &m->slot[j])->i != 0;
	    j = (j + 1) & (m->cap - 1))
		if (s->hash == h && strcmp(m->key[s->i - 1], key) == 0)
			break;
	return s;
}

long
sp_map_find(const struct sp_map *m, const char *key)
{
	if (key == NULL)
		return -1;
	return (long)lookup(m, key, hashof(key))->i - 1;
}

long
sp_map_add(struct sp_map *m, const char *key)
{
	const char **k;
	struct slot *s;
	uint32_t h;
	size_t cap;

	h = hashof(key);
	if ((s = lookup(m, key, h))->i != 0)
		return (long)s->i - 1;
	if (m->n == UINT32_MAX - 1)
		return -1;
	if (m->n == m->capk) {
		cap = m->capk == 0 ? 64 : m->capk * 2;
		if ((k = realloc(m->key, cap * sizeof(*k))) == NULL)
			return -1;
		m->key = k;
		m->capk = cap;
	}
	if ((m->key[m->n] = copy(m, key, strlen(key))) == NULL)
		return -1;
	/* At most half full: the probes stay short. */
	if (2 * (m->n + 1) > m->cap) {
		if (grow_slots(m, m->cap * 2) != 0)
			return -1;
		s = lookup(m, key, h);
	}
	s->hash = h;
	s->i = (uint32_t)++m->n;
	return (long)m->n - 1;
}

size_t
sp_map_len(const struct sp_map *m)
{
	return m->n;
}

const char *
sp_map_key(const struct sp_map *m, size_t i)
{
	return i < m->n ? m->key[i] : NULL;
}

int
sp_map_room(void *pp, size_t *cap, size_t i, size_t size)
{
	void **p = pp;
	size_t n;
	void *q;

	if (i < *cap)
		return 0;
	for (n = *cap ? *cap : 1024; n <= i; n *= 2)
		;
	if ((q = reallocarray(*p, n, size)) == NULL)
		return -1;
	memset((char *)q + *cap * size, 0, (n - *cap) * size);
	*p = q;
	*cap = n;
	return 0;
}
