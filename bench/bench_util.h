/* bench_util.h - helpers the bench programs share: a monotonic clock, the
 * median of repetition times, timing-like random data, and running a peer
 * process directly (posix_spawn, no shell) while capturing its stdout.
 * Kept apart so that bench_stats.c and bench_format.c hold only what they
 * measure.
 */
#ifndef TACH_BENCH_UTIL_H
#define TACH_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "tach/stats.h"

/* The interpreter the peers run under: Debian's, which has NumPy/SciPy
 * (the pyenv python3 on PATH may not). */
#ifndef BENCH_PYTHON
#define BENCH_PYTHON "/usr/bin/python3"
#endif

/* Seconds on CLOCK_MONOTONIC. */
double bench_now(void);

/* The median of t[0..n) (sorts t in place); 0 for n = 0. */
double bench_median(double *t, size_t n);

/* A lognormal value typical of a timing: exp(sigma * N(0,1)), with the
 * normal drawn by Box-Muller from rng. */
double bench_lognormal(tach_rng *rng, double sigma);

/* Runs argv[0] (a path, not searched in PATH) with argv and the current
 * environment, its stdout captured into a NUL-terminated *out (caller
 * frees) and its wait status in *status.  Returns 0, or -errno when the
 * program could not be started (-ENOENT: it does not exist). */
int bench_run_capture(char *const argv[], char **out, size_t *out_len,
                      int *status);

/* Runs argv[0] (a path, no shell) with stdin from /dev/null, its stdout
 * captured into *out (NUL-terminated, caller frees; dropped when out is
 * NULL) and its stderr kept aside: when the program fails (an exit
 * status above max_ok, a signal), its arguments and stderr are printed
 * after "WHO: ".  Wall time and CPU time (user + system, from wait4) go to
 * *wall and *cpu when not NULL.  Returns the exit status, or -1 after
 * printing what went wrong. */
int bench_run_program(const char *who, char *const argv[], int max_ok, char **out,
                      size_t *out_len, double *wall, double *cpu);

/* Describes a wait status for a message: "exit 3", "signal 9". */
const char *bench_status_text(int status, char *buf, size_t size);

/* Peak resident set size of this process in bytes (getrusage ru_maxrss).
 * On Linux a spawned child's figure starts from its parent's peak, so
 * measure in children spawned while the parent is still small. */
uint64_t bench_peak_rss(void);

#endif
