/* cgroup_stat.h - the current memory and CPU usage of one cgroup, read
 * through held fds: one pread per figure whatever the number of processes
 * in it, which is why the monitor prefers it to summing /proc per process.
 * Takes a directory path, so tests point it at a fake cgroup tree.
 */
#ifndef TACH_MEASURE_CGROUP_STAT_H
#define TACH_MEASURE_CGROUP_STAT_H

#include <stdint.h>
#include <sys/types.h>

#ifndef TACH_HIDDEN
#define TACH_HIDDEN __attribute__((visibility("hidden")))
#endif

/* The files of one cgroup directory that the monitor reads each tick:
 * memory (v2 memory.current, else v1 memory.usage_in_bytes), CPU (v2
 * cpu.stat usage_usec, else v1 cpuacct.usage in ns, when that controller
 * is mounted with memory or the directory is a cpuacct one) and the
 * members (cgroup.procs).  A missing file leaves its fd at -1. */
typedef struct tach__cgstat {
	int mem_fd, cpu_fd, procs_fd;
	int cpu_v2;       /* 1: cpu.stat (usec), 0: cpuacct.usage (ns) */
} tach__cgstat;

/* Opens the files of `dir`.  0 when at least the memory file is readable;
 * -errno (-ENOENT: not a cgroup with a memory controller) otherwise, with
 * every fd closed. */
TACH_HIDDEN int tach__cgstat_open(tach__cgstat *cs, const char *dir);

/* Current memory charged to the cgroup, in bytes.  0 or -errno /
 * TACH_EPARSE. */
TACH_HIDDEN int tach__cgstat_memory(const tach__cgstat *cs, uint64_t *bytes);

/* CPU (user + system) used by every process that ever was in the cgroup,
 * in seconds; -ENOENT when the cgroup has no CPU accounting here. */
TACH_HIDDEN int tach__cgstat_cpu(const tach__cgstat *cs, double *seconds);

/* Up to `max` pids of cgroup.procs into pids; how many, or -errno.  A
 * cgroup with more members fills pids and returns max. */
TACH_HIDDEN ssize_t tach__cgstat_procs(const tach__cgstat *cs, pid_t *pids, size_t max);

TACH_HIDDEN void tach__cgstat_close(tach__cgstat *cs);

#endif
