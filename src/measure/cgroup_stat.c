/* cgroup_stat.c - one cgroup's current memory, CPU usage and members,
 * read with pread() on fds held open: a tick of the monitor costs the same
 * for one process or a hundred.  v2 and v1 file names are both tried, so
 * the code runs against a real cgroup or a fake directory in the tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "measure/cgroup_stat.h"
#include "tach/error.h"

static int open_in(const char *dir, const char *name)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return -1;
	return open(path, O_RDONLY | O_CLOEXEC);
}

int tach__cgstat_open(tach__cgstat *cs, const char *dir)
{
	cs->cpu_v2 = 0;
	cs->procs_fd = cs->cpu_fd = -1;
	cs->mem_fd = open_in(dir, "memory.current");
	if (cs->mem_fd < 0)
		cs->mem_fd = open_in(dir, "memory.usage_in_bytes");
	if (cs->mem_fd < 0)
		return -errno;
	cs->cpu_fd = open_in(dir, "cpu.stat");
	if (cs->cpu_fd >= 0) {
		cs->cpu_v2 = 1;
		double s;
		if (tach__cgstat_cpu(cs, &s)) { /* v1's cpu.stat has no usage_usec */
			close(cs->cpu_fd);
			cs->cpu_fd = -1;
			cs->cpu_v2 = 0;
		}
	}
	if (cs->cpu_fd < 0)
		cs->cpu_fd = open_in(dir, "cpuacct.usage");
	cs->procs_fd = open_in(dir, "cgroup.procs");
	return 0;
}

static int read_u64(int fd, uint64_t *v)
{
	char buf[64], *end;
	ssize_t n = fd >= 0 ? pread(fd, buf, sizeof buf - 1, 0) : -1;
	if (n < 0)
		return fd >= 0 ? -errno : -ENOENT;
	buf[n] = '\0';
	errno = 0;
	unsigned long long x = strtoull(buf, &end, 10);
	if (end == buf || errno || (*end && *end != '\n'))
		return TACH_EPARSE;
	*v = x;
	return 0;
}

int tach__cgstat_memory(const tach__cgstat *cs, uint64_t *bytes)
{
	return read_u64(cs->mem_fd, bytes);
}

int tach__cgstat_cpu(const tach__cgstat *cs, double *seconds)
{
	if (!cs->cpu_v2) {
		uint64_t ns;
		int rc = read_u64(cs->cpu_fd, &ns);
		if (!rc)
			*seconds = (double)ns * 1e-9;
		return rc;
	}
	char buf[1024];
	ssize_t n = pread(cs->cpu_fd, buf, sizeof buf - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	/* "usage_usec N\nuser_usec N\n...": usage_usec is the first line */
	const char *p = strstr(buf, "usage_usec ");
	if (!p || (p != buf && p[-1] != '\n'))
		return TACH_EPARSE;
	char *end;
	errno = 0;
	unsigned long long us = strtoull(p + 11, &end, 10);
	if (end == p + 11 || errno)
		return TACH_EPARSE;
	*seconds = (double)us * 1e-6;
	return 0;
}

ssize_t tach__cgstat_procs(const tach__cgstat *cs, pid_t *pids, size_t max)
{
	if (cs->procs_fd < 0)
		return -ENOENT;
	char buf[4096];
	size_t n = 0;
	long v = -1;
	off_t off = 0;
	ssize_t got;
	/* one pid a line; a long list takes several reads */
	while ((got = pread(cs->procs_fd, buf, sizeof buf, off)) > 0) {
		off += got;
		for (ssize_t i = 0; i < got; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				v = (v < 0 ? 0 : v * 10) + (buf[i] - '0');
			} else if (v >= 0) {
				if (n < max)
					pids[n++] = (pid_t)v;
				v = -1;
			}
		}
		if (got < (ssize_t)sizeof buf)
			break;
	}
	if (got < 0)
		return -errno;
	if (v >= 0 && n < max)
		pids[n++] = (pid_t)v;
	return (ssize_t)n;
}

void tach__cgstat_close(tach__cgstat *cs)
{
	if (cs->mem_fd >= 0)
		close(cs->mem_fd);
	if (cs->cpu_fd >= 0)
		close(cs->cpu_fd);
	if (cs->procs_fd >= 0)
		close(cs->procs_fd);
	cs->mem_fd = cs->cpu_fd = cs->procs_fd = -1;
}
