/* store.c - the durable state of `orchestrate`: every SQL statement of the
 * engine, prepared once per connection and bound, never pasted together.
 *
 * Invariants (the "exactly once" the checks test):
 *   - An instance moves pending -> running -> done; `step` is the number of
 *     activities whose results are persisted, so 0 <= step <= M, and done
 *     means step = M.
 *   - A worker works on an instance only while it holds its lease
 *     (lease_owner = it, lease_until in the future).  Claiming takes the
 *     lowest open instance whose lease is free or expired, in one
 *     BEGIN IMMEDIATE transaction, so two workers never both win it.
 *   - Persisting k results, the payload after them and step += k is one
 *     transaction guarded by "lease_owner = me AND step = what I claimed":
 *     a worker whose lease expired and was taken over writes nothing, and a
 *     worker that dies mid-activity loses only unpersisted work, which the
 *     next owner redoes from the persisted payload.  UNIQUE(instance_id,
 *     step) would reject a duplicate result if this guard were ever wrong.
 *   - Activities may thus execute more than once (at-least-once execution)
 *     but their results are recorded, and each instance completes, once.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "orch.h"

/* SQLite's busy handler sleeps and retries for this long before a
 * statement returns SQLITE_BUSY; the transaction helpers then retry a few
 * times more, so a loaded machine slows the engine down but never fails it. */
#define BUSY_TIMEOUT_MS 10000
#define BUSY_RETRIES 6

struct orch_store {
	sqlite3 *db;
	sqlite3_stmt *begin, *commit, *rollback;
	sqlite3_stmt *pick, *take, *idle, *advance, *record;
};

static const char SCHEMA[] =
	"CREATE TABLE config("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" orchestrations INTEGER NOT NULL, activities INTEGER NOT NULL,"
	" payload_min INTEGER NOT NULL, payload_max INTEGER NOT NULL,"
	" seed INTEGER NOT NULL);"
	"CREATE TABLE instances("
	" id INTEGER PRIMARY KEY,"
	" state TEXT NOT NULL DEFAULT 'pending'"
	"  CHECK (state IN ('pending', 'running', 'done')),"
	" step INTEGER NOT NULL DEFAULT 0,"
	" payload BLOB NOT NULL,"
	" lease_owner TEXT,"
	" lease_until INTEGER,"          /* ms since the epoch */
	" claims INTEGER NOT NULL DEFAULT 0,"
	" completions INTEGER NOT NULL DEFAULT 0,"
	" started_ns INTEGER,"           /* CLOCK_MONOTONIC of the first claim */
	" completed_ns INTEGER);"
	/* Claims scan only what is still open, not the done history. */
	"CREATE INDEX instances_open ON instances(id) WHERE state <> 'done';"
	"CREATE TABLE activity_results("
	" instance_id INTEGER NOT NULL REFERENCES instances(id),"
	" step INTEGER NOT NULL,"
	" result INTEGER NOT NULL,"
	" worker TEXT NOT NULL,"
	" UNIQUE (instance_id, step));";

static int fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "orchestrate: %s: %s\n", what, sqlite3_errmsg(db));
	return -1;
}

static int prep(orch_store *s, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return fail(s->db, "prepare");
	return 0;
}

/* Runs a statement without result rows to completion and resets it. */
static int run(orch_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : fail(s->db, what);
}

/* Steps BEGIN IMMEDIATE or COMMIT until it is not busy (a busy COMMIT
 * leaves the transaction open, so retrying it is correct). */
static int run_retry(orch_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = SQLITE_BUSY;
	for (int i = 0; i < BUSY_RETRIES && rc == SQLITE_BUSY; i++) {
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	return rc == SQLITE_DONE ? 0 : fail(s->db, what);
}

static int tx_begin(orch_store *s)
{
	return run_retry(s, s->begin, "begin");
}

static int tx_commit(orch_store *s)
{
	return run_retry(s, s->commit, "commit");
}

static void tx_rollback(orch_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void)run(s, s->rollback, "rollback");
}

static int pragma(orch_store *s, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "orchestrate: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

orch_store *orch_store_open(const orch_options *o)
{
	static const char *const sync_sql[] = {
		"PRAGMA synchronous = OFF", "PRAGMA synchronous = NORMAL",
		"PRAGMA synchronous = FULL",
	};
	orch_store *s = calloc(1, sizeof *s);
	if (!s) {
		fprintf(stderr, "orchestrate: out of memory\n");
		return NULL;
	}
	if (sqlite3_open_v2(o->db_path, &s->db,
	                    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		fprintf(stderr, "orchestrate: %s: %s\n", o->db_path,
		        s->db ? sqlite3_errmsg(s->db) : "cannot open");
		orch_store_close(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	/* The journal mode is a property of the file (WAL persists), set by
	 * the process that creates or resumes the database; each connection
	 * sets its own synchronous level. */
	if (pragma(s, sync_sql[o->sync])
	    || prep(s, "BEGIN IMMEDIATE", &s->begin)
	    || prep(s, "COMMIT", &s->commit)
	    || prep(s, "ROLLBACK", &s->rollback)) {
		orch_store_close(s);
		return NULL;
	}
	return s;
}

void orch_store_close(orch_store *s)
{
	if (!s)
		return;
	sqlite3_stmt *all[] = {s->begin, s->commit, s->rollback, s->pick,
	                       s->take, s->idle, s->advance, s->record};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		sqlite3_finalize(all[i]);
	sqlite3_close(s->db);
	free(s);
}

void orch_store_remove(const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		char name[4096];
		if (snprintf(name, sizeof name, "%s%s", path, suffix[i]) < (int)sizeof name)
			(void)unlink(name);
	}
}

sqlite3 *orch_store_db(orch_store *s)
{
	return s->db;
}

/* Sets the journal mode and checks SQLite agreed (it answers with the mode
 * in force, e.g. "delete" when WAL is impossible on this file system). */
int orch_store_journal(orch_store *s, int wal)
{
	sqlite3_stmt *st = NULL;
	const char *want = wal ? "wal" : "delete";
	if (prep(s, wal ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode = DELETE", &st))
		return -1;
	int ok = sqlite3_step(st) == SQLITE_ROW
	         && strcmp((const char *)sqlite3_column_text(st, 0), want) == 0;
	sqlite3_finalize(st);
	if (!ok) {
		fprintf(stderr, "orchestrate: cannot set journal mode %s: %s\n", want,
		        sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

int orch_store_is_wal(orch_store *s)
{
	sqlite3_stmt *st = NULL;
	if (prep(s, "PRAGMA journal_mode", &st))
		return -1;
	int rc = sqlite3_step(st) == SQLITE_ROW
	         ? strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0
	         : fail(s->db, "journal mode");
	sqlite3_finalize(st);
	return rc;
}

int orch_store_create(orch_store *s, const orch_shape *sh)
{
	sqlite3_stmt *cfg = NULL, *ins = NULL;
	uint8_t *buf = malloc((size_t)sh->payload_max > 0 ? (size_t)sh->payload_max : 1);
	int rc = -1;
	if (!buf) {
		fprintf(stderr, "orchestrate: out of memory\n");
		return -1;
	}
	/* Tables and instances in one transaction: a database killed while
	 * being created is empty, never half-enqueued. */
	if (tx_begin(s))
		goto out;
	if (pragma(s, SCHEMA)
	    || prep(s, "INSERT INTO config(id, orchestrations, activities, payload_min,"
	               " payload_max, seed) VALUES (1, ?1, ?2, ?3, ?4, ?5)", &cfg)
	    || prep(s, "INSERT INTO instances(id, payload) VALUES (?1, ?2)", &ins))
		goto undo;
	sqlite3_bind_int64(cfg, 1, sh->orchestrations);
	sqlite3_bind_int64(cfg, 2, sh->activities);
	sqlite3_bind_int64(cfg, 3, sh->payload_min);
	sqlite3_bind_int64(cfg, 4, sh->payload_max);
	sqlite3_bind_int64(cfg, 5, sh->seed);
	if (run(s, cfg, "insert config"))
		goto undo;
	for (int64_t id = 1; id <= sh->orchestrations; id++) {
		size_t n = orch_payload_size(sh, id);
		orch_payload_fill(buf, n, sh->seed, id);
		sqlite3_bind_int64(ins, 1, id);
		/* zeroblob-free: a 0-byte payload must still be a BLOB, not NULL */
		sqlite3_bind_blob64(ins, 2, n ? (const void *)buf : (const void *)"", n,
		                    SQLITE_STATIC);
		if (run(s, ins, "enqueue"))
			goto undo;
	}
	rc = tx_commit(s);
	goto out;
undo:
	tx_rollback(s);
out:
	sqlite3_finalize(cfg);
	sqlite3_finalize(ins);
	free(buf);
	return rc;
}

int orch_store_load_shape(orch_store *s, orch_shape *sh)
{
	sqlite3_stmt *st = NULL;
	if (prep(s, "SELECT orchestrations, activities, payload_min, payload_max, seed"
	            " FROM config WHERE id = 1", &st))
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sh->orchestrations = sqlite3_column_int64(st, 0);
		sh->activities = sqlite3_column_int64(st, 1);
		sh->payload_min = sqlite3_column_int64(st, 2);
		sh->payload_max = sqlite3_column_int64(st, 3);
		sh->seed = sqlite3_column_int64(st, 4);
	} else if (rc == SQLITE_DONE) {
		fprintf(stderr, "orchestrate: the database has no config row\n");
	} else {
		fail(s->db, "read config");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* The worker statements are prepared on first use, so the creating and
 * checking connections do not need them. */
static int prepare_worker(orch_store *s)
{
	if (s->pick)
		return 0;
	if (prep(s, "SELECT id, step, payload, lease_owner IS NOT NULL FROM instances"
	            " WHERE state <> 'done' AND (lease_until IS NULL OR lease_until <= ?1)"
	            " ORDER BY id LIMIT 1", &s->pick)
	    || prep(s, "UPDATE instances SET state = 'running', lease_owner = ?1,"
	               " lease_until = ?2, claims = claims + 1,"
	               " started_ns = coalesce(started_ns, ?3) WHERE id = ?4", &s->take)
	    || prep(s, "SELECT count(*), coalesce(min(lease_until), 0) FROM instances"
	               " WHERE state <> 'done'", &s->idle)
	    || prep(s, "UPDATE instances SET step = ?1, payload = ?2,"
	               " state = CASE WHEN ?1 >= ?3 THEN 'done' ELSE 'running' END,"
	               " lease_until = CASE WHEN ?1 >= ?3 THEN NULL ELSE ?4 END,"
	               " completions = completions + (?1 >= ?3),"
	               " completed_ns = CASE WHEN ?1 >= ?3 THEN ?5 END"
	               " WHERE id = ?6 AND lease_owner = ?7 AND step = ?8"
	               " AND state = 'running'", &s->advance)
	    || prep(s, "INSERT INTO activity_results(instance_id, step, result, worker)"
	               " VALUES (?1, ?2, ?3, ?4)", &s->record))
		return -1;
	return 0;
}

int orch_store_claim(orch_store *s, const char *owner, int64_t lease_ms,
                     orch_claim *c, int64_t *open, int64_t *next_expiry_ms)
{
	if (prepare_worker(s) || tx_begin(s))
		return -1;
	int64_t now = orch_wall_ms();
	sqlite3_bind_int64(s->pick, 1, now);
	int rc = sqlite3_step(s->pick);
	if (rc == SQLITE_ROW) {
		c->id = sqlite3_column_int64(s->pick, 0);
		c->step = sqlite3_column_int64(s->pick, 1);
		c->size = (size_t)sqlite3_column_bytes(s->pick, 2);
		c->takeover = sqlite3_column_int(s->pick, 3);
		c->payload = malloc(c->size ? c->size : 1);
		if (c->payload && c->size) /* an empty blob's pointer is NULL */
			memcpy(c->payload, sqlite3_column_blob(s->pick, 2), c->size);
		sqlite3_reset(s->pick);
		if (!c->payload) {
			tx_rollback(s);
			fprintf(stderr, "orchestrate: out of memory\n");
			return -1;
		}
		sqlite3_bind_text(s->take, 1, owner, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s->take, 2, now + lease_ms);
		sqlite3_bind_int64(s->take, 3, orch_now_ns());
		sqlite3_bind_int64(s->take, 4, c->id);
		if (run(s, s->take, "claim") || tx_commit(s)) {
			tx_rollback(s);
			free(c->payload);
			c->payload = NULL;
			return -1;
		}
		return 1;
	}
	sqlite3_reset(s->pick);
	if (rc != SQLITE_DONE) {
		fail(s->db, "pick");
		tx_rollback(s);
		return -1;
	}
	rc = sqlite3_step(s->idle);
	if (rc == SQLITE_ROW) {
		*open = sqlite3_column_int64(s->idle, 0);
		*next_expiry_ms = sqlite3_column_int64(s->idle, 1);
	}
	sqlite3_reset(s->idle);
	if (rc != SQLITE_ROW) {
		fail(s->db, "open instances");
		tx_rollback(s);
		return -1;
	}
	return tx_commit(s) ? -1 : 0;
}

int orch_store_persist(orch_store *s, const char *owner, int64_t lease_ms,
                       const orch_claim *c, const int64_t *results, int k,
                       int64_t activities, int64_t done_ns, int crash)
{
	if (prepare_worker(s) || tx_begin(s))
		return -1;
	int64_t step = c->step + k;
	sqlite3_bind_int64(s->advance, 1, step);
	sqlite3_bind_blob64(s->advance, 2, c->size ? (const void *)c->payload : (const void *)"",
	                    c->size, SQLITE_STATIC);
	sqlite3_bind_int64(s->advance, 3, activities);
	sqlite3_bind_int64(s->advance, 4, orch_wall_ms() + lease_ms);
	sqlite3_bind_int64(s->advance, 5, done_ns);
	sqlite3_bind_int64(s->advance, 6, c->id);
	sqlite3_bind_text(s->advance, 7, owner, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->advance, 8, c->step);
	if (run(s, s->advance, "advance"))
		goto undo;
	if (sqlite3_changes(s->db) != 1) {
		/* The lease expired and another worker owns the instance now. */
		tx_rollback(s);
		return 0;
	}
	for (int i = 0; i < k; i++) {
		sqlite3_bind_int64(s->record, 1, c->id);
		sqlite3_bind_int64(s->record, 2, c->step + i);
		sqlite3_bind_int64(s->record, 3, results[i]);
		sqlite3_bind_text(s->record, 4, owner, -1, SQLITE_STATIC);
		if (run(s, s->record, "record result"))
			goto undo;
	}
	if (crash) {
		/* The crash test: die inside the transaction, with the results
		 * written but not committed (a hot rollback journal, or WAL
		 * frames without a commit record), holding the lease. */
		fflush(NULL);
		kill(getpid(), SIGKILL);
	}
	if (tx_commit(s))
		goto undo;
	return 1;
undo:
	tx_rollback(s);
	return -1;
}

/* One row of integers from a fixed query. */
static int query_ints(orch_store *s, const char *sql, int64_t *out, int n)
{
	sqlite3_stmt *st = NULL;
	if (prep(s, sql, &st))
		return -1;
	int rc = sqlite3_step(st);
	for (int i = 0; rc == SQLITE_ROW && i < n; i++)
		out[i] = sqlite3_column_int64(st, i);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : fail(s->db, sql);
}

int orch_store_counts(orch_store *s, orch_counts *n)
{
	int64_t v[5] = {0}, r = 0;
	if (query_ints(s, "SELECT count(*), coalesce(sum(state = 'done'), 0),"
	                  " coalesce(sum(state = 'running'), 0),"
	                  " coalesce(sum(state = 'pending'), 0), coalesce(sum(claims), 0)"
	                  " FROM instances", v, 5)
	    || query_ints(s, "SELECT count(*) FROM activity_results", &r, 1))
		return -1;
	n->instances = v[0];
	n->done = v[1];
	n->running = v[2];
	n->pending = v[3];
	n->claims = v[4];
	n->results = r;
	return 0;
}

int orch_store_latencies(orch_store *s, int64_t since_ns, double **lat, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 256;
	*n = 0;
	*lat = malloc(cap * sizeof **lat);
	if (!*lat || prep(s, "SELECT completed_ns - started_ns FROM instances"
	                     " WHERE state = 'done' AND completed_ns >= ?1", &st)) {
		free(*lat);
		*lat = NULL;
		return -1;
	}
	sqlite3_bind_int64(st, 1, since_ns);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			double *more = realloc(*lat, 2 * cap * sizeof **lat);
			if (!more) {
				rc = SQLITE_NOMEM;
				break;
			}
			*lat = more;
			cap *= 2;
		}
		(*lat)[(*n)++] = (double)sqlite3_column_int64(st, 0) * 1e-9;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*lat);
		*lat = NULL;
		return fail(s->db, "latencies");
	}
	return 0;
}

int64_t orch_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t orch_wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
