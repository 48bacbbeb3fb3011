/* monitor_linux.c - the /proc sampler behind tach monitor and run --monitor:
 * one thread that follows a process tree and records tree RSS, CPU and
 * threads every tick, I/O and (optionally) PSS at a slower pace.
 *
 * Cheapness is the design goal (<= 1 % of a core at 10 ms on 10 processes):
 * each process's /proc/PID/stat stays open and is pread() every tick and
 * parsed by hand; RSS comes from stat (pages), not statm; the tree is
 * rescanned only every RESCAN_PERIOD or right after a known process went.
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
#include <time.h>
#include <unistd.h>

#include "tach/monitor.h"
#include "util/util.h"

#define DEFAULT_INTERVAL 0.01
#define RESCAN_PERIOD 0.05  /* s between tree rescans */
#define IO_PERIOD 0.5       /* s between reads of /proc/PID/io */
#define CPU_WINDOW 0.1      /* s, shortest window of a CPU % point */
#define PSS_PERIOD 1.0      /* s between PSS readings of the tree */
#define STAT_BUF 1024

typedef struct proc {
	tach_monitor_proc pub;
	int fd;                 /* /proc/PID/stat, -1 if not held */
	int cfd;                /* /proc/PID/task/PID/children, -1 if not held */
	int iofd;               /* /proc/PID/io, -1 if not (yet) held */
	int alive;
	int io_state;           /* 0 untried, 1 readable, -1 not readable */
	unsigned long long start_time; /* stat field 22: tells reused pids apart */
	uint64_t ticks;         /* utime + stime, as last read */
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

	/* samples: time, tree RSS, cumulative tree CPU ticks, threads */
	double *t;
	uint64_t *rss, *ticks;
	size_t n, cap;
	uint64_t dead_ticks;    /* final ticks of gone processes */
	uint64_t found_ticks;   /* ticks processes had when found after sample 0 */
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
	unsigned long long utime = 0, stime = 0;
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
	pr->fd = pr->cfd = pr->iofd = -1;
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

static void mark_gone(tach_monitor *m, proc *pr, double now)
{
	close_fds(pr);
	pr->alive = 0;
	pr->pub.exited = 1;
	pr->pub.last_seen = now;
	m->dead_ticks += pr->ticks;
	m->rescan_now = 1;
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
	pr->cfd = pr->iofd = -1;
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
	if (m->n)
		m->found_ticks += s.ticks;
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

static int tick(tach_monitor *m)
{
	double now = since(&m->t0);
	int rc = 0;
	if (m->rescan_now || now - m->last_rescan >= RESCAN_PERIOD || m->n == 0) {
		rc = m->have_children_file ? rescan_children(m, now) : rescan_all(m, now);
		if (rc)
			return rc;
		m->rescan_now = 0;
		m->last_rescan = now;
	}
	int io_due = now - m->last_io >= IO_PERIOD || m->n == 0;
	uint64_t rss = 0, ticks = 0;
	long threads = 0;
	size_t alive = 0;
	for (size_t i = 0; i < m->n_procs; i++) {
		proc *pr = &m->procs[i];
		if (!pr->alive)
			continue;
		stat_line s;
		memset(&s, 0, sizeof s);
		if (read_stat(pr, &s)) {
			mark_gone(m, pr, now);
			continue;
		}
		pr->ticks = s.ticks;
		pr->pub.cpu_seconds = (double)s.ticks / (double)m->hz;
		pr->pub.threads = s.threads;
		pr->pub.ppid = s.ppid;
		memcpy(pr->pub.comm, s.comm, sizeof s.comm); /* exec changes it */
		if (io_due && pr->io_state >= 0)
			read_io(pr);
		if (s.state == 'Z' || s.state == 'X') {
			mark_gone(m, pr, now); /* its times are final; memory freed */
			continue;
		}
		uint64_t r = s.rss_pages * (uint64_t)m->page;
		pr->pub.last_rss = r;
		pr->pub.last_seen = now;
		if (r > pr->pub.peak_rss)
			pr->pub.peak_rss = r;
		rss += r;
		ticks += s.ticks;
		threads += s.threads;
		alive++;
	}
	if (io_due)
		m->last_io = now;
	/* after the loop: includes those gone in it.  What a process used
	 * before it was found is left out of the series, or a rescan would
	 * show up to RESCAN_PERIOD of its CPU as a spike at one point; the
	 * summary's total adds it back. */
	ticks += m->dead_ticks - m->found_ticks;
	if (m->n == m->cap) {
		size_t cap = m->cap;
		if (grow((void **)&m->t, &cap, m->n + 1, sizeof *m->t))
			return TACH_ENOMEM;
		void *r2 = realloc(m->rss, cap * sizeof *m->rss);
		if (!r2)
			return TACH_ENOMEM;
		m->rss = r2;
		void *t2 = realloc(m->ticks, cap * sizeof *m->ticks);
		if (!t2)
			return TACH_ENOMEM;
		m->ticks = t2;
		m->cap = cap;
	}
	m->t[m->n] = now;
	m->rss[m->n] = rss;
	m->ticks[m->n] = ticks;
	m->n++;
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
	if (alive > m->peak_procs)
		m->peak_procs = alive;
	if (threads > m->peak_threads)
		m->peak_threads = threads;
	if (!alive) /* the whole tree is gone */
		return 1;
	return 0;
}

static void *sampler(void *arg)
{
	tach_monitor *m = arg;
	pthread_mutex_lock(&m->lock);
	for (long k = 1; !m->stop; k++) {
		pthread_mutex_unlock(&m->lock);
		int rc = tick(m);
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
	clock_gettime(CLOCK_MONOTONIC, &m->t0);
	int rc = add_proc(m, root, 0);
	if (rc) {
		free(m->procs);
		free(m);
		return rc == TACH_ENOMEM ? rc : -ESRCH; /* gone, or hidden from us */
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

/* CPU % of point i: the rate since the latest sample at least CPU_WINDOW
 * (or one interval) earlier.  The kernel's counters move in 1/HZ steps
 * (10 ms), so a rate over a single 10 ms tick would read 0 % or 100 %;
 * over 100 ms the step is 10 points.  *full says whether the window was
 * complete. */
static double cpu_at(const tach_monitor *m, size_t i, size_t *j, int *full)
{
	double w = m->interval > CPU_WINDOW ? m->interval : CPU_WINDOW;
	while (*j + 1 < i && m->t[*j + 1] <= m->t[i] - w + 1e-9)
		(*j)++;
	*full = m->t[i] - m->t[*j] >= w - 1e-9;
	double dt = m->t[i] - m->t[*j];
	if (i == 0 || dt <= 0)
		return 0;
	if (m->ticks[i] <= m->ticks[*j])
		return 0;
	double pct = (double)(m->ticks[i] - m->ticks[*j]) / (double)m->hz / dt * 100.0;
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
		/* minus what the tree had used before the first sample (--pid) */
		sum->cpu_seconds = (double)(m->ticks[m->n - 1] - m->ticks[0] + m->found_ticks) /
		                   (double)m->hz;
		double span = m->t[m->n - 1] - m->t[0];
		sum->avg_cpu_percent = span > 0 ? sum->cpu_seconds / span * 100.0 : 0;
		size_t j = 0;
		int full, any_full = 0;
		for (size_t i = 1; i < m->n; i++) {
			double c = cpu_at(m, i, &j, &full);
			if (full && (!any_full || c > sum->peak_cpu_percent))
				sum->peak_cpu_percent = c;
			any_full |= full;
		}
		if (!any_full) /* watched for less than one window */
			sum->peak_cpu_percent = sum->avg_cpu_percent;
	}
	return m->oom ? TACH_ENOMEM : 0;
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
	size_t j = 0;
	int full;
	for (size_t i = 0; i < m->n; i++) {
		if (sr && tach_series_add(sr, m->t[i], (double)m->rss[i]))
			return TACH_ENOMEM;
		if (sc && tach_series_add(sc, m->t[i], cpu_at(m, i, &j, &full)))
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
	pthread_cond_destroy(&m->cond);
	pthread_mutex_destroy(&m->lock);
	free(m->procs);
	free(m->scratch);
	free(m->pub);
	free(m->t);
	free(m->rss);
	free(m->ticks);
	free(m);
}
