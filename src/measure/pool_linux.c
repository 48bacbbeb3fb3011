/* pool_linux.c - concurrent runs of one command: a load test keeping C
 * copies going until N runs are done or a duration has passed.
 *
 * Each copy is spawned like a single run (own process group, timeout,
 * SIGTERM then SIGKILL), watched through its pidfd; one poll() waits for
 * whichever ends first.  The pool shares one cgroup, so its tree peak is
 * the memory of all copies at once, which is what a load test asks for;
 * its peak_rss is the largest single process of all copies.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tach/monitor.h"
#include "tach/run.h"
#include "measure/spawn.h"

typedef struct slot {
	pid_t pid;
	int pidfd;
	double t0;
	int termed; /* SIGTERM sent at the timeout */
	double kill_at;
	struct tach_monitor *mon; /* with exec opts' monitor: this copy's tree */
} slot;

/* Reaps a copy's leader and reports it; returns its ru_maxrss in bytes. */
static uint64_t finish(slot *sl, int timed_out, tach_pool_done_fn done, void *ctx)
{
	int status = 0;
	struct rusage ru;
	double t1 = tach__now();
	while (wait4(sl->pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	kill(-sl->pid, SIGKILL); /* the rest of its group */
	tach_run_sample s;
	memset(&s, 0, sizeof s);
	s.wall = t1 - sl->t0;
	s.user = tach__tv_seconds(ru.ru_utime);
	s.system = tach__tv_seconds(ru.ru_stime);
	s.peak_rss = (uint64_t)ru.ru_maxrss * 1024;
	s.peak_method = TACH_PEAK_RUSAGE_MAX;
	if (tach__exec_interrupted()) {
		s.state = TACH_RUN_KILLED; /* stopped by the user: not a sample */
	} else if (timed_out) {
		s.state = TACH_RUN_TIMED_OUT;
	} else if (WIFEXITED(status)) {
		s.state = TACH_RUN_EXITED;
		s.exit_code = WEXITSTATUS(status);
	} else {
		s.state = TACH_RUN_SIGNALLED;
		s.signal = WTERMSIG(status);
	}
	if (sl->mon) {
		/* the copy's series go with its sample; the receiver owns them */
		tach_monitor_summary sum;
		tach_monitor_stop(sl->mon, &sum);
		s.monitor = done ? sl->mon : NULL;
		if (!done)
			tach_monitor_free(sl->mon);
		sl->mon = NULL;
	}
	if (done)
		done(ctx, &s);
	else if (s.monitor)
		tach_monitor_free(s.monitor);
	close(sl->pidfd);
	sl->pid = 0;
	return s.peak_rss;
}

int tach_exec_pool(char *const *argv, const tach_exec_opts *o, size_t concurrency,
                   size_t runs, double duration, tach_pool_done_fn done, void *ctx,
                   tach_run_sample *whole, tach_error *err)
{
	tach__init_subreaper();
	memset(whole, 0, sizeof *whole);
	if (!concurrency)
		concurrency = 1;
	slot *sl = calloc(concurrency, sizeof *sl);
	struct pollfd *pf = calloc(concurrency, sizeof *pf);
	if (!sl || !pf) {
		free(sl);
		free(pf);
		return TACH_ENOMEM;
	}
	tach_exec_opts eo = *o;
	if (eo.output == TACH_OUTPUT_PIPE)
		eo.output = TACH_OUTPUT_NULL; /* no reader for many writers */
	tach__cgroup *cg = NULL;
	if (o->measure_memory && tach_cgroup_probe(NULL, 0) == TACH_PEAK_CGROUP)
		cg = tach__run_cgroup();
	struct rusage before, after;
	getrusage(RUSAGE_CHILDREN, &before);
	double start = tach__now(), end = duration > 0 ? start + duration : 0;
	size_t started = 0, running = 0;
	uint64_t maxrss = 0, m;
	int rc = 0;
	for (;;) {
		/* fill free slots */
		int stop = tach__exec_interrupted();
		for (size_t i = 0; i < concurrency && !rc; i++) {
			int more = !stop && (runs ? started < runs : tach__now() < end);
			if (sl[i].pid || !more)
				continue;
			rc = tach__spawn(argv, &eo, -1, cg, &sl[i].pid, &sl[i].t0);
			if (rc) {
				sl[i].pid = 0;
				if (err)
					snprintf(err->message, sizeof err->message, "cannot run '%s': %s",
					         argv[0], strerror(rc));
				rc = -rc;
				break;
			}
			sl[i].pidfd = tach__pidfd_open(sl[i].pid);
			sl[i].termed = 0;
			sl[i].mon = NULL;
			if (o->monitor > 0) {
				tach_monitor_opts mo = {o->monitor, 0, NULL};
				if (tach_monitor_start(sl[i].pid, &mo, &sl[i].mon) != 0)
					sl[i].mon = NULL; /* already gone */
			}
			started++;
			running++;
		}
		if (!running)
			break;
		/* wait for the first to end, or the next timeout */
		double next = 0;
		size_t n = 0;
		for (size_t i = 0; i < concurrency; i++) {
			if (!sl[i].pid)
				continue;
			pf[n].fd = sl[i].pidfd;
			pf[n].events = POLLIN;
			pf[n].revents = 0;
			n++;
			double due = sl[i].termed ? sl[i].kill_at
			             : o->timeout > 0 ? sl[i].t0 + o->timeout : 0;
			if (due > 0 && (next == 0 || due < next))
				next = due;
		}
		int ms = next > 0 ? (int)((next - tach__now()) * 1000) + 1 : -1;
		if (ms < -1 || (next > 0 && ms < 0))
			ms = 0;
		/* a stop signal landing just before poll() must not wait for the
		 * copies to end: look again at least every 100 ms */
		if (ms < 0 || ms > 100)
			ms = 100;
		if (poll(pf, n, ms) < 0 && errno != EINTR)
			break;
		/* a signal to stop (Ctrl-C, SIGTERM of a cancelled CI job): every
		 * copy's group goes now, not when the copies would have ended */
		if (tach__exec_interrupted())
			for (size_t i = 0; i < concurrency; i++)
				if (sl[i].pid)
					kill(-sl[i].pid, SIGKILL);
		double t = tach__now();
		for (size_t i = 0, k = 0; i < concurrency; i++) {
			if (!sl[i].pid)
				continue;
			short rev = pf[k++].revents;
			if (rev & POLLIN) {
				if ((m = finish(&sl[i], sl[i].termed, done, ctx)) > maxrss)
					maxrss = m;
				running--;
			} else if (o->timeout > 0 && !sl[i].termed && t >= sl[i].t0 + o->timeout) {
				kill(-sl[i].pid, SIGTERM);
				sl[i].termed = 1;
				sl[i].kill_at = t + (o->grace > 0 ? o->grace : 0.5);
			} else if (sl[i].termed && t >= sl[i].kill_at) {
				kill(-sl[i].pid, SIGKILL);
			}
		}
		if (rc)
			break;
	}
	/* after an error: stop what still runs */
	for (size_t i = 0; i < concurrency; i++)
		if (sl[i].pid) {
			kill(-sl[i].pid, SIGKILL);
			if ((m = finish(&sl[i], 0, NULL, NULL)) > maxrss)
				maxrss = m;
		}
	whole->wall = tach__now() - start;
	if (cg)
		tach__cgroup_kill_all(cg);
	if ((m = tach__reap_leftovers(0)) > maxrss)
		maxrss = m;
	getrusage(RUSAGE_CHILDREN, &after);
	whole->user = tach__tv_seconds(after.ru_utime) - tach__tv_seconds(before.ru_utime);
	whole->system = tach__tv_seconds(after.ru_stime) - tach__tv_seconds(before.ru_stime);
	uint64_t peak;
	/* not after.ru_maxrss: that is the largest of every child tach ever
	 * reaped, earlier runs included */
	whole->peak_rss = maxrss;
	whole->peak_method = TACH_PEAK_RUSAGE_MAX;
	if (cg && tach__cgroup_peak(cg, &peak) == 0) {
		whole->tree_peak = peak;
		whole->tree_method = TACH_PEAK_CGROUP;
	}
	if (cg)
		tach__release_cgroup(cg);
	free(sl);
	free(pf);
	return rc;
}
