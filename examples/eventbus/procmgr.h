/* procmgr.h - the seed's process manager in C: processes it starts (or
 * registers), each with a status that readers check often and writers
 * update, and a listing for the dashboard.  The status is kept one of two
 * ways, the seed's "mutex vs atomic" question:
 *
 *   PROCMGR_MUTEX   a mutex per process guards the status (the seed's
 *                   current code, 387 ns per check under contention),
 *   PROCMGR_ATOMIC  the status is one atomic int (its proposed fix).
 *
 * All functions are thread-safe unless said otherwise.
 */
#ifndef EVENTBUS_PROCMGR_H
#define EVENTBUS_PROCMGR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef enum procmgr_status {
	PROC_PENDING = 0,
	PROC_RUNNING = 1,
	PROC_STOPPED = 2,
	PROC_EXITED = 3,
	PROC_FAILED = 4,
} procmgr_status;

typedef enum procmgr_lock {
	PROCMGR_MUTEX = 0,
	PROCMGR_ATOMIC = 1,
} procmgr_lock;

typedef struct procmgr procmgr;
typedef struct procmgr_proc procmgr_proc;

/* One line of a listing: a copy, valid after the process changes. */
typedef struct procmgr_info {
	unsigned id;
	pid_t pid; /* 0 for a registered process that was never started */
	procmgr_status status;
	int exit_code;
	char name[32];
} procmgr_info;

/* Creates a manager.  Returns 0 and *out (free with procmgr_free), or
 * -ENOMEM. */
int procmgr_new(procmgr_lock lock, procmgr **out);

/* Frees the manager and its processes; processes still running are not
 * waited for (call procmgr_wait first).  NULL is a no-op. */
void procmgr_free(procmgr *m);

/* Registers a process without starting it (status PROC_PENDING): what
 * the seed's createTestProcesses does.  *out is owned by the manager. */
int procmgr_add(procmgr *m, const char *name, procmgr_proc **out);

/* Starts `argv[0]` (a path, no shell, no PATH search) with the environment
 * `envp`, registers it as running.  Returns 0 and *out, -ENOMEM, or
 * posix_spawn's error negated (the process is then registered as failed). */
int procmgr_start(procmgr *m, const char *name, char *const argv[], char *const envp[],
                  procmgr_proc **out);

/* Waits for a started process to exit and sets its status and exit code
 * (PROC_EXITED; PROC_FAILED when killed by a signal).  0 or -errno. */
int procmgr_wait(procmgr *m, procmgr_proc *p);

procmgr_status procmgr_get_status(procmgr_proc *p);
void procmgr_set_status(procmgr_proc *p, procmgr_status st);
unsigned procmgr_id(const procmgr_proc *p);

/* The seed's GetAllProcesses: a snapshot of every process, copied under
 * the manager's lock.  Returns 0 and *out (caller frees with free(); NULL
 * when there are none) and *n, or -ENOMEM. */
int procmgr_list(procmgr *m, procmgr_info **out, size_t *n);

/* Processes registered so far. */
size_t procmgr_count(procmgr *m);

const char *procmgr_lock_name(procmgr_lock l);

#endif
