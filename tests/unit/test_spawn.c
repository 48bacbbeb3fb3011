/* test_spawn.c - how commands are started (spawn_linux.c, spawner_linux.c):
 * each command's peak_rss is its own high-water mark, not the spawning
 * process's; peak_rss is the largest single process of a tree, including
 * descendants tach reaps itself; the spawner is never taken for a leftover.
 * The test process touches a lot of memory after starting the spawner, as
 * tach does after main begins; tach_testprog is the command.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/run.h"

#define MiB (1024.0 * 1024.0)
#define BIG 96 /* MiB the "tach" of these tests holds */

static volatile char *big;

/* The spawner first (as main does), then grow to BIG MiB. */
static void start_then_grow(void)
{
	setenv("TACH_SPAWN_HELPER", TACH_SPAWN_EXE, 1);
	cr_assert_eq(tach_exec_init(), 0);
	size_t len = (size_t)BIG << 20;
	big = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(big != MAP_FAILED);
	for (size_t i = 0; i < len; i += 4096)
		big[i] = 1;
}

static tach_run_sample run(const char *const *args, int direct)
{
	tach_exec_opts o;
	memset(&o, 0, sizeof o);
	o.direct = direct;
	tach_run_sample s;
	tach_error err;
	int rc = tach_exec((char *const *)args, &o, &s, &err);
	cr_assert_eq(rc, 0, "%s", err.message);
	cr_assert_eq(s.state, TACH_RUN_EXITED);
	cr_assert_eq(s.exit_code, 0);
	return s;
}

Test(spawn, peak_rss_is_the_commands_own)
{
	start_then_grow();
	const char *small[] = {TACH_TESTPROG, "--alloc", "4", NULL};
	tach_run_sample s = run(small, 0);
	cr_expect_eq(s.peak_method, TACH_PEAK_RUSAGE_MAX);
	cr_expect_geq(s.peak_rss, 4 * MiB, "4 MiB touched");
	/* before the spawner, the command inherited this process's 96 MiB */
	cr_expect_lt(s.peak_rss, 16 * MiB, "%.1f MiB: the spawning process's RSS leaked in",
	             s.peak_rss / MiB);
	cr_expect_eq(s.tree_method, TACH_PEAK_NONE, "no cgroup asked for, no monitor");

	/* forked from here directly, the high-water mark is ours: the very
	 * effect the spawner avoids (Linux keeps it across exec) */
	tach_run_sample d = run(small, 1);
	cr_expect_geq(d.peak_rss, BIG * MiB, "%.1f MiB", d.peak_rss / MiB);
}

Test(spawn, peak_rss_is_the_largest_process_of_a_tree)
{
	start_then_grow();
	/* parent 50 MiB, child 200 MiB, grandchild 120 MiB, all at once */
	const char *tree[] = {TACH_TESTPROG, "--tree", NULL};
	tach_run_sample s = run(tree, 0);
	cr_expect_geq(s.peak_rss, 200 * MiB, "%.1f MiB", s.peak_rss / MiB);
	cr_expect_lt(s.peak_rss, 216 * MiB, "%.1f MiB: the largest one, not the sum",
	             s.peak_rss / MiB);
}

Test(spawn, orphans_reaped_by_tach_count)
{
	start_then_grow();
	/* a daemon outlives the leader; tach kills and reaps it, and its
	 * high-water mark still counts, though the leader never waited for it */
	const char *d[] = {TACH_TESTPROG, "--daemon", "--daemon-alloc", "40", NULL};
	tach_run_sample s = run(d, 0);
	cr_expect_geq(s.peak_rss, 40 * MiB, "%.1f MiB", s.peak_rss / MiB);
	/* and the spawner survived the clean-up: it still starts commands */
	const char *small[] = {TACH_TESTPROG, NULL};
	tach_run_sample t = run(small, 0);
	cr_expect_lt(t.peak_rss, 16 * MiB, "%.1f MiB", t.peak_rss / MiB);
}

Test(spawn, exec_errors_still_reported)
{
	start_then_grow();
	const char *none[] = {"/nonexistent/tach-no-such-program", NULL};
	tach_exec_opts o;
	memset(&o, 0, sizeof o);
	tach_run_sample s;
	tach_error err;
	cr_expect_eq(tach_exec((char *const *)none, &o, &s, &err), -ENOENT);
	cr_expect(strstr(err.message, "tach-no-such-program"), "%s", err.message);
	/* stdin from a file that does not exist: an error, not a run */
	const char *ok[] = {TACH_TESTPROG, NULL};
	o.input_path = "/nonexistent/input";
	cr_expect_eq(tach_exec((char *const *)ok, &o, &s, &err), -ENOENT);
}

Test(spawn, commands_run_where_tach_is_now)
{
	start_then_grow();
	/* tach bisect changes directory after start-up: the spawner, made
	 * before, must still start commands in tach's present directory */
	char dir[] = "/tmp/tach-spawn-cwd-XXXXXX", out[64];
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(chdir(dir), 0);
	snprintf(out, sizeof out, "%s/out", dir);
	const char *pwd[] = {"/bin/pwd", NULL};
	tach_exec_opts o;
	memset(&o, 0, sizeof o);
	o.output = TACH_OUTPUT_FILE;
	o.output_path = out;
	tach_run_sample s;
	tach_error err;
	cr_assert_eq(tach_exec((char *const *)pwd, &o, &s, &err), 0, "%s", err.message);
	char line[256] = "";
	FILE *f = fopen(out, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(line, sizeof line, f));
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	cr_expect_str_eq(line, dir);
	unlink(out);
	cr_expect_eq(chdir("/"), 0);
	rmdir(dir);
}

/* A run given its own directory starts there, through the spawner and
 * forked directly alike, and finds a relative ./program in it (so that
 * `tach bisect` runs the good build from its own work tree); one that
 * cannot be entered fails the spawn with its errno. */
Test(spawn, commands_run_in_the_directory_they_are_given)
{
	start_then_grow();
	char dir[] = "/tmp/tach-spawn-dir-XXXXXX", out[64], prog[64];
	cr_assert_not_null(mkdtemp(dir));
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(prog, sizeof prog, "%s/where", dir);
	FILE *f = fopen(prog, "w");
	cr_assert_not_null(f);
	fputs("#!/bin/sh\nexec /bin/pwd\n", f);
	fclose(f);
	cr_assert_eq(chmod(prog, 0755), 0);
	const char *where[] = {"./where", NULL};
	for (int direct = 0; direct < 2; direct++) {
		tach_exec_opts o;
		memset(&o, 0, sizeof o);
		o.output = TACH_OUTPUT_FILE;
		o.output_path = out;
		o.cwd = dir;
		o.direct = direct;
		tach_run_sample s;
		tach_error err;
		unlink(out);
		cr_assert_eq(tach_exec((char *const *)where, &o, &s, &err), 0, "%s", err.message);
		cr_expect_eq(s.exit_code, 0);
		char line[256] = "";
		f = fopen(out, "r");
		cr_assert_not_null(f);
		cr_assert_not_null(fgets(line, sizeof line, f));
		fclose(f);
		line[strcspn(line, "\n")] = '\0';
		cr_expect_str_eq(line, dir, "direct %d", direct);
		o.cwd = "/nonexistent/dir";
		cr_expect_eq(tach_exec((char *const *)where, &o, &s, &err), -ENOENT,
		             "direct %d", direct);
		cr_expect(strstr(err.message, "in '/nonexistent/dir'"), "%s", err.message);
	}
	char cwd[4096];
	cr_assert_not_null(getcwd(cwd, sizeof cwd));
	cr_expect_str_neq(cwd, dir, "tach itself stays where it was");
	unlink(out);
	unlink(prog);
	rmdir(dir);
}

/* A command gets tach's standard descriptors and what tach itself was
 * given, never a descriptor of tach's own making: the spawner's socket
 * (tach-spawn gets it across exec) reached every command before, where
 * it kept tach's end open and let the command ask for spawns. */
Test(spawn, commands_inherit_no_descriptor_of_tachs)
{
	start_then_grow();
	char out[64];
	snprintf(out, sizeof out, "/tmp/tach-spawn-fds-%d", (int)getpid());
	const char *list[] = {"/bin/sh", "-c", "for f in /proc/$$/fd/*; do readlink $f; done",
	                      NULL};
	for (int direct = 0; direct < 2; direct++) {
		tach_exec_opts o;
		memset(&o, 0, sizeof o);
		o.output = TACH_OUTPUT_FILE;
		o.output_path = out;
		o.direct = direct;
		tach_run_sample s;
		tach_error err;
		unlink(out);
		cr_assert_eq(tach_exec((char *const *)list, &o, &s, &err), 0, "%s", err.message);
		FILE *f = fopen(out, "r");
		cr_assert_not_null(f);
		char line[512];
		int n = 0;
		while (fgets(line, sizeof line, f)) {
			line[strcspn(line, "\n")] = '\0';
			if (n++ < 3 || !strcmp(line, out) || !strncmp(line, "/dev/", 5))
				continue; /* 0-2, and the listing's own */
			/* anything else must be open in this process too */
			int ours = 0;
			char path[64], target[512];
			for (int fd = 0; fd < 1024 && !ours; fd++) {
				snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
				ssize_t k = readlink(path, target, sizeof target - 1);
				if (k > 0) {
					target[k] = '\0';
					ours = !strcmp(target, line);
				}
			}
			cr_expect(ours, "direct %d: the command holds %s, which is not ours", direct,
			          line);
		}
		fclose(f);
	}
	unlink(out);
}
