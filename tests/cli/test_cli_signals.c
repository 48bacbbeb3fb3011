/* test_cli_signals.c - a cancelled CI job (SIGTERM), a closed terminal
 * (SIGHUP) and Ctrl-C (SIGINT) stop `tach run` alike: the benchmarked
 * command and everything it started are killed, what was measured is kept
 * and exported, and tach exits 128 + the signal -- also with
 * --concurrency, where the copies would otherwise run to their end. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tach/tach.h"
#include "run.h"

extern char **environ;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Starts `tach run ARGS`, waits until `want` marked commands run, sends
 * sig, and returns tach's exit status (-1 if it did not end within 20 s,
 * far less than the commands' 60 s). */
static int stop_with(int sig, const char *marker, int want, char *const *args)
{
	pid_t pid;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	cr_assert_eq(posix_spawn(&pid, TACH_EXE, &fa, NULL, args, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	double t0 = now();
	while (count_marked(marker, 0) < want && now() - t0 < 20)
		usleep(10000);
	cr_assert_geq(count_marked(marker, 0), want, "the commands never started");
	usleep(200000);
	kill(pid, sig);
	int status = -1;
	t0 = now();
	while (now() - t0 < 20) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static void check(int sig, int concurrency)
{
	char marker[64], json[] = "/tmp/tach-sig-XXXXXX.json", cmd[512], conc[16];
	snprintf(marker, sizeof marker, "tach-signal-%d-%d-%d", sig, concurrency, (int)getpid());
	int fd = mkstemps(json, 5);
	cr_assert(fd >= 0);
	close(fd);
	unlink(json);
	/* a quick command first, so that something is measured before the stop */
	snprintf(cmd, sizeof cmd, "%s --marker %s --sleep 60000", TACH_TESTPROG, marker);
	snprintf(conc, sizeof conc, "%d", concurrency);
	char *plain[] = {TACH_EXE, "run", "--runs", "3", "--no-interleave", "--export-json", json,
	                 TACH_TESTPROG " --sleep 1", cmd, NULL};
	char *pool[] = {TACH_EXE, "run", "-C", conc, "--duration", "60s", "--export-json", json,
	                cmd, NULL};
	int st = stop_with(sig, marker, concurrency, concurrency > 1 ? pool : plain);
	int left = count_marked(marker, 1);
	cr_expect_eq(st, 128 + sig, "signal %d: exit status %d", sig, st);
	cr_expect_eq(left, 0, "signal %d: %d commands survived", sig, left);
	/* what was measured is kept */
	tach_result *r;
	tach_error err;
	cr_assert_eq(tach_result_read_file(json, &r, &err), 0, "signal %d: %s", sig, err.message);
	if (concurrency == 1) {
		const tach_metric *t = tach_benchmark_metric(r->benchmarks[0], "time");
		cr_expect(t && t->n_samples == 3, "the quick command's runs are kept");
	}
	tach_result_free(r);
	unlink(json);
}

Test(cli_signals, sigterm_stops_a_run)
{
	check(SIGTERM, 1);
}

Test(cli_signals, sighup_stops_a_run)
{
	check(SIGHUP, 1);
}

Test(cli_signals, sigint_stops_a_run)
{
	check(SIGINT, 1);
}

Test(cli_signals, sigint_stops_a_load_test_at_once)
{
	check(SIGINT, 2);
}

Test(cli_signals, sigterm_stops_a_load_test_at_once)
{
	check(SIGTERM, 3);
}
