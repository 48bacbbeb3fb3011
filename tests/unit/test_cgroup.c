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

/* ------------------------------------------------------------------
 * The v1 and v2 paths on a fake cgroup file system: a directory tree with
 * the files the kernel provides, and a make_dir that gives each new cgroup
 * the control files of the kernel being imitated.  This runs the probe's
 * decisions, the path choice, the peak files and every fallback with its
 * reason on any machine -- this VM has the memory controller on v1 only.
 * What a kernel does behind a write (moving a process, charging memory)
 * is not imitated: the tests write the figures into the files themselves.
 */

typedef enum kernel {
	V2_DELEGATED,  /* cgroup v2, memory delegated, memory.peak (5.19+) */
	V2_NO_PEAK,    /* cgroup v2 before 5.19: memory.events, no memory.peak */
	V2_NO_WRITE,   /* cgroup v2, but making a cgroup is not allowed */
	V2_NO_MEMORY,  /* cgroup v2 without the memory controller delegated */
	V1_MEMORY,     /* cgroup v1 memory hierarchy, writable */
} kernel;

static kernel fake_kernel;
static char fake_root[64];

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

static void read_file(const char *dir, const char *name, char *buf, size_t size)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	size_t n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* The control files a new cgroup gets from the fake kernel. */
static void kernel_files(const char *dir)
{
	put_file(dir, "cgroup.procs", "");
	if (fake_kernel == V1_MEMORY) {
		put_file(dir, "memory.usage_in_bytes", "0\n");
		put_file(dir, "memory.max_usage_in_bytes", "0\n");
		put_file(dir, "memory.limit_in_bytes", "9223372036854771712\n");
		return;
	}
	put_file(dir, "cgroup.events", "populated 0\nfrozen 0\n");
	put_file(dir, "cgroup.controllers", "memory\n");
	put_file(dir, "cgroup.subtree_control", "");
	put_file(dir, "cgroup.kill", "");
	put_file(dir, "memory.current", "0\n");
	put_file(dir, "memory.max", "max\n");
	put_file(dir, "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
	if (fake_kernel != V2_NO_PEAK)
		put_file(dir, "memory.peak", "0\n");
}

static int fake_make_dir(const char *dir)
{
	if (fake_kernel == V2_NO_WRITE)
		return -EACCES;
	if (mkdir(dir, 0755) < 0)
		return -errno;
	kernel_files(dir);
	return 0;
}

static int fake_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	struct dirent *e;
	char path[4096];
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	return rmdir(dir) == 0 ? 0 : -errno;
}

/* Builds the fake machine under a fresh directory and points the cgroup
 * code at it; returns the directory of tach's own cgroup there. */
static const char *fake_machine(kernel k, char *own, size_t size)
{
	fake_kernel = k;
	snprintf(fake_root, sizeof fake_root, "/tmp/tach-cgfs-XXXXXX");
	cr_assert_not_null(mkdtemp(fake_root));
	char mnt[256], text[1024];
	int v1 = k == V1_MEMORY;
	snprintf(mnt, sizeof mnt, "%s/sys/fs/cgroup%s", fake_root, v1 ? "/memory" : "");
	snprintf(own, size, "%s/%s", mnt, v1 ? "tach.slice" : "user.slice/tach.scope");
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", own);
	cr_assert_eq(system(cmd), 0);
	/* tach's own cgroup, as the kernel shows it */
	kernel_files(own);
	if (!v1) {
		put_file(own, "cgroup.controllers",
		         k == V2_NO_MEMORY ? "cpu pids\n" : "cpu memory pids\n");
		snprintf(text, sizeof text, "%ld\n", (long)getpid());
		put_file(own, "cgroup.procs", text);
	}
	put_file(fake_root, "cgroup", v1 ? "12:memory:/tach.slice\n0::/\n"
	                                 : "0::/user.slice/tach.scope\n");
	snprintf(text, sizeof text,
	         v1 ? "25 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
	              "40 25 0:35 / %s rw,nosuid shared:17 - cgroup cgroup rw,memory\n"
	            : "25 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
	              "35 25 0:30 / %s rw,nosuid,nodev shared:9 - cgroup2 cgroup2 rw,nsdelegate\n",
	         mnt);
	put_file(fake_root, "mountinfo", text);
	char pc[128], mi[128];
	snprintf(pc, sizeof pc, "%s/cgroup", fake_root);
	snprintf(mi, sizeof mi, "%s/mountinfo", fake_root);
	/* use_fs copies the struct but not the strings: keep them */
	static char keep_pc[128], keep_mi[128];
	snprintf(keep_pc, sizeof keep_pc, "%s", pc);
	snprintf(keep_mi, sizeof keep_mi, "%s", mi);
	tach__cgroup_fs fs = {keep_pc, keep_mi, fake_make_dir, fake_remove_dir};
	tach__cgroup_use_fs(&fs);
	return own;
}

static void fake_done(void)
{
	tach__cgroup_use_fs(NULL);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fake_root);
	cr_expect_eq(system(cmd), 0);
}

static tach__cgroup *fake_cgroup(void)
{
	tach__cgroup *cg = NULL;
	int rc = tach__cgroup_create(&cg);
	cr_assert_eq(rc, 0, "tach__cgroup_create: %s", tach_strerror(rc));
	return cg;
}

/* The run's cgroup directory, from its cgroup.procs path. */
static void cg_dir(tach__cgroup *cg, char *dir, size_t size)
{
	snprintf(dir, size, "%s", tach__cgroup_procs_path(cg));
	*strrchr(dir, '/') = '\0';
}

Test(cgroup_fake, v2_delegated_uses_memory_peak)
{
	char own[512], why[512], buf[256], dir[4096];
	fake_machine(V2_DELEGATED, own, sizeof own);
	cr_assert_eq(tach_cgroup_probe(why, sizeof why), TACH_PEAK_CGROUP, "%s", why);
	cr_expect_str_eq(tach_cgroup_probe_method(), "cgroup-v2");
	cr_expect_null(tach__cgroup_why_not_v2(), "v2 is the best: nothing to excuse");
	cr_expect(strstr(why, "cgroup v2 under") && strstr(why, own), "%s", why);
	/* the memory controller was enabled for the runs' cgroups */
	read_file(own, "cgroup.subtree_control", buf, sizeof buf);
	cr_expect(strstr(buf, "+memory"), "%s", buf);

	tach__cgroup *cg = fake_cgroup();
	cg_dir(cg, dir, sizeof dir);
	cr_expect_eq(strncmp(dir, own, strlen(own)), 0, "%s is not next to tach in %s", dir, own);
	cr_expect_geq(tach__cgroup_fd(cg), 0, "v2 has a directory fd");
	put_file(dir, "memory.peak", "7340032\n");
	uint64_t peak = 0;
	cr_expect_eq(tach__cgroup_peak(cg, &peak), 0);
	cr_expect_eq(peak, 7340032);
	cr_expect_eq(tach__cgroup_reset(cg), TACH_EUNSUPPORTED, "v2: a new cgroup per run");
	cr_expect_eq(tach__cgroup_kill_all(cg), 0, "cgroup.events says it is empty");
	read_file(dir, "cgroup.kill", buf, sizeof buf);
	cr_expect_str_eq(buf, "1", "killed through cgroup.kill");
	put_file(dir, "memory.peak", "garbage\n");
	cr_expect_eq(tach__cgroup_peak(cg, &peak), TACH_EPARSE);
	tach__cgroup_destroy(cg);
	struct stat st;
	cr_expect_neq(stat(dir, &st), 0, "%s left behind", dir);
	fake_done();
}

Test(cgroup_fake, v2_without_write_access_says_how_to_delegate)
{
	char own[512], why[512];
	fake_machine(V2_NO_WRITE, own, sizeof own);
	cr_expect_eq(tach_cgroup_probe(why, sizeof why), TACH_PEAK_NONE);
	cr_expect_null(tach_cgroup_probe_method());
	cr_expect(strstr(why, "cannot create a cgroup in") && strstr(why, own), "%s", why);
	cr_expect(strstr(why, strerror(EACCES)), "%s", why);
	cr_expect(strstr(why, "Delegate=yes"), "%s", why);
	/* a machine without v1: only the v2 story is told */
	cr_expect_null(strstr(why, "v1"), "%s", why);
	tach__cgroup *cg = (tach__cgroup *)1;
	cr_expect_eq(tach__cgroup_create(&cg), TACH_EUNSUPPORTED);
	cr_expect_null(cg);
	fake_done();
}

Test(cgroup_fake, v2_before_5_19_has_no_memory_peak)
{
	char own[512], why[512];
	fake_machine(V2_NO_PEAK, own, sizeof own);
	cr_expect_eq(tach_cgroup_probe(why, sizeof why), TACH_PEAK_NONE);
	cr_expect(strstr(why, "no cgroup v2 memory.peak (Linux 5.19 or later is needed)"), "%s",
	          why);
	/* the probe's test cgroup is gone again */
	DIR *d = opendir(own);
	cr_assert_not_null(d);
	struct dirent *e;
	while ((e = readdir(d)))
		cr_expect_neq(strncmp(e->d_name, "tach-", 5), 0, "%s left behind", e->d_name);
	closedir(d);
	fake_done();
}

Test(cgroup_fake, v2_without_the_memory_controller)
{
	char own[512], why[512];
	fake_machine(V2_NO_MEMORY, own, sizeof own);
	cr_expect_eq(tach_cgroup_probe(why, sizeof why), TACH_PEAK_NONE);
	cr_expect(strstr(why, "memory controller is not delegated"), "%s", why);
	cr_expect(strstr(why, own), "%s", why);
	fake_done();
}

Test(cgroup_fake, v1_uses_max_usage_and_resets_at_the_usage_left)
{
	char own[512], why[512], dir[4096];
	fake_machine(V1_MEMORY, own, sizeof own);
	cr_assert_eq(tach_cgroup_probe(why, sizeof why), TACH_PEAK_CGROUP, "%s", why);
	cr_expect_str_eq(tach_cgroup_probe_method(), "cgroup-v1");
	cr_expect(strstr(why, "cgroup v1 under") && strstr(why, own), "%s", why);
	/* the fallback from v2 says why */
	cr_assert_not_null(tach__cgroup_why_not_v2());
	cr_expect(strstr(tach__cgroup_why_not_v2(), "no cgroup v2 hierarchy is mounted"), "%s",
	          tach__cgroup_why_not_v2());
	tach__cgroup *cg = fake_cgroup();
	cg_dir(cg, dir, sizeof dir);
	cr_expect_eq(strncmp(dir, own, strlen(own)), 0, "%s is not under %s", dir, own);
	cr_expect_eq(tach__cgroup_fd(cg), -1, "no directory fd on v1");
	put_file(dir, "memory.max_usage_in_bytes", "9437184\n");
	uint64_t peak = 0;
	cr_expect_eq(tach__cgroup_peak(cg, &peak), 0);
	cr_expect_eq(peak, 9437184);
	/* a reused cgroup: page cache of the last run (1 MiB) stays charged,
	 * and the next peak counts only what the next run adds */
	put_file(dir, "memory.usage_in_bytes", "1048576\n");
	cr_expect_eq(tach__cgroup_reset(cg), 0);
	put_file(dir, "memory.max_usage_in_bytes", "5242880\n");
	cr_expect_eq(tach__cgroup_peak(cg, &peak), 0);
	cr_expect_eq(peak, 4194304);
	tach__cgroup_destroy(cg);
	fake_done();
}

Test(cgroup_fake, the_probe_is_redone_on_another_file_system)
{
	char own[512], why[512];
	fake_machine(V2_NO_WRITE, own, sizeof own);
	cr_expect_eq(tach_cgroup_probe(why, sizeof why), TACH_PEAK_NONE);
	fake_done();
	fake_machine(V2_DELEGATED, own, sizeof own);
	cr_expect_eq(tach_cgroup_probe(why, sizeof why), TACH_PEAK_CGROUP, "%s", why);
	fake_done();
}
