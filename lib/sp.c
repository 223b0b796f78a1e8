/* sp.c: statuses, option parsing, time, dates, signals, stdout. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sp.h"
#include "sp_err.h"

static volatile sig_atomic_t caught;

int
sp_status_merge(int a, int b)
{
	if (a == SP_OK)
		return b;
	if (b == SP_OK)
		return a;
	if (a == SP_REJECTED)
		return b;
	return a;	/* the first fatal status wins */
}

long long
sp_parse_long(const char *s, long long min, long long max,
    const char **errstr)
{
	long long v;
	char *end;

	*errstr = NULL;
	errno = 0;
	if (s == NULL || *s == '\0' || *s == ' ' || *s == '+') {
		*errstr = "invalid";
		return 0;
	}
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		*errstr = "invalid";
		return 0;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*errstr = "too small";
		return 0;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*errstr = "too large";
		return 0;
	}
	return v;
}

int
sp_opt_long(const char *name, const char *s, long long min, long long max,
    long long *out)
{
	const char *errstr;
	long long v;

	v = sp_parse_long(s, min, max, &errstr);
	if (errstr != NULL) {
		sp_warnx_at(NULL, "--%s is %s: %s", name, errstr, s);
		return -1;
	}
	*out = v;
	return 0;
}

time_t
sp_now(void)
{
	const char *e, *errstr;
	long long v;

	if ((e = getenv("SOURCE_DATE_EPOCH")) != NULL) {
		v = sp_parse_long(e, 0, SP_TS_MAX, &errstr);
		if (errstr == NULL)
			return (time_t)v;
	}
	return time(NULL);
}

char *
sp_ts_format(time_t t, char buf[SP_TS_LEN + 1])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, SP_TS_LEN + 1, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(buf, "1970-01-01T00:00:00Z");
	return buf;
}

/* n digits at s as a number in [lo, hi], or -1. */
static int
digits(const char *s, int n, int lo, int hi)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v >= lo && v <= hi ? v : -1;
}

/* Whether day d of month m (1-based) of year y exists. */
static int
mday_ok(int y, int m, int d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return d >= 1 && d <= mdays[m - 1] && !(m == 2 && d == 29 &&
	    (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0)));
}

int
sp_ts_norm(const char *s, size_t len, char out[SP_TS_LEN + 1])
{
	int y, m, d;

	if (len != 20 && len != 19 && len != 16)
		return -1;
	if (s[4] != '-' || s[7] != '-' || s[13] != ':' ||
	    (len == 20 && (s[10] != 'T' || s[19] != 'Z')) ||
	    (len != 20 && s[10] != ' ') || (len > 16 && s[16] != ':'))
		return -1;
	if ((y = digits(s, 4, 1900, 9999)) < 0 ||
	    (m = digits(s + 5, 2, 1, 12)) < 0 ||
	    (d = digits(s + 8, 2, 1, 31)) < 0 || !mday_ok(y, m, d) ||
	    digits(s + 11, 2, 0, 23) < 0 || digits(s + 14, 2, 0, 59) < 0 ||
	    (len > 16 && digits(s + 17, 2, 0, 59) < 0))
		return -1;
	memcpy(out, s, 10);
	out[10] = 'T';
	memcpy(out + 11, s + 11, 5);
	if (len > 16)
		memcpy(out + 16, s + 16, 3);
	else
		memcpy(out + 16, ":00", 3);
	out[19] = 'Z';
	out[20] = '\0';
	return 0;
}

int
sp_date_parse(const char *d, int *year)
{
	size_t n = strlen(d);
	int k, m = 1;

	k = n == 4 ? 0 : n == 7 ? 1 : n == 10 ? 2 : -1;
	if ((*year = k >= 0 ? digits(d, 4, 0, 9999) : -1) <= 0)
		return -1;
	if (k >= 1 && (d[4] != '-' || (m = digits(d + 5, 2, 1, 12)) < 0))
		return -1;
	if (k == 2 && (d[7] != '-' || !mday_ok(*year, m, digits(d + 8, 2, 0,
	    99))))
		return -1;
	return k;
}

static void
onsignal(int sig)
{
	caught = sig;
}

void
sp_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onsignal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: a blocked read returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int
sp_signal(void)
{
	return caught;
}

int
sp_stderr_tty(void)
{
	return isatty(STDERR_FILENO);
}

int
sp_close_stdout(void)
{
	int bad;

	bad = fflush(stdout) != 0 || ferror(stdout);
	if (fclose(stdout) != 0)
		bad = 1;
	if (bad && errno != EPIPE) {
		fprintf(stderr, "%s: stdout: write error: %s\n",
		    program_invocation_short_name, strerror(errno));
		return -1;
	}
	return bad ? -1 : 0;
}

char *
sp_fmt_count(unsigned long long n, char buf[32])
{
	char tmp[32];
	int len, i, j;

	len = snprintf(tmp, sizeof(tmp), "%llu", n);
	for (i = 0, j = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = tmp[i];
	}
	buf[j] = '\0';
	return buf;
}

char *
sp_fmt_secs(long long s, char buf[32])
{
	if (s >= 3600)
		snprintf(buf, 32, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else if (s >= 60)
		snprintf(buf, 32, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(buf, 32, "%llds", s);
	return buf;
}
