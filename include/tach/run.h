/* run.h - benchmarking whole commands: splitting a command line into words,
 * running one command once with exact resource accounting of its whole
 * process tree, and the runner that schedules warmups, runs, interleaving
 * and parameter values and turns every run into samples of a result set.
 *
 * A run's life: spawned -> running -> exited | signalled | timed-out |
 * killed.  Every run is spawned in a process group of its own; on timeout
 * the group gets SIGTERM, then SIGKILL after a grace period; tach is a
 * child subreaper, so descendants that daemonize are found and killed
 * too: when a run is over, no process it started is left.
 */
#ifndef TACH_RUN_H
#define TACH_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "tach/error.h"
#include "tach/result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* --------------------------------------------------------------------
 * Words.
 */

/* Splits `text` into words the way a POSIX shell splits a simple command:
 * blanks separate words; 'single quotes' keep everything literally;
 * "double quotes" keep everything but \" \\ \$ \` and \newline, which
 * lose their backslash; outside quotes a backslash keeps the next
 * character literally (and \newline disappears).  No expansion of any
 * kind ($VAR, *, ~, `...`) is done, and shell operators (| ; & < > ( ))
 * are rejected outside quotes, since the command is run without a shell:
 * use --shell for those.  On success *argv is a NULL-terminated array the
 * caller frees with tach_words_free().  Errors (TACH_EPARSE, with
 * err->column set): an unterminated quote, a trailing backslash, an
 * operator, an empty command. */
TACH_API int tach_words_split(const char *text, char ***argv, tach_error *err);
/* Frees what tach_words_split returned; NULL is a no-op. */
TACH_API void tach_words_free(char **argv);

/* --------------------------------------------------------------------
 * One run of one command.
 */

typedef enum tach_output_mode {
	TACH_OUTPUT_NULL = 0, /* stdout and stderr to /dev/null (default) */
	TACH_OUTPUT_PIPE,     /* read through a pipe and discarded: the
	                         command pays for writing, as into a pager */
	TACH_OUTPUT_INHERIT,  /* tach's own stdout and stderr */
	TACH_OUTPUT_FILE,     /* appended to a file */
} tach_output_mode;

/* How a peak memory figure of a run was measured.  A run has two (see
 * tach_run_sample): the largest single process's high-water RSS, always
 * TACH_PEAK_RUSAGE_MAX, and the whole tree's simultaneous peak, from a
 * cgroup or from sampling. */
typedef enum tach_peak_method {
	TACH_PEAK_NONE = 0,       /* not measured */
	TACH_PEAK_CGROUP = 1,     /* a cgroup per run: exact for the whole tree */
	TACH_PEAK_SAMPLED = 2,    /* /proc sampling of the tree: may miss short peaks */
	TACH_PEAK_RUSAGE_MAX = 3, /* largest single process (wait4 of each one) */
} tach_peak_method;

/* "cgroup", "sampled", "rusage-max" or "none". */
TACH_API const char *tach_peak_method_name(tach_peak_method m);

/* Starts the spawner: a small process that starts every command tach_exec
 * and tach_exec_pool run, so that each command's peak_rss is its own.
 * Linux carries a process's resident high-water mark across exec, so a
 * command forked from a big process reports at least that process's RSS
 * (as /usr/bin/time would not).  Call it first thing in main, before the
 * program allocates: the spawner is a copy of the caller at that moment,
 * and what it has touched is the floor of every command's peak_rss.
 * Without it, commands are spawned from the calling process directly.
 * The spawner ends when the caller exits.  0 or -errno; idempotent. */
TACH_API int tach_exec_init(void);

struct tach_cpus;

typedef struct tach_exec_opts {
	tach_output_mode output;
	const char *output_path; /* for TACH_OUTPUT_FILE */
	const char *input_path;  /* stdin from this file; NULL: /dev/null */
	double timeout;          /* seconds; 0 = none */
	double grace;            /* seconds between SIGTERM and SIGKILL */
	int measure_memory;      /* try a cgroup per run for the tree peak */
	double monitor;          /* > 0: sample the tree every this many seconds
	                            (tach/monitor.h) and hand the monitor back */
	int direct;              /* fork from the calling process itself, not
	                            the spawner (tach_exec_init): needed when the
	                            child must inherit something of the caller's,
	                            like perf counters; peak_rss then includes
	                            the caller's resident high-water mark */
	/* Pins the command -- and all it starts -- to these CPUs
	 * (sched_setaffinity in the child before exec; tach/system.h makes
	 * and checks the set); NULL: not pinned.  Borrowed.  A CPU that is
	 * not online fails the spawn with -EINVAL. */
	const struct tach_cpus *cpus;
	/* The command's working directory (and so where a relative argv[0]
	 * such as ./build/prog is found); NULL: tach's own at the time of the
	 * run.  Borrowed.  A directory that cannot be entered fails the spawn
	 * with its errno.  The A/B engine gives each side its own, so that
	 * `tach bisect` can run the good commit's build from a second work
	 * tree beside the commit under test. */
	const char *cwd;
} tach_exec_opts;

typedef enum tach_run_state {
	TACH_RUN_EXITED = 0,    /* exited; see exit_code */
	TACH_RUN_SIGNALLED = 1, /* killed by a signal it did not get from tach */
	TACH_RUN_TIMED_OUT = 2, /* exceeded the timeout and was killed */
	TACH_RUN_KILLED = 3,    /* stopped by tach for another reason (Ctrl-C) */
} tach_run_state;

typedef struct tach_run_sample {
	tach_run_state state;
	int exit_code;  /* for TACH_RUN_EXITED */
	int signal;     /* for TACH_RUN_SIGNALLED */
	double wall;    /* seconds, monotonic clock, from right before the
	                   leader's exec (read by the child; by tach just
	                   before spawning when tach forks itself) to its exit */
	double user;    /* seconds of user CPU of the whole tree (wait4) */
	double system;  /* seconds of system CPU of the whole tree */
	/* The largest single process's high-water RSS, in bytes: the largest
	 * ru_maxrss that wait4 returned for any process of the tree tach
	 * reaped -- the figure /usr/bin/time -v and hyperfine report.  0 when
	 * unknown; peak_method is TACH_PEAK_RUSAGE_MAX. */
	uint64_t peak_rss;
	tach_peak_method peak_method;
	/* The whole tree's simultaneous peak, in bytes: the cgroup's peak
	 * charge (TACH_PEAK_CGROUP; tach_cgroup_probe_method says v1 or v2)
	 * or, with opts->monitor and no cgroup, the largest RSS sum of the
	 * tree at one sample (TACH_PEAK_SAMPLED).  0 with TACH_PEAK_NONE when
	 * neither was available. */
	uint64_t tree_peak;
	tach_peak_method tree_method;
	/* With opts->monitor: the stopped sampler of this run (its series of
	 * tree RSS and CPU %), which the caller frees with tach_monitor_free;
	 * NULL otherwise or when the run ended before sampling began. */
	struct tach_monitor *monitor;
} tach_run_sample;

/* Called as each run of a pool ends. */
typedef void (*tach_pool_done_fn)(void *ctx, const tach_run_sample *run);

/* Runs argv once (argv[0] looked up in PATH unless it has a slash) as
 * described above and fills *out.  Returns 0 when the command ran (whatever
 * its exit status), -ENOENT / -EACCES / ... when it could not be started
 * (err->message says which command and why). */
TACH_API int tach_exec(char *const *argv, const tach_exec_opts *opts,
                       tach_run_sample *out, tach_error *err);

/* A load test: runs argv `runs` times -- or, with runs = 0, keeps starting
 * runs until `duration` seconds have passed -- with `concurrency` runs
 * going at once (a new run starts as soon as one ends).  Each run is
 * spawned, timed out and cleaned up as by tach_exec and reported through
 * done() as it ends (its user and system time and peak_rss are its
 * leader's, which include the descendants the leader reaped; no tree
 * peak).  *whole describes the pool: wall = elapsed time, user and system
 * = CPU of every process of the pool, peak_rss = the largest single
 * process of any copy, tree_peak = all copies together at their peak (one
 * cgroup for the pool; TACH_PEAK_NONE without one).  Returns 0 or the
 * -errno of a run that could not be started. */
TACH_API int tach_exec_pool(char *const *argv, const tach_exec_opts *opts,
                            size_t concurrency, size_t runs, double duration,
                            tach_pool_done_fn done, void *ctx,
                            tach_run_sample *whole, tach_error *err);

/* Kills the process group of the run in progress, if any, and marks it
 * TACH_RUN_KILLED.  Async-signal-safe: meant for a SIGINT handler. */
TACH_API void tach_exec_interrupt(void);

/* Makes the calling process a child subreaper (Linux), so that orphaned
 * descendants of runs are re-parented to it and can be reaped and killed.
 * Returns 0 or -errno.  tach_exec calls it on first use. */
TACH_API int tach_become_subreaper(void);

/* Kills (SIGKILL) and reaps every remaining child and descendant of the
 * calling process that is not `except` (0: none).  Returns how many were
 * killed. */
TACH_API int tach_kill_descendants(int except);

/* --------------------------------------------------------------------
 * The runner: which command runs when, how often, and what is recorded.
 */

/* How a run is carried out.  The real executor calls tach_exec and reads
 * CLOCK_MONOTONIC; tests plug in a fake one with a fake clock. */
typedef struct tach_executor {
	int (*exec)(void *ctx, char *const *argv, const tach_exec_opts *opts,
	            tach_run_sample *out, tach_error *err);
	double (*now)(void *ctx); /* seconds, monotonic */
	void *ctx;
	/* Concurrent runs (tach_exec_pool's contract); NULL: not supported. */
	int (*pool)(void *ctx, char *const *argv, const tach_exec_opts *opts,
	            size_t concurrency, size_t runs, double duration,
	            tach_pool_done_fn done, void *done_ctx, tach_run_sample *whole,
	            tach_error *err);
} tach_executor;

/* The executor that really runs commands.  Static; never freed. */
TACH_API const tach_executor *tach_executor_real(void);

/* Called after every timed run (not warmups): `done` runs of about
 * `total` so far; `bench` is the index of the command that just ran. */
typedef void (*tach_progress_fn)(void *ctx, size_t done, size_t total, size_t bench,
                                 const tach_run_sample *last);

typedef struct tach_runner_opts {
	size_t warmup;   /* untimed runs of each command first */
	size_t runs;     /* exactly this many timed runs each; 0: automatic */
	size_t min_runs; /* automatic: at least this many (0 means 10) */
	size_t max_runs; /* automatic: at most this many (0: no limit) */
	double budget;   /* automatic: aim for this many seconds per command
	                    (0 means 3) */
	double duration; /* > 0: instead, repeat each command until its runs
	                    have taken this many seconds (a load test) */
	int no_interleave; /* run the commands one after another */
	uint64_t seed;     /* seed of the interleaving order */
	int ignore_failure; /* record non-zero exits instead of stopping */
	size_t concurrency; /* > 1: that many copies at once (a load test);
	                       commands then run one after another, and each
	                       gets runs_per_second and the pool's peak_rss */
	tach_exec_opts exec;
	/* Optional commands (NULL-terminated argv), untimed: before and
	 * after every run, and once per command before its first and after
	 * its last run. */
	char **prepare, **cleanup, **setup, **conclude;
	/* Counters to read for every timed run (tach/counters.h), or NULL;
	 * opened around each run of the command alone, as metrics named by
	 * tach_counters_metric.  Borrowed.  Not with concurrency > 1.  The
	 * reasons for unavailable events go to counters_why (once). */
	struct tach_counter_set *counters;
	char *counters_why;
	size_t counters_why_size;
	tach_progress_fn progress;
	void *progress_ctx;
	/* When set and becoming nonzero (e.g. from a SIGINT handler), the
	 * runner stops after the current run and keeps what it measured. */
	volatile int *stop;
} tach_runner_opts;

typedef struct tach_runner tach_runner;

/* A runner over `ex` (NULL: tach_executor_real()).  opts is copied
 * (the argv arrays in it are borrowed and must outlive the runner).
 * Free with tach_runner_free.  NULL when out of memory. */
TACH_API tach_runner *tach_runner_new(const tach_runner_opts *opts,
                                      const tach_executor *ex);
TACH_API void tach_runner_free(tach_runner *r);

/* Adds a command to benchmark: `name` is its display name, `text` the
 * command line as given (recorded as the source), argv its words
 * (borrowed), params its parameter values (copied; may be NULL).
 * 0 or TACH_ENOMEM. */
TACH_API int tach_runner_add(tach_runner *r, const char *name, const char *text,
                             char *const *argv, const tach_kvlist *params);
/* Gives the command added last its own prepare, cleanup and conclude
 * commands (NULL-terminated argv, borrowed like those of the opts) in
 * place of opts->prepare, ->cleanup and ->conclude; a NULL keeps the
 * opts' one.  As `tach run --prepare A --prepare B X Y` runs A before
 * every run of X and B before every run of Y.  0, or TACH_EINVAL when no
 * command was added yet. */
TACH_API int tach_runner_set_helpers(tach_runner *r, char **prepare, char **cleanup,
                                     char **conclude);

/* Gives the command added last its own setup command (NULL-terminated
 * argv, borrowed) in place of opts->setup; NULL keeps the opts' one.  0,
 * or TACH_EINVAL when no command was added yet. */
TACH_API int tach_runner_set_setup(tach_runner *r, char **setup);

/* Gives the command added last its own working directory (borrowed) in
 * place of opts->exec.cwd, for its runs and its helper commands; NULL
 * keeps the opts' one.  0, or TACH_EINVAL when no command was added yet. */
TACH_API int tach_runner_set_cwd(tach_runner *r, const char *cwd);

/* Runs everything and appends one benchmark per command to `out`, with
 * the metrics time, user_time, system_time, peak_rss (one sample per
 * timed run), exit_code (count: the exit code, or 128 + signal) and,
 * if any run timed out, timed_out (count, 0 or 1 per run).  The method of
 * peak_rss goes to out->meta.context as "peak_rss_method", and with
 * opts->exec.cpus the CPUs as "cpus" (the kernel's list form, "0,2-3").
 * Returns 0; TACH_ERANGE when a run failed (non-zero exit, signal or
 * timeout) and ignore_failure is off: err says which command, which run,
 * and how it ended -- `out` still holds everything measured until then;
 * TACH_EINTR-like stop: 0 with fewer runs; or the error of a command that
 * could not be started (-ENOENT ...). */
TACH_API int tach_runner_run(tach_runner *r, tach_result *out, tach_error *err);

/* --------------------------------------------------------------------
 * Memory of a whole process tree via cgroups.
 */

/* What the machine allows, probed once: TACH_PEAK_CGROUP if a per-run
 * cgroup with a memory peak can be made here (cgroup v2 with the memory
 * controller delegated and memory.peak, or a writable cgroup v1 memory
 * hierarchy), else TACH_PEAK_NONE.  why[0..size) gets where the cgroups
 * are made, or the reason none can be (each way tried and why it failed,
 * and what to enable). */
TACH_API tach_peak_method tach_cgroup_probe(char *why, size_t size);

/* The probe's method as stored in results (tree_peak_memory_method):
 * "cgroup-v2" (memory.peak) or "cgroup-v1" (memory.max_usage_in_bytes);
 * NULL when the probe found no usable cgroup.  Static string. */
TACH_API const char *tach_cgroup_probe_method(void);

/* --------------------------------------------------------------------
 * Times too short to measure.
 */

/* Why a command's wall time was not resolved. */
typedef enum tach_resolution_kind {
	TACH_RESOLVED = 0,
	/* its median is at or below the timer's resolution */
	TACH_UNRESOLVED_TIMER = 1,
	/* a start-up time (the shell's, with --shell) is subtracted from every
	 * run, and what is left of the command is within that start-up's own
	 * run-to-run spread */
	TACH_UNRESOLVED_STARTUP = 2,
} tach_resolution_kind;

typedef struct tach_resolution {
	tach_resolution_kind kind;
	double own;   /* s: median of the runs, less the start-up's median if any */
	double limit; /* s: what `own` had to exceed (see tach_time_resolution) */
	double lo;    /* s: with a start-up, the lower end of the 98 % interval
	                 of the command's own time; NaN without one */
} tach_resolution;

/* Decides whether wall times raw[0..n) measured a command at all.  Without
 * a start-up (startup NULL or n_startup 0): unresolved (TACH_UNRESOLVED_TIMER)
 * when the median is at or below `timer_resolution`; limit = that
 * resolution.  With the samples of a start-up that is subtracted from every
 * run (an empty command through the same shell): own = median(raw) -
 * median(startup), and the command is unresolved (TACH_UNRESOLVED_STARTUP)
 * when own is not larger than the start-up's interquartile range (limit),
 * or when the 98 % Hodges-Lehmann interval of the shift raw - startup
 * reaches 0 (the runs cannot be told apart from the empty command); limit =
 * the larger of that range and the timer's resolution.  n = 0: resolved, own
 * NaN.  Returns 0 or TACH_ENOMEM. */
TACH_API int tach_time_resolution(const double *raw, size_t n, const double *startup,
                                  size_t n_startup, double timer_resolution,
                                  tach_resolution *out);

#ifdef __cplusplus
}
#endif
#endif
