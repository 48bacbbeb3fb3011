/* test_cli_ab.c - the A/B engine from the command line: `tach compare
 * --run` stopped by a signal (the runs so far compared, nothing left
 * running, nothing saved) and pinned to CPUs; `tach bisect`, which measures
 * every commit against the good revision's own work tree: each tree runs
 * its own build of a relative command, a stop restores the repository, and
 * no regression means nothing to bisect. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

extern char **environ;

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/tach-ab-cli-XXXXXX");
	cr_assert(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void write_script(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert(f, "%s", path);
	fputs(text, f);
	fclose(f);
	cr_assert_eq(chmod(path, 0755), 0);
}

static size_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	for (int c; f && (c = fgetc(f)) != EOF;)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert(f, "%s", path);
	char *buf = calloc(1, 1 << 16);
	size_t n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* Starts tach with argv (TACH_EXE first) in the background, stdout and
 * stderr to files; its pid. */
static pid_t start_tach(char *const *argv, const char *out, const char *err)
{
	pid_t pid;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_eq(posix_spawn(&pid, TACH_EXE, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

/* Waits up to 60 s for pid: its exit status (128 + signal), or -1 after
 * killing it. */
static int wait_tach(pid_t pid)
{
	int status;
	for (double t0 = now(); now() - t0 < 60; usleep(10000))
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/* SIGTERM (a cancelled CI job) in the middle of `compare --run`: the run
 * in progress is killed with its group, the runs so far are compared and
 * shown, --save keeps nothing, and tach exits 143. */
Test(cli_ab, compare_run_stopped_compares_the_runs_so_far, .init = setup, .fini = teardown)
{
	char marker[64], script[128], count[128], out[128], err[128], db[128], cand[256];
	snprintf(marker, sizeof marker, "tach-ab-stop-%d", (int)getpid());
	snprintf(script, sizeof script, "%s/side", dir);
	snprintf(count, sizeof count, "%s/count", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(err, sizeof err, "%s/err", dir);
	snprintf(db, sizeof db, "%s/h.db", dir);
	char text[512];
	snprintf(text, sizeof text, "#!/bin/sh\necho run >> '%s'\nexec '%s' --marker \"$1\" --sleep 30\n",
	         count, TACH_TESTPROG);
	write_script(script, text);
	snprintf(cand, sizeof cand, "%s %s", script, marker);
	char *args[] = {TACH_EXE, "compare", "--run", "--min-runs", "100000", "--max-time", "10m",
	                "--save", "--db", db, script, cand, NULL};
	pid_t pid = start_tach(args, out, err);
	/* a warm-up of each and some timed runs */
	double t0 = now();
	while (count_lines(count) < 12 && now() - t0 < 30)
		usleep(10000);
	cr_assert_geq(count_lines(count), 12, "the runs never started");
	kill(pid, SIGTERM);
	int st = wait_tach(pid);
	cr_expect_eq(count_marked(marker, 1), 0, "a run survived");
	cr_assert_eq(st, 128 + SIGTERM);
	char *o = slurp(out), *e = slurp(err);
	cr_expect(strstr(e, "interrupted: comparing the "), "%s", e);
	cr_expect(strstr(o, "command") && strstr(o, "time"), "the table of the runs so far: %s", o);
	struct stat sb;
	cr_expect_neq(stat(db, &sb), 0, "nothing saved: %s exists", db);
	free(o);
	free(e);
}

/* --cpus pins both commands and all they start; it needs --run or --aa. */
Test(cli_ab, compare_run_pins_both_sides, .init = setup, .fini = teardown)
{
	char script[128], seen[128];
	snprintf(script, sizeof script, "%s/where", dir);
	snprintf(seen, sizeof seen, "%s/seen", dir);
	char text[512];
	snprintf(text, sizeof text, "#!/bin/sh\ngrep Cpus_allowed_list /proc/self/status >> '%s'\n",
	         seen);
	write_script(script, text);
	char cand[256];
	snprintf(cand, sizeof cand, "%s x", script);
	run_result r = run_tach(ARGV("compare", "--run", "--cpus", "0", "--min-runs", "3",
	                             "--max-runs", "3", script, cand),
	                        NULL, NULL, NULL);
	cr_expect(r.status == 0 || r.status == 1, "%s%s", r.out, r.err);
	run_free(&r);
	char *s = slurp(seen);
	size_t lines = 0;
	for (char *line = s, *end; *line; line = end + 1) {
		end = strchr(line, '\n');
		cr_assert(end);
		*end = 0;
		cr_expect(strstr(line, "\t0") && !strchr(line, '-') && !strchr(line, ','),
		          "a run not pinned to CPU 0: %s", line);
		lines++;
	}
	cr_expect_geq(lines, 8, "warm-ups and runs of both sides: %zu", lines);
	free(s);
	r = run_tach(ARGV("compare", "--cpus", "0", "a.json", "b.json"), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--cpus goes with --run or --aa"), "%s", r.err);
	run_free(&r);
}

/* A repository of 8 commits whose benchmark, ./bench built from bench.in
 * by --build, sleeps 20 ms, then 200 ms from commit 5 on (with hang 1, a
 * minute at commits 2 to 7, so that a bisection's first step is still
 * measuring when the test stops it; with hang 2, commit 6's exits 3).  Built files are not committed, so
 * the good tree has a bench only if --build ran there. */
static void make_repo(char *repo, size_t size, int hang)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && git init -q -b master repo && cd repo && git config user.email t@example.org && "
	         "git config user.name t && echo bench > .gitignore && "
	         "for i in 1 2 3 4 5 6 7 8; do "
	         "if [ $i -ge 5 ]; then ms=200; else ms=20; fi; "
	         "if [ %d = 1 ] && [ $i -gt 1 ] && [ $i -lt 8 ]; then ms=60000; fi; "
	         "x=; if [ %d = 1 ] && [ $i = 6 ]; then x='--exit 3'; fi; echo $i > n; "
	         "printf '#!/bin/sh\\nexec \"%%s\" --sleep %%s %%s \"$@\"\\n' '%s' $ms \"$x\" > bench.in; "
	         "git add -A && git commit -qm \"commit $i\" || exit 1; done",
	         dir, hang == 1, hang == 2, TACH_TESTPROG);
	cr_assert_eq(system(cmd), 0);
	snprintf(repo, size, "%s/repo", dir);
}

/* The repository as it was: clean, on its branch at commit 8, no bisection
 * and no second work tree left, nothing in the private TMPDIR. */
static void expect_restored(const char *repo, const char *tmp)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && test -z \"$(git status --porcelain)\" && "
	         "test \"$(git symbolic-ref --short HEAD)\" = master -o "
	         "\"$(git symbolic-ref --short HEAD)\" = main && "
	         "git log -1 --format=%%s | grep -qx 'commit 8' && ! git bisect log >/dev/null 2>&1 && "
	         "test \"$(git worktree list | wc -l)\" = 1 && test -z \"$(ls -A '%s')\"",
	         repo, tmp);
	cr_expect_eq(system(cmd), 0, "the repository is not as it was");
}

/* `tach bisect --good GOOD --bad BAD --runs 5 --build ... -- BENCH` run in
 * dir `where`, with a TMPDIR of its own (tmp, made here) for the good tree. */
static run_result bisect_in(const char *where, const char *tmp, const char *good,
                            const char *bad, const char *bench)
{
	char env[160], old[1024];
	cr_assert_eq(mkdir(tmp, 0700), 0);
	snprintf(env, sizeof env, "TMPDIR=%s", tmp);
	cr_assert(getcwd(old, sizeof old));
	cr_assert_eq(chdir(where), 0);
	run_result r = run_tach(ARGV("bisect", "--good", good, "--bad", bad, "--runs", "5", "--build",
	                             "install -m 755 bench.in bench", "--", bench),
	                        NULL, ARGV(env), NULL);
	cr_assert_eq(chdir(old), 0);
	return r;
}

Test(cli_ab, bisect_measures_each_commit_against_the_good_tree, .init = setup, .fini = teardown)
{
	char repo[128], tmp[128];
	make_repo(repo, sizeof repo, 0);
	snprintf(tmp, sizeof tmp, "%s/tmp", dir);
	run_result r = bisect_in(repo, tmp, "HEAD~7", "HEAD", "./bench");
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "first bad commit: ") && strstr(r.out, " commit 5\n"), "%s%s", r.out,
	          r.err);
	cr_expect(strstr(r.err, "its own work tree"), "%s", r.err);
	/* every step compared with the good tree: about 10x, or the same */
	cr_expect(strstr(r.err, "(regressed) -> bad") || strstr(r.err, "(same) -> good"), "%s",
	          r.err);
	run_free(&r);
	expect_restored(repo, tmp);
}

Test(cli_ab, bisect_without_a_regression_has_nothing_to_do, .init = setup, .fini = teardown)
{
	char repo[128], tmp[128], env[160];
	make_repo(repo, sizeof repo, 0);
	snprintf(tmp, sizeof tmp, "%s/tmp", dir);
	cr_assert_eq(mkdir(tmp, 0700), 0);
	snprintf(env, sizeof env, "TMPDIR=%s", tmp);
	char old[1024];
	cr_assert(getcwd(old, sizeof old));
	cr_assert_eq(chdir(repo), 0);
	/* the bad end is commit 4: as fast as commit 1 */
	cr_assert_eq(system("git reset -q --hard HEAD~4"), 0);
	/* named by an absolute path into the tree: a warning, since both
	 * sides would then run this tree's build */
	char bench[256];
	snprintf(bench, sizeof bench, "%s/bench", repo);
	run_result r = run_tach(ARGV("bisect", "--good", "HEAD~3", "--bad", "HEAD", "--runs", "5",
	                             "--build", "install -m 755 bench.in bench", "--", bench),
	                        NULL, ARGV(env), NULL);
	cr_expect(strstr(r.err, "names this work tree by an absolute path") &&
	          strstr(r.err, "(./bench)"), "%s", r.err);
	/* a bisection already in progress (a killed tach's, or one by hand)
	 * is not overrun */
	cr_assert_eq(system("git bisect start HEAD HEAD~2 >/dev/null 2>&1"), 0);
	run_result busy = run_tach(ARGV("bisect", "--good", "master~3", "--bad", "master", "--",
	                                "./bench"),
	                           NULL, ARGV(env), NULL);
	cr_expect_eq(busy.status, 2);
	cr_expect(strstr(busy.err, "a git bisection is in progress here"), "%s", busy.err);
	run_free(&busy);
	cr_assert_eq(system("git bisect reset >/dev/null 2>&1"), 0);
	cr_assert_eq(chdir(old), 0);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "nothing to bisect"), "%s%s", r.out, r.err);
	run_free(&r);
}

/* SIGTERM while git bisect run is stepping: the step's run is killed, the
 * bisection reset, the work tree back on its branch, the good tree gone. */
Test(cli_ab, bisect_stopped_restores_the_repository, .init = setup, .fini = teardown)
{
	char repo[128], tmp[128], out[128], err[128], marker[64];
	make_repo(repo, sizeof repo, 1);
	snprintf(tmp, sizeof tmp, "%s/tmp", dir);
	cr_assert_eq(mkdir(tmp, 0700), 0);
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(err, sizeof err, "%s/err", dir);
	snprintf(marker, sizeof marker, "tach-bisect-stop-%d", (int)getpid());
	char old[1024];
	cr_assert(getcwd(old, sizeof old));
	cr_assert_eq(chdir(repo), 0);
	setenv("TMPDIR", tmp, 1);
	char *args[] = {TACH_EXE, "bisect", "--good", "HEAD~7", "--bad", "HEAD", "--runs", "5",
	                "--build", "install -m 755 bench.in bench", "--",
	                "./bench", "--marker", marker, NULL};
	pid_t pid = start_tach(args, out, err);
	unsetenv("TMPDIR");
	/* wait for the bisection, then give its first step (a minute's run)
	 * time to start; a stop while git bisect starts must restore too */
	double t0 = now();
	char *e = NULL;
	for (; now() - t0 < 60; usleep(50000)) {
		free(e);
		e = slurp(err);
		if (strstr(e, "bisecting"))
			break;
	}
	cr_assert(strstr(e, "bisecting"), "the bisection never began: %s", e);
	free(e);
	sleep(1);
	kill(pid, SIGTERM);
	int st = wait_tach(pid);
	cr_expect_eq(count_marked(marker, 1), 0, "a run survived");
	cr_assert_eq(chdir(old), 0);
	cr_expect_eq(st, 128 + SIGTERM, "%s", slurp(err));
	expect_restored(repo, tmp);
}

/* In a linked work tree .git is a file: the steps' log goes to the tree's
 * git directory, so the first bad commit is still shown with its change. */
Test(cli_ab, bisect_in_a_linked_work_tree, .init = setup, .fini = teardown)
{
	char repo[128], linked[160], tmp[128], cmd[512];
	make_repo(repo, sizeof repo, 0);
	snprintf(linked, sizeof linked, "%s/linked", dir);
	snprintf(cmd, sizeof cmd, "cd '%s' && git worktree add -q '%s' HEAD", repo, linked);
	cr_assert_eq(system(cmd), 0);
	snprintf(tmp, sizeof tmp, "%s/tmp", dir);
	run_result r = bisect_in(linked, tmp, "HEAD~7", "HEAD", "./bench");
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, " commit 5\n"), "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "measured change there: time +"), "%s%s", r.out, r.err);
	run_free(&r);
}


/* A commit whose benchmark fails cannot be placed: it is skipped, as one
 * that does not build, and the bisection still names the first slow one
 * (git bisect needs commit 6 only when 5 or 7 cannot tell). */
Test(cli_ab, bisect_skips_a_commit_whose_benchmark_fails, .init = setup, .fini = teardown)
{
	char repo[128], tmp[128];
	make_repo(repo, sizeof repo, 2);
	snprintf(tmp, sizeof tmp, "%s/tmp", dir);
	/* good = commit 5's parent (4), bad = 7: the midpoint step is commit 6 */
	run_result r = bisect_in(repo, tmp, "HEAD~4", "HEAD~1", "./bench");
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.err, "the benchmark failed here: skipping this commit"), "%s", r.err);
	cr_expect(strstr(r.out, " commit 5\n"), "%s%s", r.out, r.err);
	run_free(&r);
	expect_restored(repo, tmp);
}
