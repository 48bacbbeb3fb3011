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
 * A process entry's life: found (stat fd open) -> alive -> gone (read
 * fails, or zombie; fd closed, last figures kept).  Holding the fd also
 * pins the pid: a gone process's fd keeps failing even if its pid is
 * reused, so a reused pid found later is a new entry.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

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

static double since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) * 1e-9;
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 64;
	while (c < need)
		c *= 2;
	void *p = realloc(*arr, c * elem);
	if (!p)
		return TACH_ENOMEM;
	*arr = p;
	*cap = c;
	return 0;
}

/* ---- reading /proc/PID/stat ---- */

typedef struct stat_line {
	char state;
	pid_t ppid;
	uint64_t ticks;
	long threads;
	unsigned long long start_time;
	uint64_t rss_pages;
	uint64_t cticks; /* cutime + cstime */
	char comm[16];
} stat_line;

/* Fields are counted from 1 as in proc(5); parsing starts after the last
 * ')' because comm may itself hold spaces and parentheses. */
static int parse_stat(const char *buf, size_t len, stat_line *s)
{
	const char *open = memchr(buf, '(', len), *close = NULL;
	for (const char *p = buf + len; p > buf; p--)
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	if (!open || !close || close < open || close + 4 > buf + len)
		return -1;
	size_t cl = (size_t)(close - open - 1);
	if (cl > 15)
		cl = 15;
	memcpy(s->comm, open + 1, cl);
	s->comm[cl] = '\0';
	const char *p = close + 2, *end = buf + len;
	s->state = *p;
	unsigned long long utime = 0, stime = 0, cutime = 0;
	for (int field = 3; field <= 24 && p < end; field++) {
		unsigned long long v = 0;
		int neg = *p == '-';
		if (neg)
			p++;
		while (p < end && *p >= '0' && *p <= '9')
			v = v * 10 + (unsigned long long)(*p++ - '0');
		switch (field) {
		case 4: s->ppid = (pid_t)v; break;
		case 14: utime = v; break;
		case 15: stime = v; break;
		case 16: cutime = neg ? 0 : v; break;
		case 17: s->cticks = cutime + (neg ? 0 : v); break;
		case 20: s->threads = (long)v; break;
		case 22: s->start_time = v; break;
		case 24:
			s->rss_pages = neg ? 0 : v;
			s->ticks = utime + stime;
			return 0;
		}
		while (p < end && *p != ' ')
			p++;
		if (p < end)
			p++;
	}
	return -1;
}

static int open_stat(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Reads one process's stat through its held fd, or by opening the file
 * when no fd could be kept (EMFILE).  Returns 0, or -1 when it is gone. */
static int read_stat(proc *pr, stat_line *s)
{
	char buf[STAT_BUF];
	int fd = pr->fd >= 0 ? pr->fd : open_stat(pr->pub.pid);
	if (fd < 0)
		return -1;
	ssize_t n = pread(fd, buf, sizeof buf, 0);
	if (pr->fd < 0)
		close(fd);
	if (n <= 0 || parse_stat(buf, (size_t)n, s))
		return -1;
	if (pr->start_time && s->start_time != pr->start_time)
		return -1; /* an unheld pid that was reused */
	return 0;
}

/* ---- the tree ---- */

static proc *find_alive(tach_monitor *m, pid_t pid)
{
	for (size_t i = 0; i < m->n_procs; i++)
		if (m->procs[i].pub.pid == pid && m->procs[i].alive)
			return &m->procs[i];
	return NULL;
}

static void close_fds(proc *pr)
{
	if (pr->fd >= 0)
		close(pr->fd);
	if (pr->cfd >= 0)
		close(pr->cfd);
	if (pr->iofd >= 0)
		close(pr->iofd);
	if (pr->mfd >= 0)
		close(pr->mfd);
	pr->fd = pr->cfd = pr->iofd = pr->mfd = -1;
}

/* Reads a /proc file through a held fd (pread: no open/close per tick,
 * which costs twice the read), or opens it for this once when *held < 0
 * and `keep` is 0 (too many fds open). */
static ssize_t read_proc(int *held, const char *path, int keep, char *buf, size_t size)
{
	if (*held < 0 && keep)
		*held = open(path, O_RDONLY | O_CLOEXEC);
	int fd = *held >= 0 ? *held : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = pread(fd, buf, size, 0);
	if (fd != *held)
		close(fd);
	return n;
}

/* The root's parent's cutime + cstime, or 0 when unreadable. */
static uint64_t parent_cticks(tach_monitor *m)
{
	proc tmp;
	memset(&tmp, 0, sizeof tmp);
	tmp.fd = m->pfd;
	stat_line s;
	memset(&s, 0, sizeof s);
	return m->pfd >= 0 && !read_stat(&tmp, &s) ? s.cticks : 0;
}

/* A process is gone: zombie (`final`: its stat just read is final) or
 * reaped (its last reading may be up to STAT_PERIOD old).  A member's
 * parent that is itself followed adds the whole of it to its own cutime +
 * cstime when it reaps it, so only processes reaped outside the tree add
 * their last figures to dead_ticks. */
static void mark_gone(tach_monitor *m, proc *pr, double now, int final)
{
	close_fds(pr);
	pr->alive = 0;
	pr->pub.exited = 1;
	pr->pub.last_seen = now;
	m->rescan_now = 1;
	uint64_t total = pr->ticks + pr->cticks;
	if (pr == &m->procs[0] && !final && m->pfd >= 0) {
		/* reaped by its parent since the last reading: the parent's
		 * cutime + cstime grew by the root's final total, and by that
		 * of any other child it reaped meanwhile, so the growth counts
		 * only if the root could have used it in the time passed */
		uint64_t was = m->parent_cticks, is = parent_cticks(m);
		double most = (now - pr->ticks_at) * (double)m->hz * (double)m->cpus + 2;
		if (is >= was + total && (double)(is - was - total) <= most)
			total = is - was;
	}
	if (!find_alive(m, pr->pub.ppid))
		m->dead_ticks += total;
	pr->gone_total = total;
	pr->pub.cpu_seconds = (double)(total - pr->cticks) / (double)m->hz; /* its own */
}

/* Adds a process not yet followed.  0, -1 if it is already gone, or
 * TACH_ENOMEM. */
static int add_proc(tach_monitor *m, pid_t pid, double now)
{
	if (grow((void **)&m->procs, &m->cap_procs, m->n_procs + 1, sizeof *m->procs))
		return TACH_ENOMEM;
	proc *pr = &m->procs[m->n_procs];
	memset(pr, 0, sizeof *pr);
	pr->pub.pid = pid;
	pr->cfd = pr->iofd = pr->mfd = -1;
	pr->fd = open_stat(pid);
	if (pr->fd < 0 && errno != EMFILE && errno != ENFILE)
		return -1;
	stat_line s;
	memset(&s, 0, sizeof s);
	if (read_stat(pr, &s) || s.state == 'Z' || s.state == 'X') {
		close_fds(pr);
		return -1;
	}
	pr->start_time = s.start_time;
	pr->alive = 1;
	pr->pub.ppid = s.ppid;
	pr->pub.threads = s.threads;
	pr->ticks = s.ticks;
	pr->cticks = s.cticks;
	pr->ticks_at = now;
	if (m->n)
		m->found_ticks += s.ticks + s.cticks;
	memcpy(pr->pub.comm, s.comm, sizeof s.comm);
	pr->pub.first_seen = pr->pub.last_seen = now;
	m->n_procs++;
	return 0;
}

/* Adds the pids in buf[0..len) ("12 345 ") to scratch; *v carries a
 * number cut by the end of buf. */
static int parse_pids(tach_monitor *m, const char *buf, ssize_t len, long *v, size_t *n)
{
	for (ssize_t i = 0; i <= len; i++) {
		if (i < len && buf[i] >= '0' && buf[i] <= '9') {
			*v = (*v < 0 ? 0 : *v * 10) + (buf[i] - '0');
		} else if (*v >= 0 && (i < len || len == 0)) {
			if (grow((void **)&m->scratch, &m->cap_scratch, *n + 1, sizeof(pid_t)))
				return TACH_ENOMEM;
			m->scratch[(*n)++] = (pid_t)*v;
			*v = -1;
		}
	}
	return 0;
}

/* Appends the pids listed in a children file to scratch, through *held
 * when that is an open fd (opened and kept when keep is set). */
static int read_children(tach_monitor *m, int *held, int keep, const char *path, size_t *n)
{
	char buf[4096];
	long v = -1;
	ssize_t got = read_proc(held, path, keep, buf, sizeof buf);
	if (got <= 0)
		return 0;
	if (got < (ssize_t)sizeof buf) { /* the usual case: all in one read */
		int rc = parse_pids(m, buf, got, &v, n);
		return rc ? rc : parse_pids(m, buf, 0, &v, n);
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0; /* thousands of children */
	while (fd >= 0 && !rc && (got = read(fd, buf, sizeof buf)) > 0)
		rc = parse_pids(m, buf, got, &v, n);
	if (fd >= 0)
		close(fd);
	return rc ? rc : parse_pids(m, buf, 0, &v, n);
}

/* Children of every live process through /proc/PID/task/TID/children:
 * each thread lists the children it forked itself, so a multi-threaded
 * process needs all of its threads read.  Processes added during the loop
 * are visited too, so grandchildren are found in the same rescan. */
static int rescan_children(tach_monitor *m, double now)
{
	for (size_t i = 0; i < m->n_procs; i++) {
		if (!m->procs[i].alive)
			continue;
		pid_t pid = m->procs[i].pub.pid;
		size_t n = 0;
		char path[96];
		int rc;
		if (m->procs[i].pub.threads <= 1) {
			snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
			if ((rc = read_children(m, &m->procs[i].cfd, 1, path, &n)))
				return rc;
		} else {
			snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
			DIR *d = opendir(path);
			struct dirent *e;
			while (d && (e = readdir(d))) {
				if (!isdigit((unsigned char)e->d_name[0]))
					continue;
				snprintf(path, sizeof path, "/proc/%d/task/%.16s/children", (int)pid, e->d_name);
				int none = -1;
				if ((rc = read_children(m, &none, 0, path, &n))) {
					closedir(d);
					return rc;
				}
			}
			if (d)
				closedir(d);
		}
		for (size_t k = 0; k < n; k++)
			if (!find_alive(m, m->scratch[k]) &&
			    add_proc(m, m->scratch[k], now) == TACH_ENOMEM)
				return TACH_ENOMEM;
	}
	return 0;
}

/* Without CONFIG_PROC_CHILDREN: every process's parent from a scan of
 * /proc, then the closure over the followed set.  Costly, but only the
 * fallback. */
static int rescan_all(tach_monitor *m, double now)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	size_t n = 0; /* scratch holds pairs: pid, ppid */
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		proc tmp;
		memset(&tmp, 0, sizeof tmp);
		tmp.fd = -1;
		tmp.pub.pid = (pid_t)atoi(e->d_name);
		stat_line s;
		memset(&s, 0, sizeof s);
		if (read_stat(&tmp, &s) || find_alive(m, tmp.pub.pid))
			continue;
		if (grow((void **)&m->scratch, &m->cap_scratch, n + 2, sizeof(pid_t))) {
			closedir(d);
			return TACH_ENOMEM;
		}
		m->scratch[n++] = tmp.pub.pid;
		m->scratch[n++] = s.ppid;
	}
	closedir(d);
	for (int added = 1; added;) {
		added = 0;
		for (size_t k = 0; k < n; k += 2) {
			if (m->scratch[k] <= 0 || !find_alive(m, m->scratch[k + 1]))
				continue;
			int rc = add_proc(m, m->scratch[k], now);
			if (rc == TACH_ENOMEM)
				return rc;
			m->scratch[k] = 0;
			added |= rc == 0;
		}
	}
	return 0;
}

/* With a cgroup: its cgroup.procs lists the members, one read for all. */
static int rescan_cgroup(tach_monitor *m, double now)
{
	ssize_t n;
	for (;;) {
		n = tach__cgstat_procs(&m->cg, m->scratch, m->cap_scratch);
		if (n < 0)
			return 0;
		if ((size_t)n < m->cap_scratch)
			break;
		if (grow((void **)&m->scratch, &m->cap_scratch, m->cap_scratch + 64, sizeof(pid_t)))
			return TACH_ENOMEM;
	}
	for (ssize_t k = 0; k < n; k++)
		if (!find_alive(m, m->scratch[k]) && add_proc(m, m->scratch[k], now) == TACH_ENOMEM)
			return TACH_ENOMEM;
	return 0;
}

/* ---- I/O and PSS, read at a slower pace ---- */

static uint64_t field_after(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);
	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

static void read_io(proc *pr)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/io", (int)pr->pub.pid);
	ssize_t n = read_proc(&pr->iofd, path, 1, buf, sizeof buf - 1);
	if (n <= 0) {
		if (!pr->io_state)
			pr->io_state = -1; /* another user's process: not ours to read */
		return;
	}
	buf[n] = '\0';
	pr->io_state = 1;
	pr->io[0] = field_after(buf, "rchar: ");
	pr->io[1] = field_after(buf, "wchar: ");
	pr->io[2] = field_after(buf, "\nread_bytes: ");
	pr->io[3] = field_after(buf, "\nwrite_bytes: ");
}

static uint64_t read_pss(pid_t pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
	if (tach__read_text(path, buf, sizeof buf) <= 0)
		return 0;
	return field_after(buf, "\nPss:") * 1024; /* kB */
}

/* ---- one tick ---- */

/* Resident pages from a held /proc/PID/statm ("size resident ..."); 0
 * for a zombie (no memory left); -1 when the process was reaped. */
static int read_statm(proc *pr, uint64_t *pages)
{
	char path[64] = "", buf[256];
	if (pr->mfd < 0) /* formatting the path costs as much as the read */
		snprintf(path, sizeof path, "/proc/%d/statm", (int)pr->pub.pid);
	ssize_t n = read_proc(&pr->mfd, path, 1, buf, sizeof buf - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *p = strchr(buf, ' ');
	*pages = p ? strtoull(p + 1, NULL, 10) : 0;
	return 0;
}

/* A process's CPU figures from a stat just read. */
static void took_cpu(proc *pr, const stat_line *s, double now)
{
	pr->ticks = s->ticks;
	pr->cticks = s->cticks;
	pr->ticks_at = now;
}

/* A process's RSS just read; returns it in bytes. */
static uint64_t took_rss(const tach_monitor *m, proc *pr, uint64_t pages, double now)
{
	uint64_t r = pages * (uint64_t)m->page;
	pr->pub.last_rss = r;
	pr->pub.last_seen = now;
	if (r > pr->pub.peak_rss)
		pr->pub.peak_rss = r;
	return r;
}

/* Every process's stat: CPU, threads, state, RSS.  Returns the tree's
 * RSS; sets m->alive, m->threads. */
static uint64_t read_all_stat(tach_monitor *m, double now, int io_due)
{
	uint64_t rss = 0;
	long threads = 0;
	size_t alive = 0;
	for (size_t i = 0; i < m->n_procs; i++) {
		proc *pr = &m->procs[i];
		if (!pr->alive)
			continue;
		stat_line s;
		memset(&s, 0, sizeof s);
		if (read_stat(pr, &s)) {
			mark_gone(m, pr, now, 0);
			continue;
		}
		took_cpu(pr, &s, now);
		pr->pub.cpu_seconds = (double)s.ticks / (double)m->hz;
		pr->pub.threads = s.threads;
		pr->pub.ppid = s.ppid;
		memcpy(pr->pub.comm, s.comm, sizeof s.comm); /* exec changes it */
		if (io_due && pr->io_state >= 0)
			read_io(pr);
		if (s.state == 'Z' || s.state == 'X') {
			mark_gone(m, pr, now, 1); /* its times are final; memory freed */
			continue;
		}
		rss += took_rss(m, pr, s.rss_pages, now);
		threads += s.threads;
		alive++;
	}
	if (m->pfd >= 0)
		m->parent_cticks = parent_cticks(m);
	m->alive = alive;
	m->threads = threads;
	return rss;
}

/* Between stat reads: each process's statm (RSS only).  A process that is
 * gone or a zombie gets its stat read at once, for its final times. */
static uint64_t read_all_statm(tach_monitor *m, double now)
{
	uint64_t rss = 0;
	for (size_t i = 0; i < m->n_procs; i++) {
		proc *pr = &m->procs[i];
		uint64_t pages = 0;
		if (!pr->alive)
			continue;
		if (read_statm(pr, &pages) || pages == 0) {
			stat_line s;
			memset(&s, 0, sizeof s);
			int ok = !read_stat(pr, &s);
			if (ok)
				took_cpu(pr, &s, now);
			if (!ok || s.state == 'Z' || s.state == 'X') {
				mark_gone(m, pr, now, ok);
				m->alive--;
				continue;
			}
		}
		rss += took_rss(m, pr, pages, now);
	}
	return rss;
}

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
		if (grow((void **)&m->t, &cap, m->n + 1, sizeof *m->t))
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
		rc = m->use_cg && m->cg.procs_fd >= 0 ? rescan_cgroup(m, now)
		     : m->have_children_file          ? rescan_children(m, now)
		                                      : rescan_all(m, now);
		if (rc)
			return rc;
		m->rescan_now = 0;
		m->last_rescan = now;
		stat_due = 1; /* new members: read them now */
	}
	uint64_t rss = 0;
	if (!stat_due && !m->use_cg) {
		rss = read_all_statm(m, now);
		/* one went: read all now, so its final times and the others'
		 * make one CPU reading */
		stat_due = m->rescan_now;
	}
	int io_due = stat_due && (now - m->last_io >= IO_PERIOD || m->n == 0);
	if (stat_due) {
		rss = read_all_stat(m, now, io_due);
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
					pss += read_pss(m->procs[i].pub.pid);
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
	int rc = add_proc(m, root, 0);
	if (rc) {
		tach__cgstat_close(&m->cg);
		free(m->procs);
		free(m);
		return rc == TACH_ENOMEM ? rc : -ESRCH; /* gone, or hidden from us */
	}
	m->start_ticks = m->procs[0].ticks + m->procs[0].cticks;
	if (!m->cg_cpu && m->procs[0].pub.ppid > 0) {
		m->pfd = open_stat(m->procs[0].pub.ppid);
		m->parent_cticks = parent_cticks(m);
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
		close_fds(&m->procs[i]);
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
