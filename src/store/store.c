/* store.c - the store's front: choosing the backend from the location,
 * finding the default file like git finds .git, and the functions every
 * backend shares.  References (@main, @latest~2, a commit) are resolved
 * in resolve.c. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/result.h"
#include "tach/store.h"
#include "store/conninfo.h"
#include "store/internal.h"

/* Every entry point starts from a clean error, so that a message set
 * deep in a backend never meets stale file/line fields. */
static tach_error *clean(tach_error *err, tach_error *dummy)
{
	if (!err)
		err = dummy;
	memset(err, 0, sizeof *err);
	return err;
}

/* A backend's error as the caller sees it: never an empty message (an
 * allocation that failed deep in a backend names the store at least). */
static int said(const tach_store *s, int rc, tach_error *err, const char *what)
{
	if (rc && err && !err->message[0])
		snprintf(err->message, sizeof err->message, "%s: %s: %s", s->location, what,
		         tach_strerror(rc));
	return rc;
}

/* mkdir -p of the directory holding path; the last directory with mode
 * `mode` (before the umask). */
static int make_parent(const char *path, mode_t mode)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = 0;
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(dir, 0777) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(dir, mode) && errno != EEXIST ? -errno : 0;
}

/* The top of the git work tree holding dir (its nearest ancestor, or
 * itself, with a .git entry) into top; 0 when there is none. */
static int git_top(const char *dir, char *top, size_t size)
{
	char d[PATH_MAX];
	snprintf(d, sizeof d, "%s", dir);
	for (;;) {
		char probe[PATH_MAX + 8];
		struct stat st;
		snprintf(probe, sizeof probe, "%s/.git", d);
		if (stat(probe, &st) == 0)
			return snprintf(top, size, "%s", d[0] ? d : "/") < (int)size;
		char *slash = strrchr(d, '/');
		if (!slash || !d[0])
			return 0;
		*slash = 0; /* "/a" becomes "", the root */
	}
}

/* Inside a git work tree the history belongs to the repository, so the
 * search goes up to its top and no further; outside one, a directory
 * above is anybody's (the system's temporary directory, a shared home),
 * so only the current directory is looked at. */
int tach_store_default_path(char *buf, size_t size)
{
	char dir[PATH_MAX], top[PATH_MAX];
	if (!getcwd(dir, sizeof dir))
		return -errno;
	if (!git_top(dir, top, sizeof top))
		return snprintf(buf, size, "%s/.tach/history.db", strcmp(dir, "/") ? dir : "") <
		               (int)size
		               ? 0
		               : -ENAMETOOLONG;
	size_t top_len = strlen(top);
	for (;;) {
		char probe[PATH_MAX + 32];
		struct stat st;
		snprintf(probe, sizeof probe, "%s/.tach/history.db", dir);
		if (stat(probe, &st) == 0)
			return snprintf(buf, size, "%s", probe) < (int)size ? 0 : -ENAMETOOLONG;
		char *slash = strrchr(dir, '/');
		if (strlen(dir) <= top_len || !slash)
			break;
		*slash = 0;
	}
	return snprintf(buf, size, "%s/.tach/history.db", strcmp(top, "/") ? top : "") < (int)size
	               ? 0
	               : -ENAMETOOLONG;
}

/* Why path (the store found by default, or its directory) must not be
 * used: another user owns it, or every user may write it, so that
 * another user could have planted it or could change it (as git refuses
 * a repository another user owns).  NULL when it is ours, or missing.  A
 * symbolic link counts as what it is and as what it points to. */
static const char *unsafe(const char *path, char *why, size_t size)
{
	struct stat st;
	for (int follow = 0; follow < 2; follow++) {
		if ((follow ? stat(path, &st) : lstat(path, &st)) != 0)
			return NULL;
		if (st.st_uid != geteuid()) {
			snprintf(why, size, "owned by another user (uid %u)", (unsigned)st.st_uid);
			return why;
		}
		if (follow && (st.st_mode & S_IWOTH)) {
			snprintf(why, size, "writable by every user (mode %03o)",
			         (unsigned)(st.st_mode & 0777));
			return why;
		}
	}
	return NULL;
}

/* The store found by default, and its directory, must be ours: see
 * unsafe().  0, or -EPERM with a message saying why and what to do. */
static int check_found(const char *path, tach_error *err)
{
	char dir[PATH_MAX], why[48];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	const char *what = unsafe(dir, why, sizeof why) ? "its directory is" : NULL;
	if (!what && unsafe(path, why, sizeof why))
		what = "it is";
	if (!what)
		return 0;
	snprintf(err->message, sizeof err->message,
	         "%.100s: not used: %s %s; name it explicitly (--db or TACH_DB) to use it anyway",
	         path, what, why);
	return -EPERM;
}

int tach__no_history(tach_store *s, tach_error *err)
{
	snprintf(err->message, sizeof err->message, "no history at %s", s->location);
	return -ENOENT;
}

int tach__schema_newer(tach_store *s, int v, int known, tach_error *err)
{
	snprintf(err->message, sizeof err->message,
	         "%s: made by a newer tach (schema %d; this tach knows up to %d)", s->location, v,
	         known);
	return TACH_EVERSION;
}

/* tach_store_open and tach_store_open_readonly: the same choice of
 * location and the same checks of a store found by default; a reader
 * creates no directory and finds no file as "no history". */
static int open_store(const char *location, int readonly, tach_store **out, tach_error *err)
{
	tach_error dummy;
	if (!err)
		err = &dummy;
	memset(err, 0, sizeof *err);
	*out = NULL;
	char path[PATH_MAX];
	if (!location || !*location)
		location = getenv("TACH_DB");
	int found = !location || !*location; /* not named: checked before use */
	if (found) {
		int rc = tach_store_default_path(path, sizeof path);
		if (rc) {
			snprintf(err->message, sizeof err->message, "cannot find the history: %s",
			         strerror(-rc));
			return rc;
		}
		location = path;
	}
	tach_store *s = calloc(1, sizeof *s);
	if (!s || !(s->location = tach__conninfo_masked(location))) {
		free(s);
		snprintf(err->message, sizeof err->message, "cannot open the history: out of memory");
		return TACH_ENOMEM;
	}
	s->readonly = readonly;
	int rc;
	struct stat st;
	if (tach__is_conninfo(location)) {
		rc = tach__pg_open(s, location, err);
	} else if (readonly) {
		/* a missing file (or directory) is no history, not one to make */
		if (stat(location, &st) && (errno == ENOENT || errno == ENOTDIR))
			rc = tach__no_history(s, err);
		else if (!found || !(rc = check_found(location, err)))
			rc = tach__sqlite_open(s, location, err);
	} else {
		/* a directory tach makes for a store found by default is its
		 * own and nobody else's to write */
		rc = make_parent(location, found ? 0755 : 0777);
		if (rc)
			snprintf(err->message, sizeof err->message, "%.180s: cannot create its directory: %s",
			         location, strerror(-rc));
		else if (!found || !(rc = check_found(location, err)))
			rc = tach__sqlite_open(s, location, err);
	}
	if (rc) {
		said(s, rc, err, "opening");
		free(s->location);
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int tach_store_open(const char *location, tach_store **out, tach_error *err)
{
	return open_store(location, 0, out, err);
}

int tach_store_open_readonly(const char *location, tach_store **out, tach_error *err)
{
	return open_store(location, 1, out, err);
}

/* A write through a store opened for reading: refused before the backend
 * sees it, with the same words whatever the backend. */
static int readonly(const tach_store *s, tach_error *err, const char *what)
{
	if (!s->readonly)
		return 0;
	snprintf(err->message, sizeof err->message, "%s: %s: the store was opened for reading only",
	         s->location, what);
	return TACH_EINVAL;
}

void tach_store_close(tach_store *s)
{
	if (!s)
		return;
	if (s->ops && s->impl) {
		tach_store_rollback(s);
		s->ops->close(s);
	}
	free(s->location);
	free(s);
}

const char *tach_store_location(const tach_store *s)
{
	return s->location;
}

int tach_store_verify(tach_store *s, tach_error *err)
{
	tach_error dummy;
	return s->ops->verify ? s->ops->verify(s, clean(err, &dummy)) : 0;
}

int tach_store_begin(tach_store *s, tach_error *err)
{
	tach_error dummy;
	err = clean(err, &dummy);
	int rc = readonly(s, err, "starting a transaction");
	if (rc)
		return rc;
	if (s->batch) {
		snprintf(err->message, sizeof err->message, "%s: a transaction is already open",
		         s->location);
		return TACH_EINVAL;
	}
	rc = s->ops->txn(s, TACH__TXN_BEGIN, err);
	s->batch = rc == 0;
	return rc;
}

int tach_store_commit(tach_store *s, tach_error *err)
{
	tach_error dummy;
	err = clean(err, &dummy);
	if (!s->batch) {
		snprintf(err->message, sizeof err->message, "%s: no transaction to commit",
		         s->location);
		return TACH_EINVAL;
	}
	int rc = s->ops->txn(s, TACH__TXN_COMMIT, err);
	if (rc) /* a commit that failed may leave the transaction open */
		s->ops->txn(s, TACH__TXN_ROLLBACK, &dummy);
	s->batch = 0;
	return rc;
}

void tach_store_rollback(tach_store *s)
{
	tach_error dummy;
	if (s && s->batch)
		s->ops->txn(s, TACH__TXN_ROLLBACK, &dummy);
	if (s)
		s->batch = 0;
}

int tach_store_add(tach_store *s, const tach_result *r, const tach_kvlist *labels, int64_t *id,
                   tach_error *err)
{
	tach_error dummy;
	err = clean(err, &dummy);
	int rc = readonly(s, err, "adding a run");
	return rc ? rc : said(s, s->ops->add(s, r, labels, id, err), err, "adding a run");
}

int tach_store_get(tach_store *s, int64_t id, tach_result **out, tach_error *err)
{
	tach_error dummy;
	err = clean(err, &dummy);
	return said(s, s->ops->get(s, id, out, err), err, "reading a run");
}

int tach_store_remove(tach_store *s, int64_t id, tach_error *err)
{
	tach_error dummy;
	err = clean(err, &dummy);
	int rc = readonly(s, err, "removing a run");
	return rc ? rc : said(s, s->ops->remove(s, id, err), err, "removing a run");
}

int tach_store_list(tach_store *s, const tach_run_filter *f, tach_run_info **out, size_t *n,
                    tach_error *err)
{
	tach_error dummy;
	err = clean(err, &dummy);
	return said(s, s->ops->list(s, f, out, n, err), err, "listing runs");
}

void tach_run_infos_free(tach_run_info *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].timestamp);
		free(v[i].git_commit);
		free(v[i].git_branch);
		free(v[i].hostname);
		free(v[i].testbed);
		tach_kvlist_release(&v[i].labels);
	}
	free(v);
}

int tach_store_baseline_set(tach_store *s, const char *name, int64_t id, tach_error *err)
{
	tach_error dummy;
	err = clean(err, &dummy);
	int rc = readonly(s, err, "setting a baseline");
	return rc ? rc : said(s, s->ops->baseline_set(s, name, id, err), err, "setting a baseline");
}

int tach_store_baseline_get(tach_store *s, const char *name, int64_t *id, tach_error *err)
{
	tach_error dummy;
	err = clean(err, &dummy);
	*id = 0;
	return said(s, s->ops->baseline_get(s, name, id, err), err, "reading a baseline");
}

int tach_store_series_on(tach_store *s, const char *name, const tach_kvlist *params,
                         const char *metric, const char *branch, const char *testbed,
                         tach_history_point **out, size_t *n, tach_error *err)
{
	tach_error dummy;
	static const tach_kvlist none;
	char *key = tach__params_key(params ? params : &none);
	if (!key)
		return TACH_ENOMEM;
	int rc = s->ops->series(s, name, key, metric, branch, testbed, out, n, clean(err, &dummy));
	free(key);
	return rc;
}

int tach_store_series(tach_store *s, const char *name, const tach_kvlist *params,
                      const char *metric, const char *branch, tach_history_point **out,
                      size_t *n, tach_error *err)
{
	return tach_store_series_on(s, name, params, metric, branch, NULL, out, n, err);
}

int tach_store_testbeds(tach_store *s, tach_testbed_info **out, size_t *n, tach_error *err)
{
	tach_error dummy;
	err = clean(err, &dummy);
	*out = NULL;
	*n = 0;
	return said(s, s->ops->testbeds(s, out, n, err), err, "listing testbeds");
}

void tach_testbed_infos_free(tach_testbed_info *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		free(v[i].name);
		free(v[i].latest);
	}
	free(v);
}

void tach_history_points_free(tach_history_point *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		free(p[i].timestamp);
		free(p[i].git_commit);
	}
	free(p);
}

int tach_store_catalog(tach_store *s, const char *bench, const char *metric, tach_result **out,
                       tach_error *err)
{
	tach_error dummy;
	err = clean(err, &dummy);
	return said(s, s->ops->catalog(s, bench, metric, out, err), err, "listing series");
}

int tach__catalog_add(tach_result *r, const char *name, const char *params_json,
                      const char *metric, const char *unit, int direction)
{
	if (!name || !params_json || !metric || !unit)
		return TACH_EFORMAT;
	tach_kvlist params = {0};
	int rc = tach__params_from_json(&params, params_json);
	tach_benchmark *b = rc ? NULL : tach_result_find(r, name, &params);
	if (!rc && !b) {
		b = tach_result_add_benchmark(r, name);
		if (b)
			rc = tach_kvlist_copy(&b->params, &params);
	}
	tach_kvlist_release(&params);
	if (!rc && (!b || !tach_benchmark_add_metric(b, metric, unit, (tach_direction)direction)))
		rc = TACH_ENOMEM;
	return rc;
}

/* When a run is added: UTC to the second, the form of the results'
 * timestamps. */
void tach__now_utc(char *buf, size_t size)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
