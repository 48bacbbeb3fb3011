/* monitor_proc_linux.c - the monitor's readers of /proc: each process's
 * stat (CPU, threads, state), statm (RSS), io and PSS, and the tree's
 * membership (children files, a full scan, or the cgroup's members).
 * Every file stays open and is pread() and parsed by hand, so that a tick
 * costs a few system calls per process (monitor_linux.c has the sampler
 * that calls these, and the why of the paces).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "measure/monitor_linux.h"

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

int tach__mon_open_stat(pid_t pid)
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
	int fd = pr->fd >= 0 ? pr->fd : tach__mon_open_stat(pr->pub.pid);
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

void tach__mon_close_fds(proc *pr)
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
uint64_t tach__mon_parent_cticks(tach_monitor *m)
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
	tach__mon_close_fds(pr);
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
		uint64_t was = m->parent_cticks, is = tach__mon_parent_cticks(m);
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
int tach__mon_add_proc(tach_monitor *m, pid_t pid, double now)
{
	if (tach__grow((void **)&m->procs, &m->cap_procs, m->n_procs + 1, sizeof *m->procs))
		return TACH_ENOMEM;
	proc *pr = &m->procs[m->n_procs];
	memset(pr, 0, sizeof *pr);
	pr->pub.pid = pid;
	pr->cfd = pr->iofd = pr->mfd = -1;
	pr->fd = tach__mon_open_stat(pid);
	if (pr->fd < 0 && errno != EMFILE && errno != ENFILE)
		return -1;
	stat_line s;
	memset(&s, 0, sizeof s);
	if (read_stat(pr, &s) || s.state == 'Z' || s.state == 'X') {
		tach__mon_close_fds(pr);
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
			if (tach__grow((void **)&m->scratch, &m->cap_scratch, *n + 1, sizeof(pid_t)))
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
int tach__mon_rescan_children(tach_monitor *m, double now)
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
			    tach__mon_add_proc(m, m->scratch[k], now) == TACH_ENOMEM)
				return TACH_ENOMEM;
	}
	return 0;
}

/* Without CONFIG_PROC_CHILDREN: every process's parent from a scan of
 * /proc, then the closure over the followed set.  Costly, but only the
 * fallback. */
int tach__mon_rescan_all(tach_monitor *m, double now)
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
		if (tach__grow((void **)&m->scratch, &m->cap_scratch, n + 2, sizeof(pid_t))) {
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
			int rc = tach__mon_add_proc(m, m->scratch[k], now);
			if (rc == TACH_ENOMEM)
				return rc;
			m->scratch[k] = 0;
			added |= rc == 0;
		}
	}
	return 0;
}

/* With a cgroup: its cgroup.procs lists the members, one read for all. */
int tach__mon_rescan_cgroup(tach_monitor *m, double now)
{
	ssize_t n;
	for (;;) {
		n = tach__cgstat_procs(&m->cg, m->scratch, m->cap_scratch);
		if (n < 0)
			return 0;
		if ((size_t)n < m->cap_scratch)
			break;
		if (tach__grow((void **)&m->scratch, &m->cap_scratch, m->cap_scratch + 64, sizeof(pid_t)))
			return TACH_ENOMEM;
	}
	for (ssize_t k = 0; k < n; k++)
		if (!find_alive(m, m->scratch[k]) && tach__mon_add_proc(m, m->scratch[k], now) == TACH_ENOMEM)
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

uint64_t tach__mon_read_pss(pid_t pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
	if (tach__read_text(path, buf, sizeof buf) <= 0)
		return 0;
	return field_after(buf, "\nPss:") * 1024; /* kB */
}

/* ---- a tick's readings ---- */

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
uint64_t tach__mon_read_all_stat(tach_monitor *m, double now, int io_due)
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
		m->parent_cticks = tach__mon_parent_cticks(m);
	m->alive = alive;
	m->threads = threads;
	return rss;
}

/* Between stat reads: each process's statm (RSS only).  A process that is
 * gone or a zombie gets its stat read at once, for its final times. */
uint64_t tach__mon_read_all_statm(tach_monitor *m, double now)
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
