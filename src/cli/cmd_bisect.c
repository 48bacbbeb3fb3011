/* cmd_bisect.c - `tach bisect --good REV --bad REV -- BENCH_CMD...`: which
 * commit made it slower.
 *
 * tach measures BENCH_CMD at the good revision (its samples become the
 * oracle) and at the bad one (to be sure there is a regression to look
 * for), then drives `git bisect run` with itself as the test: at each
 * commit `tach bisect --step` builds (--build; a failed build is "skip",
 * exit 125), measures, and compares with the good samples: "regressed" is
 * bad (exit 1), anything else good (exit 0).  Every step's measured change
 * is kept in .git/tach-bisect.log, so the first bad commit is printed with
 * the change it showed.  The work tree is restored with `git bisect reset`.
 * No shell is involved unless BENCH_CMD or --build invoke one themselves.
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/input.h"

extern char **environ;

enum { OPT_GOOD = 1, OPT_BAD, OPT_BUILD, OPT_RUNS, OPT_MIN_EFFECT, OPT_STEP, OPT_BASE, OPT_BAD_CHANGE };

const cli_opt cmd_bisect_opts[] = {
	CLI_VALUE(OPT_GOOD, "good", 0, "REV", "a revision where the benchmark was fast"),
	CLI_VALUE(OPT_BAD, "bad", 0, "REV", "a later revision where it is slow"),
	CLI_VALUE(OPT_BUILD, "build", 0, "CMD", "build command at each commit (a failure skips the commit)"),
	CLI_NUMBER(OPT_RUNS, "runs", 'r', "N", "timed runs per commit (default 10)", 3, 100000),
	CLI_VALUE(OPT_MIN_EFFECT, "min-effect", 0, "PCT", "smallest change that counts as slower (1%)"),
	CLI_FLAG(OPT_STEP, "step", 0, "(internal) one step of git bisect run"),
	CLI_VALUE(OPT_BASE, "base", 0, "FILE", "(internal) the good side's results"),
	CLI_VALUE(OPT_BAD_CHANGE, "bad-change", 0, "RATIO", "(internal) the bad side's time over the good side's"),
	CLI_END,
};

const char cmd_bisect_details[] =
	"Measures BENCH_CMD (the words after --; no shell) at --good and --bad,\n"
	"then lets git bisect run 'tach bisect --step' at each commit between:\n"
	"each step runs --build (a failure skips the commit), measures BENCH_CMD\n"
	"and compares it with the good side's runs (printing the verdict of tach\n"
	"compare); a commit is bad when its time is nearer the bad end's than the\n"
	"good end's (above their geometric midpoint).  Prints the first bad commit\n"
	"and the change it showed, and restores the work tree.";

typedef struct bisect {
	const char *good, *bad, *build, *base;
	size_t runs;
	double min_effect;
	double bad_change; /* the bad end's time ratio to the good end */
	int step;
	char **cmd; /* BENCH_CMD */
} bisect;

/* Runs argv (no shell) with stdout to /dev/null unless capture; returns
 * the exit status, -1 when it could not start or was killed. */
static int run(char *const *argv, char *capture, size_t size)
{
	int fd[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (capture) {
		if (pipe(fd))
			return -1;
		posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
		posix_spawn_file_actions_addclose(&fa, fd[0]);
	} else {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", 1, 0);
	}
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (capture) {
		close(fd[1]);
		size_t got = 0;
		ssize_t n;
		while (!rc && got + 1 < size && (n = read(fd[0], capture + got, size - 1 - got)) > 0)
			got += (size_t)n;
		capture[got] = 0;
		close(fd[0]);
	}
	if (rc)
		return -1;
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static int git(const char *a, const char *b, const char *c, const char *d)
{
	char *argv[] = {"git", (char *)a, (char *)b, (char *)c, (char *)d, NULL};
	return run(argv, NULL, 0);
}

/* BENCH_CMD measured `runs` times (after one warmup) into a new result
 * set with one benchmark "bench". */
static int measure(const bisect *bs, tach_result **out)
{
	tach_runner_opts ro = {.runs = bs->runs, .warmup = 1};
	tach_runner *r = tach_runner_new(&ro, NULL);
	tach_result *res = tach_result_new();
	tach_error err = {0};
	int rc = r && res ? tach_runner_add(r, "bench", bs->cmd[0], bs->cmd, NULL) : TACH_ENOMEM;
	if (!rc)
		rc = tach_meta_collect(&res->meta, NULL);
	if (!rc)
		rc = tach_runner_run(r, res, &err);
	tach_runner_free(r);
	if (rc) {
		cli_error("%s", err.message[0] ? err.message : tach_strerror(rc));
		tach_result_free(res);
		return rc;
	}
	*out = res;
	return 0;
}

/* Compares with the good side: 1 regressed, 0 not, -1 error; *change is
 * the ratio of time (cand / good). */
static int regressed(const bisect *bs, const tach_result *good, const tach_result *now,
                     double *change)
{
	const char *metrics[] = {"time", NULL};
	tach_compare_opts o = {.rule = tach_compare_rule_default(), .metrics = metrics};
	o.rule.min_effect = bs->min_effect;
	tach_comparison *c;
	if (tach_compare(good, now, &o, &c) || c->n_rows != 1) {
		if (c)
			tach_comparison_free(c);
		return -1;
	}
	*change = c->rows[0].ratio;
	int bad = c->rows[0].verdict == TACH_REGRESSED;
	tach_comparison_free(c);
	return bad;
}

static int build(const bisect *bs)
{
	if (!bs->build)
		return 0;
	char **argv;
	tach_error err;
	if (tach_words_split(bs->build, &argv, &err))
		return -1;
	int rc = run(argv, NULL, 0);
	tach_words_free(argv);
	return rc;
}

/* `tach bisect --step`: git bisect run's test at one commit. */
static int step(const bisect *bs)
{
	if (build(bs) != 0)
		return 125; /* cannot test this commit: skip it */
	tach_result *good = NULL, *now = NULL;
	if (cli_read_results(bs->base, &good) || measure(bs, &now)) {
		tach_result_free(good);
		return 128; /* abort the bisection */
	}
	double change = 0;
	int verdict = regressed(bs, good, now, &change);
	/* git bisect needs a yes or no at every commit.  Both ends were
	 * measured and differ significantly, so the commit is bad when its
	 * time is nearer the bad end's than the good end's (above their
	 * geometric midpoint): on a loaded machine a single comparison can
	 * call a fast commit slower by noise, or a slow one inconclusive. */
	int bad = verdict < 0 ? -1
	          : bs->bad_change > 1 ? change * change >= bs->bad_change && change > 1 + bs->min_effect
	                               : verdict;
	char head[64] = "";
	char *argv[] = {"git", "rev-parse", "HEAD", NULL};
	run(argv, head, sizeof head);
	head[strcspn(head, "\n")] = 0;
	FILE *log = fopen(".git/tach-bisect.log", "a");
	if (log) {
		fprintf(log, "%s %.6f %s\n", head, change, bad > 0 ? "bad" : "good");
		fclose(log);
	}
	fprintf(stderr, "tach bisect: %.12s %+.2f%% (%s) -> %s\n", head, (change - 1) * 100,
	        verdict > 0 ? "regressed" : "not regressed", bad > 0 ? "bad" : "good");
	tach_result_free(good);
	tach_result_free(now);
	return bad < 0 ? 128 : bad;
}

static int write_results(const char *path, const tach_result *r)
{
	return tach_result_write_file(r, path, NULL);
}

static double logged_change(const char *commit)
{
	FILE *f = fopen(".git/tach-bisect.log", "r");
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
	char *sym[] = {"git", "symbolic-ref", "--short", "-q", "HEAD", NULL};
	if (run(sym, head, sizeof head) != 0 || !head[0]) {
		char *rev[] = {"git", "rev-parse", "HEAD", NULL};
		run(rev, head, sizeof head);
	}
	head[strcspn(head, "\n")] = 0;
	char base[PATH_MAX + 32];
	snprintf(base, sizeof base, "%s/.git/tach-bisect-base.json", top);
	unlink(".git/tach-bisect.log");

	/* the two ends: the good side's samples are the oracle */
	tach_result *good = NULL, *bad = NULL;
	double change = 0;
	int status_rc = EXIT_USAGE;
	char rev[256], rev2[256]; /* revisions as typed, escaped for the terminal */
	fprintf(stderr, "tach bisect: measuring the good side (%s)\n",
	        cli_text(rev, sizeof rev, bs->good));
	if (git("checkout", "--quiet", bs->good, NULL) || build(bs) || measure(bs, &good)) {
		cli_error("cannot measure the good revision %s", bs->good);
		goto restore;
	}
	if (write_results(base, good)) {
		cli_error("cannot write %s", base);
		goto restore;
	}
	fprintf(stderr, "tach bisect: measuring the bad side (%s)\n",
	        cli_text(rev, sizeof rev, bs->bad));
	if (git("checkout", "--quiet", bs->bad, NULL) || build(bs) || measure(bs, &bad)) {
		cli_error("cannot measure the bad revision %s", bs->bad);
		goto restore;
	}
	if (regressed(bs, good, bad, &change) != 1) {
		printf("no regression between %s and %s (time %+.2f%%): nothing to bisect\n",
		       cli_text(rev, sizeof rev, in->good), cli_text(rev2, sizeof rev2, in->bad),
		       (change - 1) * 100);
		status_rc = EXIT_OK;
		goto restore;
	}
	fprintf(stderr, "tach bisect: %s is %+.2f%% slower than %s; bisecting\n",
	        cli_text(rev, sizeof rev, in->bad), (change - 1) * 100,
	        cli_text(rev2, sizeof rev2, in->good));
	if (git("bisect", "start", bs->bad, bs->good)) {
		cli_error("git bisect start failed");
		goto restore;
	}
	/* git bisect run TACH bisect --step --base FILE [--build CMD] -r N -- CMD */
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0) {
		cli_error("cannot find tach's own executable");
		goto reset;
	}
	self[n] = 0;
	char runs[32], effect[32], badch[48];
	snprintf(runs, sizeof runs, "%zu", bs->runs);
	snprintf(badch, sizeof badch, "%.17g", change);
	snprintf(effect, sizeof effect, "%g%%", bs->min_effect * 100);
	size_t nc = 0;
	while (bs->cmd[nc])
		nc++;
	char **argv = calloc(nc + 20, sizeof *argv);
	size_t k = 0;
	if (!argv)
		goto reset;
	argv[k++] = "git", argv[k++] = "bisect", argv[k++] = "run", argv[k++] = self;
	argv[k++] = "bisect", argv[k++] = "--step", argv[k++] = "--base", argv[k++] = base;
	argv[k++] = "--runs", argv[k++] = runs, argv[k++] = "--min-effect", argv[k++] = effect;
	argv[k++] = "--bad-change", argv[k++] = badch;
	if (bs->build)
		argv[k++] = "--build", argv[k++] = (char *)bs->build;
	argv[k++] = "--";
	for (size_t i = 0; i < nc; i++)
		argv[k++] = bs->cmd[i];
	char *out = malloc(1 << 16);
	int rc = out ? run(argv, out, 1 << 16) : -1;
	free(argv);
	char first[64] = "", subject[512] = "";
	char *bad_ref[] = {"git", "rev-parse", "refs/bisect/bad", NULL};
	if (rc == 0 && run(bad_ref, first, sizeof first) == 0) {
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
	git("bisect", "reset", NULL, NULL);
restore:
	git("checkout", "--quiet", head, NULL);
	unlink(base);
	tach_result_free(good);
	tach_result_free(bad);
	return status_rc;
}

int cmd_bisect(int argc, char **argv, const cli_cmd *self)
{
	int status;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	bisect bs = {.runs = 10, .min_effect = 0.01};
	status = 0;
	for (size_t i = 0; i < p.n && !status; i++) {
		const char *v = p.items[i].value, *sp = p.items[i].spelled;
		switch (p.items[i].id) {
		case OPT_GOOD: bs.good = v; break;
		case OPT_BAD: bs.bad = v; break;
		case OPT_BUILD: bs.build = v; break;
		case OPT_STEP: bs.step = 1; break;
		case OPT_BASE: bs.base = v; break;
		case OPT_BAD_CHANGE: {
			char *end;
			bs.bad_change = strtod(v, &end);
			if (end == v || *end || !(bs.bad_change > 0))
				status = cli_bad_value(sp, v, "a positive ratio");
			break;
		}
		case OPT_RUNS: bs.runs = (size_t)p.items[i].count; break;
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
	if (!status && !p.npos)
		status = cli_error("expected the benchmark command after --");
	if (!status && !bs.step && (!bs.good || !bs.bad))
		status = cli_error("--good and --bad are required");
	if (!status && bs.step && !bs.base)
		status = cli_error("--step needs --base");
	if (!status) {
		char **cmd = calloc(p.npos + 1, sizeof *cmd);
		if (!cmd)
			status = cli_error("out of memory");
		for (size_t i = 0; cmd && i < p.npos; i++)
			cmd[i] = p.pos[i];
		bs.cmd = cmd;
		if (cmd)
			status = bs.step ? step(&bs) : drive(&bs);
		free(cmd);
	}
	cli_parsed_free(&p);
	return status;
}
