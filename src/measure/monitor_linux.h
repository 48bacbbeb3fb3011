/* monitor_linux.h - what the sampler (monitor_linux.c) and its /proc
 * readers (monitor_proc_linux.c) share: the monitor and process-entry
 * structures, the paces, and the readers the sampler calls.  Internal to
 * src/measure. */
#ifndef TACH_MEASURE_MONITOR_LINUX_H
#define TACH_MEASURE_MONITOR_LINUX_H

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <time.h>

#include "tach/monitor.h"
#include "measure/cgroup_stat.h"
#include "util/util.h"

#define DEFAULT_INTERVAL 0.01
#define STAT_PERIOD 0.05    /* s between tree rescans and reads of every stat */
#define CG_PROC_PERIOD 0.1  /* the same with a cgroup: stat and its members */
#define IO_PERIOD 0.5       /* s between reads of /proc/PID/io */
#define CPU_WINDOW 0.1      /* s, shortest window of a CPU % point */
#define PSS_PERIOD 1.0      /* s between PSS readings of the tree */
#define STAT_BUF 1024


typedef struct proc {
	tach_monitor_proc pub;
	int fd;                 /* /proc/PID/stat, -1 if not held */
	int mfd;                /* /proc/PID/statm, -1 if not (yet) held */
	int cfd;                /* /proc/PID/task/PID/children, -1 if not held */
	int iofd;               /* /proc/PID/io, -1 if not (yet) held */
	int alive;
	int io_state;           /* 0 untried, 1 readable, -1 not readable */
	unsigned long long start_time; /* stat field 22: tells reused pids apart */
	uint64_t ticks;         /* utime + stime, as last read */
	uint64_t cticks;        /* cutime + cstime: its reaped children's */
	double ticks_at;        /* s since start when ticks were read */
	uint64_t gone_total;    /* ticks + cticks it was credited when gone */
	uint64_t io[4];         /* rchar, wchar, read_bytes, write_bytes */
} proc;

struct tach_monitor {
	pid_t root;
	double interval;
	unsigned flags;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop, finished, joined, oom;
	struct timespec t0;
	double end;             /* s since t0 when sampling ended */
	long page, hz, cpus;
	int have_children_file;

	proc *procs;
	size_t n_procs, cap_procs;
	pid_t *scratch;         /* pid lists of a rescan */
	size_t cap_scratch;
	tach_monitor_proc *pub; /* built by stop for tach_monitor_procs */

	/* samples: time, tree memory, cumulative tree CPU (s) and when that
	 * CPU figure was read (it may be older than the sample) */
	double *t, *cpu, *tc;
	uint64_t *rss;
	size_t n, cap;
	uint64_t dead_ticks;    /* final ticks of gone processes reaped outside */
	uint64_t found_ticks;   /* ticks processes had when found after sample 0 */
	uint64_t start_ticks;   /* the root's ticks + cticks when start read it */
	uint64_t pre_ticks;     /* what it used from then to the first sample */
	double last_stat;       /* s, last tick that read every stat */
	size_t alive;           /* processes alive at the last stat read */
	long threads;           /* their threads */

	/* the root's parent: its cutime + cstime grow by the root's final
	 * total when it reaps the root */
	int pfd;
	uint64_t parent_cticks;

	tach__cgstat cg;        /* with opts->cgroup */
	int use_cg, cg_cpu;
	double cpu_now;         /* cumulative CPU of the latest reading */
	double cpu_now_at;

	int have_totals;
	tach_monitor_totals totals;
	uint64_t peak_rss, peak_pss, pss_rss;
	double peak_rss_at, pss_at;
	size_t peak_procs;
	long peak_threads;
	double last_rescan, last_io;
	int rescan_now;
	double sampler_cpu;
};

static inline double since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* monitor_proc_linux.c: /proc/PID/stat opened (an fd, or -1), an entry's
 * held files closed, the root's parent's cutime + cstime (ticks) */
TACH_HIDDEN int tach__mon_open_stat(pid_t pid);
TACH_HIDDEN void tach__mon_close_fds(proc *pr);
TACH_HIDDEN uint64_t tach__mon_parent_cticks(tach_monitor *m);
/* The tree's membership: a process added, or found again by one of the
 * three ways of listing it (0, or TACH_ENOMEM) */
TACH_HIDDEN int tach__mon_add_proc(tach_monitor *m, pid_t pid, double now);
TACH_HIDDEN int tach__mon_rescan_children(tach_monitor *m, double now);
TACH_HIDDEN int tach__mon_rescan_all(tach_monitor *m, double now);
TACH_HIDDEN int tach__mon_rescan_cgroup(tach_monitor *m, double now);
/* One tick's readings: a process's PSS (bytes), and the tree's RSS
 * (bytes) from every stat (CPU, threads, state too) or every statm */
TACH_HIDDEN uint64_t tach__mon_read_pss(pid_t pid);
TACH_HIDDEN uint64_t tach__mon_read_all_stat(tach_monitor *m, double now, int io_due);
TACH_HIDDEN uint64_t tach__mon_read_all_statm(tach_monitor *m, double now);

#endif
