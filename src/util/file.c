/* file.c - reading a whole file (or standard input, as "-") into memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/error.h"
#include "util/util.h"

int tach__read_file(const char *path, char **data, size_t *len)
{
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	size_t cap = 65536, n = 0;
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			close(fd);
			return -EISDIR;
		}
		if (S_ISREG(st.st_mode) && st.st_size > 0)
			cap = (size_t)st.st_size + 1;
	}
	char *buf = malloc(cap);
	if (!buf) {
		if (fd)
			close(fd);
		return TACH_ENOMEM;
	}
	for (;;) {
		if (n + 1 >= cap) {
			char *nb = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				free(buf);
				if (fd)
					close(fd);
				return TACH_ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t got = read(fd, buf + n, cap - n - 1);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			free(buf);
			if (fd)
				close(fd);
			return e;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (fd)
		close(fd);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int tach__read_input(const char *path, char **data, size_t *len, tach_error *err)
{
	int rc = tach__read_file(path, data, len);
	if (rc && err) {
		memset(err, 0, sizeof *err);
		err->file = path;
		snprintf(err->message, sizeof err->message, "cannot read: %s", tach_strerror(rc));
	}
	return rc;
}
