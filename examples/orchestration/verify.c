/* verify.c - --verify: did every orchestration complete exactly once?
 * Counts first (states, completions, result rows per instance), then every
 * chain is recomputed from the seed and each stored result and final
 * payload compared, so a lost, duplicated, reordered or half-written
 * activity shows up as a mismatch, not only as a wrong count.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "orch.h"

#define MAX_REPORTS 5

typedef long long ll;

/* Counts a problem and describes the first few on stderr. */
__attribute__((format(printf, 2, 3)))
static void failf(int *bad, const char *fmt, ...)
{
	if ((*bad)++ < MAX_REPORTS) {
		va_list ap;
		va_start(ap, fmt);
		fputs("orchestrate: verify: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
}

static int sql_fail(sqlite3 *db)
{
	fprintf(stderr, "orchestrate: verify: %s\n", sqlite3_errmsg(db));
	return -1;
}

/* Instance-level counts: one row per instance, in id order. */
static int check_counts(sqlite3 *db, const orch_shape *sh, int *bad)
{
	sqlite3_stmt *st = NULL;
	const char *sql =
		"SELECT i.id, i.state = 'done', i.completions, i.step,"
		" (SELECT count(*) FROM activity_results r WHERE r.instance_id = i.id),"
		" (SELECT coalesce(min(step), -1) FROM activity_results r WHERE r.instance_id = i.id),"
		" (SELECT coalesce(max(step), -1) FROM activity_results r WHERE r.instance_id = i.id)"
		" FROM instances i ORDER BY i.id";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_fail(db);
	ll expect_id = 1, m = sh->activities;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ll id = sqlite3_column_int64(st, 0);
		if (id != expect_id)
			failf(bad, "instance %lld where %lld was expected", id, expect_id);
		expect_id = id + 1;
		if (!sqlite3_column_int(st, 1))
			failf(bad, "instance %lld not done (step %lld of %lld)", id,
			      sqlite3_column_int64(st, 3), m);
		if (sqlite3_column_int64(st, 2) != 1)
			failf(bad, "instance %lld completed %lld times", id,
			      sqlite3_column_int64(st, 2));
		if (sqlite3_column_int64(st, 3) != m)
			failf(bad, "instance %lld at step %lld, not %lld", id,
			      sqlite3_column_int64(st, 3), m);
		if (sqlite3_column_int64(st, 4) != m || sqlite3_column_int64(st, 5) != 0
		    || sqlite3_column_int64(st, 6) != m - 1)
			failf(bad, "instance %lld has %lld activity results, not %lld", id,
			      sqlite3_column_int64(st, 4), m);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_fail(db);
	if (expect_id - 1 != sh->orchestrations)
		failf(bad, "%lld instances, %lld enqueued", expect_id - 1,
		      (ll)sh->orchestrations);
	/* Rows of no instance would not show in the per-instance counts. */
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM activity_results", -1, &st,
	                       NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return sql_fail(db);
	}
	ll rows = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rows != sh->orchestrations * m)
		failf(bad, "%lld activity results in all, not %lld", rows,
		      (ll)sh->orchestrations * m);
	return 0;
}

/* Recomputes each chain and compares results and the final payload. */
static int check_checksums(sqlite3 *db, const orch_shape *sh, int *bad)
{
	sqlite3_stmt *inst = NULL, *res = NULL;
	uint8_t *buf = malloc(sh->payload_max > 0 ? (size_t)sh->payload_max : 1);
	int rc = -1;
	if (!buf) {
		fprintf(stderr, "orchestrate: out of memory\n");
		return -1;
	}
	if (sqlite3_prepare_v2(db, "SELECT id, payload FROM instances ORDER BY id",
	                       -1, &inst, NULL) != SQLITE_OK
	    || sqlite3_prepare_v2(db, "SELECT step, result FROM activity_results"
	                              " WHERE instance_id = ?1 ORDER BY step",
	                          -1, &res, NULL) != SQLITE_OK) {
		sql_fail(db);
		goto out;
	}
	int step_rc;
	while ((step_rc = sqlite3_step(inst)) == SQLITE_ROW) {
		ll id = sqlite3_column_int64(inst, 0);
		size_t n = orch_payload_size(sh, id);
		orch_payload_fill(buf, n, sh->seed, id);
		sqlite3_bind_int64(res, 1, id);
		ll step = 0;
		while (sqlite3_step(res) == SQLITE_ROW && step < sh->activities) {
			ll want = orch_activity(buf, n, sh->seed, id, step);
			if (sqlite3_column_int64(res, 0) != step
			    || sqlite3_column_int64(res, 1) != want)
				failf(bad, "instance %lld: result of step %lld is not %lld", id,
				      step, want);
			step++;
		}
		sqlite3_reset(res);
		for (; step < sh->activities; step++)
			(void)orch_activity(buf, n, sh->seed, id, step);
		if ((size_t)sqlite3_column_bytes(inst, 1) != n
		    || (n && memcmp(sqlite3_column_blob(inst, 1), buf, n) != 0))
			failf(bad, "instance %lld: final payload (%lld bytes) differs from"
			      " the recomputed one (%lld bytes)", id,
			      (ll)sqlite3_column_bytes(inst, 1), (ll)n);
	}
	if (step_rc != SQLITE_DONE) {
		sql_fail(db);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(inst);
	sqlite3_finalize(res);
	free(buf);
	return rc;
}

int orch_verify(orch_store *s, const orch_shape *sh)
{
	sqlite3 *db = orch_store_db(s);
	int bad = 0;
	/* One read transaction: the checks see a single snapshot. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db);
	int rc = check_counts(db, sh, &bad);
	if (rc == 0)
		rc = check_checksums(db, sh, &bad);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc)
		return rc;
	if (bad) {
		if (bad > MAX_REPORTS)
			fprintf(stderr, "orchestrate: verify: ... %d problems in all\n", bad);
		printf("verify: FAILED (%d problems)\n", bad);
		return 1;
	}
	printf("verify: %lld orchestrations x %lld activities: each completed exactly"
	       " once, %lld results and final payloads match the recomputed chains\n",
	       (long long)sh->orchestrations, (long long)sh->activities,
	       (long long)(sh->orchestrations * sh->activities));
	return 0;
}
