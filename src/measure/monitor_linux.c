/* monitor_linux.c - the /proc sampler behind tach monitor and run --monitor:
 * one thread that follows a process tree and records tree memory, CPU and
 * threads every tick, I/O and (optionally) PSS at a slower pace.
 *
 * Cheapness is the design goal (<= 1 % of a core at 10 ms on 10 processes,
 * <= 0.5 % with a cgroup): every /proc file stays open and is pread() and
 * parsed by hand.  Each tick reads only what moves at that pace: the
 * cgroup's memory (and CPU) file when there is a cgroup, else each
 * process's statm (a third of the cost of stat); stat itself (CPU, threads,
 * state) and the tree's membership are read every STAT_PERIOD, since CPU
 * counters move in 10 ms steps and a CPU % point spans CPU_WINDOW anyway.
 *
 * CPU totals: the series is only the shape.  Sampling misses what a process
 * used between its last sample and its reaping, so the caller that reaped
 * the tree hands exact totals over (tach_monitor_set_totals); alone, the
 * sampler adds what members reaped (cutime + cstime) and, for the root,
 * reads its parent's cutime + cstime, which grow by the root's final total
 * when the parent reaps it.
 *
 * The readers of /proc are in monitor_proc_linux.c.
 *
 * A process entry's life: found (stat fd open) -> alive -> gone (read
 * fails, or zombie; fd closed, last figures kept).  Holding the fd also
 * pins the pid: a gone process's fd keeps failing even if its pid is
 * reused, so a reused pid found later is a new entry.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "measure/monitor_linux.h"

/* The tree's cumulative CPU (s) from the last readings; what a process
 * used before it was found is left out of the series, or a rescan would
 * show up to STAT_PERIOD of its CPU as a spike at one point; the
 * summary's total adds it back. */
static double tree_cpu(const tach_monitor *m)
{
	uint64_t ticks = m->dead_ticks;
	for (size_t i = 0; i < m->n_procs; i++)
		if (m->procs[i].alive)
			ticks += m->procs[i].ticks + m->procs[i].cticks;
	/* signed: a found process that is a zombie not yet reaped by its
	 * (followed) parent counts nowhere for a moment */
	return ((double)ticks - (double)m->found_ticks) / (double)m->hz;
}

static int add_sample(tach_monitor *m, double now, uint64_t rss)
{
	if (m->n == m->cap) {
		size_t cap = m->cap;
		if (tach__grow((void **)&m->t, &cap, m->n + 1, sizeof *m->t))
			return TACH_ENOMEM;
		double *c2 = realloc(m->cpu, cap * sizeof *m->cpu);
		if (!c2)
			return TACH_ENOMEM;
		m->cpu = c2;
		double *tc2 = realloc(m->tc, cap * sizeof *m->tc);
		if (!tc2)
			return TACH_ENOMEM;
		m->tc = tc2;
		uint64_t *r2 = realloc(m->rss, cap * sizeof *m->rss);
		if (!r2)
			return TACH_ENOMEM;
		m->rss = r2;
		m->cap = cap;
	}
	m->t[m->n] = now;
	m->rss[m->n] = rss;
	m->cpu[m->n] = m->cpu_now;
	m->tc[m->n] = m->cpu_now_at;
	m->n++;
	return 0;
}

/* One sample.  `last`: the final one at stop, which reads everything. */
static int tick(tach_monitor *m, int last)
{
	double now = since(&m->t0);
	int rc = 0;
	/* with a cgroup, per-process figures are only the largest process,
	 * threads and (without cgroup CPU) CPU: a CPU_WINDOW pace will do */
	double period = m->use_cg ? CG_PROC_PERIOD : STAT_PERIOD;
	int stat_due = last || m->n == 0 || m->rescan_now || m->interval >= period ||
	               now - m->last_stat >= period - m->interval / 2;
	if (m->rescan_now || now - m->last_rescan >= period || m->n == 0) {
		rc = m->use_cg && m->cg.procs_fd >= 0 ? tach__mon_rescan_cgroup(m, now)
		     : m->have_children_file          ? tach__mon_rescan_children(m, now)
		                                      : tach__mon_rescan_all(m, now);
		if (rc)
			return rc;
		m->rescan_now = 0;
		m->last_rescan = now;
		stat_due = 1; /* new members: read them now */
	}
	uint64_t rss = 0;
	if (!stat_due && !m->use_cg) {
		rss = tach__mon_read_all_statm(m, now);
		/* one went: read all now, so its final times and the others'
		 * make one CPU reading */
		stat_due = m->rescan_now;
	}
	int io_due = stat_due && (now - m->last_io >= IO_PERIOD || m->n == 0);
	if (stat_due) {
		rss = tach__mon_read_all_stat(m, now, io_due);
		m->last_stat = now;
		if (io_due)
			m->last_io = now;
		if (!m->cg_cpu) {
			m->cpu_now = tree_cpu(m);
			m->cpu_now_at = now;
		}
	}
	if (m->use_cg) {
		uint64_t mem;
		double c;
		rss = tach__cgstat_memory(&m->cg, &mem) ? 0 : mem;
		/* CPU at the stat pace only: a CPU % point spans CPU_WINDOW and
		 * interpolates between readings, so one read a tick is enough */
		if (m->cg_cpu && stat_due && !tach__cgstat_cpu(&m->cg, &c)) {
			m->cpu_now = c;
			m->cpu_now_at = now;
		}
	}
	if (m->n == 0) { /* the sampler thread may start late under load */
		const proc *root = &m->procs[0];
		uint64_t at0 = root->alive ? root->ticks + root->cticks : root->gone_total;
		m->pre_ticks = at0 > m->start_ticks ? at0 - m->start_ticks : 0;
	}
	if (add_sample(m, now, rss))
		return TACH_ENOMEM;
	if (rss > m->peak_rss) {
		m->peak_rss = rss;
		m->peak_rss_at = now;
		/* PSS only near a new peak: it walks page tables, too slow per tick */
		if ((m->flags & TACH_MONITOR_PSS) &&
		    (!m->pss_rss || now - m->pss_at >= PSS_PERIOD || rss > m->pss_rss + m->pss_rss / 10)) {
			uint64_t pss = 0;
			for (size_t i = 0; i < m->n_procs; i++)
				if (m->procs[i].alive)
					pss += tach__mon_read_pss(m->procs[i].pub.pid);
			m->pss_rss = rss;
			m->pss_at = now;
			if (pss > m->peak_pss)
				m->peak_pss = pss;
		}
	}
	if (m->alive > m->peak_procs)
		m->peak_procs = m->alive;
	if (m->threads > m->peak_threads)
		m->peak_threads = m->threads;
	if (!m->alive) /* the whole tree is gone */
		return 1;
	return 0;
}

static void *sampler(void *arg)
{
	tach_monitor *m = arg;
	/* let the kernel batch our wake-up with others' within 5 % of the
	 * interval (at most 1 ms): a cheaper wake-up, and each sample is
	 * stamped when it is really taken */
	double slack = m->interval * 0.05;
	prctl(PR_SET_TIMERSLACK, (unsigned long)((slack < 1e-3 ? slack : 1e-3) * 1e9), 0, 0, 0);
	pthread_mutex_lock(&m->lock);
	for (long k = 1; !m->stop; k++) {
		pthread_mutex_unlock(&m->lock);
		int rc = tick(m, 0);
		pthread_mutex_lock(&m->lock);
		if (rc == TACH_ENOMEM)
			m->oom = 1;
		if (rc)
			break;
		/* fixed cadence from t0; after a stall, skip to the next tick due */
		double due = (double)k * m->interval, now = since(&m->t0);
		if (due < now)
			k = (long)(now / m->interval) + 1, due = (double)k * m->interval;
		struct timespec ts = m->t0;
		ts.tv_sec += (time_t)due;
		ts.tv_nsec += (long)((due - (double)(time_t)due) * 1e9);
		if (ts.tv_nsec >= 1000000000L)
			ts.tv_sec++, ts.tv_nsec -= 1000000000L;
		while (!m->stop && pthread_cond_timedwait(&m->cond, &m->lock, &ts) == 0)
			;
		if (m->stop) {
			/* stopped while the tree lives: a last sample, so the
			 * interval since the previous one is not lost */
			pthread_mutex_unlock(&m->lock);
			rc = tick(m, 1);
			pthread_mutex_lock(&m->lock);
			if (rc == TACH_ENOMEM)
				m->oom = 1;
		}
	}
	m->end = since(&m->t0);
	struct timespec cpu;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0)
		m->sampler_cpu = (double)cpu.tv_sec + (double)cpu.tv_nsec * 1e-9;
	m->finished = 1;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

/* ---- public ---- */

int tach_monitor_start(pid_t root, const tach_monitor_opts *opts, tach_monitor **out)
{
	*out = NULL;
	double interval = opts && opts->interval > 0 ? opts->interval : DEFAULT_INTERVAL;
	if (root <= 0 || (opts && !(opts->interval >= 0)) || interval > 3600)
		return TACH_EINVAL;
	tach_monitor *m = calloc(1, sizeof *m);
	if (!m)
		return TACH_ENOMEM;
	m->root = root;
	m->interval = interval;
	m->flags = opts ? opts->flags : 0;
	m->page = sysconf(_SC_PAGESIZE);
	m->hz = sysconf(_SC_CLK_TCK);
	if (m->hz <= 0)
		m->hz = 100;
	m->cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (m->cpus <= 0)
		m->cpus = 1;
	m->have_children_file = access("/proc/thread-self/children", R_OK) == 0;
	m->pfd = -1;
	m->cg.mem_fd = m->cg.cpu_fd = m->cg.procs_fd = -1;
	if (opts && opts->cgroup) {
		int e = tach__cgstat_open(&m->cg, opts->cgroup);
		if (e) {
			free(m);
			return e;
		}
		m->use_cg = 1;
		m->cg_cpu = m->cg.cpu_fd >= 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &m->t0);
	int rc = tach__mon_add_proc(m, root, 0);
	if (rc) {
		tach__cgstat_close(&m->cg);
		free(m->procs);
		free(m);
		return rc == TACH_ENOMEM ? rc : -ESRCH; /* gone, or hidden from us */
	}
	m->start_ticks = m->procs[0].ticks + m->procs[0].cticks;
	if (!m->cg_cpu && m->procs[0].pub.ppid > 0) {
		m->pfd = tach__mon_open_stat(m->procs[0].pub.ppid);
		m->parent_cticks = tach__mon_parent_cticks(m);
	}
	if (m->cg_cpu) {
		double c = 0;
		tach__cgstat_cpu(&m->cg, &c);
		m->cpu_now = c; /* the baseline: what the cgroup used before */
	}
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* as the deadlines */
	pthread_cond_init(&m->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&m->lock, NULL);
	rc = pthread_create(&m->thread, NULL, sampler, m);
	if (rc) {
		m->joined = 1;
		tach_monitor_free(m);
		return rc == ENOMEM || rc == EAGAIN ? TACH_ENOMEM : -rc;
	}
	*out = m;
	return 0;
}

int tach_monitor_wait(tach_monitor *m, double timeout)
{
	pthread_mutex_lock(&m->lock);
	if (!m->finished && timeout > 0) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += (time_t)timeout;
		ts.tv_nsec += (long)((timeout - (double)(time_t)timeout) * 1e9);
		if (ts.tv_nsec >= 1000000000L)
			ts.tv_sec++, ts.tv_nsec -= 1000000000L;
		while (!m->finished && pthread_cond_timedwait(&m->cond, &m->lock, &ts) == 0)
			;
	}
	int done = m->finished;
	pthread_mutex_unlock(&m->lock);
	return done;
}

/* Walks the samples once for the CPU % points. */
typedef struct cpu_cursor {
	size_t j;      /* window start */
	size_t ki, kj; /* next fresh CPU reading after i, after j */
} cpu_cursor;

/* Cumulative CPU at sample i's time.  Between stat reads a sample repeats
 * the last reading (tc[i] < t[i]); interpolating to the next reading
 * keeps a window that ends there from reading a flat 0 %. */
static double cum_at(const tach_monitor *m, size_t i, size_t *k)
{
	if (m->tc[i] >= m->t[i] - 1e-12)
		return m->cpu[i];
	if (*k <= i)
		*k = i + 1;
	while (*k < m->n && m->tc[*k] <= m->tc[i])
		(*k)++;
	if (*k >= m->n) /* no later reading: the last one stands */
		return m->cpu[i];
	double f = (m->t[i] - m->tc[i]) / (m->tc[*k] - m->tc[i]);
	return m->cpu[i] + f * (m->cpu[*k] - m->cpu[i]);
}

/* CPU % of point i: the rate since the latest sample at least CPU_WINDOW
 * (or one interval) earlier.  The kernel's counters move in 1/HZ steps
 * (10 ms), so a rate over a single 10 ms tick would read 0 % or 100 %;
 * over 100 ms the step is 10 points.  *full says whether the window was
 * complete. */
static double cpu_at(const tach_monitor *m, size_t i, cpu_cursor *c, int *full)
{
	double w = m->interval > CPU_WINDOW ? m->interval : CPU_WINDOW;
	while (c->j + 1 < i && m->t[c->j + 1] <= m->t[i] - w + 1e-9)
		c->j++;
	*full = m->t[i] - m->t[c->j] >= w - 1e-9;
	double dt = m->t[i] - m->t[c->j];
	if (i == 0 || dt <= 0)
		return 0;
	double used = cum_at(m, i, &c->ki) - cum_at(m, c->j, &c->kj);
	if (used <= 0)
		return 0;
	double pct = used / dt * 100.0;
	/* each process's counter is off by up to a tick, so K busy processes
	 * can read K ticks too high; more than every CPU is never true */
	return pct > 100.0 * (double)m->cpus ? 100.0 * (double)m->cpus : pct;
}

int tach_monitor_stop(tach_monitor *m, tach_monitor_summary *sum)
{
	pthread_mutex_lock(&m->lock);
	m->stop = 1;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
	if (!m->joined) {
		pthread_join(m->thread, NULL);
		m->joined = 1;
		tach__cgstat_close(&m->cg); /* the cgroup may be removed next */
	}
	if (!m->pub) {
		m->pub = calloc(m->n_procs ? m->n_procs : 1, sizeof *m->pub);
		if (!m->pub)
			return TACH_ENOMEM;
		for (size_t i = 0; i < m->n_procs; i++)
			m->pub[i] = m->procs[i].pub;
	}
	if (!sum)
		return m->oom ? TACH_ENOMEM : 0;
	memset(sum, 0, sizeof *sum);
	sum->duration = m->end;
	sum->samples = m->n;
	sum->interval = m->interval;
	sum->peak_tree_rss = m->peak_rss;
	sum->peak_tree_rss_at = m->peak_rss_at;
	sum->peak_tree_pss = m->peak_pss;
	sum->procs_seen = m->n_procs;
	sum->peak_procs = m->peak_procs;
	sum->peak_threads = m->peak_threads;
	sum->sampler_cpu_seconds = m->sampler_cpu;
	for (size_t i = 0; i < m->n_procs; i++) {
		const proc *pr = &m->procs[i];
		if (pr->pub.peak_rss > sum->peak_proc_rss || i == 0) {
			sum->peak_proc_rss = pr->pub.peak_rss;
			sum->peak_pid = pr->pub.pid;
			memcpy(sum->peak_comm, pr->pub.comm, sizeof sum->peak_comm);
		}
		if (pr->io_state > 0) {
			sum->io_known = 1;
			sum->io_rchar += pr->io[0];
			sum->io_wchar += pr->io[1];
			sum->io_read_bytes += pr->io[2];
			sum->io_write_bytes += pr->io[3];
		}
	}
	if (m->n) {
		/* minus what the tree had used before the first sample (--pid);
		 * found_ticks only ever counts with /proc CPU readings */
		sum->cpu_seconds = m->cpu[m->n - 1] - m->cpu[0] +
		                   (m->cg_cpu ? 0 : (double)(m->found_ticks + m->pre_ticks) / (double)m->hz);
		sum->cpu_method = m->cg_cpu ? TACH_MONITOR_CPU_CGROUP : TACH_MONITOR_CPU_SAMPLED;
		double span = m->t[m->n - 1] - m->t[0];
		sum->avg_cpu_percent = span > 0 ? sum->cpu_seconds / span * 100.0 : 0;
		cpu_cursor cur = {0, 0, 0};
		int full, any_full = 0;
		for (size_t i = 1; i < m->n; i++) {
			double c = cpu_at(m, i, &cur, &full);
			if (full && (!any_full || c > sum->peak_cpu_percent))
				sum->peak_cpu_percent = c;
			any_full |= full;
		}
		if (!any_full) /* watched for less than one window */
			sum->peak_cpu_percent = sum->avg_cpu_percent;
	}
	sum->memory_from_cgroup = m->use_cg;
	if (m->have_totals) {
		const tach_monitor_totals *x = &m->totals;
		sum->duration = x->duration;
		sum->cpu_seconds = x->cpu_seconds;
		sum->cpu_method = x->cpu_method;
		sum->avg_cpu_percent = x->cpu_seconds / x->duration * 100.0;
		/* some window of the run used at least the average */
		if (sum->peak_cpu_percent < sum->avg_cpu_percent)
			sum->peak_cpu_percent = sum->avg_cpu_percent;
		if (x->peak_proc_rss) { /* the kernel's high-water mark, as time -v shows */
			sum->peak_proc_rss = x->peak_proc_rss;
			sum->peak_proc_exact = 1;
		}
	}
	return m->oom ? TACH_ENOMEM : 0;
}

int tach_monitor_set_totals(tach_monitor *m, const tach_monitor_totals *t)
{
	if (!(t->duration > 0) || !(t->cpu_seconds >= 0) ||
	    (t->cpu_method != TACH_MONITOR_CPU_RUSAGE && t->cpu_method != TACH_MONITOR_CPU_CGROUP))
		return TACH_EINVAL;
	m->totals = *t;
	m->have_totals = 1;
	return 0;
}

const char *tach_monitor_cpu_method_name(tach_monitor_cpu_method method)
{
	switch (method) {
	case TACH_MONITOR_CPU_SAMPLED: return "sampled";
	case TACH_MONITOR_CPU_RUSAGE: return "rusage";
	case TACH_MONITOR_CPU_CGROUP: return "cgroup";
	}
	return "unknown";
}

int tach_monitor_series(const tach_monitor *m, tach_metric *rss, tach_metric *cpu,
                        size_t sample)
{
	if (!m->joined)
		return TACH_EINVAL;
	tach_series *sr = rss ? tach_metric_add_series(rss, sample) : NULL;
	tach_series *sc = cpu ? tach_metric_add_series(cpu, sample) : NULL;
	if ((rss && !sr) || (cpu && !sc))
		return TACH_ENOMEM;
	cpu_cursor cur = {0, 0, 0};
	int full;
	for (size_t i = 0; i < m->n; i++) {
		if (sr && tach_series_add(sr, m->t[i], (double)m->rss[i]))
			return TACH_ENOMEM;
		if (sc && tach_series_add(sc, m->t[i], cpu_at(m, i, &cur, &full)))
			return TACH_ENOMEM;
	}
	return 0;
}

size_t tach_monitor_procs(const tach_monitor *m, const tach_monitor_proc **procs)
{
	*procs = m->pub;
	return m->pub ? m->n_procs : 0;
}

void tach_monitor_free(tach_monitor *m)
{
	if (!m)
		return;
	if (!m->joined) {
		tach_monitor_stop(m, NULL);
	}
	for (size_t i = 0; i < m->n_procs; i++)
		tach__mon_close_fds(&m->procs[i]);
	if (m->pfd >= 0)
		close(m->pfd);
	tach__cgstat_close(&m->cg);
	pthread_cond_destroy(&m->cond);
	pthread_mutex_destroy(&m->lock);
	free(m->procs);
	free(m->scratch);
	free(m->pub);
	free(m->t);
	free(m->rss);
	free(m->cpu);
	free(m->tc);
	free(m);
}
