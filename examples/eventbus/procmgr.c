/* procmgr.c - the process manager of procmgr.h.
 *
 * The manager's mutex guards its array of processes (append only: a
 * process lives as long as the manager, so a procmgr_proc pointer never
 * dangles).  A process's status is guarded by its own mutex in the mutex
 * variant and is a lone atomic int in the atomic one; pid and exit code
 * are relaxed atomics written before the status that publishes them
 * (release) and read after it (acquire), or under the mutex.
 */
#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "procmgr.h"

struct procmgr_proc {
	unsigned id;
	procmgr_lock lock;
	pthread_mutex_t mu; /* PROCMGR_MUTEX: guards status, pid, exit_code */
	int status;
	atomic_int status_atomic; /* PROCMGR_ATOMIC */
	/* atomic so that the atomic variant's readers never race a writer;
	 * the mutex variant reads and writes them under mu */
	atomic_int pid, exit_code;
	char name[32];
};

struct procmgr {
	procmgr_lock lock;
	pthread_mutex_t mu; /* guards procs, n, cap */
	procmgr_proc **procs;
	size_t n, cap;
};

const char *procmgr_lock_name(procmgr_lock l)
{
	return l == PROCMGR_ATOMIC ? "atomic" : "mutex";
}

int procmgr_new(procmgr_lock lock, procmgr **out)
{
	procmgr *m = calloc(1, sizeof *m);
	*out = m;
	if (!m)
		return -ENOMEM;
	m->lock = lock;
	pthread_mutex_init(&m->mu, NULL);
	return 0;
}

void procmgr_free(procmgr *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		pthread_mutex_destroy(&m->procs[i]->mu);
		free(m->procs[i]);
	}
	free(m->procs);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

static int add(procmgr *m, const char *name, procmgr_proc **out)
{
	procmgr_proc *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	p->lock = m->lock;
	pthread_mutex_init(&p->mu, NULL);
	snprintf(p->name, sizeof p->name, "%s", name);
	pthread_mutex_lock(&m->mu);
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		procmgr_proc **np = realloc(m->procs, cap * sizeof *np);
		if (!np) {
			pthread_mutex_unlock(&m->mu);
			pthread_mutex_destroy(&p->mu);
			free(p);
			return -ENOMEM;
		}
		m->procs = np;
		m->cap = cap;
	}
	p->id = (unsigned)m->n;
	m->procs[m->n++] = p;
	pthread_mutex_unlock(&m->mu);
	*out = p;
	return 0;
}

int procmgr_add(procmgr *m, const char *name, procmgr_proc **out)
{
	return add(m, name, out);
}

/* Sets pid, exit code and status together. */
static void settle(procmgr_proc *p, pid_t pid, int exit_code, procmgr_status st)
{
	if (p->lock == PROCMGR_MUTEX) {
		pthread_mutex_lock(&p->mu);
		atomic_store_explicit(&p->pid, pid, memory_order_relaxed);
		atomic_store_explicit(&p->exit_code, exit_code, memory_order_relaxed);
		p->status = st;
		pthread_mutex_unlock(&p->mu);
	} else {
		atomic_store_explicit(&p->pid, pid, memory_order_relaxed);
		atomic_store_explicit(&p->exit_code, exit_code, memory_order_relaxed);
		atomic_store_explicit(&p->status_atomic, st, memory_order_release);
	}
}

int procmgr_start(procmgr *m, const char *name, char *const argv[], char *const envp[],
                  procmgr_proc **out)
{
	procmgr_proc *p;
	int rc = add(m, name, &p);
	if (rc)
		return rc;
	*out = p;
	pid_t pid;
	rc = posix_spawn(&pid, argv[0], NULL, NULL, argv, envp);
	if (rc) {
		settle(p, 0, -1, PROC_FAILED);
		return -rc;
	}
	settle(p, pid, 0, PROC_RUNNING);
	return 0;
}

int procmgr_wait(procmgr *m, procmgr_proc *p)
{
	(void)m;
	pid_t pid;
	if (p->lock == PROCMGR_MUTEX) {
		pthread_mutex_lock(&p->mu);
		pid = atomic_load_explicit(&p->pid, memory_order_relaxed);
		pthread_mutex_unlock(&p->mu);
	} else {
		(void)atomic_load_explicit(&p->status_atomic, memory_order_acquire);
		pid = atomic_load_explicit(&p->pid, memory_order_relaxed);
	}
	if (pid <= 0)
		return -ECHILD;
	int ws;
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(ws))
		settle(p, pid, WEXITSTATUS(ws), PROC_EXITED);
	else
		settle(p, pid, -1, PROC_FAILED);
	return 0;
}

procmgr_status procmgr_get_status(procmgr_proc *p)
{
	if (p->lock == PROCMGR_ATOMIC)
		return (procmgr_status)atomic_load_explicit(&p->status_atomic,
		                                            memory_order_acquire);
	pthread_mutex_lock(&p->mu);
	int st = p->status;
	pthread_mutex_unlock(&p->mu);
	return (procmgr_status)st;
}

void procmgr_set_status(procmgr_proc *p, procmgr_status st)
{
	if (p->lock == PROCMGR_ATOMIC) {
		atomic_store_explicit(&p->status_atomic, st, memory_order_release);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->status = st;
	pthread_mutex_unlock(&p->mu);
}

unsigned procmgr_id(const procmgr_proc *p)
{
	return p->id;
}

static void info_of(procmgr_proc *p, procmgr_info *i)
{
	i->id = p->id;
	memcpy(i->name, p->name, sizeof i->name);
	if (p->lock == PROCMGR_MUTEX) {
		pthread_mutex_lock(&p->mu);
		i->status = (procmgr_status)p->status;
		i->pid = atomic_load_explicit(&p->pid, memory_order_relaxed);
		i->exit_code = atomic_load_explicit(&p->exit_code, memory_order_relaxed);
		pthread_mutex_unlock(&p->mu);
	} else {
		i->status = (procmgr_status)atomic_load_explicit(&p->status_atomic,
		                                                 memory_order_acquire);
		i->pid = atomic_load_explicit(&p->pid, memory_order_relaxed);
		i->exit_code = atomic_load_explicit(&p->exit_code, memory_order_relaxed);
	}
}

int procmgr_list(procmgr *m, procmgr_info **out, size_t *n)
{
	*out = NULL;
	pthread_mutex_lock(&m->mu);
	*n = m->n;
	if (m->n) {
		*out = malloc(m->n * sizeof **out);
		if (!*out) {
			pthread_mutex_unlock(&m->mu);
			*n = 0;
			return -ENOMEM;
		}
		for (size_t i = 0; i < m->n; i++)
			info_of(m->procs[i], &(*out)[i]);
	}
	pthread_mutex_unlock(&m->mu);
	return 0;
}

size_t procmgr_count(procmgr *m)
{
	pthread_mutex_lock(&m->mu);
	size_t n = m->n;
	pthread_mutex_unlock(&m->mu);
	return n;
}
