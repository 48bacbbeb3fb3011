/* cmd_bisect.c - `tach bisect --good REV --bad REV -- BENCH_CMD...`: which
 * commit made it slower.
 *
 * The good revision is checked out once into a second work tree (a
 * private temporary directory) and built there; from then on every
 * commit is measured against it in the same job by the A/B engine
 * (tach/ab.h): BENCH_CMD runs in both trees, interleaved in random order,
 * so the machine's drift over the minutes a bisection takes hits both
 * sides alike instead of looking like a change.  First the bad revision:
 * when it did not regress against the good one there is nothing to look
 * for.  Then `git bisect run` with tach itself as the test: at each commit
 * `tach bisect --step` builds (--build; a failure is "skip", exit 125),
 * measures against the good tree, and says bad (exit 1) when the commit's
 * time is nearer the bad end's than the good end's, good (exit 0)
 * otherwise.  Every step's change is kept in the repository's
 * tach-bisect.log (beside git's own bisect state), so the
 * first bad commit is printed with the change it showed.  The work tree is
 * restored with `git bisect reset` and the second tree removed.  No shell
 * is involved unless BENCH_CMD or --build invoke one themselves.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/stop.h"

extern char **environ;

enum {
	OPT_GOOD = 1, OPT_BAD, OPT_BUILD, OPT_RUNS, OPT_MAX_RUNS, OPT_MAX_TIME, OPT_MIN_EFFECT,
	OPT_STEP, OPT_GOOD_DIR, OPT_BAD_CHANGE,
};

const cli_opt cmd_bisect_opts[] = {
	CLI_VALUE(OPT_GOOD, "good", 0, "REV", "a revision where the benchmark was fast"),
	CLI_VALUE(OPT_BAD, "bad", 0, "REV", "a later revision where it is slow"),
	CLI_VALUE(OPT_BUILD, "build", 0, "CMD", "build command at each commit (a failure skips the commit)"),
	CLI_NUMBER(OPT_RUNS, "runs", 'r', "N", "runs of each side in the first batch of a comparison (default 10)", 3, 100000),
	CLI_NUMBER(OPT_MAX_RUNS, "max-runs", 0, "N", "at most N runs of each side per comparison (default 50)", 3, 1000000),
	CLI_VALUE(OPT_MAX_TIME, "max-time", 0, "TIME", "time for one comparison's adaptive measurement (60s)"),
	CLI_VALUE(OPT_MIN_EFFECT, "min-effect", 0, "PCT", "smallest change that counts as slower (1%)"),
	CLI_FLAG(OPT_STEP, "step", 0, "(internal) one step of git bisect run"),
	CLI_VALUE(OPT_GOOD_DIR, "good-dir", 0, "DIR", "(internal) the good revision's work tree"),
	CLI_VALUE(OPT_BAD_CHANGE, "bad-change", 0, "RATIO", "(internal) the bad side's time over the good side's"),
	CLI_END,
};

const char cmd_bisect_details[] =
	"Checks the --good revision out into a second work tree (a temporary\n"
	"directory) and builds it there once; every later measurement runs\n"
	"BENCH_CMD (the words after --; no shell) in that tree and in this one,\n"
	"interleaved, as 'tach compare --run' does, so drift of the machine over\n"
	"the bisection cancels.  When --bad regressed against --good, lets git\n"
	"bisect run 'tach bisect --step' at each commit between: each step runs\n"
	"--build (a failure skips the commit, as does a failing benchmark) and\n"
	"compares BENCH_CMD here with the good tree (printing the change); a commit\n"
	"is bad when its time is nearer the bad end's than the good end's (above\n"
	"their geometric midpoint).\n"
	"BENCH_CMD and --build run in the tree they measure or build, so relative\n"
	"paths (./build/bench) name each tree's own files.  Prints the first bad\n"
	"commit and the change it showed, and restores the work tree.";

typedef struct bisect {
	const char *good, *bad, *build, *good_dir;
	size_t runs, max_runs;
	double max_time;
	double min_effect;
	double bad_change; /* the bad end's time ratio to the good end */
	int step;
	char **cmd; /* BENCH_CMD */
} bisect;

/* Runs argv (no shell) in directory `dir` (NULL: here) with stdout to
 * /dev/null unless capture, in a process group of its own; returns the
 * exit status, -1 when it could not start or was killed.  A stop request
 * (Ctrl-C, SIGTERM of a cancelled job) is passed on to the whole group --
 * git bisect run and the tach --step under it, which kills its measured
 * run -- and the child is waited for, so nothing outlives tach. */
static int run_in(const char *dir, char *const *argv, char *capture, size_t size)
{
	/* a stop that came before this child is not for it: the clean-up's
	 * git commands run after one */
	int fd[2] = {-1, -1}, passed = cli_stop_signal != 0;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawn_file_actions_init(&fa);
	if (dir)
		posix_spawn_file_actions_addchdir_np(&fa, dir);
	if (capture) {
		/* close-on-exec: the child gets the write end as its stdout
		 * only, so that nothing it starts holds the pipe open */
		if (pipe2(fd, O_CLOEXEC)) {
			posix_spawn_file_actions_destroy(&fa);
			return -1;
		}
		posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	} else {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1, 0);
	}
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (capture) {
		close(fd[1]);
		size_t got = 0;
		ssize_t n;
		while (!rc && got + 1 < size) {
			n = read(fd[0], capture + got, size - 1 - got);
			if (n < 0 && errno == EINTR) {
				passed = passed || (cli_stop_signal && kill(-pid, cli_stop_signal) == 0);
				continue;
			}
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		capture[got] = 0;
		close(fd[0]);
	}
	if (rc)
		return -1;
	int st;
	pid_t w;
	if (!passed && cli_stop_signal) /* came before the wait could be interrupted */
		passed = kill(-pid, cli_stop_signal) == 0;
	while ((w = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		passed = passed || (cli_stop_signal && kill(-pid, cli_stop_signal) == 0);
	if (w < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int run(char *const *argv, char *capture, size_t size)
{
	return run_in(NULL, argv, capture, size);
}

/* The steps' log: in the repository's git directory, which is not .git
 * in a linked work tree or a submodule (.git is a file there). */
static const char *log_path(void)
{
	static char path[PATH_MAX];
	if (!path[0]) {
		char *argv[] = {"git", "rev-parse", "--git-path", "tach-bisect.log", NULL};
		if (run(argv, path, sizeof path) != 0 || !path[0])
			snprintf(path, sizeof path, ".git/tach-bisect.log");
		path[strcspn(path, "\n")] = 0;
	}
	return path;
}

static int git(const char *a, const char *b, const char *c, const char *d)
{
	char *argv[] = {"git", (char *)a, (char *)b, (char *)c, (char *)d, NULL};
	return run(argv, NULL, 0);
}

/* Runs --build in `dir` (NULL: here): its exit status, 0 without one. */
static int build(const bisect *bs, const char *dir)
{
	if (!bs->build)
		return 0;
	char **argv;
	tach_error err;
	if (tach_words_split(bs->build, &argv, &err))
		return -1;
	int rc = run_in(dir, argv, NULL, 0);
	tach_words_free(argv);
	return rc;
}

/* BENCH_CMD in the good tree against BENCH_CMD here, interleaved by the
 * A/B engine until the time row is decided at `min_effect` (or the run
 * or time limit).  *change gets the ratio of medians (here / good),
 * *verdict the row's verdict.  0, 128 + a signal when stopped, 125 when
 * a run failed (exit status, signal, timeout), or EXIT_USAGE after saying
 * why. */
static int against_good(const bisect *bs, double min_effect, int confirm, double *change,
                        tach_verdict *verdict)
{
	const char *metrics[] = {"time", NULL};
	tach_compare_opts co = {.rule = tach_compare_rule_default(), .metrics = metrics};
	co.rule.min_effect = min_effect;
	tach_ab_opts ao = {.base_argv = bs->cmd, .cand_argv = bs->cmd, .warmup = 1,
	                   .min_runs = bs->runs, .max_runs = bs->max_runs,
	                   .max_time = bs->max_time, .seed = 1, .confirm = confirm,
	                   .base_cwd = bs->good_dir, .stop = &cli_stop_signal};
	tach_ab_outcome out = {0};
	tach_error err = {0};
	int rc = tach_ab_compare(&ao, &co, &out, &err);
	int status = 0;
	if (out.stopped) {
		status = 128 + cli_stop_signal;
	} else if (rc || !out.comparison || out.comparison->n_rows != 1) {
		status = cli_error("cannot measure '%s': %s", bs->cmd[0],
		                   err.message[0] ? err.message : tach_strerror(rc));
		if (rc == TACH_ERANGE)
			status = 125;
	}
	else {
		*change = out.comparison->rows[0].ratio;
		*verdict = out.comparison->rows[0].verdict;
	}
	tach_ab_outcome_release(&out);
	return status;
}

/* `tach bisect --step`: git bisect run's test at one commit. */
static int step(const bisect *bs)
{
	if (build(bs, NULL) != 0)
		return 125; /* cannot test this commit: skip it */
	/* git bisect needs a yes or no at every commit.  Both ends were
	 * measured and differ significantly, so the question here is only
	 * which end the commit is nearer: a commit is bad when its time is
	 * above the geometric midpoint of the two.  Deciding the comparison
	 * at the midpoint's distance (not at the smallest change worth
	 * reporting) lets the engine stop as soon as the commit's side is
	 * clear. */
	double mid = bs->bad_change > 1 ? sqrt(bs->bad_change) - 1 : 0;
	double effect = mid > bs->min_effect ? mid : bs->min_effect;
	double change = 0;
	tach_verdict verdict = TACH_INCONCLUSIVE;
	int st = against_good(bs, effect, 0, &change, &verdict);
	if (st == 125) {
		/* the benchmark fails at this commit (the good tree's ran at the
		 * start): it cannot say faster or slower, so the commit is
		 * skipped, as one that does not build */
		fprintf(stderr, "tach bisect: the benchmark failed here: skipping this commit\n");
		return 125;
	}
	if (st)
		return 128; /* abort the bisection */
	int bad = bs->bad_change > 1 ? change * change >= bs->bad_change && change > 1 + bs->min_effect
	                             : verdict == TACH_REGRESSED;
	char head[64] = "";
	char *argv[] = {"git", "rev-parse", "HEAD", NULL};
	run(argv, head, sizeof head);
	head[strcspn(head, "\n")] = 0;
	FILE *log = fopen(log_path(), "a");
	if (log) {
		fprintf(log, "%s %.6f %s\n", head, change, bad ? "bad" : "good");
		fclose(log);
	}
	fprintf(stderr, "tach bisect: %.12s %+.2f%% (%s) -> %s\n", head, (change - 1) * 100,
	        tach_verdict_name(verdict), bad ? "bad" : "good");
	return bad;
}

static double logged_change(const char *commit)
{
	FILE *f = fopen(log_path(), "r");
	char line[256];
	double change = 0;
	while (f && fgets(line, sizeof line, f)) {
		char c[64];
		double v;
		if (sscanf(line, "%63s %lf", c, &v) == 2 && !strcmp(c, commit))
			change = v;
	}
	if (f)
		fclose(f);
	return change;
}

/* REV as a full commit hash into buf (so that HEAD~3 keeps meaning the
 * same commit after checkouts); 0 or -1. */
static int resolve_rev(const char *rev, char *buf, size_t size)
{
	char spec[300];
	snprintf(spec, sizeof spec, "%s^{commit}", rev);
	char *argv[] = {"git", "rev-parse", "--verify", "--quiet", spec, NULL};
	if (run(argv, buf, size) != 0)
		return -1;
	buf[strcspn(buf, "\n")] = 0;
	return buf[0] ? 0 : -1;
}

/* The good revision's own work tree: `git worktree add --detach` into a
 * new private directory under $TMPDIR; dir gets its path, tmp the
 * directory to remove after it. */
static int good_tree(const char *hash, char *tmp, size_t tsize, char *dir, size_t dsize)
{
	const char *t = getenv("TMPDIR");
	if (!t || t[0] != '/' || strlen(t) > PATH_MAX - 64)
		t = "/tmp";
	snprintf(tmp, tsize, "%s/tach-bisect-XXXXXX", t);
	if (!mkdtemp(tmp)) {
		tmp[0] = 0;
		return cli_error("cannot make a temporary directory in %s: %s", t, strerror(errno));
	}
	snprintf(dir, dsize, "%s/good", tmp);
	char *argv[] = {"git", "worktree", "add", "--detach", "--quiet", dir, (char *)hash, NULL};
	if (run(argv, NULL, 0) != 0)
		return cli_error("cannot check the good revision out into %s (git worktree add)", dir);
	return 0;
}

static void remove_good_tree(const char *tmp, const char *dir)
{
	if (!tmp[0])
		return;
	char *argv[] = {"git", "worktree", "remove", "--force", (char *)dir, NULL};
	run(argv, NULL, 0);
	char *prune[] = {"git", "worktree", "prune", NULL};
	run(prune, NULL, 0);
	rmdir(tmp);
}

/* git bisect run TACH bisect --step --good-dir DIR ... -- BENCH_CMD, with
 * git's output in *out (malloc'd).  Its exit status, -1 if it failed. */
static int bisect_run(const bisect *bs, char **out)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	*out = NULL;
	if (n <= 0)
		return cli_error("cannot find tach's own executable"), -1;
	self[n] = 0;
	char runs[32], maxr[32], maxt[48], effect[48], badch[48];
	snprintf(runs, sizeof runs, "%zu", bs->runs);
	snprintf(maxr, sizeof maxr, "%zu", bs->max_runs);
	snprintf(maxt, sizeof maxt, "%.17gs", bs->max_time);
	snprintf(badch, sizeof badch, "%.17g", bs->bad_change);
	snprintf(effect, sizeof effect, "%.17g%%", bs->min_effect * 100);
	size_t nc = 0;
	while (bs->cmd[nc])
		nc++;
	char **argv = calloc(nc + 32, sizeof *argv);
	if (!argv)
		return -1;
	size_t k = 0;
	argv[k++] = "git", argv[k++] = "bisect", argv[k++] = "run", argv[k++] = self;
	argv[k++] = "bisect", argv[k++] = "--step", argv[k++] = "--good-dir";
	argv[k++] = (char *)bs->good_dir;
	argv[k++] = "--runs", argv[k++] = runs, argv[k++] = "--max-runs", argv[k++] = maxr;
	argv[k++] = "--max-time", argv[k++] = maxt;
	argv[k++] = "--min-effect", argv[k++] = effect;
	argv[k++] = "--bad-change", argv[k++] = badch;
	if (bs->build)
		argv[k++] = "--build", argv[k++] = (char *)bs->build;
	argv[k++] = "--";
	for (size_t i = 0; i < nc; i++)
		argv[k++] = bs->cmd[i];
	*out = malloc(1 << 16);
	int rc = *out ? run(argv, *out, 1 << 16) : -1;
	free(argv);
	return rc;
}

static int drive(const bisect *in)
{
	bisect copy = *in, *bs = &copy;
	char good_hash[64], bad_hash[64];
	if (resolve_rev(in->good, good_hash, sizeof good_hash))
		return cli_error("--good %s: not a commit", in->good);
	if (resolve_rev(in->bad, bad_hash, sizeof bad_hash))
		return cli_error("--bad %s: not a commit", in->bad);
	bs->good = good_hash;
	bs->bad = bad_hash;
	char top[PATH_MAX] = "", head[128] = "";
	char *toplevel[] = {"git", "rev-parse", "--show-toplevel", NULL};
	if (run(toplevel, top, sizeof top) != 0)
		return cli_error("not inside a git work tree");
	top[strcspn(top, "\n")] = 0;
	if (chdir(top))
		return cli_error("cannot enter %s: %s", top, strerror(errno));
	char *status[] = {"git", "status", "--porcelain", "--untracked-files=no", NULL};
	char changes[256];
	if (run(status, changes, sizeof changes) != 0 || changes[0])
		return cli_error("the work tree has uncommitted changes; commit or stash them first");
	/* a bisection left by a killed tach (or begun by hand): starting
	 * another would lose the branch it began from */
	char *start[] = {"git", "rev-parse", "--git-path", "BISECT_START", NULL};
	char mark[PATH_MAX] = "";
	if (run(start, mark, sizeof mark) == 0 && (mark[strcspn(mark, "\n")] = 0, mark[0]) &&
	    access(mark, F_OK) == 0)
		return cli_error("a git bisection is in progress here; end it with 'git bisect reset' "
		                 "first");
	/* work trees of a killed bisection whose directories are gone */
	char *prune[] = {"git", "worktree", "prune", NULL};
	run(prune, NULL, 0);
	char *sym[] = {"git", "symbolic-ref", "--short", "-q", "HEAD", NULL};
	if (run(sym, head, sizeof head) != 0 || !head[0]) {
		char *rev[] = {"git", "rev-parse", "HEAD", NULL};
		run(rev, head, sizeof head);
	}
	head[strcspn(head, "\n")] = 0;
	unlink(log_path());
	/* an absolute path into this tree runs this tree's build on both
	 * sides: the comparison would find nothing */
	size_t tl = strlen(top);
	for (char **w = bs->cmd; *w; w++)
		if (!strncmp(*w, top, tl) && (*w)[tl] == '/') {
			cli_warn("'%s' names this work tree by an absolute path, so the good tree's "
			         "build would not be used there; write it relative (./%s)",
			         *w, *w + tl + 1);
			break;
		}

	char tmp[PATH_MAX] = "", dir[PATH_MAX + 16] = "";
	int status_rc = EXIT_USAGE;
	char rev[256], rev2[256]; /* revisions as typed, escaped for the terminal */
	fprintf(stderr, "tach bisect: checking the good side (%s) out into its own work tree\n",
	        cli_text(rev, sizeof rev, in->good));
	if (good_tree(bs->good, tmp, sizeof tmp, dir, sizeof dir))
		goto restore;
	bs->good_dir = dir;
	if (build(bs, dir)) {
		cli_error("cannot build the good revision %s in %s", in->good, dir);
		goto restore;
	}
	fprintf(stderr, "tach bisect: measuring the bad side (%s) against it\n",
	        cli_text(rev, sizeof rev, in->bad));
	double change = 0;
	tach_verdict verdict = TACH_INCONCLUSIVE;
	if (git("checkout", "--quiet", bs->bad, NULL) || build(bs, NULL)) {
		cli_error("cannot check out and build the bad revision %s", in->bad);
		goto restore;
	}
	if ((status_rc = against_good(bs, bs->min_effect, 1, &change, &verdict))) {
		if (status_rc == 125) /* a failing run at an end: nothing to bisect by */
			status_rc = EXIT_USAGE;
		goto restore;
	}
	if (verdict != TACH_REGRESSED) {
		printf("no regression between %s and %s (time %+.2f%%, %s): nothing to bisect\n",
		       cli_text(rev, sizeof rev, in->good), cli_text(rev2, sizeof rev2, in->bad),
		       (change - 1) * 100, tach_verdict_name(verdict));
		status_rc = EXIT_OK;
		goto restore;
	}
	bs->bad_change = change;
	status_rc = EXIT_USAGE;
	fprintf(stderr, "tach bisect: %s is %+.2f%% slower than %s; bisecting\n",
	        cli_text(rev, sizeof rev, in->bad), (change - 1) * 100,
	        cli_text(rev2, sizeof rev2, in->good));
	if (git("bisect", "start", bs->bad, bs->good)) {
		if (!cli_stop_signal)
			cli_error("git bisect start failed");
		goto reset; /* it may have begun */
	}
	char *out = NULL;
	int rc = bisect_run(bs, &out);
	char first[64] = "", subject[512] = "";
	char *bad_ref[] = {"git", "rev-parse", "refs/bisect/bad", NULL};
	if (cli_stop_signal) {
		status_rc = 128 + cli_stop_signal;
	} else if (rc == 0 && run(bad_ref, first, sizeof first) == 0) {
		first[strcspn(first, "\n")] = 0;
		char *show[] = {"git", "log", "-1", "--format=%s", first, NULL};
		run(show, subject, sizeof subject);
		subject[strcspn(subject, "\n")] = 0;
		double ch = logged_change(first);
		char esc[sizeof subject * 4], shown[256];
		printf("first bad commit: %s %s\n", cli_text(shown, sizeof shown, first),
		       cli_text(esc, sizeof esc, subject));
		if (ch > 0)
			printf("measured change there: time %+.2f%% against %s\n", (ch - 1) * 100,
			       cli_text(shown, sizeof shown, in->good));
		status_rc = EXIT_OK;
	} else {
		cli_error("git bisect run did not finish (status %d)%s", rc, out ? ":" : "");
		/* git's output line by line, each escaped (it carries commit
		 * subjects and the benchmark's own output) */
		for (char *line = out, *end; line && *line; line = end ? end + 1 : NULL) {
			if ((end = strchr(line, '\n')))
				*end = '\0';
			tach_text_write(stderr, line);
			fputc('\n', stderr);
		}
	}
	free(out);
reset:
	/* whatever a killed step left -- tach is the subreaper of the runs it
	 * started, and of what they started -- goes before the tree changes */
	tach_kill_descendants(0);
	git("bisect", "reset", NULL, NULL);
restore:
	git("checkout", "--quiet", head, NULL);
	remove_good_tree(tmp, dir);
	if (cli_stop_signal) /* an unfinished bisection is no answer */
		status_rc = 128 + cli_stop_signal;
	return status_rc;
}

int cmd_bisect(int argc, char **argv, const cli_cmd *self)
{
	int status;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	bisect bs = {.runs = 10, .max_runs = 50, .max_time = 60, .min_effect = 0.01};
	status = 0;
	for (size_t i = 0; i < p.n && !status; i++) {
		const char *v = p.items[i].value, *sp = p.items[i].spelled;
		switch (p.items[i].id) {
		case OPT_GOOD: bs.good = v; break;
		case OPT_BAD: bs.bad = v; break;
		case OPT_BUILD: bs.build = v; break;
		case OPT_STEP: bs.step = 1; break;
		case OPT_GOOD_DIR: bs.good_dir = v; break;
		case OPT_BAD_CHANGE: {
			char *end;
			bs.bad_change = strtod(v, &end);
			if (end == v || *end || !(bs.bad_change > 0))
				status = cli_bad_value(sp, v, "a positive ratio");
			break;
		}
		case OPT_RUNS: bs.runs = (size_t)p.items[i].count; break;
		case OPT_MAX_RUNS: bs.max_runs = (size_t)p.items[i].count; break;
		case OPT_MAX_TIME:
			if (tach_parse_duration(v, &bs.max_time) || !(bs.max_time > 0))
				status = cli_bad_value(sp, v, "a positive duration such as 30s or 2m");
			break;
		case OPT_MIN_EFFECT: {
			char *end;
			double d = strtod(v, &end);
			if (end == v || (*end && strcmp(end, "%")) || !(d >= 0))
				status = cli_bad_value(sp, v, "a percentage such as 2%");
			bs.min_effect = *end ? d / 100 : d;
			break;
		}
		}
	}
	if (bs.max_runs < bs.runs)
		bs.max_runs = bs.runs;
	if (!status && !p.npos)
		status = cli_error("expected the benchmark command after --");
	if (!status && !bs.step && (!bs.good || !bs.bad))
		status = cli_error("--good and --bad are required");
	if (!status && bs.step && !bs.good_dir)
		status = cli_error("--step needs --good-dir");
	if (!status) {
		char **cmd = calloc(p.npos + 1, sizeof *cmd);
		if (!cmd)
			status = cli_error("out of memory");
		for (size_t i = 0; cmd && i < p.npos; i++)
			cmd[i] = p.pos[i];
		bs.cmd = cmd;
		/* a stop reaches a step too (the driver passes it on to git
		 * bisect run's process group): the run in progress is killed */
		cli_stop_on_signals();
		if (cmd)
			status = bs.step ? step(&bs) : drive(&bs);
		free(cmd);
	}
	cli_parsed_free(&p);
	return status;
}
