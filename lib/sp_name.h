/*
 * sp_name: compare names as a listener would, in the export and in
 * Spotify's catalog: folded (see sp_name.c), and again without version
 * suffixes such as " - Remastered 2011" or " (feat. X)".  Nothing here
 * keeps memory past a call.
 */
#ifndef SP_NAME_H
#define SP_NAME_H

/* Whether names a and b are the same: 1, 0, or -1 out of memory. */
int	sp_name_same(const char *a, const char *b);

#endif
