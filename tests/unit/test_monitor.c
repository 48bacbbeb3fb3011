/* test_monitor.c - the /proc sampler on real processes (tach_testprog):
 * the tree RSS of K allocating processes, following the tree as it forks,
 * CPU % of a busy loop, stopping on a tree that is gone, the series it
 * appends to a result set; CPU totals that do not depend on the interval
 * (exact totals handed over, the root's last interval, a burn shorter than
 * one interval); the cgroup readers on a fake cgroup directory; and
 * `tach monitor` end to end (text and JSON).
 * Correctness only: the sampler's cost is measured by bench/bench_monitor.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "measure/cgroup_stat.h"

#define MiB (1024.0 * 1024.0)

extern char **environ;

static pid_t spawn_argv(const char *path, char *const *argv, int out_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	pid_t pid;
	int rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(rc, 0, "posix_spawn %s: %s", path, strerror(rc));
	return pid;
}

static pid_t spawn_testprog(char *const *argv)
{
	return spawn_argv(TACH_TESTPROG, argv, -1);
}

static int reap(pid_t pid)
{
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	return st;
}

/* Starts a monitor on a fresh testprog, waits for its tree to be gone,
 * stops it; the caller frees. */
static tach_monitor *watch(char *const *argv, double interval, tach_monitor_summary *sum)
{
	pid_t pid = spawn_testprog(argv);
	tach_monitor *m = NULL;
	tach_monitor_opts o = {interval, 0, NULL};
	int rc = tach_monitor_start(pid, &o, &m);
	cr_assert_eq(rc, 0, "tach_monitor_start: %s", tach_strerror(rc));
	/* the zombie counts as gone, so this returns before the reap */
	cr_expect_eq(tach_monitor_wait(m, 20), 1, "tree not gone after 20 s");
	reap(pid);
	cr_assert_eq(tach_monitor_stop(m, sum), 0);
	return m;
}

Test(monitor, tree_rss_is_the_sum_of_k_processes)
{
	char *argv[] = {"tach_testprog", "--procs", "3", "--alloc", "40", "--sleep", "300", NULL};
	tach_monitor_summary s;
	tach_monitor *m = watch(argv, 0.01, &s);
	cr_expect_geq(s.peak_tree_rss, 110 * MiB, "peak tree RSS %.1f MiB", s.peak_tree_rss / MiB);
	cr_expect_lt(s.peak_tree_rss, 300 * MiB, "peak tree RSS %.1f MiB", s.peak_tree_rss / MiB);
	cr_expect_geq(s.peak_procs, 3);
	cr_expect_geq(s.procs_seen, 3);
	cr_expect_geq(s.peak_threads, 3);
	cr_expect_geq(s.peak_proc_rss, 40 * MiB);
	cr_expect_str_eq(s.peak_comm, "tach_testprog");
	cr_expect_geq(s.samples, 10, "only %zu samples in %.3f s", s.samples, s.duration);
	cr_expect_geq(s.duration, 0.3);
	cr_expect(isfinite(s.avg_cpu_percent) && isfinite(s.peak_cpu_percent));
	const tach_monitor_proc *p;
	size_t n = tach_monitor_procs(m, &p);
	cr_assert_geq(n, 3);
	size_t big = 0;
	for (size_t i = 0; i < n; i++) {
		cr_expect(p[i].exited, "pid %d not marked exited", (int)p[i].pid);
		big += p[i].peak_rss >= 40 * MiB;
		if (i)
			cr_expect_eq(p[i].ppid, p[0].pid, "pid %d: ppid %d", (int)p[i].pid, (int)p[i].ppid);
	}
	cr_expect_eq(big, 3, "%zu processes held 40 MiB", big);
	tach_monitor_free(m);
}

Test(monitor, follows_a_three_level_tree)
{
	char *argv[] = {"tach_testprog", "--tree", "--sleep", "200", NULL};
	tach_monitor_summary s;
	tach_monitor *m = watch(argv, 0.01, &s);
	/* 50 + 200 + 120 MiB held at once by parent, child, grandchild */
	cr_expect_geq(s.peak_tree_rss, 360 * MiB, "peak %.1f MiB", s.peak_tree_rss / MiB);
	cr_expect_geq(s.peak_procs, 3);
	cr_expect_geq(s.peak_proc_rss, 195 * MiB);
	tach_monitor_free(m);
}

Test(monitor, cpu_of_a_busy_loop)
{
	char *argv[] = {"tach_testprog", "--burn", "300", "--sleep", "200", NULL};
	tach_monitor_summary s;
	tach_monitor *m = watch(argv, 0.01, &s);
	/* CPU seconds are what the loop burnt whatever the load; its share of
	 * a core depends on what else runs, so only a loose lower bound */
	cr_expect_gt(s.peak_cpu_percent, 25, "peak CPU %.1f %%", s.peak_cpu_percent);
	cr_expect_lt(s.peak_cpu_percent, 150, "peak CPU %.1f %% of one thread", s.peak_cpu_percent);
	cr_expect_gt(s.cpu_seconds, 0.2, "cpu %.3f s", s.cpu_seconds);
	cr_expect_gt(s.avg_cpu_percent, 5);
	cr_expect_lt(s.avg_cpu_percent, 100);
	cr_expect_gt(s.sampler_cpu_seconds, 0);

	/* the series: one point per sample, finite, time-ordered */
	tach_result *r = tach_result_new();
	tach_benchmark *b = tach_result_add_benchmark(r, "burn");
	tach_metric *rss = tach_benchmark_add_metric(b, TACH_M_PEAK_RSS, "B", TACH_LOWER_IS_BETTER);
	tach_metric *cpu = tach_benchmark_add_metric(b, TACH_M_CPU_PERCENT, "%", TACH_LOWER_IS_BETTER);
	tach_metric_add_sample(rss, (double)s.peak_tree_rss);
	tach_metric_add_sample(cpu, s.avg_cpu_percent);
	cr_assert_eq(tach_monitor_series(m, rss, cpu, 0), 0);
	cr_assert_eq(rss->n_series, 1);
	cr_assert_eq(cpu->n_series, 1);
	const tach_series *sc = cpu->series[0];
	cr_expect_eq(sc->n, s.samples);
	double top = 0;
	for (size_t i = 0; i < sc->n; i++) {
		cr_expect(isfinite(sc->v[i]) && sc->v[i] >= 0, "cpu[%zu] = %g", i, sc->v[i]);
		cr_expect(isfinite(rss->series[0]->v[i]));
		if (i)
			cr_expect_geq(sc->t[i], sc->t[i - 1]);
		if (sc->v[i] > top)
			top = sc->v[i];
	}
	/* a busy loop's share of a core depends on the load beside it */
	cr_expect_gt(top, 20, "no CPU point above 20 %% (max %.1f)", top);
	tach_error err;
	cr_expect_eq(tach_result_validate(r, &err), 0, "%s", err.message);
	tach_result_free(r);
	tach_monitor_free(m);
}

Test(monitor, stops_on_demand_and_on_a_finished_tree)
{
	/* a process that never ends: stop() ends the sampling */
	char *hang[] = {"tach_testprog", "--hang", NULL};
	pid_t pid = spawn_testprog(hang);
	tach_monitor *m;
	tach_monitor_opts o = {0.005, 0, NULL};
	cr_assert_eq(tach_monitor_start(pid, &o, &m), 0);
	/* 0.3 s at 5 ms: even a starved sampler (sanitizers, two test
	 * processes on two cores) takes five samples */
	cr_expect_eq(tach_monitor_wait(m, 0.3), 0, "a hanging tree reported gone");
	tach_monitor_summary s;
	cr_assert_eq(tach_monitor_stop(m, &s), 0);
	cr_expect_geq(s.samples, 5);
	cr_expect_eq(s.peak_procs, 1);
	cr_expect_eq(tach_monitor_stop(m, &s), 0, "second stop");
	tach_monitor_free(m);
	kill(pid, SIGKILL);
	reap(pid);

	/* a tree that ends while followed: the thread ends by itself */
	char *brief[] = {"tach_testprog", "--sleep", "150", NULL};
	pid = spawn_testprog(brief);
	cr_assert_eq(tach_monitor_start(pid, NULL, &m), 0);
	cr_expect_eq(tach_monitor_wait(m, 5), 1);
	reap(pid);
	usleep(30000);
	cr_assert_eq(tach_monitor_stop(m, &s), 0);
	cr_expect_geq(s.samples, 3);
	cr_expect_lt(s.duration, 1);
	tach_monitor_free(m);

	/* a zombie or a reaped process: nothing alive to follow */
	char *quick[] = {"tach_testprog", NULL};
	pid = spawn_testprog(quick);
	/* until it has exited, left unreaped: a fixed sleep lost the race to a
	 * sanitizer build's slow start on a loaded machine */
	siginfo_t si;
	cr_assert_eq(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	m = (tach_monitor *)1;
	cr_expect_eq(tach_monitor_start(pid, NULL, &m), -ESRCH);
	cr_expect_null(m);
	reap(pid);
	cr_expect_eq(tach_monitor_start(pid, NULL, &m), -ESRCH);
	tach_monitor_free(NULL);
}

Test(monitor, rejects_bad_arguments)
{
	tach_monitor *m;
	tach_monitor_opts neg = {-1, 0, NULL}, nan_ = {NAN, 0, NULL};
	cr_expect_eq(tach_monitor_start(0, NULL, &m), TACH_EINVAL);
	cr_expect_eq(tach_monitor_start(getpid(), &neg, &m), TACH_EINVAL);
	cr_expect_eq(tach_monitor_start(getpid(), &nan_, &m), TACH_EINVAL);
}

Test(monitor, pss_is_read_when_asked)
{
	char *argv[] = {"tach_testprog", "--procs", "2", "--alloc", "30", "--sleep", "200", NULL};
	pid_t pid = spawn_testprog(argv);
	tach_monitor *m;
	tach_monitor_opts o = {0.01, TACH_MONITOR_PSS, NULL};
	cr_assert_eq(tach_monitor_start(pid, &o, &m), 0);
	cr_expect_eq(tach_monitor_wait(m, 20), 1);
	reap(pid);
	tach_monitor_summary s;
	cr_assert_eq(tach_monitor_stop(m, &s), 0);
	/* private anonymous memory: PSS equals RSS up to shared libraries;
	 * PSS is read at RSS peaks at most once a second, so under load the
	 * reading may come while the second process still allocates */
	cr_expect_geq(s.peak_tree_pss, 25 * MiB, "pss %.1f MiB", s.peak_tree_pss / MiB);
	cr_expect_leq(s.peak_tree_pss, s.peak_tree_rss);
	tach_monitor_free(m);
}

/* ---- CPU totals ---- */

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

/* A burn of 0.25 s watched at a 1 s interval, reaped by this test (its
 * parent, outside the tree) between two samples: the last reading the
 * sampler has is from before the burn, but the root's total still comes
 * through its parent's cutime + cstime.  Compared with the wait4 rusage of
 * the same process, loosely: correctness, not timing. */
Test(monitor_cpu, burn_shorter_than_the_interval_reaped_outside)
{
	char *argv[] = {"tach_testprog", "--sleep", "30", "--burn", "250", NULL};
	pid_t pid = spawn_testprog(argv);
	tach_monitor *m;
	tach_monitor_opts o = {1.0, 0, NULL};
	cr_assert_eq(tach_monitor_start(pid, &o, &m), 0);
	int st;
	struct rusage ru;
	cr_assert_eq(wait4(pid, &st, 0, &ru), pid);
	double want = tv_s(ru.ru_utime) + tv_s(ru.ru_stime);
	cr_expect_eq(tach_monitor_wait(m, 20), 1, "tree not gone after 20 s");
	tach_monitor_summary s;
	cr_assert_eq(tach_monitor_stop(m, &s), 0);
	cr_expect_eq(s.cpu_method, TACH_MONITOR_CPU_SAMPLED);
	cr_expect_gt(s.cpu_seconds, 0, "the burn's CPU was lost");
	cr_expect(fabs(s.cpu_seconds - want) <= 0.2 * want, "cpu %.3f s, rusage %.3f s",
	          s.cpu_seconds, want);
	tach_monitor_free(m);
}

/* Stopped while the tree still runs: the partial interval since the last
 * sample is read at stop, not dropped. */
Test(monitor_cpu, stop_reads_the_last_partial_interval)
{
	char *argv[] = {"tach_testprog", "--burn", "200", "--hang", NULL};
	pid_t pid = spawn_testprog(argv);
	tach_monitor *m;
	tach_monitor_opts o = {600, 0, NULL}; /* one sample at start, none after */
	cr_assert_eq(tach_monitor_start(pid, &o, &m), 0);
	/* wait until the burn is done: its CPU clock, read from /proc */
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	for (int i = 0; i < 2000; i++) {
		FILE *f = fopen(path, "r");
		cr_assert_not_null(f);
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		unsigned long ut = 0, stt = 0;
		const char *p = strrchr(buf, ')');
		cr_assert_not_null(p);
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &stt);
		if ((double)(ut + stt) / (double)sysconf(_SC_CLK_TCK) >= 0.2)
			break;
		usleep(10000);
	}
	tach_monitor_summary s;
	cr_assert_eq(tach_monitor_stop(m, &s), 0);
	cr_expect_eq(s.samples, 2, "%zu samples", s.samples);
	cr_expect_geq(s.cpu_seconds, 0.18, "cpu %.3f s", s.cpu_seconds);
	cr_expect_leq(s.cpu_seconds, 0.3, "cpu %.3f s", s.cpu_seconds);
	tach_monitor_free(m);
	kill(pid, SIGKILL);
	reap(pid);
}

/* Exact totals from whoever reaped the tree replace the sampled ones:
 * CPU seconds, average CPU % over the given duration, the method, and a
 * larger maximum RSS of a process. */
Test(monitor_cpu, totals_handed_over_replace_sampled_ones)
{
	char *argv[] = {"tach_testprog", "--sleep", "20", NULL};
	pid_t pid = spawn_testprog(argv);
	tach_monitor *m;
	tach_monitor_opts o = {0.5, 0, NULL};
	cr_assert_eq(tach_monitor_start(pid, &o, &m), 0);
	reap(pid);
	tach_monitor_totals bad = {1, 0, TACH_MONITOR_CPU_RUSAGE, 0};
	cr_expect_eq(tach_monitor_set_totals(m, &bad), TACH_EINVAL);
	bad.duration = 1;
	bad.cpu_method = TACH_MONITOR_CPU_SAMPLED;
	cr_expect_eq(tach_monitor_set_totals(m, &bad), TACH_EINVAL);
	bad.cpu_method = TACH_MONITOR_CPU_RUSAGE;
	bad.cpu_seconds = -1;
	cr_expect_eq(tach_monitor_set_totals(m, &bad), TACH_EINVAL);
	tach_monitor_totals t = {0.05, 0.2, TACH_MONITOR_CPU_RUSAGE, 1ull << 40};
	cr_assert_eq(tach_monitor_set_totals(m, &t), 0);
	tach_monitor_summary s;
	cr_assert_eq(tach_monitor_stop(m, &s), 0);
	cr_expect_eq(s.cpu_seconds, 0.05);
	cr_expect_eq(s.duration, 0.2);
	cr_expect(fabs(s.avg_cpu_percent - 25.0) < 1e-9, "avg %g", s.avg_cpu_percent);
	cr_expect_geq(s.peak_cpu_percent, s.avg_cpu_percent);
	cr_expect_eq(s.cpu_method, TACH_MONITOR_CPU_RUSAGE);
	cr_expect_eq(s.peak_proc_rss, 1ull << 40);
	cr_expect_eq(s.peak_proc_exact, 1);
	cr_expect_str_eq(tach_monitor_cpu_method_name(s.cpu_method), "rusage");
	cr_expect_str_eq(tach_monitor_cpu_method_name(TACH_MONITOR_CPU_CGROUP), "cgroup");
	tach_monitor_free(m);
}

/* ---- the cgroup's own files, on a fake cgroup directory ---- */

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w"); /* same inode: held fds see the new text */
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static char *fake_dir(void)
{
	static char dir[64];
	strcpy(dir, "/tmp/tach-fake-cgroup-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	return dir;
}

static void rm_dir(const char *dir)
{
	const char *names[] = {"memory.current", "memory.usage_in_bytes", "cpu.stat",
	                       "cpuacct.usage", "cgroup.procs"};
	char path[512];
	for (size_t i = 0; i < 5; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

Test(cgroup_stat, reads_v2_and_v1_files)
{
	char *dir = fake_dir();
	tach__cgstat cs;
	cr_expect_eq(tach__cgstat_open(&cs, dir), -ENOENT, "no memory file: not a cgroup");
	/* v2 */
	put(dir, "memory.current", "1048576\n");
	put(dir, "cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n");
	put(dir, "cgroup.procs", "12\n345\n6789\n");
	cr_assert_eq(tach__cgstat_open(&cs, dir), 0);
	uint64_t mem = 0;
	double cpu = 0;
	pid_t pids[2];
	cr_expect_eq(tach__cgstat_memory(&cs, &mem), 0);
	cr_expect_eq(mem, 1048576);
	cr_expect_eq(tach__cgstat_cpu(&cs, &cpu), 0);
	cr_expect(fabs(cpu - 2.5) < 1e-12, "cpu %g", cpu);
	cr_expect_eq(tach__cgstat_procs(&cs, pids, 2), 2, "a full buffer returns max");
	cr_expect_eq(pids[0], 12);
	cr_expect_eq(pids[1], 345);
	put(dir, "memory.current", "2097152\n"); /* read again through the held fd */
	cr_expect_eq(tach__cgstat_memory(&cs, &mem), 0);
	cr_expect_eq(mem, 2097152);
	put(dir, "memory.current", "lots\n");
	cr_expect_eq(tach__cgstat_memory(&cs, &mem), TACH_EPARSE);
	tach__cgstat_close(&cs);
	rm_dir(dir);

	/* v1: memory.usage_in_bytes, cpuacct.usage in ns; a v1 cpu.stat has
	 * no usage_usec and is not taken for CPU usage */
	dir = fake_dir();
	put(dir, "memory.usage_in_bytes", "4096\n");
	put(dir, "cpu.stat", "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n");
	put(dir, "cpuacct.usage", "1500000000\n");
	cr_assert_eq(tach__cgstat_open(&cs, dir), 0);
	cr_expect_eq(tach__cgstat_memory(&cs, &mem), 0);
	cr_expect_eq(mem, 4096);
	cr_expect_eq(tach__cgstat_cpu(&cs, &cpu), 0);
	cr_expect(fabs(cpu - 1.5) < 1e-12, "cpu %g", cpu);
	cr_expect_eq(tach__cgstat_procs(&cs, pids, 2), -ENOENT);
	tach__cgstat_close(&cs);
	rm_dir(dir);

	/* memory only (this VM's v1 layout): no CPU accounting */
	dir = fake_dir();
	put(dir, "memory.usage_in_bytes", "4096\n");
	cr_assert_eq(tach__cgstat_open(&cs, dir), 0);
	cr_expect_eq(tach__cgstat_cpu(&cs, &cpu), -ENOENT);
	tach__cgstat_close(&cs);
	rm_dir(dir);
}

/* A monitor given a cgroup takes the tree's memory and CPU from the
 * cgroup's files (here a fake one that lists a real sleeping process): the
 * CPU total is the growth of usage_usec while watched. */
Test(cgroup_stat, monitor_reads_the_cgroup_not_proc)
{
	char *argv[] = {"tach_testprog", "--hang", NULL};
	pid_t pid = spawn_testprog(argv);
	char *dir = fake_dir(), list[32];
	snprintf(list, sizeof list, "%d\n", (int)pid);
	put(dir, "memory.current", "123456789\n");
	put(dir, "cpu.stat", "usage_usec 1000000\n");
	put(dir, "cgroup.procs", list);
	tach_monitor *m;
	tach_monitor_opts o = {0.01, 0, dir};
	cr_assert_eq(tach_monitor_start(pid, &o, &m), 0);
	usleep(50000);
	put(dir, "cpu.stat", "usage_usec 1750000\n");
	usleep(50000);
	tach_monitor_summary s;
	cr_assert_eq(tach_monitor_stop(m, &s), 0);
	cr_expect_eq(s.memory_from_cgroup, 1);
	cr_expect_eq(s.peak_tree_rss, 123456789);
	cr_expect_eq(s.cpu_method, TACH_MONITOR_CPU_CGROUP);
	cr_expect(fabs(s.cpu_seconds - 0.75) < 1e-9, "cpu %g", s.cpu_seconds);
	cr_expect_eq(s.peak_procs, 1);
	tach_monitor_free(m);
	kill(pid, SIGKILL);
	reap(pid);
	tach_monitor_opts none = {0.01, 0, "/nonexistent/tach-cgroup"};
	pid = spawn_testprog(argv);
	cr_expect_eq(tach_monitor_start(pid, &none, &m), -ENOENT);
	kill(pid, SIGKILL);
	reap(pid);
	rm_dir(dir);
}

/* ---- tach monitor, end to end ---- */

#ifdef TACH_EXE
static char *run_cli(char *const *argv, int *status)
{
	char path[] = "/tmp/tach-monitor-test-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	unlink(path);
	pid_t pid = spawn_argv(TACH_EXE, argv, fd);
	*status = reap(pid);
	off_t len = lseek(fd, 0, SEEK_END);
	char *buf = calloc(1, (size_t)len + 1);
	cr_assert_eq(pread(fd, buf, (size_t)len, 0), len);
	close(fd);
	return buf;
}

Test(monitor_cli, text_summary_block)
{
	char *argv[] = {"tach", "monitor", "--interval", "10ms", "--", TACH_TESTPROG,
	                "--procs", "2", "--alloc", "30", "--sleep", "200", "--exit", "3", NULL};
	int st;
	char *out = run_cli(argv, &st);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d\n%s", st, out);
	cr_expect(strstr(out, "Resource Usage Metrics"), "%s", out);
	cr_expect(strstr(out, "Exit status:   3"), "%s", out);
	cr_expect(strstr(out, "Peak RSS"), "%s", out);
	/* 30 MiB touched: above tach's own high-water mark, so the kernel's
	 * maximum RSS of the reaped process is the process's own */
	cr_expect(strstr(out, "maximum RSS from wait4"), "%s", out);
	cr_expect(strstr(out, "CPU method:    exact"), "%s", out);
	cr_expect(strstr(out, "tach_testprog"), "%s", out);
	free(out);
}

Test(monitor_cli, json_is_a_results_file)
{
	char *argv[] = {"tach", "monitor", "--format", "json", "--", TACH_TESTPROG,
	                "--procs", "2", "--alloc", "30", "--sleep", "200", NULL};
	int st;
	char *out = run_cli(argv, &st);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	tach_result *r;
	tach_error err;
	cr_assert_eq(tach_result_read_buffer(out, strlen(out), "stdout", &r, &err), 0,
	             "%s\n%s", err.message, out);
	cr_assert_eq(r->n_benchmarks, 1);
	const tach_benchmark *b = r->benchmarks[0];
	cr_expect(strstr(b->name, "tach_testprog"), "%s", b->name);
	/* two processes of 30 MiB each: the largest one is peak_rss (as in
	 * tach run), both at once the tree's peak, which carries the series */
	const tach_metric *rss = tach_benchmark_metric(b, TACH_M_PEAK_RSS);
	const tach_metric *tree = tach_benchmark_metric(b, TACH_M_TREE_PEAK_MEMORY);
	const tach_metric *cpu = tach_benchmark_metric(b, TACH_M_CPU_PERCENT);
	cr_assert(rss && tree && cpu);
	cr_expect_geq(rss->samples[0], 30 * MiB);
	cr_expect_lt(rss->samples[0], 50 * MiB, "one process, not the tree");
	cr_expect_geq(tree->samples[0], 55 * MiB);
	cr_expect_eq(tree->n_series, 1);
	cr_expect_eq(cpu->n_series, 1);
	cr_expect_geq(tree->series[0]->n, 5);
	cr_expect_str_eq(tach_kvlist_get(&r->meta.context, "tree_peak_memory_method"), "sampled");
	tach_result_free(r);
	free(out);
}

/* A 0.25 s burn at a 500 ms interval: the CPU seconds come from the
 * reaped tree, so they match what the kernel accounted for the command
 * (this test's children: tach and, through it, the burn) and not 0. */
Test(monitor_cli, cpu_of_a_burn_shorter_than_the_interval)
{
	char *argv[] = {"tach", "monitor", "--interval", "500ms", "--", TACH_TESTPROG,
	                "--burn", "250", NULL};
	struct rusage r0, r1;
	getrusage(RUSAGE_CHILDREN, &r0);
	int st;
	char *out = run_cli(argv, &st);
	getrusage(RUSAGE_CHILDREN, &r1);
	double all = tv_s(r1.ru_utime) - tv_s(r0.ru_utime) + tv_s(r1.ru_stime) - tv_s(r0.ru_stime);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d\n%s", st, out);
	const char *line = strstr(out, "CPU:");
	cr_assert_not_null(line, "%s", out);
	const char *comma = strstr(line, "one core), ");
	cr_assert_not_null(comma, "%s", out);
	double secs = atof(comma + 11);
	cr_expect_gt(secs, 0.2, "%s", out);
	cr_expect_leq(secs, all, "tach says %.3f s, the kernel %.3f s for tach and the burn", secs, all);
	cr_expect(strstr(out, "wait4 rusage"), "the method is not named:\n%s", out);
	free(out);
}

Test(monitor_cli, usage_errors)
{
	char *none[] = {"tach", "monitor", NULL};
	char *both[] = {"tach", "monitor", "--pid", "1", "--", "true", NULL};
	char *bad[] = {"tach", "monitor", "--interval", "fast", "--", "true", NULL};
	char *missing[] = {"tach", "monitor", "--", "/nonexistent/tach-nothing", NULL};
	char *cg_cmd[] = {"tach", "monitor", "--cgroup", "/tmp", "--", "true", NULL};
	char *cg_none[] = {"tach", "monitor", "--cgroup", "/nonexistent/tach-cg", "--pid", "1", NULL};
	char *const *cases[] = {none, both, bad, missing, cg_cmd, cg_none};
	for (size_t i = 0; i < 6; i++) {
		int st;
		free(run_cli(cases[i], &st));
		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 2, "case %zu: status %d", i, st);
	}
}
#endif
