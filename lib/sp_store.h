/*
 * sp_store: the SQLite store.  Opens (and creates, and migrates) the
 * database, prepares statement tables and wraps transactions.
 * Ownership: the store owns its connection and every statement prepared
 * through it; sp_store_close() finalizes them and accepts NULL.  Error
 * texts live in the store until its next call.
 */
#ifndef SP_STORE_H
#define SP_STORE_H

#include <stddef.h>

#include <sqlite3.h>

/* Schema version this build writes (PRAGMA user_version). */
#define SP_STORE_VERSION	3

/* A listen: a play this long or longer (table listens counts them). */
#define SP_STORE_LISTEN_MS	30000

/* Open only an existing database (readers: sp-ids, sp-audit). */
#define SP_STORE_EXISTING	0x1
/* A scan of the whole store that reads each page once: a small cache. */
#define SP_STORE_SCAN		0x2
/*
 * A bulk writer of random keys: a fixed 4 MB cache, twice SQLite's
 * default, so fewer index pages are spilled and read back.
 */
#define SP_STORE_LOAD		0x4

/*
 * A reader of most of the store at once (sp-report): a 32 MB cache, so
 * that the pages of its joins are read from the file once.
 */
#define SP_STORE_REPORT		0x8

struct sp_store;

/*
 * The database path: opt if given, else $SP_DB, else
 * $XDG_DATA_HOME/sp/sp.db, else $HOME/.local/share/sp/sp.db.  Returns a
 * malloc'd string the caller frees, or NULL when none can be formed.
 */
char		*sp_store_path(const char *opt);

/*
 * Open the database at path (creating its folder and the file unless
 * SP_STORE_EXISTING), in WAL mode with a busy timeout, and bring its
 * schema up to date.  Returns an sp_status; on failure *errmsg is a
 * malloc'd message the caller frees.
 */
int		 sp_store_open(const char *path, int flags,
		    struct sp_store **out, char **errmsg);
void		 sp_store_close(struct sp_store *);
/*
 * Whether an SP_STORE_EXISTING store was opened read-only, because its
 * folder (or the file) is not writable for us.
 */
int		 sp_store_readonly(const struct sp_store *);
sqlite3		*sp_store_db(struct sp_store *);
const char	*sp_store_errmsg(struct sp_store *);

/*
 * Prepare n statements from sql[] into stmt[]; they are finalized by
 * sp_store_close().  Returns 0 or -1 (see sp_store_errmsg()).
 */
int		 sp_store_prepare(struct sp_store *, const char *const sql[],
		    size_t n, sqlite3_stmt *stmt[]);

/* Step a bound statement to completion, then reset it; 0 or -1. */
int		 sp_store_run(struct sp_store *, sqlite3_stmt *);

/* BEGIN IMMEDIATE, COMMIT, ROLLBACK; 0 or -1. */
int		 sp_store_begin(struct sp_store *);
int		 sp_store_commit(struct sp_store *);
int		 sp_store_rollback(struct sp_store *);

#endif
