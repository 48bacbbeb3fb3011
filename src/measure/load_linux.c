/* load_linux.c - the real ops of tach/loadgen.h: each start spawns the
 * command as tach_exec does (own process group, through the spawner, the
 * actual start read by the child right before exec), each slot is watched
 * through a pidfd, and one ppoll() waits for whichever run ends first, the
 * next timeout or the scheduler's next start -- to the nanosecond, since
 * a poll() in milliseconds would make every start up to 1 ms late.
 *
 * A run's states are those of run.h: running -> exited | signalled |
 * timed-out (SIGTERM to its group at the timeout, SIGKILL after the grace)
 * | killed (tach_exec_interrupt: every group gets SIGKILL at once).
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tach/loadgen.h"
#include "measure/spawn.h"

typedef struct load_slot {
	pid_t pid; /* 0: free */
	int pidfd;
	double t0, kill_at;
	int termed;
} load_slot;

struct tach_load_exec {
	char *const *argv;
	tach_exec_opts eo;
	size_t n;
	load_slot *sl;
	struct pollfd *pf;
	size_t *pf_slot;
	tach__cgroup *cg;
	struct rusage before;
	double created;
	uint64_t maxrss;
	int finished;
	char why[256];
	double swept; /* when orphans were last looked for */
	pid_t *keep;  /* scratch: the leaders still running */
};

/* How often a run's end also looks for the orphans runs left (daemons
 * that escaped their group, adopted by tach as subreaper): one /proc scan
 * per this many seconds, not per run, so a high rate pays nothing for it;
 * an orphan lives at most this long beside the runs measured. */
#define ORPHAN_SWEEP 0.1

/* Kills the orphans left so far, keeping every run still going. */
static void sweep_orphans(tach_load_exec *e)
{
	double now = tach__now();
	if (now - e->swept < ORPHAN_SWEEP || !e->keep)
		return;
	e->swept = now;
	size_t n = 0;
	for (size_t i = 0; i < e->n; i++)
		if (e->sl[i].pid)
			e->keep[n++] = e->sl[i].pid;
	uint64_t m = tach__kill_orphans(e->keep, n);
	if (m > e->maxrss)
		e->maxrss = m;
}

static double real_now(void *ctx)
{
	(void)ctx;
	return tach__now();
}

static int real_start(void *ctx, size_t slot, double *started)
{
	tach_load_exec *e = ctx;
	load_slot *s = &e->sl[slot];
	int rc = tach__spawn(e->argv, &e->eo, -1, e->cg, &s->pid, &s->t0);
	if (rc) {
		s->pid = 0;
		snprintf(e->why, sizeof e->why, "cannot run '%s': %s", e->argv[0], strerror(rc));
		return -rc;
	}
	if (tach__exec_interrupted()) /* the signal came while spawning */
		kill(-s->pid, SIGKILL);
	s->pidfd = tach__pidfd_open(s->pid);
	s->termed = 0;
	*started = s->t0;
	return 0;
}

/* Reaps the slot's leader and the rest of its group; 1 if it failed. */
static int reap_slot(tach_load_exec *e, load_slot *s)
{
	int status = 0;
	struct rusage ru;
	while (wait4(s->pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	kill(-s->pid, SIGKILL);
	if ((uint64_t)ru.ru_maxrss * 1024 > e->maxrss)
		e->maxrss = (uint64_t)ru.ru_maxrss * 1024;
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->pid = 0;
	sweep_orphans(e);
	return s->termed || tach__exec_interrupted() || !WIFEXITED(status) ||
	       WEXITSTATUS(status) != 0;
}

static int real_wait(void *ctx, double until, tach_load_done_fn done, void *done_ctx)
{
	tach_load_exec *e = ctx;
	size_t n = 0;
	double next = until;
	for (size_t i = 0; i < e->n; i++) {
		load_slot *s = &e->sl[i];
		if (!s->pid)
			continue;
		e->pf[n] = (struct pollfd){s->pidfd, POLLIN, 0};
		e->pf_slot[n++] = i;
		double due = s->termed ? s->kill_at : e->eo.timeout > 0 ? s->t0 + e->eo.timeout : INFINITY;
		if (due < next)
			next = due;
	}
	double now = tach__now(), wait = next - now;
	/* a stop signal landing just before ppoll() must not wait for the runs
	 * to end: look again at least every 100 ms */
	if (!(wait < 0.1))
		wait = 0.1;
	if (wait < 0)
		wait = 0;
	struct timespec ts = {(time_t)wait, (long)((wait - floor(wait)) * 1e9)};
	if (ppoll(e->pf, n, &ts, NULL) < 0 && errno != EINTR)
		return -errno;
	double t = tach__now();
	int stop = tach__exec_interrupted();
	for (size_t k = 0; k < n; k++) {
		size_t i = e->pf_slot[k];
		load_slot *s = &e->sl[i];
		if (stop)
			kill(-s->pid, SIGKILL);
		if (e->pf[k].revents & (POLLIN | POLLHUP | POLLERR)) {
			int failed = reap_slot(e, s);
			done(done_ctx, i, t, failed);
		} else if (e->eo.timeout > 0 && !s->termed && t >= s->t0 + e->eo.timeout) {
			kill(-s->pid, SIGTERM);
			s->termed = 1;
			s->kill_at = t + (e->eo.grace > 0 ? e->eo.grace : 0.5);
		} else if (s->termed && t >= s->kill_at) {
			kill(-s->pid, SIGKILL);
		}
	}
	return 0;
}

int tach_load_exec_new(char *const *argv, const tach_exec_opts *exec, size_t max_in_flight,
                       tach_load_exec **out)
{
	tach__init_subreaper();
	tach_load_exec *e = calloc(1, sizeof *e);
	size_t n = max_in_flight ? max_in_flight : 1;
	if (!e || !(e->sl = calloc(n, sizeof *e->sl)) || !(e->pf = calloc(n, sizeof *e->pf)) ||
	    !(e->pf_slot = calloc(n, sizeof *e->pf_slot)) || !(e->keep = calloc(n, sizeof *e->keep))) {
		tach_load_exec_free(e);
		return TACH_ENOMEM;
	}
	e->argv = argv;
	e->n = n;
	e->eo = *exec;
	if (e->eo.output == TACH_OUTPUT_PIPE)
		e->eo.output = TACH_OUTPUT_NULL; /* no reader for many writers */
	/* only on cgroup v2, where a process is cloned straight into it: moving
	 * each run into a v1 group costs milliseconds, which would make
	 * every start late */
	if (exec->measure_memory && tach_cgroup_probe(NULL, 0) == TACH_PEAK_CGROUP &&
	    !strcmp(tach_cgroup_probe_method(), "cgroup-v2"))
		e->cg = tach__run_cgroup();
	getrusage(RUSAGE_CHILDREN, &e->before);
	e->created = tach__now();
	*out = e;
	return 0;
}

tach_load_ops tach_load_exec_ops(tach_load_exec *e)
{
	return (tach_load_ops){real_now, real_start, real_wait, e};
}

const char *tach_load_exec_error(const tach_load_exec *e)
{
	return e && e->why[0] ? e->why : NULL;
}

/* Kills and reaps every run still going and every leftover descendant. */
static void kill_all(tach_load_exec *e)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->sl[i].pid) {
			kill(-e->sl[i].pid, SIGKILL);
			reap_slot(e, &e->sl[i]);
		}
	if (e->cg)
		tach__cgroup_kill_all(e->cg);
	uint64_t m = tach__reap_leftovers(0);
	if (m > e->maxrss)
		e->maxrss = m;
}

void tach_load_exec_finish(tach_load_exec *e, tach_run_sample *whole)
{
	memset(whole, 0, sizeof *whole);
	kill_all(e);
	e->finished = 1;
	struct rusage after;
	getrusage(RUSAGE_CHILDREN, &after);
	whole->wall = tach__now() - e->created;
	whole->user = tach__tv_seconds(after.ru_utime) - tach__tv_seconds(e->before.ru_utime);
	whole->system = tach__tv_seconds(after.ru_stime) - tach__tv_seconds(e->before.ru_stime);
	whole->peak_rss = e->maxrss;
	whole->peak_method = TACH_PEAK_RUSAGE_MAX;
	uint64_t peak;
	if (e->cg && tach__cgroup_peak(e->cg, &peak) == 0) {
		whole->tree_peak = peak;
		whole->tree_method = TACH_PEAK_CGROUP;
	}
}

void tach_load_exec_free(tach_load_exec *e)
{
	if (!e)
		return;
	if (e->sl && !e->finished)
		kill_all(e);
	if (e->cg)
		tach__release_cgroup(e->cg);
	free(e->sl);
	free(e->pf);
	free(e->pf_slot);
	free(e->keep);
	free(e);
}
