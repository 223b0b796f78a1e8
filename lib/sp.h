/*
 * sp.h: what every sp program shares: exit statuses, option parsing,
 * timestamps and dates, signals and the checked close of stdout.
 * Nothing here allocates.
 */
#ifndef SP_H
#define SP_H

#include <stddef.h>
#include <time.h>

#define SP_VERSION	"0.1.0"

enum sp_status {
	SP_OK		= 0,	/* everything processed */
	SP_REJECTED	= 1,	/* some records rejected, the rest processed */
	SP_USAGE	= 2,	/* bad option or argument */
	SP_FATAL_IO	= 3,	/* I/O or system error, out of memory */
	SP_FATAL_DB	= 4,	/* database error */
	SP_FATAL_AUTH	= 5,	/* authentication failed */
	SP_TEMPFAIL	= 75,	/* temporary failure: run again later */
	SP_SIGNALLED	= 128	/* plus the signal number: interrupted */
};

/* Worse of two statuses: a fatal one wins over SP_REJECTED over SP_OK. */
int		 sp_status_merge(int, int);

/*
 * strtonum(3)-style: the value of s if it is an integer in [min, max],
 * else 0 with *errstr set to "invalid", "too small" or "too large".
 */
long long	 sp_parse_long(const char *s, long long min, long long max,
		    const char **errstr);

/*
 * The numeric option --name: its value s in [min, max] into *out, and 0;
 * else "--name is invalid: s" (or "too small", "too large") on stderr
 * and -1, *out untouched.  The caller then calls its usage().
 */
int		 sp_opt_long(const char *name, const char *s, long long min,
		    long long max, long long *out);

/* Now, or $SOURCE_DATE_EPOCH when set, so that tests are reproducible. */
time_t		 sp_now(void);

/* Format t as "2026-11-24T10:00:00Z" into buf; returns buf. */
#define SP_TS_LEN	20
/* The last time a record can hold: 9999-12-31T23:59:59Z. */
#define SP_TS_MAX	253402300799LL
char		*sp_ts_format(time_t t, char buf[SP_TS_LEN + 1]);

/*
 * Normalize a UTC timestamp to "YYYY-MM-DDTHH:MM:SSZ" in out.  Takes that
 * form, "YYYY-MM-DD HH:MM:SS" and "YYYY-MM-DD HH:MM" (seconds 00), with
 * each field in range (seconds 00 to 59: a leap second "60", which
 * SQLite's date functions turn into NULL, is refused).  Returns 0, or -1
 * if s is none of those.
 */
int		 sp_ts_norm(const char *s, size_t len, char out[SP_TS_LEN + 1]);

/*
 * A release date "YYYY", "YYYY-MM" or "YYYY-MM-DD", each field in range
 * and the year above 0: returns its precision, 0 year, 1 month, 2 day,
 * with the year in *year.  Else -1, with *year the value of the first
 * four digits of a date of one of those lengths (0 for "0000"), or -1.
 */
int		 sp_date_parse(const char *d, int *year);

/*
 * Install SIGINT and SIGTERM handlers that only record the signal, so a
 * blocking read returns EINTR; sp_signal() is then the signal number,
 * else 0.
 */
void		 sp_signals_install(void);
int		 sp_signal(void);

/* Whether stderr is a terminal (for progress lines). */
int		 sp_stderr_tty(void);

/*
 * Flush and close stdout, reporting a write error once; 0 on success.
 * A reader that went away (EPIPE) is not an error worth a message.
 */
int		 sp_close_stdout(void);

/* Format n with thousands separators ("8,412") into buf; returns buf. */
char		*sp_fmt_count(unsigned long long n, char buf[32]);

/* Format s seconds as "24h37m", "4m12s" or "12s" into buf; returns buf. */
char		*sp_fmt_secs(long long s, char buf[32]);

#endif
