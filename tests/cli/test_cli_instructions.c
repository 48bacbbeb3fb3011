/* test_cli_instructions.c - deterministic mode end to end, under the real
 * Valgrind: counts of a loop grow exactly with its length, two runs agree,
 * a 1 % change in work is a regression in one sample, paused work is not
 * counted, and a missing Valgrind is a usage error that says how to
 * install it.  Skipped where Valgrind is not installed (and, for the
 * benchmark binary, in sanitizer builds, whose code Valgrind cannot run). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static int have_valgrind(void)
{
	char path[4096];
	return tach_sim_find(path, sizeof path, NULL) == 0;
}

static int have_bench(void)
{
	return TACH_INSTR_BENCH[0] != 0;
}

/* Runs the benchmark binary with args (and one extra environment
 * variable, may be NULL); its exit status, stderr into err. */
static int run_bench(const char *const *args, const char *env1, char *err, size_t err_size)
{
	char errf[] = "/tmp/tach-ib-err-XXXXXX";
	int fd = mkstemp(errf);
	cr_assert(fd >= 0);
	close(fd);
	const char *argv[32] = {TACH_INSTR_BENCH};
	size_t n = 1;
	for (; args[n - 1] && n < 31; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	int path = env1 && !strncmp(env1, "PATH=", 5);
	const char *envp[] = {path ? env1 : "PATH=/usr/local/bin:/usr/bin:/bin", path ? NULL : env1,
	                      NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, errf, O_WRONLY | O_TRUNC, 0);
	pid_t pid;
	cr_assert_eq(posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv,
	                         (char *const *)envp), 0);
	posix_spawn_file_actions_destroy(&fa);
	int status;
	waitpid(pid, &status, 0);
	FILE *f = fopen(errf, "r");
	size_t got = f ? fread(err, 1, err_size - 1, f) : 0;
	err[got] = 0;
	if (f)
		fclose(f);
	unlink(errf);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static tach_result *read_results(const char *path)
{
	tach_result *r = NULL;
	tach_error err;
	cr_assert_eq(tach_result_read_file(path, &r, &err), 0, "%s", err.message);
	return r;
}

static double count(const tach_result *r, const char *bench, const char *metric)
{
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_benchmark *b = r->benchmarks[i];
		char full[300];
		snprintf(full, sizeof full, "%s", b->name);
		if (strcmp(full, bench))
			continue;
		const tach_metric *m = tach_benchmark_metric(b, metric);
		cr_assert(m, "%s has %s", bench, metric);
		cr_assert(m->flags & TACH_METRIC_DETERMINISTIC, "%s is marked deterministic", metric);
		cr_assert_geq(m->n_samples, 1);
		return m->samples[0];
	}
	cr_assert_fail("no benchmark %s", bench);
	return NAN;
}

Test(cli_instructions, library_counts_are_exact_and_repeatable)
{
	if (!have_valgrind() || !have_bench())
		cr_skip_test("needs valgrind and a build without sanitizers");
	char out1[] = "/tmp/tach-ib1-XXXXXX.json", out2[] = "/tmp/tach-ib2-XXXXXX.json";
	close(mkstemps(out1, 5));
	close(mkstemps(out2, 5));
	char err[4096];
	int st = run_bench(ARGV("--instructions", "--iterations", "50", "--out", out1), NULL, err,
	                   sizeof err);
	cr_assert_eq(st, 0, "%s", err);
	st = run_bench(ARGV("--instructions", "--iterations", "50", "--out", out2), NULL, err,
	               sizeof err);
	cr_assert_eq(st, 0, "%s", err);
	tach_result *a = read_results(out1), *b = read_results(out2);
	/* per iteration: fixed cost + steps x cost per step, so equal steps
	 * of length add equal counts */
	double i100 = count(a, "bm_loop/100", "instructions");
	double i200 = count(a, "bm_loop/200", "instructions");
	double i300 = count(a, "bm_loop/300", "instructions");
	cr_expect_gt(i200, i100);
	cr_expect(fabs((i300 - i200) - (i200 - i100)) <= 1e-9 * i300,
	          "linear in the loop length: %.3f %.3f %.3f", i100, i200, i300);
	/* about the 100 steps' worth: a few instructions per step */
	cr_expect(i200 - i100 >= 100 * 2 && i200 - i100 <= 100 * 20, "%.3f", i200 - i100);
	/* two runs agree */
	const char *names[] = {"bm_loop/100", "bm_loop/300", "bm_work", "bm_paused"};
	for (size_t k = 0; k < 4; k++) {
		double x = count(a, names[k], "instructions"), y = count(b, names[k], "instructions");
		cr_expect(fabs(x - y) <= 1e-5 * x, "%s: %.3f vs %.3f", names[k], x, y);
	}
	/* paused work (5,000 steps) is not counted: bm_paused is bm_loop/100
	 * plus the pause and resume themselves, far below 5,000 steps */
	double paused = count(a, "bm_paused", "instructions");
	cr_expect(paused > i100 && paused < i100 + 1000, "paused %.1f vs loop %.1f", paused, i100);
	/* the context says how it was counted */
	cr_expect(strstr(tach_kvlist_get(&a->meta.context, "mode"), "callgrind"));
	cr_expect_str_eq(tach_kvlist_get(&a->meta.context, "fixed_iterations"), "50");
	tach_result_free(a);
	tach_result_free(b);
	unlink(out1);
	unlink(out2);
}

Test(cli_instructions, one_percent_more_work_is_a_regression_in_one_sample)
{
	if (!have_valgrind() || !have_bench())
		cr_skip_test("needs valgrind and a build without sanitizers");
	char base[] = "/tmp/tach-ibb-XXXXXX.json", cand[] = "/tmp/tach-ibc-XXXXXX.json";
	close(mkstemps(base, 5));
	close(mkstemps(cand, 5));
	char err[4096];
	cr_assert_eq(run_bench(ARGV("--instructions", "--filter", "^bm_work$", "--out", base), NULL,
	                       err, sizeof err),
	             0, "%s", err);
	cr_assert_eq(run_bench(ARGV("--instructions", "--filter", "^bm_work$", "--out", cand),
	                       "TACH_TEST_EXTRA_PERCENT=1", err, sizeof err),
	             0, "%s", err);
	run_result r = run_tach(ARGV("compare", "--no-config", "-f", "json", "--metric",
	                             "instructions", base, cand),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "a regression: %s%s", r.out, r.err);
	cr_expect(strstr(r.out, "\"regressed\""), "%s", r.out);
	run_free(&r);
	/* the same work is the same */
	r = run_tach(ARGV("compare", "--no-config", "--metric", "instructions", base, base), NULL,
	             NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.out);
	run_free(&r);
	unlink(base);
	unlink(cand);
}

Test(cli_instructions, run_counts_commands_exactly)
{
	if (!have_valgrind())
		cr_skip_test("valgrind is not installed");
	char json[] = "/tmp/tach-ri-XXXXXX.json";
	close(mkstemps(json, 5));
	run_result r = run_tach(ARGV("run", "--instructions", "-r", "2", "--export-json", json,
	                             TACH_TESTPROG " --spin 10000", TACH_TESTPROG " --spin 20000",
	                             TACH_TESTPROG " --spin 30000"),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "Instructions:"), "%s", r.out);
	cr_expect(strstr(r.out, "(all 2 runs equal)"), "%s", r.out);
	cr_expect(strstr(r.out, "executed the fewest instructions"), "%s", r.out);
	run_free(&r);
	tach_result *res = read_results(json);
	cr_assert_eq(res->n_benchmarks, 3);
	double v[3];
	for (size_t i = 0; i < 3; i++) {
		const tach_benchmark *b = res->benchmarks[i];
		cr_expect_null(tach_benchmark_metric(b, TACH_M_TIME), "no timings in this mode");
		const tach_metric *m = tach_benchmark_metric(b, TACH_M_INSTRUCTIONS);
		cr_assert(m && m->n_samples == 2);
		cr_expect(m->flags & TACH_METRIC_DETERMINISTIC);
		cr_expect_eq(m->samples[0], m->samples[1], "two runs of the same command agree");
		v[i] = m->samples[0];
	}
	cr_expect_eq(v[2] - v[1], v[1] - v[0], "exactly linear: %.0f %.0f %.0f", v[0], v[1], v[2]);
	cr_expect_gt(v[1], v[0]);
	tach_result_free(res);
	unlink(json);
}

Test(cli_instructions, usage_errors)
{
	/* no Valgrind on PATH: say how to install it, exit 2, nothing run */
	run_result r = run_tach(ARGV("run", "--instructions", TACH_TESTPROG " --spin 10"), NULL,
	                        ARGV("PATH=/nonexistent"), NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "apt-get install valgrind"), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("run", "--instructions", "-C", "2", TACH_TESTPROG " --spin 10"), NULL, NULL,
	             NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--concurrency"), "%s", r.err);
	run_free(&r);
	if (have_bench()) {
		char err[4096];
		int st = run_bench(ARGV("--instructions"), "PATH=/nonexistent", err, sizeof err);
		cr_expect_eq(st, 2, "%s", err);
		cr_expect(strstr(err, "apt-get install valgrind"), "%s", err);
	}
}
