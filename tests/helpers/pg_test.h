/* pg_test.h - what the PostgreSQL store tests share (pg_test.c): the test
 * server from TACH_TEST_PG_URL (the test is skipped without it), a
 * connection and a statement that must succeed, and a database of the
 * test program's own, since the tests run in parallel and test_store
 * empties the shared one. */
#ifndef TACH_TESTS_PG_TEST_H
#define TACH_TESTS_PG_TEST_H

#include <libpq-fe.h>

/* $TACH_TEST_PG_URL; skips the calling test when it is not set. */
const char *pg_url(void);
/* A connection to url; fails the test when there is none. */
PGconn *pg_connect(const char *url);
/* Runs sql, failing the test on an error; the first column of the first
 * row as a number (0 without rows). */
long pg_long(PGconn *c, const char *sql);
void pg_exec(PGconn *c, const char *sql);
/* A new, empty database named after the test program and its process
 * (dropped first if it exists): its connection string. */
const char *pg_fresh(void);
/* Drops pg_fresh's database, if one was made (a .fini). */
void pg_drop(void);

#endif
