/* monitor.h - resource usage of a whole process tree over time, sampled
 * from /proc (or from the tree's cgroup) by a background thread: tree
 * memory, CPU %, threads and I/O, as time series plus the summary
 * stress-test guides ask for.
 *
 * The series give the shape; totals come from exact accounting where the
 * caller has it: whoever reaps the tree hands its rusage (or the cgroup's
 * CPU usage) over with tach_monitor_set_totals(), and the summary says
 * which method each total came from.
 *
 * Linux only (/proc).  The sampler follows the tree as it forks and exits,
 * costs under 1 % of a core at a 10 ms interval on a 10-process tree
 * (bench/bench_monitor.c) and never starts a process of its own.
 */
#ifndef TACH_MONITOR_H
#define TACH_MONITOR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tach/error.h"
#include "tach/result.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tach_monitor tach_monitor;

/* Monitor flags. */
enum {
	/* Also read the proportional set size (PSS, /proc/PID/smaps_rollup)
	 * of the tree whenever its RSS reaches a new peak, at most once a
	 * second (and again when the RSS grew by more than 10 % since).  PSS
	 * splits pages shared after fork() among their sharers, so its sum is
	 * the tree's real footprint, but reading it walks every page table:
	 * milliseconds for a large process, far too slow for every tick. */
	TACH_MONITOR_PSS = 1u << 0,
};

typedef struct tach_monitor_opts {
	double interval; /* seconds between samples; 0: 10 ms */
	unsigned flags;  /* TACH_MONITOR_* */
	/* A cgroup directory that holds the tree (and nothing else), or
	 * NULL.  Each tick then reads the cgroup's own memory file (v2
	 * memory.current, v1 memory.usage_in_bytes) and, where there is one,
	 * its CPU usage (v2 cpu.stat, v1 cpuacct.usage): one read whatever
	 * the tree's size.  Members come from its cgroup.procs, and the
	 * per-process /proc/PID/stat (largest process, threads, CPU when the
	 * cgroup has no CPU accounting) is read only every 100 ms. */
	const char *cgroup;
} tach_monitor_opts;

/* Where a CPU total came from. */
typedef enum tach_monitor_cpu_method {
	/* /proc samples: the tree's utime + stime, plus what members reaped
	 * (cutime + cstime).  CPU a process used after the last sample before
	 * it was reaped by a process outside the tree is missed, except for
	 * the root, whose parent's cutime + cstime is read for it. */
	TACH_MONITOR_CPU_SAMPLED = 0,
	/* getrusage(RUSAGE_CHILDREN) / wait4 of the reaped tree: exact for
	 * every process that was waited for (orphans included when the caller
	 * is their subreaper). */
	TACH_MONITOR_CPU_RUSAGE = 1,
	/* the cgroup's own CPU usage: every process that was in it. */
	TACH_MONITOR_CPU_CGROUP = 2,
} tach_monitor_cpu_method;

/* "sampled", "rusage" or "cgroup". */
TACH_API const char *tach_monitor_cpu_method_name(tach_monitor_cpu_method m);

/* Exact figures from whoever reaped the tree, for tach_monitor_set_totals. */
typedef struct tach_monitor_totals {
	double cpu_seconds;     /* user + system of the whole tree */
	double duration;        /* s the tree ran (e.g. spawn to exit); > 0 */
	tach_monitor_cpu_method cpu_method; /* RUSAGE or CGROUP */
	uint64_t peak_proc_rss; /* B, largest process's own maximum RSS; 0: unknown */
} tach_monitor_totals;

/* What a finished monitor saw.  Tree RSS is the SUM of the processes'
 * resident set sizes at one sample: pages shared between processes (a
 * parent's memory still shared copy-on-write after fork(), shared
 * libraries) count once per process, so for fork trees it is an upper
 * bound of the real footprint; see peak_tree_pss.  With a cgroup
 * (memory_from_cgroup) it is instead the memory charged to the cgroup:
 * anonymous memory, page cache and kernel memory of the tree, shared pages
 * once. */
typedef struct tach_monitor_summary {
	double duration;         /* s, from start until stopped or the tree was gone */
	size_t samples;          /* number of samples taken */
	double interval;         /* s, the requested interval */
	uint64_t peak_tree_rss;  /* B, largest tree RSS of any sample */
	double peak_tree_rss_at; /* s since start of that sample */
	uint64_t peak_tree_pss;  /* B, largest tree PSS read; 0 without TACH_MONITOR_PSS */
	pid_t peak_pid;          /* the process with the largest RSS of its own */
	char peak_comm[16];      /* its name (comm, at most 15 characters) */
	uint64_t peak_proc_rss;  /* B, its peak RSS */
	double cpu_seconds;      /* user + system CPU the tree used while watched;
	                            see cpu_method */
	double avg_cpu_percent;  /* cpu_seconds / duration * 100 (100 = one core) */
	double peak_cpu_percent; /* largest CPU % over any window of >= 100 ms */
	size_t procs_seen;       /* processes of the tree seen at any time */
	size_t peak_procs;       /* most processes alive at one sample */
	long peak_threads;       /* most threads of the tree at one sample */
	int io_known;            /* 1 if /proc/PID/io was readable for some process */
	uint64_t io_read_bytes;  /* B fetched from storage (read_bytes), summed */
	uint64_t io_write_bytes; /* B sent to storage (write_bytes), summed */
	uint64_t io_rchar;       /* B passed to read()-like calls (rchar), summed */
	uint64_t io_wchar;       /* B passed to write()-like calls (wchar), summed */
	double sampler_cpu_seconds; /* CPU time the sampler thread itself used */
	tach_monitor_cpu_method cpu_method; /* where cpu_seconds came from */
	int memory_from_cgroup;  /* 1: tree memory is the cgroup's charge */
	int peak_proc_exact;     /* 1: peak_proc_rss is a wait4 maximum RSS */
} tach_monitor_summary;

/* One process of the tree, as last seen. */
typedef struct tach_monitor_proc {
	pid_t pid, ppid;
	char comm[16];
	uint64_t peak_rss;   /* B, largest RSS seen */
	uint64_t last_rss;   /* B, at the last sample it was alive */
	double cpu_seconds;  /* user + system, as last read */
	long threads;        /* as last read */
	double first_seen, last_seen; /* s since start */
	int exited;          /* 1 once it was gone */
} tach_monitor_proc;

/* Starts a sampler thread that follows `root` and every descendant it has
 * or gets (children found through /proc/PID/task/TID/children, or a scan
 * of /proc where the kernel lacks that file; descendants re-parented after
 * their parent exits stay followed once seen).  Sampling starts at once
 * and repeats every opts->interval (NULL opts: 10 ms, no PSS) until
 * tach_monitor_stop() or until no process of the tree is left alive (a
 * zombie counts as gone).  Processes that start and exit between two
 * rescans of the tree (every 50 ms, 100 ms with a cgroup, or at the next
 * tick after a known process exits) may be missed in the samples.
 * On success *out is a new monitor the caller frees with
 * tach_monitor_free().  Returns 0; TACH_EINVAL for root <= 0 or a bad
 * interval; -ESRCH when root is gone, a zombie, or hidden from us;
 * -ENOENT (or another -errno) when opts->cgroup has no readable memory
 * file; TACH_ENOMEM. */
TACH_API int tach_monitor_start(pid_t root, const tach_monitor_opts *opts,
                                tach_monitor **out);

/* Blocks until the tree is gone (returns 1) or `timeout` seconds passed
 * (returns 0; a timeout <= 0 only polls). */
TACH_API int tach_monitor_wait(tach_monitor *m, double timeout);

/* Stops the sampler (if still running), joins its thread and fills *sum
 * (may be NULL).  Calling it again only fills *sum again.  Returns 0, or
 * TACH_ENOMEM if the sampler ran out of memory on the way (the samples up
 * to then are kept and summarised). */
TACH_API int tach_monitor_stop(tach_monitor *m, tach_monitor_summary *sum);

/* Hands over exact totals of the watched tree, measured by the caller once
 * it reaped the tree.  The summary then reports t->cpu_seconds, its share
 * of t->duration as avg_cpu_percent and duration itself (so a tree that
 * lived shorter than one interval still shows its CPU), with cpu_method
 * set from t; a non-zero t->peak_proc_rss (the kernel's maximum RSS,
 * comparable with time -v) replaces peak_proc_rss.  Call before or after tach_monitor_stop (a later
 * stop fills *sum with them).  Returns 0, or TACH_EINVAL for a duration
 * <= 0, negative CPU or a method other than RUSAGE or CGROUP. */
TACH_API int tach_monitor_set_totals(tach_monitor *m, const tach_monitor_totals *t);

/* After tach_monitor_stop: appends the tree RSS (B) as a new series of
 * `rss` and the CPU % (100 = one core; each point is the rate over the
 * trailing 100 ms, or the interval if longer, because the kernel counts
 * CPU time in 10 ms ticks; capped at 100 % x the online CPUs, since each
 * process's count may be a tick off) as a new series of `cpu`, both tied to sample
 * index `sample`, with t in seconds since start.  Either metric may be
 * NULL.  Returns 0, TACH_EINVAL if the monitor still runs, or
 * TACH_ENOMEM. */
TACH_API int tach_monitor_series(const tach_monitor *m, tach_metric *rss,
                                 tach_metric *cpu, size_t sample);

/* After tach_monitor_stop: every process seen, in the order first seen
 * (the root first).  *procs is borrowed from m until tach_monitor_free;
 * returns how many. */
TACH_API size_t tach_monitor_procs(const tach_monitor *m,
                                   const tach_monitor_proc **procs);

/* Stops the monitor if it runs and frees it.  NULL is a no-op. */
TACH_API void tach_monitor_free(tach_monitor *m);

#ifdef __cplusplus
}
#endif
#endif
