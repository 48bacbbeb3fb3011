/* bench_load.c - how exact `tach load`'s schedule is, and what its
 * latency shows that a closed loop hides, against hyperfine's closed loop
 * measured in the same run:
 *   accuracy: /bin/true at 1,000 starts/s for a few seconds: achieved rate
 *     against the set rate (goal within 1 %) and the start lateness p99
 *     (goal <= 1 ms), beside hyperfine -N's closed-loop mean of the same
 *     command (the most starts per second one at a time would give);
 *   coordinated omission: `flock LOCK true` at 50/s with --max-in-flight 1
 *     while a helper process holds LOCK for 1 s every 3 s: latency_p99
 *     (from the scheduled start: the stall, hundreds of ms) beside
 *     service_time_p90 (the command's own few ms), and hyperfine's
 *     closed-loop mean and median of the same command under the same
 *     helper.  There is no open-loop peer for commands (wrk2 does HTTP
 *     only), hence hyperfine as the closed-loop reference.
 * Printed, never asserted: the machine is shared and noisy.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "bench_util.h"

static double metric(const tach_result *r, const char *name)
{
	const tach_metric *m = r->n_benchmarks ? tach_benchmark_metric(r->benchmarks[0], name) : NULL;
	return m && m->n_samples ? m->samples[0] : -1;
}

static tach_result *load(const char *rate, const char *dur, const char *inflight, char *const *cmd,
                         const char *json)
{
	char *argv[32] = {TACH_EXE, "load", "--rate", (char *)rate, "-d", (char *)dur, "-C",
	                  (char *)inflight, "-o", (char *)json, "--"};
	size_t n = 11;
	for (size_t i = 0; cmd[i] && n < 31; i++)
		argv[n++] = cmd[i];
	argv[n] = NULL;
	if (bench_run_program("tach load", argv, 0, NULL, NULL, NULL, NULL) != 0)
		exit(1);
	tach_result *r;
	tach_error err;
	if (tach_result_read_file(json, &r, &err)) {
		fprintf(stderr, "bench_load: %s: %s\n", json, err.message);
		exit(1);
	}
	return r;
}

/* hyperfine -N's mean and median (s) of cmd over `runs` runs. */
static void hyperfine(const char *cmd, const char *runs, const char *json, double *mean,
                      double *median)
{
	char *argv[] = {"/usr/bin/hyperfine", "-N", "--style", "none", "--runs", (char *)runs,
	                "--export-json", (char *)json, (char *)cmd, NULL};
	*mean = *median = -1;
	if (access(argv[0], X_OK)) {
		printf("  (hyperfine not installed: apt-get install hyperfine)\n");
		return;
	}
	if (bench_run_program("hyperfine", argv, 0, NULL, NULL, NULL, NULL) != 0)
		return;
	tach_result *r;
	tach_error err;
	if (tach_import_file(json, "hyperfine", &r, &err) == 0) {
		const tach_metric *m = r->n_benchmarks ? tach_benchmark_metric(r->benchmarks[0], "time")
		                                       : NULL;
		if (m && m->n_samples) {
			double *t = malloc(m->n_samples * sizeof *t), sum = 0;
			for (size_t i = 0; i < m->n_samples; i++)
				sum += (t[i] = m->samples[i]);
			*mean = sum / (double)m->n_samples;
			*median = bench_median(t, m->n_samples);
			free(t);
		}
		tach_result_free(r);
	}
}

static void accuracy(int quick)
{
	const char *json = "/tmp/bench_load_acc.json", *hjson = "/tmp/bench_load_acc_hf.json";
	char *cmd[] = {"/bin/true", NULL};
	tach_result *r = load("1000", quick ? "1s" : "5s", "64", cmd, json);
	double achieved = metric(r, "achieved_rate"), late99 = metric(r, "start_lateness_p99");
	printf("scheduling accuracy: /bin/true at 1000/s for %s, max 64 in flight\n",
	       quick ? "1 s" : "5 s");
	printf("  achieved_rate        %9.1f /s  (%+.2f %% of set; goal within 1 %%)%s\n", achieved,
	       (achieved / 1000 - 1) * 100, achieved >= 990 && achieved <= 1010 ? "" : "  MISSED");
	printf("  start_lateness_p99   %9.3f ms  (goal <= 1 ms)%s\n", late99 * 1e3,
	       late99 <= 0.001 ? "" : "  MISSED");
	printf("  start_lateness_p50   %9.3f ms   late_starts %.0f   dropped %.0f\n",
	       metric(r, "start_lateness_p50") * 1e3, metric(r, "late_starts"),
	       metric(r, "dropped_starts"));
	printf("  latency_p50/p99      %9.3f / %.3f ms   service_time_p50 %.3f ms   peak in flight %.0f\n",
	       metric(r, "latency_p50") * 1e3, metric(r, "latency_p99") * 1e3,
	       metric(r, "service_time_p50") * 1e3, metric(r, "peak_in_flight"));
	double mean, median;
	hyperfine("/bin/true", quick ? "100" : "500", hjson, &mean, &median);
	if (mean > 0)
		printf("  hyperfine -N (closed loop) mean %.3f ms, median %.3f ms: %.0f starts/s one at a time\n",
		       mean * 1e3, median * 1e3, 1 / mean);
	tach_result_free(r);
	unlink(json);
	unlink(hjson);
}

/* Holds LOCK for 1 s every 3 s until killed. */
static pid_t start_holder(const char *lock)
{
	pid_t pid = fork();
	if (pid)
		return pid;
	int fd = open(lock, O_RDWR | O_CREAT, 0600);
	for (;;) {
		usleep(1000000);
		flock(fd, LOCK_EX);
		usleep(1000000);
		flock(fd, LOCK_UN);
		usleep(1000000);
	}
}

static void omission(int quick)
{
	const char *json = "/tmp/bench_load_co.json", *hjson = "/tmp/bench_load_co_hf.json";
	char lock[64], hcmd[128];
	snprintf(lock, sizeof lock, "/tmp/bench_load_%d.lock", (int)getpid());
	close(open(lock, O_RDWR | O_CREAT, 0600));
	char *cmd[] = {"/usr/bin/flock", lock, "/bin/true", NULL};
	pid_t holder = start_holder(lock);
	tach_result *r = load("50", quick ? "4s" : "9s", "1", cmd, json);
	printf("\ncoordinated omission: flock LOCK true at 50/s, --max-in-flight 1, a helper holding\n"
	       "LOCK 1 s of every 3 s (%s)\n", quick ? "4 s" : "9 s");
	printf("  latency_p99          %9.1f ms  (from the scheduled start: the stall)\n",
	       metric(r, "latency_p99") * 1e3);
	printf("  latency_p50/p90      %9.1f / %.1f ms   latency_max %.1f ms\n",
	       metric(r, "latency_p50") * 1e3, metric(r, "latency_p90") * 1e3,
	       metric(r, "latency_max") * 1e3);
	printf("  service_time_p90     %9.1f ms  (from the actual start: the command's own)\n",
	       metric(r, "service_time_p90") * 1e3);
	printf("  service_time_p50     %9.1f ms   service_time_max %.1f ms   achieved %.1f/s   late %.0f\n",
	       metric(r, "service_time_p50") * 1e3, metric(r, "service_time_max") * 1e3,
	       metric(r, "achieved_rate"), metric(r, "late_starts"));
	double mean, median;
	snprintf(hcmd, sizeof hcmd, "/usr/bin/flock %s /bin/true", lock);
	hyperfine(hcmd, quick ? "200" : "450", hjson, &mean, &median);
	if (mean > 0)
		printf("  hyperfine -N (closed loop, same helper) mean %.1f ms, median %.1f ms\n",
		       mean * 1e3, median * 1e3);
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	tach_result_free(r);
	unlink(json);
	unlink(hjson);
	unlink(lock);
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	setvbuf(stdout, NULL, _IOLBF, 0);
	accuracy(quick);
	omission(quick);
	return 0;
}
