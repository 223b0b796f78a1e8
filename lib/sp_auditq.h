/*
 * sp_auditq: the queries sp-audit makes of the store, one SQL table
 * prepared once (sp_store_prepare()), indexed by enum sp_auditq; the
 * sp_rank() function their samples are ordered by; and the end of a
 * statement's rows, reset and its bindings cleared, with the database's
 * message on an error.  Ownership: the SQL is static; the statements
 * belong to the store that prepared them.
 */
#ifndef SP_AUDITQ_H
#define SP_AUDITQ_H

#include <sqlite3.h>

#define SP_AUDITQ_ERRSIZE	1024

enum sp_auditq {
	SP_AUDITQ_TOTALS,
	SP_AUDITQ_STATUS,
	SP_AUDITQ_ARTIST_GENRES,
	SP_AUDITQ_TRACKS_BY_STATUS,
	SP_AUDITQ_PENDING,
	SP_AUDITQ_NULLS,
	SP_AUDITQ_NULL_ROWS,
	SP_AUDITQ_GENRES,
	SP_AUDITQ_GENRE_DUPS,
	SP_AUDITQ_GENRE_COUNT,
	SP_AUDITQ_FAMILY_NAMES,
	SP_AUDITQ_IDS,
	SP_AUDITQ_FAMILIES,
	SP_AUDITQ_UNMAPPED,
	SP_AUDITQ_DATES,
	SP_AUDITQ_RANGES,
	SP_AUDITQ_ORPHANS,
	SP_AUDITQ_BEFORE,
	SP_AUDITQ_NAMES,
	SP_AUDITQ_TRACK_ARTISTS,
	SP_AUDITQ_SAMPLE_TRACKS,
	SP_AUDITQ_TRACK_GENRES,
	SP_AUDITQ_SAMPLE_ARTISTS,
	SP_AUDITQ_GENRES_OF,
	SP_AUDITQ_STORED_TRACK,
	SP_AUDITQ_STORED_ARTIST,
	SP_AUDITQ_N
};

extern const char *const sp_auditq_sql[SP_AUDITQ_N];

/*
 * sp_rank(text, seed) in db: a repeatable random order of the text for a
 * seed (FNV-1a of both, mixed).  SQLITE_OK or sqlite3's code.
 */
int	sp_auditq_rank(sqlite3 *db);

/*
 * After a statement's rows, rc the last sqlite3_step(): reset it and
 * clear its bindings.  SP_OK, or SP_FATAL_DB when rc is an error, with
 * "database: " and the database's message in err.
 */
int	sp_auditq_done(sqlite3_stmt *, int rc, char err[SP_AUDITQ_ERRSIZE]);

/* Statement st with id bound to ?1 (a copy); st. */
sqlite3_stmt *sp_auditq_bound(sqlite3_stmt *st, const char *id);

/* Column i of a row as text, or NULL. */
const char *sp_auditq_text(sqlite3_stmt *, int i);

#endif
