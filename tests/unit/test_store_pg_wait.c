/* test_store_pg_wait.c - a PostgreSQL server that never answers (issue
 * 16.11): tach gives up with an error naming the server instead of
 * waiting without end — after connect_timeout when the server is silent
 * from the start, after TACH_PG_TIMEOUT of silence once connected — and
 * the store keeps no part of the run it was adding.
 *
 * Three servers go silent: a listener that never says a word, a fake one
 * that completes the start-up exchange and then never answers a query
 * (neither needs PostgreSQL), and the real
 * test server (TACH_TEST_PG_URL) stuck in the middle of adding a run (a
 * trigger that sleeps).  Each case runs in a child with an alarm,
 * so a hang fails the test rather than the suite. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tach/tach.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs fn in a child with an alarm; its tach_error message in msg; the
 * child's exit status, or 128 + signal. */
static int in_child(int (*fn)(const char *arg, tach_error *err), const char *arg, char *msg,
                    size_t size, double *seconds)
{
	int pipefd[2];
	cr_assert_eq(pipe(pipefd), 0);
	double t0 = now_s();
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		alarm(60);
		tach_error err = {0};
		int rc = fn(arg, &err);
		if (write(pipefd[1], err.message, strlen(err.message)) < 0)
			_exit(3);
		_exit(rc ? 0 : 1);
	}
	close(pipefd[1]);
	size_t got = 0;
	ssize_t n;
	while (got + 1 < size && (n = read(pipefd[0], msg + got, size - 1 - got)) > 0)
		got += (size_t)n;
	msg[got] = 0;
	close(pipefd[0]);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	*seconds = now_s() - t0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- fake servers: silent from the start, or after start-up ---- */

static int listen_fd = -1;
static pthread_t server_thread;

static int read_full(int fd, void *buf, size_t len)
{
	for (size_t got = 0; got < len;) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* Reads start-up packets, refusing SSL and GSS encryption, until the real
 * start-up message; then says "authenticated, ready" and reads whatever
 * comes without a word back, until the client goes. */
static void serve(int c)
{
	for (;;) {
		unsigned char hdr[8];
		if (read_full(c, hdr, sizeof hdr))
			return;
		uint32_t len = (uint32_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3];
		uint32_t code = (uint32_t)hdr[4] << 24 | hdr[5] << 16 | hdr[6] << 8 | hdr[7];
		if (len < 8 || len > 10000)
			return;
		char body[10000];
		if (read_full(c, body, len - 8))
			return;
		if (code == 80877103 || code == 80877104) { /* SSLRequest, GSSENCRequest */
			if (write(c, "N", 1) != 1)
				return;
			continue;
		}
		break;
	}
	static const unsigned char ready[] = {'R', 0, 0, 0, 8, 0, 0, 0, 0, /* AuthenticationOk */
	                                      'Z', 0, 0, 0, 5, 'I'};       /* ReadyForQuery */
	if (write(c, ready, sizeof ready) != (ssize_t)sizeof ready)
		return;
	char sink[4096];
	while (read(c, sink, sizeof sink) > 0)
		; /* the query, and never an answer */
}

/* arg NULL: accepts and never says a word; else serve()s. */
static void *fake_server(void *arg)
{
	for (;;) {
		int c = accept(listen_fd, NULL, NULL);
		if (c < 0)
			return NULL;
		if (arg) {
			serve(c);
			close(c);
		} /* else kept open, never answered */
	}
}

/* Starts a fake server on a loopback port; returns the port. */
static int start_server(int answers_startup)
{
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(listen_fd, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	cr_assert_eq(bind(listen_fd, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(listen(listen_fd, 8), 0);
	cr_assert_eq(getsockname(listen_fd, (struct sockaddr *)&a, &len), 0);
	cr_assert_eq(pthread_create(&server_thread, NULL, fake_server,
	                            answers_startup ? "serve" : NULL),
	             0);
	return ntohs(a.sin_port);
}

static void stop_server(void)
{
	shutdown(listen_fd, SHUT_RDWR);
	close(listen_fd);
	pthread_join(server_thread, NULL);
}

static int open_store(const char *url, tach_error *err)
{
	tach_store *s = NULL;
	int rc = tach_store_open(url, &s, err);
	if (!rc)
		tach_store_close(s);
	return rc;
}

/* Checks the error of a store opened against a fake server on `port`. */
static void expect_given_up(const char *url, int port, const char *why)
{
	char msg[512];
	double took;
	int st = in_child(open_store, url, msg, sizeof msg, &took);
	cr_assert_lt(st, 128, "tach hung on a silent server (signal %d)", st - 128);
	cr_expect_eq(st, 0, "an error, not a store: %s", msg);
	char at[32];
	snprintf(at, sizeof at, "127.0.0.1:%d", port);
	cr_expect(strstr(msg, at), "names the server: %s", msg);
	cr_expect(strstr(msg, why), "says why (%s): %s", why, msg);
	cr_expect_null(strstr(msg, "s3cret"), "%s", msg);
	/* not a wall-clock check of speed: only that the wait ended, well
	 * before the 60 s alarm and the 330 s default */
	cr_expect_lt(took, 30, "%.1f s", took);
}

/* Silent from the start: the connection string's connect_timeout. */
Test(store_pg_wait, server_silent_from_the_start)
{
	int port = start_server(0);
	char url[160];
	snprintf(url, sizeof url, "postgresql://ci:s3cret@127.0.0.1:%d/db?connect_timeout=2", port);
	expect_given_up(url, port, "timeout");
	stop_server();
}

Test(store_pg_wait, server_silent_after_startup)
{
	int port = start_server(1);
	char url[160];
	snprintf(url, sizeof url, "postgresql://ci:s3cret@127.0.0.1:%d/db?sslmode=disable", port);
	setenv("TACH_PG_TIMEOUT", "1s", 1);
	expect_given_up(url, port, "sent nothing for 1 s");
	unsetenv("TACH_PG_TIMEOUT");
	stop_server();
}

Test(store_pg_wait, bad_timeout_is_refused)
{
	setenv("TACH_PG_TIMEOUT", "soon", 1);
	tach_store *s = NULL;
	tach_error err = {0};
	/* the variable is read once connected: without a server the
	 * connection fails first, so only check that a store, if any, says it */
	const char *url = getenv("TACH_TEST_PG_URL");
	if (!url) {
		unsetenv("TACH_PG_TIMEOUT");
		cr_skip_test("TACH_TEST_PG_URL not set: no PostgreSQL server for this run");
	}
	int rc = tach_store_open(url, &s, &err);
	unsetenv("TACH_PG_TIMEOUT");
	cr_expect_eq(rc, TACH_EINVAL, "%s", err.message);
	cr_expect(strstr(err.message, "TACH_PG_TIMEOUT") && strstr(err.message, "soon"), "%s",
	          err.message);
	if (!rc)
		tach_store_close(s);
}

/* ---- the real server, stuck while a run is added ---- */

static int add_run(const char *url, tach_error *err)
{
	tach_store *s = NULL;
	int rc = tach_store_open(url, &s, err);
	if (rc)
		return rc;
	tach_result *r = tach_result_new();
	tach_benchmark *b = tach_result_add_benchmark(r, "stuck");
	tach_metric *m = tach_benchmark_add_metric(b, "time", "ns", TACH_LOWER_IS_BETTER);
	for (int i = 1; i <= 3; i++)
		tach_metric_add_sample(m, i);
	int64_t id = 0;
	rc = tach_store_add(s, r, NULL, &id, err);
	tach_result_free(r);
	tach_store_close(s);
	return rc;
}

static long long count_runs(PGconn *c)
{
	PGresult *r = PQexec(c, "SELECT count(*) FROM runs");
	long long n = PQresultStatus(r) == PGRES_TUPLES_OK ? atoll(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	return n;
}

static void quiet(void *arg, const char *message)
{
	(void)arg, (void)message;
}

/* A database of this test's own on the test server (others share
 * tach_test and add and remove runs there meanwhile): its URL in url. */
static PGconn *own_database(const char *base, char *url, size_t size)
{
	PGconn *c = PQconnectdb(base);
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	PQsetNoticeProcessor(c, quiet, NULL);
	char name[48], sql[128];
	snprintf(name, sizeof name, "tach_wait_%ld", (long)getpid());
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", name);
	PQclear(PQexec(c, sql));
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	PGresult *r = PQexec(c, sql);
	cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
	PQclear(r);
	const char *slash = strrchr(base, '/');
	cr_assert(slash && strncmp(base, "postgresql://", 13) == 0, "a URL: %s", base);
	snprintf(url, size, "%.*s/%s", (int)(slash - base), base, name);
	return c; /* for dropping it */
}

static void drop_database(PGconn *admin, const char *url)
{
	char sql[128];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", strrchr(url, '/') + 1);
	PGresult *r = PQexec(admin, sql);
	cr_expect_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(admin));
	PQclear(r);
	PQfinish(admin);
}

Test(store_pg_wait, server_stuck_mid_add)
{
	const char *base = getenv("TACH_TEST_PG_URL");
	if (!base)
		cr_skip_test("TACH_TEST_PG_URL not set: no PostgreSQL server for this run");
	char url[256];
	PGconn *admin = own_database(base, url, sizeof url);
	/* the schema exists before the lock is taken */
	tach_error err = {0};
	cr_assert_eq(add_run(url, &err), 0, "%s", err.message);
	PGconn *c = PQconnectdb(url);
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
	cr_assert_eq(count_runs(c), 1);
	/* every benchmark row now takes the server 60 s: the run's row goes
	 * in, then the pipeline of its benchmarks and metrics stalls */
	PGresult *r = PQexec(c, "CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS"
	                        " $$ BEGIN PERFORM pg_sleep(60); RETURN NEW; END $$;"
	                        " CREATE TRIGGER stall BEFORE INSERT ON benchmarks"
	                        " FOR EACH ROW EXECUTE FUNCTION stall()");
	cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
	PQclear(r);
	setenv("TACH_PG_TIMEOUT", "1.5s", 1);
	char msg[512];
	double took;
	int st = in_child(add_run, url, msg, sizeof msg, &took);
	unsetenv("TACH_PG_TIMEOUT");
	cr_assert_lt(st, 128, "tach hung on a stuck server (signal %d)", st - 128);
	cr_expect_eq(st, 0, "an error: %s", msg);
	cr_expect(strstr(msg, "adding a run") && strstr(msg, "sent nothing for 1.5 s"), "%s", msg);
	cr_expect_lt(took, 30, "%.1f s", took);
	/* the given-up session's transaction was never committed: no part
	 * of the run is seen, now or when the server ends it */
	cr_expect_eq(count_runs(c), 1, "no part of the run stays");
	r = PQexec(c, "SELECT count(*) FROM benchmarks");
	cr_expect_str_eq(PQgetvalue(r, 0, 0), "1", "only the first run's benchmark");
	PQclear(r);
	PQfinish(c);
	drop_database(admin, url);
}
