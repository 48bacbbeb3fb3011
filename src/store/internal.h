/* internal.h - what the store's backends share: the operations table each
 * backend fills, and the encodings both use (packed samples, canonical
 * parameters, metadata as JSON).  Hidden from the library's ABI. */
#ifndef TACH_STORE_INTERNAL_H
#define TACH_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "tach/store.h"
#include "util/util.h"

/* What tach_store_resolve asks a backend to find (tach__find.what). */
enum {
	TACH__FIND_LATEST = 0, /* the (num+1)-th newest run; text unused */
	TACH__FIND_COMMIT = 1, /* the newest run whose commit starts with text */
	TACH__FIND_BRANCH = 2, /* the newest run on branch text */
	TACH__FIND_ID = 3,     /* run num itself, to learn that it exists */
};

/* One question of tach_store_resolve to a backend. */
typedef struct tach__find {
	int what;            /* TACH__FIND_* */
	const char *text;    /* a lowercase commit prefix, or a branch */
	int64_t num;         /* runs to skip (LATEST), or the run id (ID) */
	const char *testbed; /* only runs of this testbed (exact name); NULL: any */
} tach__find;

/* What tach__store_ops.txn does to the store's transaction. */
enum { TACH__TXN_BEGIN = 0, TACH__TXN_COMMIT = 1, TACH__TXN_ROLLBACK = 2 };

typedef struct tach__store_ops {
	const char *name; /* "sqlite", "postgresql" */
	int (*add)(tach_store *s, const tach_result *r, const tach_kvlist *labels, int64_t *id,
	           tach_error *err);
	int (*get)(tach_store *s, int64_t id, tach_result **out, tach_error *err);
	int (*remove)(tach_store *s, int64_t id, tach_error *err);
	int (*list)(tach_store *s, const tach_run_filter *f, tach_run_info **out, size_t *n,
	            tach_error *err);
	int (*baseline_set)(tach_store *s, const char *name, int64_t id, tach_error *err);
	/* *id = 0 when there is no such baseline (not an error) */
	int (*baseline_get)(tach_store *s, const char *name, int64_t *id, tach_error *err);
	/* *id = 0 when nothing matches (not an error); else the run's
	 * testbed into testbed (size bytes, cut to fit) */
	int (*find)(tach_store *s, const tach__find *q, int64_t *id, char *testbed, size_t size,
	            tach_error *err);
	int (*series)(tach_store *s, const char *name, const char *params_key, const char *metric,
	              const char *branch, const char *testbed, tach_history_point **out, size_t *n,
	              tach_error *err);
	/* every testbed with its count of runs and newest timestamp, by name */
	int (*testbeds)(tach_store *s, tach_testbed_info **out, size_t *n, tach_error *err);
	int (*catalog)(tach_store *s, const char *bench, const char *metric, tach_result **out,
	               tach_error *err);
	/* NULL: nothing to check */
	int (*verify)(tach_store *s, tach_error *err);
	/* begins, commits or rolls back the transaction of tach_store_begin */
	int (*txn)(tach_store *s, int what, tach_error *err);
	void (*close)(tach_store *s);
} tach__store_ops;

struct tach_store {
	const tach__store_ops *ops;
	char *location; /* printable: password masked */
	void *impl;     /* the backend's connection */
	int batch;      /* inside tach_store_begin: an add is a savepoint */
	int readonly;   /* tach_store_open_readonly: create nothing, write nothing */
};

/* "no history at LOCATION" in err: -ENOENT, for a read-only open that
 * finds no file or no tach schema. */
TACH_HIDDEN int tach__no_history(tach_store *s, tach_error *err);
/* "made by a newer tach" in err: TACH_EVERSION, for a store of schema v
 * where this tach knows versions up to `known`. */
TACH_HIDDEN int tach__schema_newer(tach_store *s, int v, int known, tach_error *err);

/* Opens the backends: fill s->impl, create or migrate the schema (with
 * s->readonly: find an existing schema, migrating an older one through a
 * connection of its own, and read only). */
TACH_HIDDEN int tach__sqlite_open(tach_store *s, const char *path, tach_error *err);
TACH_HIDDEN int tach__pg_open(tach_store *s, const char *conninfo, tach_error *err);

/* ---- encodings (encode.c) ---- */

/* Samples as little-endian IEEE doubles, iterations as little-endian
 * uint64: malloc'd, *len bytes.  NULL only when out of memory (or n = 0,
 * then *len = 0). */
TACH_HIDDEN unsigned char *tach__pack_doubles(const double *v, size_t n, size_t *len);
TACH_HIDDEN unsigned char *tach__pack_u64(const uint64_t *v, size_t n, size_t *len);
/* Appends the packed values to the metric (as samples, or as iteration
 * counts of its existing samples).  0, TACH_ENOMEM, or TACH_EFORMAT for
 * a blob whose length is not a multiple of 8. */
TACH_HIDDEN int tach__unpack_samples(tach_metric *m, const unsigned char *blob, size_t len,
                                     const unsigned char *iters, size_t ilen);
/* Time series of a metric: [u64 count] then per series [u64 sample]
 * [u64 n] [n doubles t] [n doubles v]; NULL with *len = 0 when none. */
TACH_HIDDEN unsigned char *tach__pack_series(const tach_metric *m, size_t *len, int *oom);
TACH_HIDDEN int tach__unpack_series(tach_metric *m, const unsigned char *blob, size_t len);

/* Parameters as a canonical key for matching and indexing, and as a JSON
 * object in their own order for reading back.  The key (schema 3) is a
 * netstring ("LEN:BYTES,") of each name and then its value, in the byte
 * order of the names; "" for none.  Unlike schema 2's "k=v" joined by
 * U+001F, no two parameter sets share a key, whatever bytes they hold.
 * malloc'd; NULL when out of memory. */
TACH_HIDDEN char *tach__params_key(const tach_kvlist *params);
TACH_HIDDEN char *tach__params_json(const tach_kvlist *params);
TACH_HIDDEN int tach__params_from_json(tach_kvlist *params, const char *json);

/* The result's metadata (with extra labels) as tach results-format JSON
 * text holding no benchmarks, and back. */
TACH_HIDDEN char *tach__meta_json(const tach_result *r, const tach_kvlist *labels);
TACH_HIDDEN int tach__meta_from_json(tach_result *r, const char *json, tach_error *err);
/* The result's complexity fits as a results-format document that holds
 * only them (no metadata, no benchmarks), and back: the column
 * runs.complexity (schema 5, PostgreSQL 6).  *out is malloc'd, NULL when
 * r has no fits; 0, TACH_ENOMEM or the writer's error for a fit that does
 * not validate.  tach__fits_from_json moves the text's fits into r (which
 * has none): 0, TACH_ENOMEM, or the reader's TACH_EPARSE/TACH_EFORMAT with
 * err placed in "(stored complexity)". */
TACH_HIDDEN int tach__fits_json(const tach_result *r, char **out);
TACH_HIDDEN int tach__fits_from_json(tach_result *r, const char *json, tach_error *err);
/* The testbed of a run stored with metadata `json` (tach__meta_json's
 * text), for the upgrade to schema 4: tach_meta_testbed of it, or
 * "unknown" when the text does not parse.  Into buf; returns buf. */
TACH_HIDDEN const char *tach__testbed_of_meta(const char *json, char *buf, size_t size);

/* Benchmark extras (source, error, skipped, and its number of metrics)
 * as JSON, and back; *n_metrics = -1 when the text does not say (a run
 * stored before tach counted them). */
TACH_HIDDEN char *tach__bench_json(const tach_benchmark *b);
TACH_HIDDEN int tach__bench_from_json(tach_benchmark *b, const char *json, long long *n_metrics);

/* Adds one row of a backend's catalog query to r: the benchmark `name`
 * with the parameters `params_json` (found, or added), then its metric.
 * 0, TACH_ENOMEM, or TACH_EFORMAT for missing text or parameters that do
 * not parse (a damaged row). */
TACH_HIDDEN int tach__catalog_add(tach_result *r, const char *name, const char *params_json,
                                  const char *metric, const char *unit, int direction);

/* 1 if text matches the glob (fnmatch without special '/' handling). */
TACH_HIDDEN int tach__glob(const char *glob, const char *text);

/* The time a run is added, "YYYY-MM-DDTHH:MM:SSZ" (store.c). */
TACH_HIDDEN void tach__now_utc(char *buf, size_t size);

#endif
