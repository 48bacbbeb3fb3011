/* store.h - the history of runs: result sets saved with their git commit,
 * listed, read back, compared and followed over time.
 *
 * One interface, two backends: SQLite (a file; the default is
 * .tach/history.db at the top of the git work tree) and PostgreSQL (a
 * `postgresql://` URL, for a team's shared history).  Every run is added
 * in one transaction: a killed tach leaves whole runs or nothing.  The
 * schema is versioned; opening an older store upgrades it in place.
 * docs/history.md describes the schema.
 */
#ifndef TACH_STORE_H
#define TACH_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "tach/error.h"
#include "tach/result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The schema version this library writes; older stores are migrated.
 * PostgreSQL databases are one version ahead: their version 5 adds the
 * tables of series and their points that keep `trend` and `publish` fast
 * while many CI runners write (docs/history.md); SQLite files need no such
 * tables, having one writer at a time.  SQLite's 5 and PostgreSQL's 6 keep
 * each run's complexity fits. */
#define TACH_STORE_SCHEMA 5
#define TACH_STORE_SCHEMA_PG 6

typedef struct tach_store tach_store;

/* Opens the store at `location`: a `postgresql://` or `postgres://` URL
 * (or a libpq "keyword=value" string whose first keyword is one of
 * libpq's, spaces around '=' allowed), else a SQLite file path (created
 * with its directory if missing).  NULL: $TACH_DB, else
 * tach_store_default_path(); a store found that way is refused (-EPERM,
 * with the reason in err) when it or its directory is owned by another
 * user or writable by every user, since another user could have planted
 * it; a location named by the caller or $TACH_DB is used as given.
 * PostgreSQL: connect_timeout is 10 s unless the string or
 * $PGCONNECT_TIMEOUT sets one, and the session's statement_timeout 5
 * minutes unless one is set.  Creates or migrates the schema, safely when
 * several processes do it at once.  0, or an error in err (TACH_EIO and
 * the backend's message; -errno for files). */
TACH_API int tach_store_open(const char *location, tach_store **out, tach_error *err);

/* Opens an existing store for reading, for the commands that only read
 * (history list, show and export, trend, a run named as @REF or #ID): the
 * location is chosen as by tach_store_open, the store found by default
 * checked the same way, but nothing is created (no directory, file or
 * table) and the store is opened read-only, so a store in a read-only
 * directory can be read.  -ENOENT with "no history at LOCATION" in err
 * when there is no such file, or the file or database holds no tach
 * schema.  A store of an older schema is first upgraded as by
 * tach_store_open (its series keys are rewritten; that needs write
 * access, and an error says so without it); one of a newer schema is
 * TACH_EVERSION.  Adding, removing, setting a baseline or beginning a
 * transaction on the store is TACH_EINVAL.  Closed with
 * tach_store_close. */
TACH_API int tach_store_open_readonly(const char *location, tach_store **out, tach_error *err);

/* Closes the store (rolling back a transaction left open); NULL is a
 * no-op. */
TACH_API void tach_store_close(tach_store *s);

/* Where the store is, for messages: the file path, or the connection
 * string with its password, in any spelling libpq reads, replaced by
 * "***".  Borrowed. */
TACH_API const char *tach_store_location(const tach_store *s);

/* The default SQLite path for the current directory: inside a git work
 * tree, .tach/history.db in the nearest directory upwards that already
 * has one, stopping at the top of the work tree, else at that top;
 * outside git, in the current directory (a directory above may be
 * anybody's).  Writes into buf; 0 or -errno. */
TACH_API int tach_store_default_path(char *buf, size_t size);

/* Checks the whole store for damage.  SQLite reads every page and index
 * (PRAGMA integrity_check: about 30 ms for 2.5 MB of history); a
 * PostgreSQL server keeps its own pages, so there is nothing to do.  0,
 * or TACH_EFORMAT with the store and the first damage found in err.
 * Reads of one run check that run's own counts (benchmarks, metrics,
 * samples) and fail on any damage the database reports; the commands
 * that read the whole history (list, export, trend) call this first,
 * since damage can also hide whole rows from a query. */
TACH_API int tach_store_verify(tach_store *s, tach_error *err);

/* Adds a run: the result set (its benchmarks and metadata; labels are
 * added to the result's own).  *id receives the new run's id.  One
 * transaction.  0 or an error. */
TACH_API int tach_store_add(tach_store *s, const tach_result *r, const tach_kvlist *labels,
                            int64_t *id, tach_error *err);

/* Makes the adds that follow one transaction, all or nothing: until
 * tach_store_commit every run added stays invisible to other readers, and
 * tach_store_rollback (or closing the store, or the process dying)
 * leaves the store as it was before tach_store_begin.  Inside, an add
 * that fails undoes only itself.  Not nested: a second begin is
 * TACH_EINVAL.  0 or an error in err. */
TACH_API int tach_store_begin(tach_store *s, tach_error *err);
/* Keeps every run added since tach_store_begin.  On failure nothing is
 * kept and the transaction is over. */
TACH_API int tach_store_commit(tach_store *s, tach_error *err);
/* Drops every run added since tach_store_begin; a no-op outside one. */
TACH_API void tach_store_rollback(tach_store *s);

/* Reads run `id` back as a result set (caller frees).  TACH_EINVAL, with
 * "LOCATION: no run #ID" in err, when there is no such run. */
TACH_API int tach_store_get(tach_store *s, int64_t id, tach_result **out, tach_error *err);

/* Removes run `id` (and baselines pointing at it). */
TACH_API int tach_store_remove(tach_store *s, int64_t id, tach_error *err);

/* One line of `tach history list`. */
typedef struct tach_run_info {
	int64_t id;
	char *timestamp;  /* when the results were measured (UTC ISO 8601) */
	char *git_commit; /* NULL when unknown */
	char *git_branch;
	int git_dirty;
	char *hostname;
	char *testbed; /* the run's testbed (tach_meta_testbed); "unknown" when
	                  a run stored before schema 4 said nothing of its machine */
	size_t n_benchmarks;
	tach_kvlist labels;
} tach_run_info;

typedef struct tach_run_filter {
	const char *bench; /* glob: only runs with a benchmark matching it */
	const char *branch;
	const char *since; /* ISO 8601 date or time: runs at or after it */
	size_t limit;      /* 0: all */
	const char *testbed; /* only runs of this testbed (exact name); NULL: all */
} tach_run_filter;

/* Runs matching the filter, newest first. */
TACH_API int tach_store_list(tach_store *s, const tach_run_filter *f, tach_run_info **out,
                             size_t *n, tach_error *err);
TACH_API void tach_run_infos_free(tach_run_info *v, size_t n);

/* Named baselines: NAME -> run. */
TACH_API int tach_store_baseline_set(tach_store *s, const char *name, int64_t id,
                                     tach_error *err);
/* The run of the baseline named `name` in *id; *id = 0 (and 0 returned)
 * when no baseline has that name.  Unlike tach_store_resolve of "@NAME"
 * it never falls back to the newest run of a branch so named. */
TACH_API int tach_store_baseline_get(tach_store *s, const char *name, int64_t *id,
                                     tach_error *err);

/* Resolves a reference to a run id: "@NAME" (a baseline), "@latest",
 * "@latest~N" (the Nth run before the newest), "@HEAD", "@HEAD~N" (the
 * newest run of that commit of the current git repository), "@BRANCH"
 * when no baseline has that name (the newest run on that branch), a
 * commit hash or prefix of 4+ hex digits (its newest run), or "#ID".
 * Any of them but #ID may end in ":TESTBED", which restricts the choice
 * to the runs of that testbed (a baseline must then be a run of it); no
 * branch, commit, baseline or testbed name holds a ':'.  Every testbed
 * is otherwise a candidate: tach_store_resolve_on prefers one.
 * TACH_EINVAL with a message when nothing matches, "LOCATION: no run
 * #ID" among them. */
TACH_API int tach_store_resolve(tach_store *s, const char *ref, int64_t *id, tach_error *err);

/* The run a reference names, as tach_store_resolve_on found it. */
typedef struct tach_resolved {
	int64_t id;
	char testbed[TACH_TESTBED_MAX + 1]; /* the run's testbed */
	/* 1 when the preferred testbed has no run the reference could name,
	 * so that the run is of another testbed (the newest run's) */
	int fallback;
} tach_resolved;

/* tach_store_resolve preferring the runs of testbed `here` (the machine
 * the caller measures on; NULL or "": no preference, as
 * tach_store_resolve).  The references that choose the newest of
 * several runs -- @latest~N, @BRANCH, @HEAD~N and other git revisions,
 * and a bare commit hash (a commit names the code; several machines may
 * have measured it) -- choose among the runs of `here`: @latest~N counts
 * back through them.
 * When `here` has no run the reference could name (none at all, for
 * @latest~N), the choice falls back to the testbed of the newest run
 * that matches, and out->fallback says so; `here` with fewer than N+1
 * runs is an error for @latest~N, not a fallback.  Exact references do
 * not move: a baseline, #ID and anything with ":TESTBED" resolve as in
 * tach_store_resolve.
 * 0 with *out filled, or TACH_EINVAL with the store and the reference in
 * err (or a backend's error). */
TACH_API int tach_store_resolve_on(tach_store *s, const char *ref, const char *here,
                                   tach_resolved *out, tach_error *err);

/* One point of a benchmark metric's history: the median of that run. */
typedef struct tach_history_point {
	int64_t run;
	char *timestamp;
	char *git_commit;
	double median;
	size_t n; /* samples in that run */
} tach_history_point;

/* The series of benchmark `name` (with exactly `params`; NULL: none)
 * metric `metric`, oldest first (ties in insertion order), optionally on
 * one branch. */
TACH_API int tach_store_series(tach_store *s, const char *name, const tach_kvlist *params,
                               const char *metric, const char *branch,
                               tach_history_point **out, size_t *n, tach_error *err);
TACH_API void tach_history_points_free(tach_history_point *p, size_t n);

/* tach_store_series restricted to the runs of one testbed (exact name;
 * NULL: every testbed, as tach_store_series). */
TACH_API int tach_store_series_on(tach_store *s, const char *name, const tach_kvlist *params,
                                  const char *metric, const char *branch, const char *testbed,
                                  tach_history_point **out, size_t *n, tach_error *err);

/* One testbed of the store: its name, how many runs it has and when the
 * newest of them was measured. */
typedef struct tach_testbed_info {
	char *name;
	size_t n_runs;
	char *latest; /* timestamp of its newest run (UTC ISO 8601) */
} tach_testbed_info;

/* Every testbed that has runs in the store, by name (byte order).  0 or
 * an error in err. */
TACH_API int tach_store_testbeds(tach_store *s, tach_testbed_info **out, size_t *n,
                                 tach_error *err);
TACH_API void tach_testbed_infos_free(tach_testbed_info *v, size_t n);

/* The distinct benchmark metrics in the store matching a benchmark glob
 * and a metric name (either NULL: all), as a result set whose benchmarks
 * each hold the matching metrics without samples (caller frees). */
TACH_API int tach_store_catalog(tach_store *s, const char *bench, const char *metric,
                                tach_result **out, tach_error *err);

#ifdef __cplusplus
}
#endif
#endif
