/*
 * sp-map-drive: lib/sp_map, for tests/sp-map.bats.  Reads one command a
 * line on standard input and prints what the map answers, one line each:
 *
 *   new N            an empty map sized for about N keys
 *   add KEY          "N": the key's number (added if new)
 *   find KEY         "N", or -1
 *   key I            "KEY", or "(null)"
 *   len              "N"
 *   long L           a key of L bytes added: "N L" (its number, length)
 *   fill N           keys "k0".."kN-1" added, then each checked: found
 *                    under its number, its pointer unmoved, its text
 *                    whole: "fill ok", or "fill bad I"
 *   room I SIZE      an array grown to hold item I of SIZE bytes, twice
 *                    over (to I, then 3I+1): "room CAP1 CAP2 zero" when
 *                    every new byte is zero, else "room ... dirty"
 *
 * An empty KEY is the empty string.  Exits 0, 3 out of memory, or 1 on
 * a line it does not understand (said on stderr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_map.h"

/* Every byte of p[from .. to) zero. */
static int
zero(const unsigned char *p, size_t from, size_t to)
{
	for (; from < to; from++)
		if (p[from] != 0)
			return 0;
	return 1;
}

static int
fill(struct sp_map *m, long n)
{
	const char **ptr;
	char key[32];
	long i, k;

	if ((ptr = calloc((size_t)n + 1, sizeof(*ptr))) == NULL)
		return 3;
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "k%ld", i);
		if ((k = sp_map_add(m, key)) < 0)
			return 3;
		ptr[i] = sp_map_key(m, (size_t)k);
	}
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "k%ld", i);
		k = sp_map_find(m, key);
		if (k < 0 || sp_map_key(m, (size_t)k) != ptr[i] ||
		    strcmp(ptr[i], key) != 0)
			break;
	}
	if (i == n)
		printf("fill ok\n");
	else
		printf("fill bad %ld\n", i);
	free(ptr);
	return 0;
}

static int
room(long i, long size)
{
	unsigned char *p = NULL;
	size_t cap = 0, cap1;
	int ok;

	if (sp_map_room(&p, &cap, (size_t)i, (size_t)size) != 0)
		return 3;
	ok = zero(p, 0, cap * (size_t)size);
	memset(p, 0xff, cap * (size_t)size);
	cap1 = cap;
	if (sp_map_room(&p, &cap, (size_t)(3 * i + 1), (size_t)size) != 0)
		return 3;
	ok = ok && zero(p, cap1 * (size_t)size, cap * (size_t)size) &&
	    p[cap1 * (size_t)size - 1] == 0xff;
	printf("room %zu %zu %s\n", cap1, cap, ok ? "zero" : "dirty");
	free(p);
	return 0;
}

int
main(void)
{
	struct sp_map *m = NULL;
	char line[4096], cmd[32], *arg, *big;
	const char *k;
	long a, b;
	int lineno = 0, e;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%31s", cmd) != 1 || cmd[0] == '#')
			continue;
		arg = line + strlen(cmd) + (line[strlen(cmd)] == ' ');
		if (strcmp(cmd, "new") == 0 && sscanf(arg, "%ld", &a) == 1) {
			sp_map_free(m);
			if ((m = sp_map_new((size_t)a)) == NULL)
				return 3;
			continue;
		}
		if (strcmp(cmd, "room") == 0 && sscanf(arg, "%ld %ld", &a,
		    &b) == 2 && a >= 0 && b > 0) {
			if ((e = room(a, b)) != 0)
				return e;
			continue;
		}
		if (m == NULL)
			goto bad;
		if (strcmp(cmd, "add") == 0) {
			if ((a = sp_map_add(m, arg)) < 0)
				return 3;
			printf("%ld\n", a);
		} else if (strcmp(cmd, "find") == 0)
			printf("%ld\n", sp_map_find(m, arg));
		else if (strcmp(cmd, "key") == 0 && sscanf(arg, "%ld",
		    &a) == 1) {
			k = a < 0 ? NULL : sp_map_key(m, (size_t)a);
			printf("%s\n", k != NULL ? k : "(null)");
		} else if (strcmp(cmd, "len") == 0)
			printf("%zu\n", sp_map_len(m));
		else if (strcmp(cmd, "long") == 0 && sscanf(arg, "%ld",
		    &a) == 1 && a >= 0) {
			if ((big = malloc((size_t)a + 1)) == NULL)
				return 3;
			memset(big, 'x', (size_t)a);
			big[a] = '\0';
			if ((b = sp_map_add(m, big)) < 0)
				return 3;
			free(big);
			printf("%ld %zu\n", b, strlen(sp_map_key(m,
			    (size_t)b)));
		} else if (strcmp(cmd, "fill") == 0 && sscanf(arg, "%ld",
		    &a) == 1 && a >= 0) {
			if ((e = fill(m, a)) != 0)
				return e;
		} else
			goto bad;
	}
	sp_map_free(m);
	return 0;
bad:
	fprintf(stderr, "sp-map-drive: stdin:%d: not understood: %s\n",
	    lineno, line);
	sp_map_free(m);
	return 1;
}
