/* outfile.c - output files written to a temporary file beside the target,
 * then fsynced and renamed over it (tach/outfile.h says why).
 *
 * The stream is a glibc cookie stream over the temporary file's
 * descriptor, so that the first failing write(2) keeps its errno
 * (-EFBIG, -ENOSPC) for the error message: stdio only remembers that
 * something failed.  A target that cannot be replaced by a rename (a
 * terminal, /dev/null, a pipe) is written in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/outfile.h"

#define BUF_SIZE 65536

typedef enum { TO_STDOUT, IN_PLACE, REPLACE } mode;

struct tach_outfile {
	mode how;
	FILE *f;
	int fd;   /* the temporary file (REPLACE) */
	int err;  /* errno of the first failed write, 0 if none */
	char *path, *tmp, *dir;
};

static ssize_t cookie_write(void *c, const char *buf, size_t n)
{
	tach_outfile *o = c;
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(o->fd, buf + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (!o->err)
				o->err = w < 0 ? errno : EIO;
			return done ? (ssize_t)done : -1;
		}
		done += (size_t)w;
	}
	return (ssize_t)done;
}

static int cookie_close(void *c)
{
	(void)c; /* the descriptor is closed by commit or abort */
	return 0;
}

static void release(tach_outfile *o)
{
	free(o->path);
	free(o->tmp);
	free(o->dir);
	free(o);
}

/* The directory part of path ("." for a bare name), and the name part. */
static int split(const char *path, char **dir, const char **base)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		*dir = strdup(".");
		*base = path;
	} else {
		size_t n = slash == path ? 1 : (size_t)(slash - path);
		*dir = strndup(path, n);
		*base = slash + 1;
	}
	if (!*dir)
		return TACH_ENOMEM;
	return **base ? 0 : -EISDIR; /* "dir/" names a directory */
}

int tach_outfile_open(const char *path, tach_outfile **out)
{
	*out = NULL;
	tach_outfile *o = calloc(1, sizeof *o);
	if (!o)
		return TACH_ENOMEM;
	o->fd = -1;
	if (!strcmp(path, "-")) {
		o->how = TO_STDOUT;
		o->f = stdout;
		*out = o;
		return 0;
	}
	if (!(o->path = strdup(path))) {
		release(o);
		return TACH_ENOMEM;
	}
	struct stat st;
	mode_t perm;
	if (lstat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			release(o);
			return -EISDIR;
		}
		if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
			o->how = IN_PLACE;
			if (!(o->f = fopen(path, "w"))) {
				int e = errno;
				release(o);
				return -e;
			}
			*out = o;
			return 0;
		}
		if (S_ISREG(st.st_mode)) {
			perm = st.st_mode & 07777;
		} else {
			mode_t mask = umask(0);
			umask(mask);
			perm = 0666 & ~mask;
		}
	} else {
		mode_t mask = umask(0); /* not thread-safe, but only the CLI writes files */
		umask(mask);
		perm = 0666 & ~mask;
	}
	o->how = REPLACE;
	const char *base;
	int rc = split(path, &o->dir, &base);
	if (rc) {
		release(o);
		return rc;
	}
	size_t n = strlen(o->dir) + strlen(base) + 16;
	if (!(o->tmp = malloc(n))) {
		release(o);
		return TACH_ENOMEM;
	}
	snprintf(o->tmp, n, "%s/.%s.tach-XXXXXX", o->dir, base);
	if ((o->fd = mkostemp(o->tmp, O_CLOEXEC)) < 0) {
		int e = errno;
		release(o);
		return -e;
	}
	if (fchmod(o->fd, perm) != 0) {
		int e = errno;
		tach_outfile_abort(o);
		return -e;
	}
	cookie_io_functions_t io = {NULL, cookie_write, NULL, cookie_close};
	if (!(o->f = fopencookie(o, "w", io)) || setvbuf(o->f, NULL, _IOFBF, BUF_SIZE)) {
		tach_outfile_abort(o);
		return TACH_ENOMEM;
	}
	*out = o;
	return 0;
}

FILE *tach_outfile_stream(tach_outfile *o)
{
	return o->f;
}

/* fsync that tolerates file systems without it (EINVAL, EROFS). */
static int sync_fd(int fd)
{
	if (fsync(fd) == 0 || errno == EINVAL || errno == EROFS)
		return 0;
	return -errno;
}

static int commit(tach_outfile *o, int sync)
{
	int rc = 0;
	if (o->how == TO_STDOUT) {
		if (fflush(stdout) != 0)
			rc = -errno;
		else if (ferror(stdout))
			rc = -EIO;
		release(o);
		return rc;
	}
	if (o->how == IN_PLACE) {
		if (fflush(o->f) != 0)
			rc = -errno;
		else if (ferror(o->f))
			rc = -EIO;
		if (fclose(o->f) != 0 && !rc)
			rc = -errno;
		release(o);
		return rc;
	}
	if (fflush(o->f) != 0 || ferror(o->f))
		rc = o->err ? -o->err : -EIO;
	fclose(o->f);
	o->f = NULL;
	if (!rc && sync)
		rc = sync_fd(o->fd);
	if (close(o->fd) != 0 && !rc)
		rc = -errno;
	o->fd = -1;
	if (!rc && rename(o->tmp, o->path) != 0)
		rc = -errno;
	if (rc) {
		unlink(o->tmp);
		release(o);
		return rc;
	}
	/* the rename itself survives a crash only once the directory is on disk */
	int dfd = sync ? open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (dfd >= 0) {
		rc = sync_fd(dfd);
		close(dfd);
	}
	release(o);
	return rc;
}

int tach_outfile_commit(tach_outfile *o)
{
	return commit(o, 1);
}

int tach_outfile_commit_nosync(tach_outfile *o)
{
	return commit(o, 0);
}

void tach_outfile_abort(tach_outfile *o)
{
	if (!o)
		return;
	if (o->how == IN_PLACE) {
		fclose(o->f);
	} else if (o->how == REPLACE) {
		if (o->f)
			fclose(o->f);
		if (o->fd >= 0)
			close(o->fd);
		unlink(o->tmp);
	}
	release(o);
}
