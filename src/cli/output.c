/* output.c - every file a command writes goes through here: written whole
 * or not at all (tach_outfile), and never over one of its own inputs --
 * `tach report r.json -o r.json` would otherwise replace the results with
 * the report of them. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/output.h"

tach_outfile *cli_out_open(const char *path)
{
	tach_outfile *o;
	int rc = tach_outfile_open(path ? path : "-", &o);
	if (rc) {
		cli_error("cannot write '%s': %s", path, tach_strerror(rc));
		return NULL;
	}
	return o;
}

int cli_out_commit(tach_outfile *o, const char *path)
{
	int rc = tach_outfile_commit(o);
	if (rc)
		return cli_error("cannot write '%s': %s", path && strcmp(path, "-") ? path : "stdout",
		                 tach_strerror(rc));
	return EXIT_OK;
}

int cli_out_check(const char *option, const char *path, int append)
{
	if (!path || !strcmp(path, "-"))
		return EXIT_OK;
	struct stat st;
	if (!append && lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) &&
	    !S_ISLNK(st.st_mode)) {
		/* written in place (a terminal, a pipe): opening a FIFO now would
		 * hand its reader an end of file before the results */
		if (access(path, W_OK) != 0)
			return cli_error("cannot write '%s' (given to %s): %s", path, option,
			                 strerror(errno));
		return EXIT_OK;
	}
	if (!append) {
		tach_outfile *o;
		int rc = tach_outfile_open(path, &o);
		if (rc)
			return cli_error("cannot write '%s' (given to %s): %s", path, option,
			                 tach_strerror(rc));
		tach_outfile_abort(o);
		return EXIT_OK;
	}
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return cli_error("cannot write '%s' (given to %s): %s", path, option,
			                 strerror(EISDIR));
		if (access(path, W_OK) != 0)
			return cli_error("cannot write '%s' (given to %s): %s", path, option,
			                 strerror(errno));
		return EXIT_OK;
	}
	/* its directory (a store: the nearest that exists) must let the file
	 * be made */
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	for (;;) {
		char *slash = strrchr(dir, '/');
		if (!slash)
			strcpy(dir, ".");
		else if (slash == dir)
			dir[1] = 0;
		else
			*slash = 0;
		if (stat(dir, &st) == 0)
			break;
		if (append == 1 || !strcmp(dir, ".") || !strcmp(dir, "/"))
			return cli_error("cannot write '%s' (given to %s): %s", path, option,
			                 strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return cli_error("cannot write '%s' (given to %s): '%s' is not a directory", path,
		                 option, dir);
	if (access(dir, W_OK | X_OK) != 0)
		return cli_error("cannot write '%s' (given to %s): '%s': %s", path, option, dir,
		                 strerror(errno));
	return EXIT_OK;
}

/* Who a name is: the file's device and inode, or for a file that does not
 * exist yet, its directory's and its last component (two outputs "x" and
 * "./x" then still match).  0 when the name is none of these. */
typedef struct file_id {
	dev_t dev;
	ino_t ino;
	const char *base; /* NULL for an existing file */
} file_id;

static int identify(const char *name, file_id *id)
{
	struct stat st;
	if (!name || !strcmp(name, "-"))
		return 0;
	if (stat(name, &st) == 0) {
		*id = (file_id){st.st_dev, st.st_ino, NULL};
		return 1;
	}
	const char *slash = strrchr(name, '/');
	char dir[4096];
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - name) + 1 : 1, slash ? name : ".");
	if (stat(dir, &st) != 0)
		return 0;
	*id = (file_id){st.st_dev, st.st_ino, slash ? slash + 1 : name};
	return 1;
}

static int same(const file_id *a, const file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino &&
	       (!a->base ? !b->base : b->base && !strcmp(a->base, b->base));
}

int cli_out_distinct(const char *const *inputs, size_t n_in, const char *const *outputs,
                     size_t n_out)
{
	for (size_t i = 0; i < n_out; i++) {
		file_id o, x;
		if (!identify(outputs[i], &o))
			continue;
		for (size_t k = 0; k < n_in; k++)
			if (identify(inputs[k], &x) && same(&x, &o))
				return cli_error("'%s' is also an input ('%s'): writing it would destroy "
				                 "what is read; choose another output", outputs[i], inputs[k]);
		for (size_t k = 0; k < i; k++)
			if (identify(outputs[k], &x) && same(&x, &o))
				return cli_error("'%s' and '%s' are the same file: one output would "
				                 "replace the other", outputs[k], outputs[i]);
	}
	return EXIT_OK;
}
