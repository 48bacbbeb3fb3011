/* features.c - the benchmark library features that Google Benchmark users
 * reach for (issue 19): cpu_time beside time, manual timing, argument
 * generators (dense ranges, a product of several dimensions, thread
 * ranges up to the CPUs online) and the per-thread-average and inverted
 * counter kinds.  Try:
 *
 *     ./example_features
 *     ./example_features --counters-tabular --filter 'bm_packets'
 *     ./example_features --list
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tach/bench.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Mostly waiting: time is ~50 us per iteration, cpu_time a few us. */
TACH_BENCH(bm_sleep, .args = TACH_ARGS(50), .arg_names = "us")
{
	struct timespec d = {0, (long)tach_arg(s, 0) * 1000};
	TACH_LOOP(s) {
		nanosleep(&d, NULL);
	}
}

/* Manual timing: only the write() to a pipe is timed, by the benchmark;
 * draining the pipe (untimed) happens in the same iteration. */
TACH_BENCH(bm_pipe_write, .manual_time = 1, .args = TACH_DENSE(256, 1024, 384),
           .arg_names = "bytes")
{
	int fd[2];
	if (pipe(fd)) {
		tach_skip_with_error(s, "pipe() failed");
		return;
	}
	size_t n = (size_t)tach_arg(s, 0);
	char buf[1024] = {0};
	TACH_LOOP(s) {
		double t0 = now();
		ssize_t w = write(fd[1], buf, n);
		tach_set_iteration_time(s, now() - t0);
		ssize_t r = read(fd[0], buf, sizeof buf);
		tach_do_not_optimize(w);
		tach_do_not_optimize(r);
	}
	tach_set_bytes(s, tach_iterations(s) * n);
	close(fd[0]);
	close(fd[1]);
}

/* Three dimensions, every combination: rows x cols of a table, summed
 * `passes` times. */
TACH_BENCH(bm_grid, .args_product = TACH_PRODUCT(TACH_ARGS(16, 64), TACH_DENSE(8, 24, 16),
                                                 TACH_ARGS(1, 2)),
           .arg_names = "rows,cols,passes")
{
	size_t rows = (size_t)tach_arg(s, 0), cols = (size_t)tach_arg(s, 1);
	int passes = (int)tach_arg(s, 2);
	uint32_t *t = calloc(rows * cols, sizeof *t);
	TACH_LOOP(s) {
		uint64_t sum = 0;
		for (int p = 0; p < passes; p++)
			for (size_t i = 0; i < rows * cols; i++)
				sum += t[i] + i;
		tach_do_not_optimize(sum);
	}
	free(t);
}

/* Threads from 1 up to the CPUs online, each "sending packets"; counters
 * per thread (average over threads) and as time per packet (inverted
 * rate). */
TACH_BENCH(bm_packets, .threads = TACH_THREAD_RANGE(1, TACH_NPROC))
{
	uint64_t x = (uint64_t)tach_thread_index(s) + 1, queued = 0;
	TACH_LOOP(s) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		queued += x >> 63;
		tach_do_not_optimize(x);
	}
	double packets = (double)tach_iterations(s) * 4; /* 4 per iteration */
	tach_set_metric(s, "queued_per_thread", (double)queued, "count", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_AVG_THREADS);
	tach_set_metric(s, "time_per_packet", packets, "packet", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_INVERTED_RATE);
	tach_set_metric(s, "packets", packets, "packet", TACH_HIGHER_IS_BETTER,
	                TACH_COUNTER_RATE);
}

TACH_MAIN()
