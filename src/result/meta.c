/* meta.c - collects the facts that make a result set comparable later:
 * when, on which machine, built how, at which git commit.
 *
 * git is run with posix_spawnp and an argument vector (never a shell),
 * with stdin from /dev/null and stderr discarded; any failure just leaves
 * the git fields unknown.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tach/result.h"
#include "result/internal.h"

extern char **environ;

int tach_meta_commit_valid(const char *s)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");
	return s[n] == '\0' && n >= 4 && n <= 64;
}

/* Runs git -C dir ARGS..., returns its first line of stdout (caller frees)
 * or NULL when git fails or prints nothing. */
static char *git_line(const char *dir, const char *const *args)
{
	const char *argv[16] = {"git", "-C", dir ? dir : "."};
	size_t n = 3;
	for (; *args && n < 15; args++)
		argv[n++] = *args;
	argv[n] = NULL;

	int fd[2];
	if (pipe2(fd, O_CLOEXEC) != 0)
		return NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, "git", &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	if (rc != 0) {
		close(fd[0]);
		return NULL;
	}
	char buf[4096];
	size_t len = 0;
	ssize_t got;
	while ((got = read(fd[0], buf + len, sizeof buf - 1 - len)) > 0) {
		len += (size_t)got;
		if (len == sizeof buf - 1)
			break;
	}
	close(fd[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return NULL;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return NULL;
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] ? strdup(buf) : strdup("");
}

static int collect_git(tach_meta *m, const char *dir)
{
	static const char *const commit[] = {"rev-parse", "--verify", "-q", "HEAD", NULL};
	static const char *const branch[] = {"symbolic-ref", "--short", "-q", "HEAD", NULL};
	static const char *const status[] = {"status", "--porcelain", "--untracked-files=no", NULL};
	char *c = git_line(dir, commit);
	if (!c || !*c) { /* not a work tree, no git, or no commits yet */
		free(c);
		return 0;
	}
	free(m->git_commit);
	m->git_commit = c;
	char *b = git_line(dir, branch);
	if (b && *b) {
		free(m->git_branch);
		m->git_branch = b;
	} else {
		free(b); /* detached HEAD */
	}
	char *s = git_line(dir, status);
	if (s) {
		m->git_dirty = *s != '\0';
		free(s);
	}
	return 0;
}

/* "model name : Intel(R) ..." from /proc/cpuinfo (x86), or "Model"/
 * "Hardware" lines on other architectures. */
static char *cpu_model(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	if (!f)
		return NULL;
	char line[512], *found = NULL;
	while (!found && fgets(line, sizeof line, f)) {
		if (strncmp(line, "model name", 10) && strncmp(line, "Model", 5) &&
		    strncmp(line, "Hardware", 8))
			continue;
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		char *v = colon + 1;
		v += strspn(v, " \t");
		v[strcspn(v, "\n")] = '\0';
		if (*v)
			found = strdup(v);
	}
	fclose(f);
	return found;
}

static const char *compiler_name(void)
{
#if defined(__clang__)
	return "clang " __clang_version__;
#elif defined(__GNUC__)
	return "gcc " __VERSION__;
#else
	return NULL;
#endif
}

int tach_meta_collect(tach_meta *m, const char *dir)
{
	char buf[64];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	         tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	if (tach_meta_set(&m->timestamp, buf))
		return TACH_ENOMEM;

	char host[256];
	if (gethostname(host, sizeof host) == 0) {
		host[sizeof host - 1] = '\0';
		if (tach_meta_set(&m->hostname, host))
			return TACH_ENOMEM;
	}
	struct utsname u;
	if (uname(&u) == 0) {
		char os[2 * sizeof u.sysname];
		snprintf(os, sizeof os, "%s %s", u.sysname, u.machine);
		if (tach_meta_set(&m->os, os) || tach_meta_set(&m->kernel, u.release))
			return TACH_ENOMEM;
	}
	char *model = cpu_model();
	if (model) {
		free(m->cpu_model);
		m->cpu_model = model;
	}
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	m->cpu_count = ncpu > 0 ? (int)ncpu : 0;
	if (!m->compiler && tach_meta_set(&m->compiler, compiler_name()))
		return TACH_ENOMEM;
	/* CI runners whose host names change per job name their machine
	 * once, in the environment (an invalid name is the caller's to
	 * refuse: tach and benchmark programs do, before measuring) */
	const char *testbed = getenv("TACH_TESTBED");
	if (testbed && *testbed && tach_testbed_name_valid(testbed) &&
	    tach_meta_set(&m->testbed, testbed))
		return TACH_ENOMEM;
	return collect_git(m, dir);
}
