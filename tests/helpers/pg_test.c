/* pg_test.c - the PostgreSQL test helpers of pg_test.h. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pg_test.h"

const char *pg_url(void)
{
	const char *url = getenv("TACH_TEST_PG_URL");
	if (!url || !*url)
		cr_skip_test("TACH_TEST_PG_URL not set: no PostgreSQL server for this run");
	return url;
}

PGconn *pg_connect(const char *url)
{
	PGconn *c = PQconnectdb(url);
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	return c;
}

long pg_long(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql,
	          PQresultErrorMessage(r));
	long v = PQntuples(r) ? atol(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	return v;
}

void pg_exec(PGconn *c, const char *sql)
{
	pg_long(c, sql);
}

static char db_name[64];

const char *pg_fresh(void)
{
	const char *url = pg_url();
	static char loc[700];
	char prog[32], sql[160];
	/* an identifier: the program's name in [a-z0-9_] */
	snprintf(prog, sizeof prog, "%s", program_invocation_short_name);
	for (char *p = prog; *p; p++)
		*p = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
	snprintf(db_name, sizeof db_name, "tach_%s_%d", prog, (int)getpid());
	PGconn *c = pg_connect(url);
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db_name);
	pg_exec(c, sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", db_name);
	pg_exec(c, sql);
	PQfinish(c);
	snprintf(loc, sizeof loc, "%s%cdbname=%s", url, strchr(url, '?') ? '&' : '?', db_name);
	return loc;
}

void pg_drop(void)
{
	const char *url = getenv("TACH_TEST_PG_URL");
	if (!url || !*url || !db_name[0])
		return;
	PGconn *c = pg_connect(url);
	char sql[160];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db_name);
	pg_exec(c, sql);
	PQfinish(c);
}
