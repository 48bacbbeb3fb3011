/* resolve.c - references to runs (@main, @latest~2, @HEAD, a commit, #ID,
 * any of them but #ID with ":TESTBED") turned into run ids.
 *
 * A reference that picks the newest of several runs picks it among the
 * runs of one testbed: a number measured on another machine is not a
 * baseline for this one (on a team's history the newest run of main is
 * whichever CI runner saved last).  The testbed is the one the reference
 * names after ':', else the caller's (tach_store_resolve_on), else, when
 * the caller's has no such run, the newest matching run's, said in
 * tach_resolved.fallback so the caller can warn.
 */
#include <ctype.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/result.h"
#include "tach/store.h"
#include "store/internal.h"

extern char **environ;

/* `git rev-parse --verify REV^{commit}` in the current directory, no
 * shell: the full hash into buf, or 0 bytes when git says no. */
static int git_rev(const char *rev, char *buf, size_t size)
{
	char spec[300]; /* a name of up to 255 bytes and "^{commit}" */
	snprintf(spec, sizeof spec, "%s^{commit}", rev);
	char *argv[] = {"git", "rev-parse", "--verify", "--quiet", spec, NULL};
	int fd[2];
	if (pipe(fd))
		return -errno;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	buf[0] = 0;
	if (rc) {
		close(fd[0]);
		return -rc;
	}
	ssize_t got = read(fd[0], buf, size - 1);
	close(fd[0]);
	int status;
	waitpid(pid, &status, 0);
	buf[got > 0 ? got : 0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		buf[0] = 0;
	return 0;
}

static int hexish(const char *t)
{
	size_t n = strlen(t);
	if (n < 4 || n > 64)
		return 0;
	for (; *t; t++)
		if (!isxdigit((unsigned char)*t))
			return 0;
	return 1;
}

static int none_found(tach_store *s, const char *ref, tach_error *err, const char *why)
{
	snprintf(err->message, sizeof err->message, "%s: no run for '%s'%s%s", s->location, ref,
	         why ? ": " : "", why ? why : "");
	return TACH_EINVAL;
}

/* What one reference asks: the testbed it names, and the one preferred. */
typedef struct ask {
	tach_store *s;
	const char *ref;  /* as written, for messages */
	const char *only; /* ":TESTBED": only its runs; NULL: none named */
	const char *here; /* the caller's testbed, preferred; NULL: none */
	tach_resolved *out;
	tach_error *err;
} ask;

static int find(const ask *a, const tach__find *q)
{
	return a->s->ops->find(a->s, q, &a->out->id, a->out->testbed, sizeof a->out->testbed,
	                       a->err);
}

/* The run q asks for on the testbed the reference gets: `only`, else
 * `here` when it has a match (for @latest~N: any run), else the newest
 * match's (out->fallback), else every testbed when there is no
 * preference.  out->id = 0 when nothing matches there. */
static int pick(const ask *a, tach__find q)
{
	int rc;
	a->out->fallback = 0;
	q.testbed = a->only ? a->only : a->here;
	if ((rc = find(a, &q)) || a->out->id || !q.testbed || a->only)
		return rc;
	/* here has no match; with any run at all, @latest~N stays on here */
	tach__find first = q;
	first.num = q.what == TACH__FIND_LATEST ? 0 : q.num;
	if (first.num != q.num && ((rc = find(a, &first)) || a->out->id)) {
		a->out->id = 0;
		return rc;
	}
	first.testbed = NULL;
	if ((rc = find(a, &first)) || !a->out->id)
		return rc;
	char newest[sizeof a->out->testbed];
	memcpy(newest, a->out->testbed, sizeof newest);
	q.testbed = newest;
	if ((rc = find(a, &q)) || !a->out->id)
		return rc;
	a->out->fallback = 1;
	return 0;
}

/* Why nothing matched, on which testbed. */
static int none_on(const ask *a, const char *what)
{
	char why[160];
	const char *tb = a->only ? a->only : a->here;
	if (tb)
		snprintf(why, sizeof why, "%s of testbed '%s'", what, tb);
	else
		snprintf(why, sizeof why, "%s", what);
	return none_found(a->s, a->ref, a->err, why);
}

/* "#ID": that run, when there is one. */
static int by_id(const ask *a)
{
	char *end;
	errno = 0;
	long long v = strtoll(a->ref + 1, &end, 10);
	if (end == a->ref + 1 || *end || v <= 0 || errno)
		return none_found(a->s, a->ref, a->err, "a run id is #NUMBER");
	tach__find q = {.what = TACH__FIND_ID, .num = v};
	int rc = find(a, &q);
	if (!rc && !a->out->id) {
		snprintf(a->err->message, sizeof a->err->message, "%s: no run #%lld", a->s->location, v);
		rc = TACH_EINVAL;
	}
	return rc;
}

/* A commit hash or prefix (lowercase into q.text), or the slip of a
 * baseline or branch name written without its '@'. */
static int by_commit(const ask *a, const char *text)
{
	int rc;
	if (!hexish(text)) {
		int64_t named = 0;
		if ((rc = a->s->ops->baseline_get(a->s, text, &named, a->err)))
			return rc;
		if (named) {
			snprintf(a->err->message, sizeof a->err->message,
			         "%s: no run for '%s': a baseline is named so; write @%s", a->s->location,
			         a->ref, text);
			return TACH_EINVAL;
		}
		return none_found(a->s, a->ref, a->err,
		                  "not a reference (@NAME, @latest, @HEAD~N, a commit or #ID)");
	}
	char lower[80];
	size_t i = 0;
	for (; text[i] && i + 1 < sizeof lower; i++)
		lower[i] = (char)tolower((unsigned char)text[i]);
	lower[i] = 0;
	/* a commit names the code, not the machine: several CI runners may
	 * have measured it, so it is the newest run of the caller's testbed
	 * too, as @HEAD is */
	tach__find q = {.what = TACH__FIND_COMMIT, .text = lower};
	if ((rc = pick(a, q)))
		return rc;
	return a->out->id ? 0 : none_on(a, "no run of that commit");
}

/* "@NAME" a baseline: its run, which with ":TESTBED" must be of it. */
static int baseline(const ask *a, int64_t run)
{
	tach__find q = {.what = TACH__FIND_ID, .num = run};
	int rc = find(a, &q);
	if (rc || !a->only || !strcmp(a->out->testbed, a->only))
		return rc;
	char why[160];
	snprintf(why, sizeof why, "baseline @%.*s is run #%lld of testbed '%s'",
	         (int)strcspn(a->ref + 1, ":"), a->ref + 1, (long long)run, a->out->testbed);
	a->out->id = 0;
	return none_found(a->s, a->ref, a->err, why);
}

/* "@NAME[~N]" without its ":TESTBED". */
static int by_name(const ask *a, const char *name)
{
	int rc;
	size_t back = 0;
	char base[256];
	snprintf(base, sizeof base, "%s", name);
	char *tilde = strchr(base, '~');
	if (tilde) {
		char *end;
		unsigned long long v = strtoull(tilde + 1, &end, 10);
		if (end == tilde + 1 || *end)
			return none_found(a->s, a->ref, a->err, "expected ~NUMBER");
		back = (size_t)v;
		*tilde = 0;
	}
	if (!strcmp(base, "latest")) {
		tach__find q = {.what = TACH__FIND_LATEST, .num = (int64_t)back};
		if ((rc = pick(a, q)) || a->out->id)
			return rc;
		const char *tb = a->only ? a->only : a->here;
		if (!tb)
			return none_found(a->s, a->ref, a->err, "the history has fewer runs");
		/* fewer, or none at all (only a testbed named can have none here) */
		q.num = 0;
		q.testbed = tb;
		if ((rc = find(a, &q)))
			return rc;
		char why[160];
		snprintf(why, sizeof why, "testbed '%s' has %s runs", tb, a->out->id ? "fewer" : "no");
		a->out->id = 0;
		return none_found(a->s, a->ref, a->err, why);
	}
	int64_t named = 0;
	if (!tilde && (rc = a->s->ops->baseline_get(a->s, base, &named, a->err)))
		return rc;
	if (named)
		return baseline(a, named);
	if (!tilde) {
		tach__find q = {.what = TACH__FIND_BRANCH, .text = base};
		if ((rc = pick(a, q)) || a->out->id)
			return rc;
		/* a branch with runs, none of them on the testbed named */
		q.testbed = NULL;
		if (a->only && ((rc = find(a, &q)) || a->out->id)) {
			a->out->id = 0;
			return rc ? rc : none_on(a, "no run of that branch");
		}
	}
	/* a git revision: HEAD~3, a tag, a branch not in the history */
	char full[128];
	if (git_rev(name, full, sizeof full) || !full[0])
		return none_found(a->s, a->ref, a->err, "not a baseline, branch or git revision");
	tach__find q = {.what = TACH__FIND_COMMIT, .text = full};
	if ((rc = pick(a, q)))
		return rc;
	return a->out->id ? 0 : none_on(a, "no run of that commit");
}

int tach_store_resolve_on(tach_store *s, const char *ref, const char *here, tach_resolved *out,
                          tach_error *err)
{
	tach_error dummy;
	if (!err)
		err = &dummy;
	memset(err, 0, sizeof *err);
	memset(out, 0, sizeof *out);
	ask a = {.s = s, .ref = ref, .here = here && *here ? here : NULL, .out = out, .err = err};
	if (ref[0] == '#')
		return by_id(&a);
	/* REF:TESTBED.  `tach baseline set` refuses a ':' in a name; a
	 * baseline named so before still resolves as a whole */
	char body[256];
	snprintf(body, sizeof body, "%s", ref);
	char *colon = strchr(body, ':');
	if (colon) {
		int64_t named = 0;
		int rc;
		if (ref[0] == '@' && (rc = s->ops->baseline_get(s, ref + 1, &named, err)))
			return rc;
		if (named)
			return baseline(&a, named);
		*colon = 0;
		a.only = colon + 1;
		if (!tach_testbed_name_valid(a.only))
			return none_found(s, ref, err, "':' is followed by a testbed name");
	}
	return body[0] == '@' ? by_name(&a, body + 1) : by_commit(&a, body);
}

int tach_store_resolve(tach_store *s, const char *ref, int64_t *id, tach_error *err)
{
	tach_resolved r;
	int rc = tach_store_resolve_on(s, ref, NULL, &r, err);
	*id = rc ? 0 : r.id;
	return rc;
}
