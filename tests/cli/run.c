/* run.c - spawning the CLI under test (no shell) and capturing output. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "run.h"

static char *slurp(int fd, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ssize_t got;
	lseek(fd, 0, SEEK_SET);
	while ((got = read(fd, buf + n, cap - n - 1)) > 0) {
		n += (size_t)got;
		if (n + 1 >= cap)
			buf = realloc(buf, cap *= 2);
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static int tmpfd(void)
{
	char path[] = "/tmp/tach-test-XXXXXX";
	int fd = mkstemp(path);
	unlink(path);
	return fd;
}

run_result run_tach(const char *const *argv, const char *stdin_text,
                    const char *const *env, const char *stdout_path)
{
	return run_exe(TACH_EXE, argv, stdin_text, env, stdout_path);
}

run_result run_exe(const char *exe, const char *const *argv, const char *stdin_text,
                   const char *const *env, const char *stdout_path)
{
	run_result r = {0};
	const char *args[64] = {exe};
	size_t n = 1;
	for (; argv && *argv && n < 63; argv++)
		args[n++] = *argv;
	args[n] = NULL;
	const char *envp[32] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"};
	size_t ne = 2;
	const char *home = getenv("HOME");
	static char homebuf[512];
	if (home) {
		snprintf(homebuf, sizeof homebuf, "HOME=%s", home);
		envp[ne++] = homebuf;
	}
	for (; env && *env && ne < 31; env++) {
		if (!strncmp(*env, "PATH=", 5))
			envp[0] = *env; /* a test's own PATH replaces the default */
		else
			envp[ne++] = *env;
	}
	envp[ne] = NULL;

	int in = tmpfd(), out = tmpfd(), err = tmpfd();
	if (stdin_text) {
		if (write(in, stdin_text, strlen(stdin_text)) < 0)
			abort();
		lseek(in, 0, SEEK_SET);
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (stdin_text)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (stdout_path)
		posix_spawn_file_actions_addopen(&fa, 1, stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	else
		posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	pid_t pid;
	if (posix_spawn(&pid, exe, &fa, NULL, (char *const *)args, (char *const *)envp) != 0)
		abort();
	posix_spawn_file_actions_destroy(&fa);
	int st;
	waitpid(pid, &st, 0);
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r.out = slurp(out, &r.out_len);
	r.err = slurp(err, NULL);
	close(in);
	close(out);
	close(err);
	return r;
}

void run_free(run_result *r)
{
	free(r->out);
	free(r->err);
}

const char *temp_file(const char *text, const char *suffix)
{
	static char paths[8][64];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, 64, "/tmp/tach-cli-XXXXXX%s", suffix);
	int fd = mkstemps(p, (int)strlen(suffix));
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		abort();
	close(fd);
	return p;
}

const char *write_result(const tach_result *r, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f || tach_result_write(r, f, NULL) != 0)
		abort();
	fclose(f);
	if (!path) {
		path = temp_file(text, ".json");
	} else {
		FILE *out = fopen(path, "w");
		if (!out || fputs(text, out) == EOF || fclose(out) != 0)
			abort();
	}
	free(text);
	return path;
}

/* Processes whose command line holds `marker` (tach itself excluded);
 * with kill_them, SIGKILLs them so a failing test leaves nothing. */
int count_marked(const char *marker, int kill_them)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;
	while (d && (e = readdir(d))) {
		char path[300], buf[4096];
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t len = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		for (size_t i = 0; i < len; i++)
			if (!buf[i])
				buf[i] = ' ';
		buf[len] = 0;
		/* tach itself: "tach run ..." or "tach load ..." */
		if (strstr(buf, marker) && !strstr(buf, " run ") && !strstr(buf, " load ")) {
			n++;
			if (kill_them)
				kill(atoi(e->d_name), SIGKILL);
		}
	}
	if (d)
		closedir(d);
	return n;
}
