/* bench_monitor.c - what `tach monitor` costs and how right its CPU totals
 * are, beside peers in the same run.
 *
 * Cost: CPU of the sampler thread at 10 ms on trees of 1, 10 and 100
 * sleeping processes, without and with a cgroup holding the tree (when the
 * machine has a usable one), against a naive /proc sampler (open, read,
 * close of stat and statm per process per tick) and a `ps -o rss= -p ...`
 * loop, rows interleaved over 3 rounds.  Goal for 10 processes: <= 1 %
 * of one core without a cgroup, <= 0.5 % with one.
 *
 * Accuracy: CPU seconds of burns of 0.05, 0.25 and 1.3 s at intervals of
 * 10, 100 and 500 ms, from `tach monitor -- /usr/bin/time BURN`, against
 * /usr/bin/time's user + sys of that same burn; and the library sampling
 * alone on another burn, against that burn's wait4 rusage (us).
 * Goal: within +-5 %, or within /usr/bin/time's own resolution where that
 * is coarser (it truncates %U and %S to 10 ms each: up to 20 ms low).
 * Usage: bench_monitor [--quick] [--cost | --accuracy]
 *        (--quick: 1 s per cost row instead of 5 s)
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tach/tach.h"
#include "measure/cgroup.h"
#include "bench_util.h"

#define MAX_TREE 100
#define REPS 3
#define GOAL_PROC 1.0
#define GOAL_CGROUP 0.5
#define GOAL_CPU 5.0
/* s: /usr/bin/time truncates %U and %S to 10 ms each, and its own CPU
 * (about 1 ms) is in tach's figure of the tree */
#define TIME_RESOLUTION 0.022
#define INTERVAL 0.01
#define PS_INTERVAL 0.5

extern char **environ;

typedef struct tree {
	int n;
	pid_t pids[MAX_TREE]; /* pids[0] is the root */
	tach__cgroup *cg;     /* NULL: not in a cgroup of its own */
} tree;

/* A root that forks n - 1 children, all sleeping in pause(); their pids
 * come back through a pipe so the peers can name them. */
static int make_tree(tree *t, int n)
{
	int p[2];
	t->n = n;
	t->cg = NULL;
	if (pipe(p) < 0)
		return -1;
	pid_t root = fork();
	if (root < 0)
		return -1;
	if (root == 0) {
		close(p[0]);
		for (int i = 1; i < n; i++) {
			pid_t c = fork();
			if (c == 0) {
				close(p[1]);
				for (;;)
					pause();
			}
			if (c < 0 || write(p[1], &c, sizeof c) != (ssize_t)sizeof c)
				_exit(1);
		}
		close(p[1]);
		for (;;)
			pause();
	}
	close(p[1]);
	t->pids[0] = root;
	for (int i = 1; i < n; i++)
		if (read(p[0], &t->pids[i], sizeof t->pids[i]) != (ssize_t)sizeof t->pids[i])
			return -1;
	close(p[0]);
	return 0;
}

/* Moves every process of t into a fresh cgroup of its own. */
static int tree_into_cgroup(tree *t)
{
	if (tach__cgroup_create(&t->cg))
		return -1;
	for (int i = 0; i < t->n; i++)
		if (tach__cgroup_attach(t->cg, t->pids[i]))
			return -1;
	return 0;
}

static void kill_tree(tree *t)
{
	for (int i = 0; i < t->n; i++)
		kill(t->pids[i], SIGKILL);
	waitpid(t->pids[0], NULL, 0);
	if (t->cg) {
		tach__cgroup_kill_all(t->cg);
		tach__cgroup_destroy(t->cg);
	}
}

static double thread_cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

static double children_cpu(void)
{
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	return tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
}

static void sleep_until(double t)
{
	double now = bench_now();
	if (t <= now)
		return;
	struct timespec ts = {(time_t)(t - now), (long)(((t - now) - (double)(time_t)(t - now)) * 1e9)};
	nanosleep(&ts, NULL);
}

/* ---- the cost table ---- */

typedef struct row {
	const char *what;
	const tree *t;
	int cgroup;      /* tach monitor reads the tree's cgroup */
	double interval;
	double cpu_pct[REPS], us[REPS];
	size_t samples, procs_seen;
	int skipped;
} row;

static int run_monitor(row *r, int rep, double secs)
{
	tach_monitor *m;
	tach_monitor_opts o = {r->interval, 0, r->cgroup ? tach__cgroup_dir(r->t->cg) : NULL};
	int rc = tach_monitor_start(r->t->pids[0], &o, &m);
	if (rc) {
		fprintf(stderr, "bench_monitor: tach_monitor_start: %s\n", tach_strerror(rc));
		return -1;
	}
	sleep_until(bench_now() + secs);
	tach_monitor_summary s;
	tach_monitor_stop(m, &s);
	tach_monitor_free(m);
	r->samples = s.samples;
	r->procs_seen = s.peak_procs;
	r->cpu_pct[rep] = s.sampler_cpu_seconds / s.duration * 100;
	r->us[rep] = s.samples ? s.sampler_cpu_seconds / (double)s.samples * 1e6 : 0;
	return 0;
}

/* The sampler the issue measured: open, read and close stat and statm of
 * every process at every tick, on this thread. */
static void run_naive(row *r, int rep, double secs)
{
	char path[64], buf[1024];
	double t0 = bench_now(), c0 = thread_cpu();
	size_t k = 0;
	for (; bench_now() - t0 < secs; k++) {
		for (int i = 0; i < r->t->n; i++) {
			const char *files[] = {"stat", "statm"};
			for (int f = 0; f < 2; f++) {
				snprintf(path, sizeof path, "/proc/%d/%s", (int)r->t->pids[i], files[f]);
				int fd = open(path, O_RDONLY);
				if (fd >= 0) {
					if (read(fd, buf, sizeof buf) < 0)
						buf[0] = 0;
					close(fd);
				}
			}
		}
		sleep_until(t0 + (double)(k + 1) * r->interval);
	}
	double cpu = thread_cpu() - c0, wall = bench_now() - t0;
	r->samples = k;
	r->procs_seen = (size_t)r->t->n;
	r->cpu_pct[rep] = cpu / wall * 100;
	r->us[rep] = k ? cpu / (double)k * 1e6 : 0;
}

/* No reading at all: a thread that sleeps to each 10 ms deadline and wakes,
 * the floor under any sampler at that pace on this machine. */
static void run_floor(row *r, int rep, double secs)
{
	double t0 = bench_now(), c0 = thread_cpu();
	size_t k = 0;
	for (; bench_now() - t0 < secs; k++)
		sleep_until(t0 + (double)(k + 1) * r->interval);
	double cpu = thread_cpu() - c0, wall = bench_now() - t0;
	r->samples = k;
	r->procs_seen = 0;
	r->cpu_pct[rep] = cpu / wall * 100;
	r->us[rep] = k ? cpu / (double)k * 1e6 : 0;
}

/* `ps -o rss= -p PID,...` every r->interval, spawned without a shell; its
 * CPU is the growth of our children's rusage. */
static int run_ps(row *r, int rep, double secs)
{
	static char list[MAX_TREE * 12];
	list[0] = '\0';
	for (int i = 0; i < r->t->n; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%d", i ? "," : "",
		         (int)r->t->pids[i]);
	char *argv[] = {"ps", "-o", "rss=", "-p", list, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	double t0 = bench_now(), c0 = children_cpu();
	size_t k = 0;
	for (; bench_now() - t0 < secs; k++) {
		pid_t pid;
		int rc = posix_spawnp(&pid, "ps", &fa, NULL, argv, environ), st;
		if (rc) {
			fprintf(stderr, "bench_monitor: cannot run ps: %s\n", strerror(rc));
			posix_spawn_file_actions_destroy(&fa);
			return -1;
		}
		waitpid(pid, &st, 0);
		sleep_until(t0 + (double)(k + 1) * r->interval);
	}
	posix_spawn_file_actions_destroy(&fa);
	double cpu = children_cpu() - c0, wall = bench_now() - t0;
	r->samples = k;
	r->procs_seen = (size_t)r->t->n;
	r->cpu_pct[rep] = cpu / wall * 100;
	r->us[rep] = k ? cpu / (double)k * 1e6 : 0;
	return 0;
}

enum { KIND_TACH, KIND_NAIVE, KIND_PS, KIND_FLOOR };

static int cost_table(double secs)
{
	static const int sizes[] = {1, 10, 100};
	tree plain[3], in_cg[3];
	char why[512] = "";
	int have_cg = tach_cgroup_probe(why, sizeof why) == TACH_PEAK_CGROUP;
	for (int i = 0; i < 3; i++) {
		if (make_tree(&plain[i], sizes[i]) || (have_cg && make_tree(&in_cg[i], sizes[i]))) {
			fprintf(stderr, "bench_monitor: cannot make the process trees: %s\n", strerror(errno));
			return -1;
		}
		if (have_cg && tree_into_cgroup(&in_cg[i])) {
			snprintf(why, sizeof why, "cannot move a tree into a cgroup");
			have_cg = 0;
		}
	}
	enum { ROWS = 13 };
	row rows[ROWS];
	int kinds[ROWS], n = 0;
	memset(rows, 0, sizeof rows);
	static const tree none = {0, {0}, NULL};
	rows[n] = (row){.what = "sleep/wake loop, no reads (floor)", .t = &none, .interval = INTERVAL};
	kinds[n++] = KIND_FLOOR;
	for (int i = 0; i < 3; i++) {
		rows[n] = (row){.what = "tach monitor, /proc", .t = &plain[i], .interval = INTERVAL};
		kinds[n++] = KIND_TACH;
		rows[n] = (row){.what = "tach monitor, cgroup files", .t = &in_cg[i], .cgroup = 1,
		                .interval = INTERVAL, .skipped = !have_cg};
		kinds[n++] = KIND_TACH;
		rows[n] = (row){.what = "naive open/read/close stat+statm", .t = &plain[i],
		                .interval = INTERVAL};
		kinds[n++] = KIND_NAIVE;
		rows[n] = (row){.what = "ps -o rss= -p ... loop", .t = &plain[i], .interval = PS_INTERVAL};
		kinds[n++] = KIND_PS;
	}
	/* rows x rounds, interleaved so that a burst of load on the shared
	 * machine hits every row alike; the median is shown */
	int fail = 0, ps_ok = 1;
	for (int k = 0; k < REPS && !fail; k++)
		for (int i = 0; i < n && !fail; i++) {
			if (rows[i].skipped)
				continue;
			if (kinds[i] == KIND_TACH)
				fail = run_monitor(&rows[i], k, secs);
			else if (kinds[i] == KIND_NAIVE)
				run_naive(&rows[i], k, secs);
			else if (kinds[i] == KIND_FLOOR)
				run_floor(&rows[i], k, secs);
			else if (ps_ok && run_ps(&rows[i], k, secs))
				ps_ok = 0;
		}
	for (int i = 0; i < 3; i++) {
		kill_tree(&plain[i]);
		if (have_cg || in_cg[i].cg)
			kill_tree(&in_cg[i]);
	}
	if (fail)
		return -1;

	printf("Cost: sampler CPU on trees of sleeping processes, median of %d rounds x %.0f s per row\n",
	       REPS, secs);
	printf("CPU = CPU time of the sampler (thread CPU clock; ps: children's rusage) / wall time;\n"
	       "'at 10 ms' = us/sample / 10 ms, for the ps loop run every %.0f ms\n", PS_INTERVAL * 1e3);
	if (!have_cg)
		printf("(no cgroup rows: %s)\n", why);
	printf("\n%6s  %-34s %9s %8s %10s %12s %10s  %s\n", "procs", "sampler", "interval", "samples",
	       "CPU %core", "us/sample", "at 10 ms", "goal");
	for (int i = 0; i < n; i++) {
		row *r = &rows[i];
		if (r->skipped || (kinds[i] == KIND_PS && !ps_ok))
			continue;
		double c = bench_median(r->cpu_pct, REPS), u = bench_median(r->us, REPS);
		char goal[64] = "";
		if (kinds[i] == KIND_TACH && r->t->n == 10) {
			double g = r->cgroup ? GOAL_CGROUP : GOAL_PROC;
			snprintf(goal, sizeof goal, "<= %.1f %% %s", g, c <= g ? "met" : "MISSED");
		}
		printf("%6d  %-34s %6g ms %8zu %9.3f%% %12.1f %9.3f%%  %s\n", r->t->n, r->what,
		       r->interval * 1e3, r->samples, c, u, u / (INTERVAL * 1e6) * 100, goal);
		if (kinds[i] == KIND_TACH && r->procs_seen != (size_t)r->t->n) {
			fprintf(stderr, "bench_monitor: the monitor saw %zu processes, not %d\n",
			        r->procs_seen, r->t->n);
			fail = 1;
		}
		if (i % 4 == 0)
			putchar('\n');
	}
	return fail ? -1 : 0;
}

/* ---- the accuracy table ---- */

/* `tach monitor --interval IV -- /usr/bin/time -o F -f '%U %S' testprog
 * --burn MS`: tach's CPU seconds of the tree and time's user + sys of the
 * burn, the same process. */
static int tach_burn(const char *iv, const char *ms, double *tach_cpu, double *time_cpu)
{
	char file[] = "/tmp/bench-monitor-time-XXXXXX";
	int fd = mkstemp(file);
	if (fd < 0)
		return -1;
	close(fd);
	char *argv[] = {TACH_EXE, "monitor", "--interval", (char *)iv, "--", "/usr/bin/time", "-o",
	                file, "-f", "%U %S", TACH_TESTPROG, "--burn", (char *)ms, NULL};
	char *out = NULL;
	int rc = bench_run_program("tach monitor", argv, 0, &out, NULL, NULL, NULL);
	const char *p = out ? strstr(out, "one core), ") : NULL;
	double u = -1, s = -1;
	FILE *f = fopen(file, "r");
	if (f && fscanf(f, "%lf %lf", &u, &s) != 2)
		u = -1;
	if (f)
		fclose(f);
	unlink(file);
	if (rc || !p || u < 0) {
		free(out);
		return -1;
	}
	*tach_cpu = atof(p + 11);
	*time_cpu = u + s;
	free(out);
	return 0;
}

/* The library alone, sampling a burn this process spawned and reaps: no
 * exact totals handed over, so this is what sampling gets; *want is the
 * burn's own wait4 rusage. */
static int sampled_burn(double interval, const char *ms, double *cpu, double *want)
{
	char *argv[] = {TACH_TESTPROG, "--burn", (char *)ms, NULL};
	pid_t pid;
	if (posix_spawn(&pid, TACH_TESTPROG, NULL, NULL, argv, environ))
		return -1;
	tach_monitor *m = NULL;
	tach_monitor_opts o = {interval, 0, NULL};
	int rc = tach_monitor_start(pid, &o, &m);
	int st;
	struct rusage ru;
	wait4(pid, &st, 0, &ru);
	if (rc)
		return -1;
	tach_monitor_wait(m, 10);
	tach_monitor_summary s;
	tach_monitor_stop(m, &s);
	tach_monitor_free(m);
	*cpu = s.cpu_seconds;
	*want = tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
	return 0;
}

static int accuracy_table(void)
{
	static const char *burns[] = {"50", "250", "1300"};
	static const char *ivs[] = {"10ms", "100ms", "500ms"};
	static const double iv_s[] = {0.01, 0.1, 0.5};
	printf("Accuracy: CPU seconds of a burn (tach_testprog --burn MS), one run each:\n"
	       "`tach monitor -- /usr/bin/time -f '%%U %%S' BURN` against time's user + sys of the\n"
	       "same burn (error = tach / time - 1; goal +-%.0f %%, or 0..+%.0f ms where time's\n"
	       "truncation of %%U and %%S to 10 ms each is coarser); and the library sampling\n"
	       "another burn alone, against that burn's wait4 rusage\n\n",
	       GOAL_CPU, TIME_RESOLUTION * 1e3);
	printf("%7s %9s %10s %12s %8s  %-6s %10s %13s %8s\n", "burn", "interval", "time u+s",
	       "tach monitor", "error", "goal", "wait4", "sampled (lib)", "error");
	int fail = 0, missed = 0;
	for (int b = 0; b < 3; b++)
		for (int i = 0; i < 3; i++) {
			double want, got, smp, smp_want;
			if (tach_burn(ivs[i], burns[b], &got, &want) ||
			    sampled_burn(iv_s[i], burns[b], &smp, &smp_want)) {
				fprintf(stderr, "bench_monitor: a burn of %s ms failed\n", burns[b]);
				fail = 1;
				continue;
			}
			double e = want > 0 ? (got / want - 1) * 100 : NAN;
			double es = smp_want > 0 ? (smp / smp_want - 1) * 100 : NAN;
			int ok = fabs(e) <= GOAL_CPU ||
			         (got >= want - 1e-9 && got - want <= TIME_RESOLUTION + 1e-9);
			missed += !ok;
			printf("%5s ms %6s %9.3f s %10.3f s %+7.1f%%  %-6s %8.3f s %11.3f s %+7.1f%%\n",
			       burns[b], ivs[i], want, got, e, ok ? "met" : "MISSED", smp_want, smp, es);
		}
	printf("\n'tach monitor' totals come from the reaped tree's rusage (time's own CPU\n"
	       "included); 'sampled (lib)' is tach_monitor alone on a burn this program reaps\n"
	       "(utime + stime, the root's final total from its parent's cutime + cstime, in\n"
	       "10 ms ticks; CPU before the sampler's first reading is left out).  %d of 9\n"
	       "tach monitor rows outside the goal.\n",
	       missed);
	return fail ? -1 : 0;
}

int main(int argc, char **argv)
{
	int quick = 0, cost = 1, accuracy = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = 1;
		else if (!strcmp(argv[i], "--cost"))
			accuracy = 0;
		else if (!strcmp(argv[i], "--accuracy"))
			cost = 0;
		else {
			fprintf(stderr, "usage: bench_monitor [--quick] [--cost | --accuracy]\n");
			return 2;
		}
	}
	printf("bench_monitor (%s)\n\n", quick ? "quick" : "full");
	fflush(stdout);
	int fail = accuracy ? accuracy_table() : 0;
	if (accuracy && cost)
		putchar('\n');
	fflush(stdout);
	if (cost)
		fail |= cost_table(quick ? 1.0 : 5.0);
	return fail ? 1 : 0;
}
