/* bench_bisect.c - does the bisection name the right commit when the
 * machine drifts?  `tach bisect` against the script teams write by hand
 * (and tach did before it used the A/B engine): measure the good and the
 * bad end once at the start, then at every commit N runs whose mean is
 * called bad above the ends' geometric midpoint.
 *
 * A repository of 16 commits whose benchmark sleeps 20 ms, 8 % longer from
 * commit 10 on; the right answer is commit 10.  The machine's drift is
 * simulated: every run of the benchmark is slower by DRIFT per second
 * since the trial began (a shared VM heating up, a neighbour starting a
 * build), and every build takes a second.  Per drift (0, 0.3 %/s, 1 %/s:
 * over a bisection of 10 to 20 s, about 3 % and 10 %) each method bisects
 * three times;
 * the program prints how often each named commit 10, which commits it
 * named, and its median wall time.
 *
 *   build/bench/bench_bisect [--trials N]
 *
 * Internally the same binary is the benchmark (--work MS) and the
 * hand-made method's git bisect run step (--peer-step THRESHOLD_MS N).
 */
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

extern char **environ;

enum { COMMITS = 16, FIRST_BAD = 10, PEER_RUNS = 10 };
#define BASE_MS 20.0
#define STEP 1.08
/* Each checkout is built, and a build takes time: the minutes a real
 * bisection takes are what lets the machine drift between the ends and
 * the commits measured later.  A second here. */
#define BUILD "sleep 1 && cp bench.in bench && chmod +x bench"

static char self[4096];

/* --work MS: sleep MS, slower by $BENCH_DRIFT per second since
 * $BENCH_DRIFT_START (CLOCK_MONOTONIC seconds; one clock for every
 * process of the machine). */
static int work(double ms)
{
	const char *d = getenv("BENCH_DRIFT"), *s = getenv("BENCH_DRIFT_START");
	double drift = d ? atof(d) : 0, start = s ? atof(s) : 0;
	double t = start > 0 ? bench_now() - start : 0;
	double sec = ms * 1e-3 * (1 + drift * (t > 0 ? t : 0));
	struct timespec ts = {(time_t)sec, (long)((sec - floor(sec)) * 1e9)};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return 0;
}

/* Runs argv (no shell) with stdout and stderr to /dev/null unless out is
 * given (stdout captured); its exit status, -1 when it did not exit. */
static int run(char *const *argv, char *out, size_t size)
{
	int fd[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (out && pipe(fd) == 0) {
		posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
		posix_spawn_file_actions_addclose(&fa, fd[0]);
		posix_spawn_file_actions_addclose(&fa, fd[1]);
	} else {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1, 0);
	}
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (out) {
		close(fd[1]);
		size_t got = 0;
		ssize_t n;
		while (!rc && got + 1 < size && (n = read(fd[0], out + got, size - 1 - got)) > 0)
			got += (size_t)n;
		out[got] = 0;
		close(fd[0]);
	}
	int st;
	if (rc || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int sh(const char *cmd)
{
	char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
	return run(argv, NULL, 0);
}

/* The mean seconds of n runs of ./bench here. */
static double mean_of(int n)
{
	char *argv[] = {"./bench", NULL};
	double sum = 0;
	for (int i = 0; i < n; i++) {
		double t0 = bench_now();
		run(argv, NULL, 0);
		sum += bench_now() - t0;
	}
	return sum / n;
}

/* --peer-step THRESHOLD N: git bisect run's test of the hand-made method:
 * build, N runs, bad (1) when their mean is above the threshold. */
static int peer_step(double threshold, int n)
{
	if (sh(BUILD))
		return 125;
	return mean_of(n) > threshold;
}

/* A repository in dir: commits 1..16, ./bench.in sleeping BASE_MS, STEP
 * times longer from FIRST_BAD on. */
static void make_repo(const char *dir)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && git init -q -b master && git config user.email b@example.org && "
	         "git config user.name b && echo bench > .gitignore && "
	         "for i in $(seq 1 %d); do ms=%g; [ $i -ge %d ] && ms=%g; echo $i > n; "
	         "printf '#!/bin/sh\\nexec %s --work %%s\\n' $ms > bench.in; "
	         "git add -A && git commit -qm \"commit $i\" || exit 1; done",
	         dir, COMMITS, BASE_MS, FIRST_BAD, BASE_MS * STEP, self);
	if (sh(cmd)) {
		fprintf(stderr, "bench_bisect: cannot make the repository in %s\n", dir);
		exit(2);
	}
}

/* The subject's number of the commit `rev` ("commit 10" -> 10), 0 if none. */
static int commit_number(const char *rev)
{
	char out[256];
	char *argv[] = {"git", "log", "-1", "--format=%s", (char *)rev, NULL};
	if (run(argv, out, sizeof out) != 0)
		return 0;
	int n = 0;
	return sscanf(out, "commit %d", &n) == 1 ? n : 0;
}

static void start_drift(double drift)
{
	char v[64];
	snprintf(v, sizeof v, "%.17g", drift);
	setenv("BENCH_DRIFT", v, 1);
	snprintf(v, sizeof v, "%.17g", bench_now());
	setenv("BENCH_DRIFT_START", v, 1);
}

/* tach bisect in the repository: the commit number it names. */
static int by_tach(void)
{
	char out[8192];
	char *argv[] = {TACH_EXE, "bisect", "--good", "HEAD~15", "--bad", "HEAD", "--build",
	                "sh -c '" BUILD "'", "--", "./bench", NULL};
	if (run(argv, out, sizeof out) != 0)
		return 0;
	char *at = strstr(out, "first bad commit: ");
	char hash[64];
	if (!at || sscanf(at + 18, "%63s", hash) != 1)
		return 0;
	return commit_number(hash);
}

/* The hand-made method: both ends once, then git bisect run. */
static int by_hand(void)
{
	sh("git checkout -q HEAD~15 && " BUILD);
	double good = mean_of(PEER_RUNS);
	sh("git checkout -q master && " BUILD);
	double bad = mean_of(PEER_RUNS);
	char thr[64], n[16];
	snprintf(thr, sizeof thr, "%.17g", sqrt(good * bad));
	snprintf(n, sizeof n, "%d", PEER_RUNS);
	int found = 0;
	if (!sh("git bisect start HEAD HEAD~15 >/dev/null")) {
		char *argv[] = {"git", "bisect", "run", self, "--peer-step", thr, n, NULL};
		if (run(argv, NULL, 0) == 0)
			found = commit_number("refs/bisect/bad");
	}
	sh("git bisect reset -q >/dev/null 2>&1; git checkout -q master");
	return found;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--work"))
		return work(atof(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "--peer-step"))
		return peer_step(atof(argv[2]), atoi(argv[3]));
	int trials = 3;
	if (argc == 3 && !strcmp(argv[1], "--trials"))
		trials = atoi(argv[2]);
	else if (argc != 1) {
		fprintf(stderr, "usage: bench_bisect [--trials N]\n");
		return 2;
	}
	if (trials < 1 || trials > 50)
		trials = 3;
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len <= 0)
		return 2;
	self[len] = 0;
	char dir[] = "/tmp/bench-bisect-XXXXXX";
	if (!mkdtemp(dir) || chdir(dir)) {
		perror("bench_bisect: temporary directory");
		return 2;
	}
	make_repo(dir);
	printf("bench_bisect: %d commits, %g ms, %+.0f%% from commit %d; %d trials per drift\n",
	       COMMITS, BASE_MS, (STEP - 1) * 100, FIRST_BAD, trials);
	printf("%-12s %-10s %8s  %-24s %12s\n", "drift", "method", "right", "commits named",
	       "median time");
	const double drifts[] = {0, 0.003, 0.01};
	const char *const methods[] = {"tach", "by hand"};
	int all_right = 1;
	for (size_t d = 0; d < sizeof drifts / sizeof *drifts; d++) {
		for (int m = 0; m < 2; m++) {
			int right = 0;
			char named[256] = "";
			double t[50];
			for (int k = 0; k < trials; k++) {
				start_drift(drifts[d]);
				double t0 = bench_now();
				int c = m == 0 ? by_tach() : by_hand();
				t[k] = bench_now() - t0;
				right += c == FIRST_BAD;
				size_t at = strlen(named);
				snprintf(named + at, sizeof named - at, "%s%d", k ? " " : "", c);
			}
			if (m == 0 && right != trials)
				all_right = 0;
			char label[32];
			snprintf(label, sizeof label, "%.1f %%/s", drifts[d] * 100);
			printf("%-12s %-10s %5d/%-2d  %-24s %10.1f s\n", label, methods[m], right, trials,
			       named, bench_median(t, (size_t)trials));
			fflush(stdout);
		}
	}
	char rm[128];
	snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
	if (chdir("/") == 0)
		sh(rm);
	return all_right ? 0 : 1;
}
