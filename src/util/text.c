/* text.c - reading short text files whole: /proc and /sys entries and
 * cgroup control files, which the kernel serves in one read or a few. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "util/util.h"

ssize_t tach__read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t n = 0;
	while (n + 1 < size) {
		ssize_t r = read(fd, buf + n, size - 1 - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (size)
		buf[n] = '\0';
	close(fd);
	return (ssize_t)n;
}
