/*
 * fuzz.h: what the libFuzzer harnesses share.  fuzz_file() puts an input
 * into one memfd and names it "/proc/self/fd/N", so that the record loops
 * read it as they read any file: through open(2) and read(2).
 * LLVMFuzzerInitialize() is optional: a harness that needs no set-up
 * leaves it out.
 */
#ifndef SP_FUZZ_H
#define SP_FUZZ_H

#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

static __attribute__((unused)) char *
fuzz_file(const uint8_t *data, size_t size)
{
	static char path[64];
	static int fd = -1;

	if (fd < 0) {
		if ((fd = memfd_create("sp-fuzz", 0)) < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || (size > 0 &&
	    pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	return path;
}

/* fuzz_file()'s name as the argument vector of a record loop. */
static __attribute__((unused)) char **
fuzz_args(const uint8_t *data, size_t size)
{
	static char *argv[2];

	argv[0] = fuzz_file(data, size);
	argv[1] = NULL;
	return argv;
}

#endif
