/* test_store_resolve.c - references to runs on a history many machines
 * write (tach_store_resolve_on): @latest~N, @BRANCH and @HEAD choose
 * among the runs of the caller's testbed, fall back to the newest run's
 * testbed (and say so) only when the caller's has none, and take
 * ":TESTBED" to name one, commits too; baselines and #ID stay exact; #ID of
 * a missing run is an error naming the store.  The same checks on SQLite
 * and PostgreSQL (TACH_TEST_PG_URL). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "pg_test.h"

static char tmpdir[64], dbpath[128];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/tach-resolve-XXXXXX");
	cr_assert(mkdtemp(tmpdir));
	snprintf(dbpath, sizeof dbpath, "%s/history.db", tmpdir);
}

static void remove_tmpdir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	cr_expect_eq(system(cmd), 0);
}

/* Adds a run of testbed tb on branch at commit; its id. */
static int64_t add(tach_store *s, const char *tb, const char *branch, const char *commit)
{
	tach_result *r = tach_result_new();
	cr_assert(r);
	tach_meta_set(&r->meta.timestamp, "2026-12-01T10:00:00Z");
	tach_meta_set(&r->meta.testbed, tb);
	tach_meta_set(&r->meta.git_branch, branch);
	tach_meta_set(&r->meta.git_commit, commit);
	tach_metric *m = tach_benchmark_add_metric(tach_result_add_benchmark(r, "BM_x"), "time", "s",
	                                           TACH_LOWER_IS_BETTER);
	tach_metric_add_sample(m, 1e-3);
	int64_t id;
	tach_error err;
	cr_assert_eq(tach_store_add(s, r, NULL, &id, &err), 0, "%s", err.message);
	tach_result_free(r);
	return id;
}

/* ref resolved preferring `here`: the run, its testbed and whether it
 * fell back. */
static void expect_run(tach_store *s, const char *ref, const char *here, int64_t id,
                       const char *tb, int fallback)
{
	tach_resolved r;
	tach_error err;
	cr_assert_eq(tach_store_resolve_on(s, ref, here, &r, &err), 0, "%s on %s: %s", ref,
	             here ? here : "(any)", err.message);
	cr_expect_eq(r.id, id, "%s on %s: run #%lld, not #%lld", ref, here ? here : "(any)",
	             (long long)r.id, (long long)id);
	cr_expect_str_eq(r.testbed, tb, "%s on %s", ref, here ? here : "(any)");
	cr_expect_eq(r.fallback, fallback, "%s on %s: fallback %d", ref, here ? here : "(any)",
	             r.fallback);
}

/* ref refused, with every one of the words in the message. */
static void expect_none(tach_store *s, const char *ref, const char *here, const char *w1,
                        const char *w2)
{
	tach_resolved r;
	tach_error err;
	cr_expect_eq(tach_store_resolve_on(s, ref, here, &r, &err), TACH_EINVAL, "%s on %s: run #%lld",
	             ref, here ? here : "(any)", (long long)r.id);
	cr_expect(strstr(err.message, w1) && (!w2 || strstr(err.message, w2)), "%s: %s", ref,
	          err.message);
}

#define C1 "aaaa111100000000000000000000000000000000"
#define C2 "bbbb222200000000000000000000000000000000"
#define C3 "cccc333300000000000000000000000000000000"

static void resolves(const char *loc)
{
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(loc, &s, &err), 0, "%s", err.message);
	/* two CI runners, "alpha" and "beta", on one history; beta saved last */
	int64_t a_main = add(s, "alpha", "main", C1);
	int64_t b_main = add(s, "beta", "main", C1);
	int64_t a_feat = add(s, "alpha", "feature", C2);
	int64_t b_main2 = add(s, "beta", "main", C3);

	/* without a testbed: the newest of every testbed, as always */
	int64_t id;
	cr_assert_eq(tach_store_resolve(s, "@latest", &id, &err), 0, "%s", err.message);
	cr_expect_eq(id, b_main2);
	expect_run(s, "@main", NULL, b_main2, "beta", 0);
	expect_run(s, "@main", "", b_main2, "beta", 0);

	/* @latest~N counts back through the caller's runs */
	expect_run(s, "@latest", "alpha", a_feat, "alpha", 0);
	expect_run(s, "@latest~1", "alpha", a_main, "alpha", 0);
	expect_run(s, "@latest~1", "beta", b_main, "beta", 0);
	/* alpha has runs, two: no fallback to another machine's third */
	expect_none(s, "@latest~2", "alpha", "testbed 'alpha' has fewer runs", NULL);

	/* @BRANCH: the newest run of the branch on the caller's testbed */
	expect_run(s, "@main", "alpha", a_main, "alpha", 0);
	expect_run(s, "@main", "beta", b_main2, "beta", 0);
	/* beta never ran the branch: alpha's run, said */
	expect_run(s, "@feature", "beta", a_feat, "alpha", 1);
	/* a machine new to the history: the newest run's testbed, said */
	expect_run(s, "@main", "gamma", b_main2, "beta", 1);
	expect_run(s, "@latest", "gamma", b_main2, "beta", 1);
	expect_run(s, "@latest~1", "gamma", b_main, "beta", 1);

	/* :TESTBED names the testbed, whatever the caller's, never falls back */
	expect_run(s, "@main:alpha", "beta", a_main, "alpha", 0);
	expect_run(s, "@latest~1:beta", "alpha", b_main, "beta", 0);
	expect_run(s, "@latest:alpha", NULL, a_feat, "alpha", 0);
	expect_none(s, "@feature:beta", "alpha", "no run of that branch", "testbed 'beta'");
	expect_none(s, "@latest:gamma", NULL, "testbed 'gamma' has no runs", NULL);
	expect_none(s, "@latest~9", NULL, "the history has fewer runs", NULL);
	expect_none(s, "@latest:", NULL, "testbed name", NULL);
	expect_none(s, "@main:no way", NULL, "testbed name", NULL);

	/* a commit names the code, not the machine: the caller's run of it,
	 * else the newest one (said), or the testbed's it names */
	expect_run(s, "aaaa1111", "alpha", a_main, "alpha", 0);
	expect_run(s, "aaaa1111", "beta", b_main, "beta", 0);
	expect_run(s, "aaaa1111", "gamma", b_main, "beta", 1);
	expect_run(s, "aaaa1111", NULL, b_main, "beta", 0);
	expect_run(s, "AAAA1111:alpha", "beta", a_main, "alpha", 0);
	expect_none(s, "bbbb2222:beta", NULL, "no run of that commit", "testbed 'beta'");

	/* a baseline is exact; with :TESTBED it must be a run of it */
	cr_assert_eq(tach_store_baseline_set(s, "release", b_main, &err), 0, "%s", err.message);
	expect_run(s, "@release", "alpha", b_main, "beta", 0);
	expect_run(s, "@release:beta", "alpha", b_main, "beta", 0);
	expect_none(s, "@release:alpha", NULL, "baseline @release is run #", "testbed 'beta'");
	/* one named with a ':' before that meant a testbed still resolves */
	cr_assert_eq(tach_store_baseline_set(s, "v1:old", a_main, &err), 0, "%s", err.message);
	expect_run(s, "@v1:old", "beta", a_main, "alpha", 0);

	/* #ID: exact, and only when the run exists */
	char ref[32];
	snprintf(ref, sizeof ref, "#%lld", (long long)a_feat);
	expect_run(s, ref, "beta", a_feat, "alpha", 0);
	char want[300];
	snprintf(want, sizeof want, "%s: no run #999", tach_store_location(s));
	expect_none(s, "#999", "alpha", want, NULL);
	cr_expect_eq(tach_store_resolve(s, "#999", &id, &err), TACH_EINVAL);
	cr_expect_str_eq(err.message, want);
	cr_expect_eq(id, 0);
	cr_expect_eq(tach_store_remove(s, a_feat, &err), 0, "%s", err.message);
	expect_none(s, ref, NULL, "no run #", NULL);
	expect_none(s, "#0", NULL, "#NUMBER", NULL);
	expect_none(s, "#99999999999999999999", NULL, "#NUMBER", NULL);
	tach_store_close(s);
}

/* The commit HEAD of the repository the test runs in, or "" outside one. */
static void head_commit(char *buf, size_t size)
{
	buf[0] = 0;
	FILE *p = popen("git rev-parse --verify --quiet HEAD 2>/dev/null", "r");
	if (!p)
		return;
	if (!fgets(buf, (int)size, p))
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	if (pclose(p) != 0)
		buf[0] = 0;
}

/* @HEAD is the newest run of a commit: among the caller's runs too. */
static void resolves_head(const char *loc)
{
	char head[80];
	head_commit(head, sizeof head);
	if (!head[0])
		cr_skip_test("not inside a git repository");
	tach_store *s;
	tach_error err;
	cr_assert_eq(tach_store_open(loc, &s, &err), 0, "%s", err.message);
	int64_t a = add(s, "alpha", "main", head);
	int64_t b = add(s, "beta", "main", head);
	expect_run(s, "@HEAD", NULL, b, "beta", 0);
	expect_run(s, "@HEAD", "alpha", a, "alpha", 0);
	expect_run(s, "@HEAD", "gamma", b, "beta", 1);
	expect_run(s, "@HEAD:alpha", "beta", a, "alpha", 0);
	expect_none(s, "@HEAD:gamma", "alpha", "no run of that commit", "testbed 'gamma'");
	tach_store_close(s);
}

Test(store_resolve, sqlite, .init = make_tmpdir, .fini = remove_tmpdir)
{
	resolves(dbpath);
}

Test(store_resolve, postgresql, .fini = pg_drop)
{
	resolves(pg_fresh());
}

Test(store_resolve, sqlite_head, .init = make_tmpdir, .fini = remove_tmpdir)
{
	resolves_head(dbpath);
}

Test(store_resolve, postgresql_head, .fini = pg_drop)
{
	resolves_head(pg_fresh());
}
