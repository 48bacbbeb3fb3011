/* spawn.h - spawning pieces shared by one run (spawn_linux.c) and a pool
 * of concurrent runs (pool_linux.c).  Internal to src/measure. */
#ifndef TACH_MEASURE_SPAWN_H
#define TACH_MEASURE_SPAWN_H

#include <stdint.h>
#include <sys/time.h>
#include <sys/types.h>

#include "tach/run.h"
#include "measure/cgroup.h"
#include "util/util.h"

/* Spawns argv in its own process group with the opts' stdin/stdout, into
 * cg when not NULL; *t0 is the moment the clock of the run starts.
 * Returns 0 or an errno value. */
TACH_HIDDEN int tach__spawn(char *const *argv, const tach_exec_opts *o, int pipe_w,
                            tach__cgroup *cg, pid_t *pid, double *t0);
/* SIGKILLs the group pgid and every other descendant left, and reaps them.
 * Returns the largest ru_maxrss (bytes) among the processes it reaped. */
TACH_HIDDEN uint64_t tach__reap_leftovers(pid_t pgid);
/* Kills (with their groups) and reaps every child of this process but the
 * spawner and keep[0..n_keep): the orphans adopted from runs still going
 * on beside them (a load test's daemons).  The largest ru_maxrss reaped. */
TACH_HIDDEN uint64_t tach__kill_orphans(const pid_t *keep, size_t n_keep);
/* Starts argv through the spawner (spawner_linux.c) as tach's child, in the
 * cgroup whose cgroup.procs is procs_path when not NULL.  0, an errno value,
 * or ENOSYS when there is no spawner (or the request is too big for it):
 * the caller then spawns directly. */
TACH_HIDDEN int tach__spawner_spawn(char *const *argv, const tach_exec_opts *o, int pipe_w,
                                    const char *procs_path, pid_t *pid, double *t0);
/* The spawner's pid, 0 when none runs: never one of the runs' leftovers. */
TACH_HIDDEN pid_t tach__spawner_pid(void);
TACH_HIDDEN int tach__pidfd_open(pid_t pid);
/* A cgroup for a run (reused where the peak can be reset), or NULL. */
TACH_HIDDEN tach__cgroup *tach__run_cgroup(void);
/* Done with a run's cgroup (empty): kept for the next run or removed. */
TACH_HIDDEN void tach__release_cgroup(tach__cgroup *cg);

/* Makes tach a child subreaper, once. */
TACH_HIDDEN void tach__init_subreaper(void);
/* 1 once tach_exec_interrupt was called (a signal asked tach to stop). */
TACH_HIDDEN int tach__exec_interrupted(void);

#endif
