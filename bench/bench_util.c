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

int bench_run_capture(char *const argv[], char **out, size_t *out_len,
                      int *status)
{
	int fd[2];
	if (pipe2(fd, O_CLOEXEC) != 0)
		return -errno;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	/* dup2 clears close-on-exec on the child's stdout */
	posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
	pid_t pid;
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	if (rc != 0) {
		close(fd[0]);
		return -rc;
	}

	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	for (;;) {
		if (buf && len + 1 == cap) {
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
		char *dst = buf ? buf + len : sink;
		size_t room = buf ? cap - 1 - len : sizeof sink;
		ssize_t got = read(fd[0], dst, room);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	close(fd[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	if (!buf)
		return -ENOMEM;
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return 0;
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
