/* bench_util.c - the helpers shared by the bench programs (bench_util.h):
 * clock, median of repetitions, lognormal data, spawning a peer without a
 * shell and reading its output, peak RSS.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double bench_median(double *t, size_t n)
{
	if (n == 0)
		return 0;
	qsort(t, n, sizeof *t, cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

double bench_lognormal(tach_rng *rng, double sigma)
{
	/* Box-Muller; 1 - u keeps the logarithm's argument in (0, 1] */
	double u = 1.0 - tach_rng_uniform(rng);
	double v = tach_rng_uniform(rng);
	double z = sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
	return exp(sigma * z);
}

/* Reads fd to its end into a NUL-terminated malloc'd buffer (NULL when
 * out of memory: the rest is read and dropped, so the writer never
 * blocks); its length into *len. */
static char *read_all(int fd, size_t *len)
{
	size_t n = 0, cap = 4096;
	char *buf = malloc(cap);
	for (;;) {
		if (buf && n + 1 == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
			} else {
				buf = nb;
				cap *= 2;
			}
		}
		char sink[4096];
		ssize_t got = read(fd, buf ? buf + n : sink, buf ? cap - 1 - n : sizeof sink);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (buf)
			n += (size_t)got;
	}
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

/* Spawns argv with stdout into a pipe (and, when err_fd >= 0, stderr
 * into err_fd; stdin from /dev/null when quiet_in), reads the pipe and
 * reaps the child with its rusage.  0 or -errno (not started). */
static int spawn_read(char *const argv[], int err_fd, int quiet_in, char **out, size_t *len,
                      int *status, struct rusage *ru)
{
	int fd[2];
	if (pipe2(fd, O_CLOEXEC) != 0)
		return -errno;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (quiet_in)
		posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	/* dup2 clears close-on-exec on the child's stdout */
	posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
	if (err_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	if (rc != 0) {
		close(fd[0]);
		return -rc;
	}
	*out = read_all(fd[0], len);
	close(fd[0]);
	memset(ru, 0, sizeof *ru);
	while (wait4(pid, status, 0, ru) < 0 && errno == EINTR)
		;
	return 0;
}

int bench_run_capture(char *const argv[], char **out, size_t *out_len,
                      int *status)
{
	struct rusage ru;
	char *buf = NULL;
	int rc = spawn_read(argv, -1, 0, &buf, out_len, status, &ru);
	if (rc)
		return rc;
	if (!buf)
		return -ENOMEM;
	*out = buf;
	return 0;
}

int bench_run_program(const char *who, char *const argv[], int max_ok, char **out,
                      size_t *out_len, double *wall, double *cpu)
{
	FILE *errf = tmpfile();
	if (!errf) {
		fprintf(stderr, "%s: cannot create a temporary file: %s\n", who, strerror(errno));
		return -1;
	}
	struct rusage ru;
	char *buf = NULL;
	size_t len = 0;
	int status = 0;
	double t0 = bench_now();
	int rc = spawn_read(argv, fileno(errf), 1, &buf, &len, &status, &ru);
	double t1 = bench_now();
	if (rc) {
		fclose(errf);
		fprintf(stderr, "%s: cannot run '%s': %s\n", who, argv[0], strerror(-rc));
		return -1;
	}
	if (wall)
		*wall = t1 - t0;
	if (cpu)
		*cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
		       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
	if (!buf || !WIFEXITED(status) || WEXITSTATUS(status) > max_ok) {
		char st[32], line[512];
		fprintf(stderr, "%s: '%s' failed (%s); its arguments and stderr:\n ", who, argv[0],
		        buf ? bench_status_text(status, st, sizeof st) : "out of memory");
		for (size_t i = 1; argv[i]; i++)
			fprintf(stderr, " %s", argv[i]);
		fputc('\n', stderr);
		rewind(errf);
		while (fgets(line, sizeof line, errf))
			fprintf(stderr, "  %s", line);
		fclose(errf);
		free(buf);
		return -1;
	}
	fclose(errf);
	if (out)
		*out = buf;
	else
		free(buf);
	if (out_len)
		*out_len = len;
	return WEXITSTATUS(status);
}

const char *bench_status_text(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "status %d", status);
	return buf;
}

uint64_t bench_peak_rss(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (uint64_t)ru.ru_maxrss * 1024; /* Linux: kilobytes */
}
