/*
 * sp_export: sp-gen's plays as records of Spotify's exports, as Spotify
 * pretty-prints them: the 23 fields of the Extended Streaming History
 * ("key": value) and the four of the account data ("key" : value, names
 * and no ids).  A record goes into the writer's buffer, after what is
 * there; the caller writes the buffer out and resets it.  Ownership: the
 * writer owns its buffer; sp_export_buf() points into it until the next
 * call.  sp_export_free() accepts NULL.  Nothing here prints.
 */
#ifndef SP_EXPORT_H
#define SP_EXPORT_H

#include <stddef.h>

struct sp_catalog;
struct sp_export;
struct sp_play;

/* NULL when out of memory. */
struct sp_export	*sp_export_new(void);
void			 sp_export_free(struct sp_export *);

/* Append play p of catalog c as a record of each kind. */
void	sp_export_play(struct sp_export *, const struct sp_catalog *c,
	    const struct sp_play *p);
void	sp_export_account(struct sp_export *, const struct sp_catalog *c,
	    const struct sp_play *p);

/* The records so far; NULL if an allocation failed. */
const char	*sp_export_buf(const struct sp_export *, size_t *len);
void		 sp_export_reset(struct sp_export *);

#endif
