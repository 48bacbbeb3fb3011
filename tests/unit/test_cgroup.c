/* test_cgroup.c - the per-run cgroup: the probe's answer, the exact peak of
 * several processes and of a 3-deep tree, killing everything in a cgroup
 * (daemons included) and removing it.  Needs a usable cgroup (root on v1, or
 * a delegated v2 memory controller); otherwise the tests skip with the
 * probe's reason.  tach_testprog is the process spawned.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tach/run.h"
#include "measure/cgroup.h"

#define MiB (1024.0 * 1024.0)

static tach__cgroup *make_cgroup_or_skip(void)
{
	char why[512];
	if (tach_cgroup_probe(why, sizeof why) != TACH_PEAK_CGROUP)
		cr_skip_test("no usable cgroup: %s", why);
	tach__cgroup *cg = NULL;
	int rc = tach__cgroup_create(&cg);
	cr_assert_eq(rc, 0, "tach__cgroup_create: %s", tach_strerror(rc));
	cr_assert_not_null(cg);
	return cg;
}

/* fork, enter the cgroup in the child (async-signal-safe path), exec. */
static pid_t spawn_in(tach__cgroup *cg, char **args)
{
	const char *procs = tach__cgroup_procs_path(cg);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (tach__cgroup_enter(procs) < 0)
			_exit(126);
		execv(TACH_TESTPROG, args);
		_exit(127);
	}
	return pid;
}

static int run_to_exit(tach__cgroup *cg, char **args)
{
	pid_t pid = spawn_in(cg, args);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "testprog did not exit normally");
	return WEXITSTATUS(st);
}

static int count_procs(tach__cgroup *cg)
{
	FILE *f = fopen(tach__cgroup_procs_path(cg), "r");
	cr_assert_not_null(f);
	int n = 0;
	long pid;
	while (fscanf(f, "%ld", &pid) == 1)
		n++;
	fclose(f);
	return n;
}

/* Removes the cgroup and checks its directory is gone. */
static void destroy_and_check(tach__cgroup *cg)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", tach__cgroup_procs_path(cg));
	*strrchr(dir, '/') = '\0';
	struct stat st;
	cr_assert_eq(stat(dir, &st), 0, "cgroup directory %s missing", dir);
	tach__cgroup_destroy(cg);
	cr_expect_neq(stat(dir, &st), 0, "cgroup directory %s left behind", dir);
}

static void expect_peak(tach__cgroup *cg, double want_mib)
{
	uint64_t peak = 0;
	int rc = tach__cgroup_peak(cg, &peak);
	cr_assert_eq(rc, 0, "tach__cgroup_peak: %s", tach_strerror(rc));
	/* Memory accounting, not timing: all of it is charged, plus a little
	 * for page tables, stacks and libc of each process. */
	cr_expect_geq((double)peak, want_mib * MiB, "peak %.1f MiB < %.0f MiB",
	              (double)peak / MiB, want_mib);
	cr_expect_leq((double)peak, want_mib * MiB * 1.15, "peak %.1f MiB > %.0f MiB + 15%%",
	              (double)peak / MiB, want_mib);
	cr_log_info("peak %.1f MiB for %.0f MiB expected", (double)peak / MiB, want_mib);
}

Test(cgroup, probe_gives_a_method_and_a_reason)
{
	char why[512] = "unchanged";
	tach_peak_method m = tach_cgroup_probe(why, sizeof why);
	cr_assert(m == TACH_PEAK_CGROUP || m == TACH_PEAK_NONE);
	cr_expect_neq(why[0], '\0', "the probe says nothing");
	cr_log_info("probe: %s", why);
	char again[512], tiny[1] = {'x'};
	cr_expect_eq(tach_cgroup_probe(again, sizeof again), m, "probe not cached");
	cr_expect_str_eq(again, why);
	cr_expect_eq(tach_cgroup_probe(tiny, sizeof tiny), m);
	cr_expect_eq(tiny[0], '\0');
	cr_expect_eq(tach_cgroup_probe(NULL, 0), m);
	if (m == TACH_PEAK_NONE) {
		tach__cgroup *cg = (tach__cgroup *)1;
		cr_expect_eq(tach__cgroup_create(&cg), TACH_EUNSUPPORTED);
		cr_expect_null(cg);
	}
}

Test(cgroup, peak_of_three_processes_at_once, .timeout = 60)
{
	tach__cgroup *cg = make_cgroup_or_skip();
	uint64_t peak = 1;
	cr_assert_eq(tach__cgroup_peak(cg, &peak), 0);
	cr_expect_lt(peak, 1024 * 1024, "a fresh cgroup starts with a peak of %llu",
	             (unsigned long long)peak);
	char *args[] = {"tach_testprog", "--procs", "3", "--alloc", "40",
	                "--sleep", "200", NULL};
	cr_assert_eq(run_to_exit(cg, args), 0);
	expect_peak(cg, 3 * 40);
	cr_expect_eq(tach__cgroup_kill_all(cg), 0);
	cr_expect_eq(count_procs(cg), 0);
	destroy_and_check(cg);
}

Test(cgroup, peak_of_a_three_deep_tree, .timeout = 60)
{
	tach__cgroup *cg = make_cgroup_or_skip();
	char *args[] = {"tach_testprog", "--tree", NULL};
	cr_assert_eq(run_to_exit(cg, args), 0);
	expect_peak(cg, 50 + 200 + 120);
	cr_expect_eq(tach__cgroup_kill_all(cg), 0);
	destroy_and_check(cg);
}

Test(cgroup, attach_from_the_parent, .timeout = 60)
{
	tach__cgroup *cg = make_cgroup_or_skip();
	int gate[2];
	cr_assert_eq(pipe(gate), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char c;
		close(gate[1]);
		if (read(gate[0], &c, 1) < 0)
			_exit(126);
		execl(TACH_TESTPROG, "tach_testprog", "--alloc", "30", (char *)NULL);
		_exit(127);
	}
	close(gate[0]);
	cr_assert_eq(tach__cgroup_attach(cg, pid), 0);
	cr_expect_eq(count_procs(cg), 1);
	close(gate[1]);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	expect_peak(cg, 30);
	tach__cgroup_destroy(cg);
}

Test(cgroup, kill_all_empties_a_hanging_tree, .timeout = 60)
{
	tach__cgroup *cg = make_cgroup_or_skip();
	char *args[] = {"tach_testprog", "--procs", "3", "--ignore-term", "--hang", NULL};
	pid_t pid = spawn_in(cg, args);
	for (int i = 0; i < 500 && count_procs(cg) < 3; i++)
		usleep(10000);
	cr_assert_eq(count_procs(cg), 3);
	cr_expect_eq(tach__cgroup_kill_all(cg), 0);
	cr_expect_eq(count_procs(cg), 0);
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	destroy_and_check(cg);
}

/* Pid of a process other than us whose command line holds `marker`, or 0. */
static pid_t find_marked(const char *marker)
{
	DIR *d = opendir("/proc");
	cr_assert_not_null(d);
	struct dirent *e;
	pid_t found = 0;
	while (!found && (e = readdir(d))) {
		char path[300], buf[4096];
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1) {
			buf[n] = '\0';
			if (strcmp(buf + i, marker) == 0)
				found = (pid_t)atol(e->d_name);
		}
	}
	closedir(d);
	return found;
}

Test(cgroup, testprog_daemon_outlives_its_parent, .timeout = 60)
{
	char marker[64];
	snprintf(marker, sizeof marker, "tach-test-daemon-%ld-%ld", (long)getpid(),
	         (long)time(NULL));
	char *args[] = {"tach_testprog", "--daemon", "--marker", marker, NULL};
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		execv(TACH_TESTPROG, args);
		_exit(127);
	}
	int st;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	pid_t daemon = find_marked(marker);
	cr_assert_gt(daemon, 0, "no daemon with marker %s", marker);
	cr_expect_eq(getsid(daemon), daemon, "the daemon did not setsid()");
	cr_expect_eq(kill(daemon, SIGKILL), 0);
	/* It is not our child: whoever adopted it reaps it. */
	for (int i = 0; i < 200 && find_marked(marker); i++)
		usleep(10000);
}

Test(cgroup, kill_all_catches_a_daemon, .timeout = 60)
{
	tach__cgroup *cg = make_cgroup_or_skip();
	char marker[64];
	snprintf(marker, sizeof marker, "tach-test-cgdaemon-%ld-%ld", (long)getpid(),
	         (long)time(NULL));
	char *args[] = {"tach_testprog", "--daemon", "--marker", marker, NULL};
	cr_assert_eq(run_to_exit(cg, args), 0);
	/* The run is over, but its daemon is still in the run's cgroup. */
	cr_assert_eq(count_procs(cg), 1);
	pid_t daemon = find_marked(marker);
	cr_assert_gt(daemon, 0);
	cr_expect_eq(tach__cgroup_kill_all(cg), 0);
	cr_expect_eq(count_procs(cg), 0);
	/* Dead (a zombie has an empty command line) before it is reaped. */
	cr_expect_eq(find_marked(marker), 0, "the daemon survived");
	destroy_and_check(cg);
}
