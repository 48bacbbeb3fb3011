/* test_cli_decide.c - issue 17, the deciding part: input that compare and
 * gate cannot use whole is refused, never half-used (duplicate benchmarks,
 * an empty candidate, a benchmark the config names gone, a target in the
 * wrong unit); the summary line keeps its shape; --aa's exit status
 * matches what it prints; files from two machines are flagged; benchmark
 * programs refuse options that would run nothing or ignore a bound. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"

extern char **environ;

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* One benchmark in a results file: time samples around `ms` milliseconds
 * (20 of them, 0.5 % apart, the same for the same `ms`). */
static void bench_json(char *buf, size_t size, const char *name, double ms, const char *metric,
                       const char *unit, const char *direction)
{
	size_t len = (size_t)snprintf(buf, size,
	                              "{\"name\": \"%s\", \"metrics\": [{\"name\": \"%s\", "
	                              "\"unit\": \"%s\", \"direction\": \"%s\", \"samples\": [",
	                              name, metric, unit, direction);
	for (int i = 0; i < 20 && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%.6g", i ? ", " : "",
		                        ms * 1e-3 * (1 + 0.005 * (i % 5)));
	snprintf(buf + len, size - len, "]}]}");
}

/* A results file of up to three time benchmarks (NULL names end the list),
 * with the host and CPU given (NULL: not recorded). */
static const char *results(const char *host, const char *cpu, const char *n1, const char *n2,
                           const char *n3)
{
	static char text[16384];
	const char *names[] = {n1, n2, n3};
	size_t len = (size_t)snprintf(text, sizeof text, "{\"format\": 1, \"meta\": {");
	if (host)
		len += (size_t)snprintf(text + len, sizeof text - len,
		                        "\"host\": {\"hostname\": \"%s\", \"cpu_model\": \"%s\"}", host,
		                        cpu);
	len += (size_t)snprintf(text + len, sizeof text - len, "}, \"benchmarks\": [");
	for (int i = 0; i < 3 && names[i]; i++) {
		char b[2048];
		bench_json(b, sizeof b, names[i], 1 + i, "time", "s", "lower");
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", i ? ", " : "", b);
	}
	snprintf(text + len, sizeof text - len, "]}\n");
	return temp_file(text, ".json");
}

/* ---- item 11: the summary line ---- */

Test(cli_decide, summary_line_always_has_the_four_counts_in_order)
{
	const char *b = results(NULL, NULL, "A", "B", NULL);
	run_result r = run_tach(ARGV("compare", "--no-config", b, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	const char *line = strchr(r.out, '\n');
	cr_assert(line, "%s", r.out);
	cr_expect(!strncmp(line + 1, "0 regressed, 0 improved, 2 same, 0 inconclusive \xc2\xb7", 50),
	          "zero counts are printed too: %s", r.out);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "-f", "markdown", b, b), NULL, NULL, NULL);
	cr_expect(!strncmp(r.out, "0 regressed, 0 improved, 2 same, 0 inconclusive", 47), "%s",
	          r.out);
	run_free(&r);
	/* new and gone follow, when there are any */
	const char *c = results(NULL, NULL, "A", "C", NULL);
	r = run_tach(ARGV("compare", "--no-config", b, c), NULL, NULL, NULL);
	cr_expect(strstr(r.out, "\n0 regressed, 0 improved, 1 same, 0 inconclusive, 1 new, 1 gone"),
	          "%s", r.out);
	run_free(&r);
	/* the gate prints the same counts */
	r = run_tach(ARGV("gate", "--no-config", b, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "0 regressed, 0 improved, 2 same, 0 inconclusive\ngate: passed"),
	          "%s", r.out);
	run_free(&r);
}

/* ---- item 4: duplicates ---- */

Test(cli_decide, duplicate_benchmarks_are_refused_not_paired_and_gone)
{
	const char *b = results(NULL, NULL, "A", "B", NULL);
	const char *d = results(NULL, NULL, "A", "B", "A");
	const char *cmds[][2] = {{"compare", "--no-config"}, {"gate", "--no-config"}};
	for (int k = 0; k < 2; k++) {
		for (int side = 0; side < 2; side++) {
			run_result r = run_tach(ARGV(cmds[k][0], cmds[k][1], side ? d : b, side ? b : d),
			                        NULL, NULL, NULL);
			cr_expect_eq(r.status, 2, "%s %d: %s%s", cmds[k][0], side, r.out, r.err);
			cr_expect(!strstr(r.out, "gone"), "%s", r.out);
			/* this command's own message, or the reader's (which also
			 * refuses duplicates): either names the file and the name */
			cr_expect(strstr(r.err, d) && strstr(r.err, "'A'"), "%s", r.err);
			if (strstr(r.err, "benchmarks "))
				cr_expect(strstr(r.err, "benchmarks 1 and 3 are both 'A'"), "%s", r.err);
			run_free(&r);
		}
	}
	/* the report compares too */
	char html[64];
	snprintf(html, sizeof html, "/tmp/tach-decide-%d.html", (int)getpid());
	run_result r = run_tach(ARGV("report", "--base", b, "--cand", d, "-o", html), NULL, NULL,
	                        NULL);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.err, "'A'"), "%s", r.err);
	cr_expect_neq(access(html, F_OK), 0, "no page");
	run_free(&r);
}

Test(cli_decide, merge_names_both_files_of_a_duplicate)
{
	const char *a = results(NULL, NULL, "A", NULL, NULL);
	const char *b = results(NULL, NULL, "B", "A", NULL);
	run_result r = run_tach(ARGV("merge", a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	char want[256];
	snprintf(want, sizeof want, "two benchmarks named 'A' with the same parameters, from '%s' "
	                            "and '%s'", a, b);
	cr_expect(strstr(r.err, want), "%s", r.err);
	run_free(&r);
}

/* ---- item 6: an empty or vanished candidate ---- */

Test(cli_decide, an_empty_candidate_fails_the_gate)
{
	const char *b = results(NULL, NULL, "A", "B", NULL);
	const char *e = temp_file("{\"format\": 1, \"benchmarks\": []}\n", ".json");
	run_result r = run_tach(ARGV("gate", "--no-config", b, e), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	char want[256];
	snprintf(want, sizeof want, "FAIL  the candidate has no benchmarks  %s\n", e);
	cr_expect(strstr(r.out, want), "%s", r.out);
	cr_expect(strstr(r.out, "gate: FAILED"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", b, e), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "compare decides as the gate does: %s%s", r.out, r.err);
	cr_expect(strstr(r.out, want), "%s", r.out);
	run_free(&r);
	/* formats without the check lines say why the status is 1 */
	r = run_tach(ARGV("compare", "--no-config", "-f", "json", b, e), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "tach: 1 gate check besides the rows failed"), "%s", r.err);
	run_free(&r);
}

Test(cli_decide, a_benchmark_the_config_names_must_not_be_gone)
{
	const char *b = results(NULL, NULL, "BM_a", "BM_b", "other");
	const char *c = results(NULL, NULL, "BM_a", NULL, NULL);
	const char *conf = temp_file("[compare]\n[bench \"BM_b*\"]\n\tmax-regression = 5%\n", ".conf");
	run_result r = run_tach(ARGV("gate", "--config", conf, b, c), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	char want[256];
	snprintf(want, sizeof want, "FAIL  gone, named by [bench \"BM_b*\"] at %s:2  BM_b\n", conf);
	cr_expect(strstr(r.out, want), "%s", r.out);
	cr_expect(!strstr(r.out, "other"), "a benchmark no section names may go: %s", r.out);
	run_free(&r);
	r = run_tach(ARGV("compare", "--config", conf, b, c), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, want), "%s", r.out);
	run_free(&r);
	/* required = false: a warning, exit 0 */
	conf = temp_file("[bench \"BM_b*\"]\nrequired = false\n", ".conf");
	r = run_tach(ARGV("gate", "--config", conf, b, c), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "warn  gone, named by [bench \"BM_b*\"]"), "%s", r.out);
	run_free(&r);
	/* without a config, a gone benchmark is reported, not failed */
	r = run_tach(ARGV("gate", "--no-config", b, c), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	run_free(&r);
}

/* ---- item 7: a target's unit ---- */

Test(cli_decide, a_target_in_the_wrong_unit_is_an_error_at_its_place)
{
	const char *c = results(NULL, NULL, "BM_a", NULL, NULL);
	static const struct {
		const char *conf, *says;
	} bad[] = {
		{"[bench \"BM_*\"]\ntarget = time < 2MB\n",
		 ":2:17: target: time is measured in s, but '2MB' is a size; write a duration"},
		{"[bench \"BM_*\"]\ntarget = time < 50%\n",
		 ":2:17: target: time is measured in s, but '50%' is a percentage"},
		{"[bench \"BM_*\"]\ntarget = bytes_per_second > 5ms\n",
		 ":2:29: target: bytes_per_second is measured in B/s, but '5ms' is a duration; "
		 "write a rate"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *conf = temp_file(bad[i].conf, ".conf");
		run_result r = run_tach(ARGV("gate", "--config", conf, c), NULL, NULL, NULL);
		cr_expect_eq(r.status, 2, "%s: %s%s", bad[i].conf, r.out, r.err);
		char want[300];
		snprintf(want, sizeof want, "%s%s", conf, bad[i].says);
		cr_expect(strstr(r.err, want), "want %s, got %s", want, r.err);
		run_free(&r);
	}
	/* a custom metric's unit is known from the candidate only */
	char b1[2048], text[4096];
	bench_json(b1, sizeof b1, "BM_a", 1, "msgs", "msg/s", "higher");
	snprintf(text, sizeof text, "{\"format\": 1, \"benchmarks\": [%s]}\n", b1);
	const char *custom = temp_file(text, ".json");
	const char *conf = temp_file("[bench \"BM_*\"]\n  target = msgs > 5ms\n", ".conf");
	run_result r = run_tach(ARGV("gate", "--config", conf, custom), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "%s%s", r.out, r.err);
	char want[300];
	snprintf(want, sizeof want, "%s:2:19: target: msgs of 'BM_a' is measured in msg/s, but the "
	                            "target's value is a duration", conf);
	cr_expect(strstr(r.err, want), "%s", r.err);
	run_free(&r);
	conf = temp_file("[bench \"BM_*\"]\ntarget = msgs > 1e-4/s\ntarget = msgs < 1k\n", ".conf");
	r = run_tach(ARGV("gate", "--config", conf, custom), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "values of the metric's kind: %s%s", r.out, r.err);
	run_free(&r);
}

/* ---- item 10: --aa, machines ---- */

Test(cli_decide, aa_fails_on_a_missed_target_as_it_prints)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "%s --sleep 1", TACH_TESTPROG);
	const char *conf = temp_file("[compare]\ntarget = time < 1ns\n", ".conf");
	run_result r = run_tach(ARGV("compare", "--aa", "--config", conf, "--min-runs", "5",
	                             "--max-runs", "5", cmd),
	                        NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "a FAIL line means exit 1: %s%s", r.out, r.err);
	cr_expect(strstr(r.out, "FAIL  time < 1ns"), "%s", r.out);
	run_free(&r);
	/* the A/A verdict itself never fails: with a target met, exit 0 */
	conf = temp_file("[compare]\ntarget = time < 1h\n", ".conf");
	r = run_tach(ARGV("compare", "--aa", "--config", conf, "--min-runs", "5", "--max-runs", "5",
	                  cmd),
	             NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "pass  time < 1h"), "%s", r.out);
	run_free(&r);
}

Test(cli_decide, files_from_different_machines_are_flagged)
{
	const char *a = results("alpha", "Xeon", "A", NULL, NULL);
	const char *b = results("beta", "Xeon", "A", NULL, NULL);
	const char *c = results("alpha", "EPYC", "A", NULL, NULL);
	const char *n = results(NULL, NULL, "A", NULL, NULL);
	run_result r = run_tach(ARGV("compare", "--no-config", a, b), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0);
	char want[300];
	snprintf(want, sizeof want, "tach: warning: %s and %s were measured on different machines "
	                            "(host 'alpha' and 'beta')", a, b);
	cr_expect(strstr(r.err, want), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("gate", "--no-config", a, c), NULL, NULL, NULL);
	cr_expect(strstr(r.err, "(CPU 'Xeon' and 'EPYC')"), "%s", r.err);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", a, n), NULL, NULL, NULL);
	cr_expect(!strstr(r.err, "different machines"), "unknown is no difference: %s", r.err);
	run_free(&r);
}

/* ---- items 6 and 10: benchmark programs ---- */

/* Runs the benchmark program tests/helpers/alloc_bench.c with args; its
 * stderr is captured (stdout goes to /dev/null). */
static run_result run_bench(const char *const *args)
{
	const char *argv[16] = {TACH_ALLOC_BENCH};
	size_t n = 1;
	for (; args[n - 1] && n < 15; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	char path[] = "/tmp/tach-decide-err-XXXXXX";
	int err = mkstemp(path);
	cr_assert_geq(err, 0);
	unlink(path);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	pid_t pid;
	cr_assert_eq(posix_spawn(&pid, TACH_ALLOC_BENCH, &fa, NULL, (char *const *)argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	int st;
	waitpid(pid, &st, 0);
	run_result r = {.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st)};
	r.out = calloc(1, 1);
	r.err = calloc(1, 8192);
	lseek(err, 0, SEEK_SET);
	ssize_t got = read(err, r.err, 8191);
	r.err[got > 0 ? got : 0] = 0;
	close(err);
	return r;
}

Test(cli_decide, benchmark_programs_refuse_options_that_run_nothing)
{
	char out[64];
	snprintf(out, sizeof out, "/tmp/tach-decide-%d.json", (int)getpid());
	unlink(out);
	static const struct {
		const char *a[6];
		const char *says;
	} bad[] = {
		{{"--filter", "nomatch", "--out", NULL}, "no benchmark matches --filter 'nomatch'"},
		{{"--filter", "(", NULL}, "invalid value '(' for --filter"},
		{{"--list", "--filter", "nomatch", NULL}, "no benchmark matches --filter 'nomatch'"},
		{{"--repetitions", "0", NULL}, "invalid value '0' for --repetitions: expected at least 1"},
		{{"--max-repetitions", "0", NULL},
		 "invalid value '0' for --max-repetitions: expected at least 1"},
		{{"--repetitions", "5", "--max-repetitions", "3", NULL},
		 "--max-repetitions 3 is below --repetitions 5"},
		{{"--max-repetitions", "3", "--repetitions", "5", NULL},
		 "--max-repetitions 3 is below --repetitions 5"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *args[8];
		size_t n = 0;
		for (; bad[i].a[n]; n++)
			args[n] = bad[i].a[n];
		if (n && !strcmp(args[n - 1], "--out"))
			args[n++] = out;
		args[n] = NULL;
		run_result r = run_bench(args);
		cr_expect_eq(r.status, 2, "%s: %s%s", bad[i].says, r.out, r.err);
		cr_expect(strstr(r.err, bad[i].says), "want %s, got %s", bad[i].says, r.err);
		run_free(&r);
	}
	cr_expect_neq(access(out, F_OK), 0, "no empty results file was written");
}
