/* test_cli_publish.c - `tach publish` as a user runs it: the line it
 * prints, a rebuild that writes nothing new, and clear errors with exit 2
 * (no directory, no history, an unknown baseline, a directory that cannot
 * be written). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/tach.h"
#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static char dir[64], db[128], site[128];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/tach-pubcli-XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/h.db", dir);
	snprintf(site, sizeof site, "%s/site", dir);
}

static void teardown(void)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
	cr_expect_eq(system(cmd), 0);
}

/* A history of three runs of two benchmarks. */
static void history(void)
{
	for (int i = 0; i < 3; i++) {
		tach_result *r = tach_result_new();
		char ts[32];
		snprintf(ts, sizeof ts, "2026-10-01T%02d:00:00Z", i);
		tach_meta_set(&r->meta.timestamp, ts);
		tach_meta_set(&r->meta.git_branch, "main");
		tach_meta_set(&r->meta.hostname, "host-a");
		const char *names[2] = {"BM_a", "BM_b/8"};
		for (int b = 0; b < 2; b++) {
			tach_metric *m = tach_benchmark_add_metric(tach_result_add_benchmark(r, names[b]),
			                                           "time", "s", TACH_LOWER_IS_BETTER);
			for (int k = 0; k < 3; k++)
				tach_metric_add_sample(m, 1e-3 * (1 + 0.01 * k));
		}
		const char *path = write_result(r, NULL);
		tach_result_free(r);
		run_result rr = run_tach(ARGV("history", "add", "--db", db, path), NULL, NULL, NULL);
		cr_assert_eq(rr.status, 0, "%s", rr.err);
		run_free(&rr);
	}
}

Test(cli_publish, writes_then_leaves_alone, .init = setup, .fini = teardown)
{
	history();
	run_result r = run_tach(ARGV("publish", "--db", db, site), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, ": 2 benchmarks, 2 series, 1 testbed/branch views; 3 files written, "
	                        "0 unchanged, 0 removed;"),
	          "%s", r.out);
	cr_expect_str_eq(r.err, "");
	run_free(&r);
	r = run_tach(ARGV("publish", "--db", db, site), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "0 files written, 3 unchanged"), "%s", r.out);
	run_free(&r);
	char index[200];
	snprintf(index, sizeof index, "%s/index.html", site);
	struct stat st;
	cr_expect_eq(stat(index, &st), 0);
}

Test(cli_publish, bad_input_exits_2, .init = setup, .fini = teardown)
{
	run_result r = run_tach(ARGV("publish", "--db", db), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "takes one directory"), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("publish", "--db", db, site), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "no history at"), "%s", r.err);
	run_free(&r);
	history();
	r = run_tach(ARGV("publish", "--db", db, "--baseline", "#99", site), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "no run #99"), "%s", r.err);
	run_free(&r);
	/* a directory that cannot be written (root may write anywhere) */
	if (geteuid() != 0) {
		char ro[200];
		snprintf(ro, sizeof ro, "%s/ro", dir);
		cr_assert_eq(mkdir(ro, 0555), 0);
		r = run_tach(ARGV("publish", "--db", db, ro), NULL, NULL, NULL);
		cr_expect_eq(r.status, 2);
		cr_expect(strstr(r.err, "ro/b"), "%s", r.err);
		run_free(&r);
	}
}
