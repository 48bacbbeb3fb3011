/* bench_run.c - what `tach run` costs and how exact its memory figure is,
 * against peers measured in the same run:
 *   overhead: the reported mean and the total wall time per run of
 *     `tach run`, `hyperfine -N` and a bare posix_spawn + wait loop (the
 *     floor), on /bin/true and on a 1 ms program;
 *   memory: tach's peak_rss (the largest process) vs `/usr/bin/time -v`
 *     on sleep 0.01, a program touching 50 MiB and a fork tree (parent
 *     50 MiB, child 200 MiB, grandchild 120 MiB at once), with and without
 *     a cgroup, and forked from tach itself as before the spawner; and the
 *     tree peak (cgroup, or sampled) vs the memory held at once;
 *   too fast: commands through a shell whose own time is ~0 (':') or a
 *     little more than the shell's start-up, as tach and hyperfine report
 *     and flag them.
 * Printed, never asserted: the machine is shared and noisy.
 */
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "bench_util.h"

extern char **environ;

/* The floor: spawn + wait, nothing else; mean of each run's wall time
 * and the loop's total per run. */
static void floor_loop(char *const *argv, int runs, double *mean, double *per_run)
{
	double sum = 0, t0 = bench_now();
	for (int i = 0; i < runs; i++) {
		pid_t pid;
		double a = bench_now();
		if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ) != 0) {
			fprintf(stderr, "bench_run: cannot run %s\n", argv[0]);
			exit(1);
		}
		waitpid(pid, NULL, 0);
		sum += bench_now() - a;
	}
	*per_run = (bench_now() - t0) / runs;
	*mean = sum / runs;
}

/* Mean of the "time" samples of the first benchmark of a results file. */
static double results_mean(const char *path, const char *metric)
{
	tach_result *r;
	tach_error err;
	if (tach_result_read_file(path, &r, &err) != 0 || !r->n_benchmarks) {
		fprintf(stderr, "bench_run: %s: %s\n", path, err.message);
		exit(1);
	}
	const tach_metric *m = tach_benchmark_metric(r->benchmarks[0], metric);
	double v = m ? tach_stats_mean(m->samples, m->n_samples) : NAN;
	tach_result_free(r);
	return v;
}

/* hyperfine's JSON: the first "mean": value. */
static double hyperfine_mean(const char *path)
{
	char *text;
	size_t len;
	FILE *f = fopen(path, "r");
	if (!f)
		return NAN;
	text = malloc(1 << 20);
	len = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	text[len] = '\0';
	const char *p = strstr(text, "\"mean\":");
	double v = p ? strtod(p + 7, NULL) : NAN;
	free(text);
	return v;
}

static int run_quiet(char *const *argv, double *wall)
{
	char *out = NULL;
	size_t len;
	int status;
	double t0 = bench_now();
	int rc = bench_run_capture(argv, &out, &len, &status);
	*wall = bench_now() - t0;
	free(out);
	if (rc || !WIFEXITED(status) || WEXITSTATUS(status)) {
		char b[64];
		fprintf(stderr, "bench_run: %s failed (%s)\n", argv[0],
		        rc ? strerror(-rc) : bench_status_text(status, b, sizeof b));
		return -1;
	}
	return 0;
}

static void overhead(const char *label, const char *cmd, char *const *argv, int runs)
{
	char runs_s[16], tjson[] = "/tmp/tach-bench-run-XXXXXX", hjson[] = "/tmp/tach-bench-hf-XXXXXX";
	snprintf(runs_s, sizeof runs_s, "%d", runs);
	close(mkstemp(tjson));
	close(mkstemp(hjson));
	double fmean, fper, tw, tw2, hw;
	floor_loop(argv, runs, &fmean, &fper);
	char *tach_argv[] = {TACH_EXE, "run", "--runs", runs_s, "--export-json", tjson,
	                     (char *)cmd, NULL};
	char *tach_nocg[] = {TACH_EXE, "run", "--runs", runs_s, "--no-memory-cgroup",
	                     "--export-json", tjson, (char *)cmd, NULL};
	char *hf_argv[] = {"/usr/bin/hyperfine", "-N", "--runs", runs_s, "--export-json", hjson,
	                   "--style", "none", (char *)cmd, NULL};
	if (run_quiet(tach_argv, &tw))
		exit(1);
	double tmean = results_mean(tjson, "time");
	if (run_quiet(tach_nocg, &tw2))
		exit(1);
	double tmean2 = results_mean(tjson, "time");
	double hmean = NAN;
	if (access(hf_argv[0], X_OK) == 0 && run_quiet(hf_argv, &hw) == 0)
		hmean = hyperfine_mean(hjson);
	else
		hw = NAN;
	printf("%-22s %-28s %9.3f ms %6.2fx  %9.3f ms %6.2fx\n", label, "floor (posix_spawn+wait)",
	       fmean * 1e3, 1.0, fper * 1e3, 1.0);
	printf("%-22s %-28s %9.3f ms %6.2fx  %9.3f ms %6.2fx\n", "", "hyperfine -N", hmean * 1e3,
	       hmean / fmean, hw / runs * 1e3, hw / runs / fper);
	printf("%-22s %-28s %9.3f ms %6.2fx  %9.3f ms %6.2fx\n", "", "tach run (cgroup per run)",
	       tmean * 1e3, tmean / fmean, tw / runs * 1e3, tw / runs / fper);
	printf("%-22s %-28s %9.3f ms %6.2fx  %9.3f ms %6.2fx\n", "", "tach run --no-memory-cgroup",
	       tmean2 * 1e3, tmean2 / fmean, tw2 / runs * 1e3, tw2 / runs / fper);
	printf("%-22s tach/hyperfine reported mean: %.3f (cgroup), %.3f (no cgroup); goal <= 1.10\n\n",
	       "", tmean / hmean, tmean2 / hmean);
	unlink(tjson);
	unlink(hjson);
}

/* "Maximum resident set size (kbytes): N" from time -v's stderr: time
 * writes it to stderr, so run it with -o FILE.  Median of `runs`. */
static double time_v_peak(char *const *cmd, int runs)
{
	double kb[16];
	int n_ok = 0;
	for (int k = 0; k < runs && k < 16; k++) {
		char out[] = "/tmp/tach-bench-timev-XXXXXX";
		close(mkstemp(out));
		char *argv[16] = {"/usr/bin/time", "-v", "-o", out};
		int n = 4;
		for (char *const *c = cmd; *c && n < 15; c++)
			argv[n++] = *c;
		argv[n] = NULL;
		double wall;
		if (run_quiet(argv, &wall))
			return NAN;
		FILE *f = fopen(out, "r");
		char line[256];
		while (f && fgets(line, sizeof line, f))
			if (strstr(line, "Maximum resident set size"))
				kb[n_ok++] = strtod(strrchr(line, ':') + 1, NULL);
		if (f)
			fclose(f);
		unlink(out);
	}
	double med = NAN;
	if (n_ok)
		tach_stats_median(kb, (size_t)n_ok, &med);
	return med * 1024;
}

/* Median of a metric of a results file (NAN when absent), and a context
 * value of it into ctx. */
static double results_median(const char *path, const char *metric, const char *key,
                             char *ctx, size_t size)
{
	tach_result *r;
	tach_error err;
	if (tach_result_read_file(path, &r, &err) != 0 || !r->n_benchmarks) {
		fprintf(stderr, "bench_run: %s: %s\n", path, err.message);
		exit(1);
	}
	const tach_metric *m = tach_benchmark_metric(r->benchmarks[0], metric);
	double v = NAN;
	if (m && m->n_samples)
		tach_stats_median(m->samples, m->n_samples, &v);
	const char *c = key ? tach_kvlist_get(&r->meta.context, key) : NULL;
	if (ctx)
		snprintf(ctx, size, "%s", c ? c : "-");
	tach_result_free(r);
	return v;
}

/* One tach run of `cmd` with extra options; its median peak_rss and tree
 * peak (with the tree's method). */
static void tach_peaks(const char *cmd, const char *o1, const char *o2, double *rss,
                       double *tree, char *method, size_t size)
{
	char tjson[] = "/tmp/tach-bench-mem-XXXXXX";
	close(mkstemp(tjson));
	char *argv[12] = {TACH_EXE, "run", "--runs", "5", "--export-json", tjson};
	int n = 6;
	if (o1)
		argv[n++] = (char *)o1;
	if (o2)
		argv[n++] = (char *)o2;
	argv[n++] = (char *)cmd;
	argv[n] = NULL;
	double wall;
	if (run_quiet(argv, &wall))
		exit(1);
	*rss = results_median(tjson, "peak_rss", NULL, NULL, 0);
	*tree = results_median(tjson, "tree_peak_memory", "tree_peak_memory_method", method, size);
	unlink(tjson);
}

static void print_mib(const char *label, double v, double ref, const char *note)
{
	double d = v - ref;
	int ok = fabs(d) <= 256 * 1024 || fabs(d / ref) <= 0.05;
	if (isnan(ref))
		printf("  %-44s %9.2f MiB            %s\n", label, v / 1048576, note ? note : "");
	else
		printf("  %-44s %9.2f MiB  %+7.1f%%  %s%s\n", label, v / 1048576,
		       (v / ref - 1) * 100, ok ? "ok  " : "off ", note ? note : "");
}

/* The two peaks of tach run against /usr/bin/time -v, all in this run. */
static void memory_one(const char *title, const char *cmd, char *const *argv, double tree_truth)
{
	double tv = time_v_peak(argv, 5), rss, tree, rss2, tree2, rss3, tree3, rss4, tree4;
	char m1[32], m2[32], m3[32], m4[32];
	tach_peaks(cmd, NULL, NULL, &rss, &tree, m1, sizeof m1);
	tach_peaks(cmd, "--no-memory-cgroup", NULL, &rss2, &tree2, m2, sizeof m2);
	tach_peaks(cmd, "--no-memory-cgroup", "--monitor=5ms", &rss3, &tree3, m3, sizeof m3);
	/* --counters forks from tach itself: how every run measured before */
	tach_peaks(cmd, "--no-memory-cgroup", "--counters=task-clock", &rss4, &tree4, m4, sizeof m4);
	printf("%s\n", title);
	printf("  %-44s %9.2f MiB  (median of 5; the peer)\n", "/usr/bin/time -v max RSS", tv / 1048576);
	print_mib("tach peak_rss (cgroup per run)", rss, tv, NULL);
	print_mib("tach peak_rss (--no-memory-cgroup)", rss2, tv, NULL);
	print_mib("tach peak_rss (forked from tach: --counters)", rss4, tv, "(the old way)");
	char note[64];
	snprintf(note, sizeof note, "(tree; %s)", m1);
	print_mib("tach tree_peak_memory (cgroup per run)", tree, tree_truth, note);
	snprintf(note, sizeof note, "(tree; %s)", m3);
	print_mib("tach tree_peak_memory (--monitor=5ms)", tree3, tree_truth, note);
	(void)tree2;
	(void)tree4;
}

static void memory(void)
{
	printf("peak memory: median over 5 runs of each; %% vs /usr/bin/time -v for peak_rss\n"
	       "(goal +-5 %% or +-256 KiB: 'ok'), vs the memory held at once for the tree\n\n");
	char *sleep_argv[] = {"/bin/sleep", "0.01", NULL};
	memory_one("sleep 0.01", "/bin/sleep 0.01", sleep_argv, NAN);
	char *touch_argv[] = {TACH_TESTPROG, "--alloc", "50", NULL};
	memory_one("a program touching 50 MiB", TACH_TESTPROG " --alloc 50", touch_argv, NAN);
	char *tree_argv[] = {TACH_TESTPROG, "--tree", NULL};
	memory_one("fork tree: parent 50 MiB, child 200 MiB, grandchild 120 MiB at once",
	           TACH_TESTPROG " --tree", tree_argv, 370.0 * 1048576);
}

/* Runs argv (no shell) with stdout and stderr into a temporary file and
 * returns 1 if that output contains `needle`, 0 if not, -1 if it failed. */
static int output_has(char *const *argv, const char *needle)
{
	char path[] = "/tmp/tach-bench-out-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, 1);
	posix_spawn_file_actions_adddup2(&fa, fd, 2);
	pid_t pid;
	int status = -1, found = -1;
	if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) == 0 && waitpid(pid, &status, 0) > 0 &&
	    WIFEXITED(status) && !WEXITSTATUS(status)) {
		char buf[65536];
		ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
		buf[n > 0 ? n : 0] = 0;
		found = strstr(buf, needle) != NULL;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fd);
	unlink(path);
	return found;
}

/* One command through /bin/sh: tach's median (start-up subtracted) and
 * whether it flagged it, hyperfine's mean and whether it warned. */
static void too_fast_one(const char *cmd, int runs)
{
	char runs_s[16], tjson[] = "/tmp/tach-bench-fast-XXXXXX", hjson[] = "/tmp/tach-bench-hff-XXXXXX";
	snprintf(runs_s, sizeof runs_s, "%d", runs);
	close(mkstemp(tjson));
	close(mkstemp(hjson));
	char *tach_argv[] = {TACH_EXE, "run", "--shell", "--runs", runs_s, "--export-json", tjson,
	                     (char *)cmd, NULL};
	char *hf_argv[] = {"/usr/bin/hyperfine", "--shell=/bin/sh", "--runs", runs_s,
	                   "--export-json", hjson, "--style", "basic", (char *)cmd, NULL};
	double w, median = NAN, hmean = NAN;
	int flagged = -1, warned = -1;
	if (run_quiet(tach_argv, &w) == 0) {
		tach_result *r;
		tach_error err;
		if (tach_result_read_file(tjson, &r, &err) == 0 && r->n_benchmarks) {
			const tach_metric *m = tach_benchmark_metric(r->benchmarks[0], "time");
			if (m) {
				tach_stats_median(m->samples, m->n_samples, &median);
				flagged = !!(m->flags & TACH_METRIC_UNRESOLVED);
			}
			tach_result_free(r);
		}
	}
	if (access(hf_argv[0], X_OK) == 0 &&
	    (warned = output_has(hf_argv, "Command took less than")) >= 0)
		hmean = hyperfine_mean(hjson);
	const char *shown = strrchr(cmd, '/') ? strrchr(cmd, '/') + 1 : cmd;
	printf("%-22s %12.1f us %-14s %12.1f us %s\n", shown, median * 1e6,
	       flagged < 0 ? "(failed)" : flagged ? "flagged" : "-", hmean * 1e6,
	       warned < 0 ? "(not run)" : warned ? "warned (< 5 ms)" : "-");
	unlink(tjson);
	unlink(hjson);
}

/* Times that say nothing: tach flags a command it cannot tell apart from
 * the subtracted shell start-up, hyperfine warns under 5 ms whatever the
 * data. */
static void too_fast(int runs)
{
	printf("\ntoo fast to measure through /bin/sh, %d runs each (tach: median less the\n"
	       "shell's start-up, flagged when within its spread; hyperfine: mean, warning)\n\n", runs);
	printf("%-22s %15s %-14s %15s %s\n", "command", "tach median", " tach", "hyperfine mean",
	       "hyperfine");
	too_fast_one(":", runs);
	too_fast_one("true", runs);
	too_fast_one(TACH_TESTPROG " --burn 2", runs);
	too_fast_one("sleep 0.02", runs);
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	if (argc > 1 && !strcmp(argv[1], "--too-fast")) { /* that part alone */
		too_fast(50);
		return 0;
	}
	int runs = quick ? 50 : 500;
	printf("runner overhead, %d runs each (reported mean = what the tool reports per run;\n"
	       "wall per run = the tool's whole wall time / runs), ratios to the floor\n\n", runs);
	printf("%-22s %-28s %12s %7s  %12s %7s\n", "command", "runner", "mean", "ratio",
	       "wall/run", "ratio");
	char *true_argv[] = {"/bin/true", NULL};
	overhead("/bin/true", "/bin/true", true_argv, runs);
	char *busy_argv[] = {TACH_TESTPROG, "--burn", "1", NULL};
	overhead("1 ms of CPU", TACH_TESTPROG " --burn 1", busy_argv, runs / 2);
	char *sleep_argv[] = {"/bin/sleep", "0.01", NULL};
	overhead("sleep 0.01", "/bin/sleep 0.01", sleep_argv, runs / 5);
	memory();
	too_fast(quick ? 20 : 50);
	return 0;
}
