/* result.h - the results model: one in-memory form for everything tach
 * measures or imports, and its JSON file format (docs/results-format.md).
 *
 * A result set is metadata plus benchmarks; a benchmark is a name, ordered
 * parameters, a source and metrics; a metric is a name, a unit, a direction
 * and every sample (never only aggregates), optionally with time series.
 * A result set owns all of its strings and arrays and is freed by one call
 * to tach_result_free().  Pointers to benchmarks and metrics stay valid
 * while more are added (they are individually allocated).
 */
#ifndef TACH_RESULT_H
#define TACH_RESULT_H

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "tach/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The results file format version this library writes and the newest it
 * reads.  Bumped only for incompatible changes; see docs/results-format.md. */
#define TACH_FORMAT_VERSION 1

typedef enum tach_direction {
	TACH_LOWER_IS_BETTER = 0,
	TACH_HIGHER_IS_BETTER = 1,
} tach_direction;

/* Where a benchmark's numbers came from. */
typedef enum tach_source_kind {
	TACH_SOURCE_LIBRARY = 0, /* in-process, via tach/bench.h */
	TACH_SOURCE_COMMAND = 1, /* a whole command, via tach run */
	TACH_SOURCE_IMPORT = 2,  /* another tool's output, via tach import */
} tach_source_kind;

/* An ordered key/value pair: benchmark parameters, labels, context. */
typedef struct tach_kv {
	char *key;
	char *value;
} tach_kv;

/* An ordered list of key/value pairs with unique keys. */
typedef struct tach_kvlist {
	tach_kv *items;
	size_t n, cap;
} tach_kvlist;

/* Sets key to value (replacing an existing value in place, so the order of
 * first insertion is kept).  Both strings are copied.  0 or TACH_ENOMEM. */
TACH_API int tach_kvlist_set(tach_kvlist *l, const char *key, const char *value);
/* Sets every pair of src (NULL: none) in dst, in src's order: a key dst
 * has keeps its place and takes src's value.  0 or TACH_ENOMEM. */
TACH_API int tach_kvlist_copy(tach_kvlist *dst, const tach_kvlist *src);
/* The value for key, or NULL.  Borrowed from the list. */
TACH_API const char *tach_kvlist_get(const tach_kvlist *l, const char *key);
/* Frees the items; the list is empty and reusable afterwards. */
TACH_API void tach_kvlist_release(tach_kvlist *l);

/* Values over time within one sample (one run), e.g. RSS every 10 ms.
 * t[i] is seconds since the start of that run, ascending. */
typedef struct tach_series {
	size_t sample; /* index of the sample (run) this series belongs to */
	double *t;
	double *v;
	size_t n, cap;
} tach_series;

/* Metric flags. */
enum {
	/* Counts from a simulator (instructions, cache misses): the same input
	 * gives the same value, so comparisons need no significance test. */
	TACH_METRIC_DETERMINISTIC = 1u << 0,
	/* Times at or below what the measurement resolves (the timer's
	 * resolution, or the spread of a start-up subtracted from them): the
	 * samples are kept, but they do not measure the thing named, and
	 * comparisons call such rows inconclusive. */
	TACH_METRIC_UNRESOLVED = 1u << 1,
};

typedef struct tach_metric {
	char *name;  /* well-known (TACH_M_*) or custom */
	char *unit;  /* canonical unit, see tach_unit_check() */
	tach_direction direction;
	unsigned flags;
	double *samples; /* every sample, in the order measured */
	size_t n_samples, cap_samples;
	/* Optional: iterations[i] is how many iterations sample i averages
	 * over (NULL when unknown or not applicable). */
	uint64_t *iterations;
	size_t cap_iterations;
	tach_series **series; /* optional time series, may be NULL */
	size_t n_series, cap_series;
} tach_metric;

typedef struct tach_source {
	tach_source_kind kind;
	char *tool;    /* producer: "tach", "google-benchmark", "hyperfine"... or NULL */
	char *command; /* the command line for TACH_SOURCE_COMMAND, else NULL */
} tach_source;

typedef struct tach_benchmark {
	char *name;         /* full display name, e.g. "BM_copy/64/threads:2" */
	tach_kvlist params; /* ordered parameters, e.g. size=64, threads=2 */
	tach_source source;
	char *error;   /* non-NULL if the benchmark failed: the reason */
	char *skipped; /* non-NULL if it was skipped: the reason */
	tach_metric **metrics;
	size_t n_metrics, cap_metrics;
} tach_benchmark;

typedef struct tach_meta {
	int format;         /* format version the set was read from/written as */
	char *tool;         /* "tach" */
	char *tool_version; /* e.g. "0.1.0" */
	char *timestamp;    /* UTC, ISO 8601 "YYYY-MM-DDTHH:MM:SS[.fff]Z" */
	/* git state when run inside a work tree; NULLs / -1 when unknown */
	char *git_commit;
	char *git_branch;
	int git_dirty; /* 1 dirty, 0 clean, -1 unknown */
	char *hostname;
	char *os;
	char *kernel;
	char *cpu_model;
	int cpu_count; /* 0 when unknown */
	char *compiler;
	char *compiler_flags;
	/* the testbed's name given by the user (--testbed NAME) or read from
	 * meta.testbed.name; NULL: derived (tach_meta_testbed) */
	char *testbed;
	tach_kvlist labels;  /* user labels, --label key=value */
	tach_kvlist context; /* producer-specific facts (goos, library version...) */
} tach_meta;

/* ---- complexity fits (issue 19): how one metric of a family of
 * benchmarks grows with one parameter, fitted by least squares to a curve
 * (tach_stats_complexity in tach/stats.h; tach/bench.h's .complexity, Google
 * Benchmark's _BigO/_RMS rows).  Results-file key "complexity". */
typedef struct tach_fit {
	char *name;   /* the family, e.g. "BM_lookup" (names without n) */
	char *param;  /* the parameter that is n, e.g. "n"; "n" when unknown */
	char *metric; /* the metric fitted, e.g. "time" */
	char *big_o;  /* the curve: "1", "lgN", "N", "NlgN", "N^2" or "N^3" */
	int automatic; /* 1: the curve was chosen as the lowest RMS of all */
	/* metric's unit per unit of f(n): time(n) ~ coefficient * f(n) */
	double coefficient;
	double rms; /* residuals' root mean square / mean, a fraction (>= 0) */
	/* the benchmarks (names) whose medians were fitted; may be empty
	 * (an imported fit), and names missing from the set are allowed */
	char **benchmarks;
	size_t n_benchmarks, cap_benchmarks;
} tach_fit;

typedef struct tach_result {
	tach_meta meta;
	tach_benchmark **benchmarks;
	size_t n_benchmarks, cap_benchmarks;
	/* complexity fits (issue 19), in the order added */
	tach_fit **fits;
	size_t n_fits, cap_fits;
} tach_result;

/* --------------------------------------------------------------------
 * Well-known metric names.  Every producer and importer uses these so
 * that results from different sources compare.
 */
#define TACH_M_TIME "time"                 /* s, lower: wall time per iteration or run */
#define TACH_M_CPU_TIME "cpu_time"         /* s, lower */
#define TACH_M_USER_TIME "user_time"       /* s, lower */
#define TACH_M_SYSTEM_TIME "system_time"   /* s, lower */
/* B, lower: the largest single process's high-water resident set (the
 * largest ru_maxrss of the processes of a run), as /usr/bin/time -v and
 * hyperfine report it.  In files of tach run written before
 * tree_peak_memory existed (no tree_peak_memory_method in the context) it
 * may be a tree peak: their peak_rss_method says (docs/results-format.md). */
#define TACH_M_PEAK_RSS "peak_rss"
/* B, lower: the whole process tree's simultaneous peak memory, by the
 * method in the context's tree_peak_memory_method. */
#define TACH_M_TREE_PEAK_MEMORY "tree_peak_memory"
#define TACH_M_CPU_PERCENT "cpu_percent"   /* %, lower */
#define TACH_M_BYTES_PER_OP "bytes_per_op" /* B, lower */
#define TACH_M_ALLOCS_PER_OP "allocs_per_op"       /* count, lower */
/* Heap growth (issue 19): B, lower.  Bytes allocated minus bytes freed in
 * a counted call per iteration (may be negative), and the most bytes live
 * at once during that call (counted from its start). */
#define TACH_M_NET_HEAP_GROWTH_PER_OP "net_heap_growth_per_op"
#define TACH_M_MAX_BYTES_USED "max_bytes_used"
#define TACH_M_ITEMS_PER_SECOND "items_per_second" /* /s, higher */
#define TACH_M_BYTES_PER_SECOND "bytes_per_second" /* B/s, higher */
#define TACH_M_LATENCY_P50 "latency_p50"   /* s, lower */
#define TACH_M_LATENCY_P90 "latency_p90"
#define TACH_M_LATENCY_P95 "latency_p95"
#define TACH_M_LATENCY_P99 "latency_p99"
#define TACH_M_LATENCY_P999 "latency_p999"
#define TACH_M_LATENCY_MAX "latency_max"   /* s, lower */
/* Open-loop load tests (tach load, tach/loadgen.h; issue 21), one sample
 * per set rate: the latency_* above are then measured from each run's
 * SCHEDULED start to its end; service_time_* from its actual start (s,
 * lower); achieved_rate the starts per second of the window (/s, higher);
 * late_starts, peak_in_flight, failures and dropped_starts are counts
 * (lower); start_lateness_* the actual start less the scheduled one (s,
 * lower).  docs/results-format.md "Load tests" says exactly how. */
#define TACH_M_SERVICE_TIME_P50 "service_time_p50"
#define TACH_M_SERVICE_TIME_P90 "service_time_p90"
#define TACH_M_SERVICE_TIME_P99 "service_time_p99"
#define TACH_M_SERVICE_TIME_P999 "service_time_p999"
#define TACH_M_SERVICE_TIME_MAX "service_time_max"
#define TACH_M_ACHIEVED_RATE "achieved_rate"
#define TACH_M_LATE_STARTS "late_starts"
#define TACH_M_PEAK_IN_FLIGHT "peak_in_flight"
#define TACH_M_FAILURES "failures"
#define TACH_M_DROPPED_STARTS "dropped_starts"
#define TACH_M_START_LATENESS_P50 "start_lateness_p50"
#define TACH_M_START_LATENESS_P99 "start_lateness_p99"
#define TACH_M_START_LATENESS_MAX "start_lateness_max"

/* The unit and direction of a well-known metric name.  Returns 1 and fills
 * *unit (static string) and *dir if `name` is well known, else 0. */
TACH_API int tach_metric_known(const char *name, const char **unit,
                               tach_direction *dir);

/* --------------------------------------------------------------------
 * Building a result set.  Every function copies the strings it is given.
 * Functions returning a pointer return NULL only when out of memory.
 */

/* A new, empty result set with meta.format = TACH_FORMAT_VERSION, tool
 * "tach" and this library's version; all else unknown.  Caller frees with
 * tach_result_free(). */
TACH_API tach_result *tach_result_new(void);
/* Frees the set and everything it owns.  NULL is a no-op. */
TACH_API void tach_result_free(tach_result *r);

/* Fills the metadata of the machine and moment: UTC timestamp, hostname,
 * OS and kernel (uname), CPU model (/proc/cpuinfo) and count, the
 * compiler that built libtach, and git commit/branch/dirty state when
 * `dir` (NULL: the current directory) is inside a git work tree (git is
 * run directly, never through a shell; a missing git or a repository
 * without commits leaves the git fields unknown).  Returns 0 or
 * TACH_ENOMEM; facts that cannot be found stay unknown. */
TACH_API int tach_meta_collect(tach_meta *meta, const char *dir);

/* Sets one string field of the meta to a copy of `value` (NULL clears it).
 * 0 or TACH_ENOMEM. */
TACH_API int tach_meta_set(char **field, const char *value);

/* The machine a run was measured on, its testbed, is named by
 * tach_meta_testbed: meta->testbed when set, else "HOST-Nc-XXXXXXXX"
 * derived from the host name (characters outside [A-Za-z0-9._+-] made
 * '-', cut at 39), the core count and a 32-bit FNV-1a hash of the CPU
 * model in hex, or "unknown" when none of the three is known.  The same
 * machine always gets the same name; kernel and compiler are recorded
 * with it but do not change it.  Writes into buf (TACH_TESTBED_MAX + 1
 * bytes are enough) and returns it. */
#define TACH_TESTBED_MAX 64
TACH_API const char *tach_meta_testbed(const tach_meta *meta, char *buf, size_t size);
/* 1 if name is a valid testbed name: 1 to TACH_TESTBED_MAX characters of
 * [A-Za-z0-9._+-], not starting with '.' or '-' (it may become a file
 * name), else 0. */
TACH_API int tach_testbed_name_valid(const char *name);
/* 1 when a and b were measured on different testbeds: their names differ
 * (neither "unknown") and either a fact known on both sides (host name,
 * CPU model, core count) differs, or no such fact is known on both, so
 * that the names are all there is.  Two names over the same known facts
 * are one machine (a run saved without --testbed, an import that knew
 * less): 0. */
TACH_API int tach_meta_testbed_differs(const tach_meta *a, const tach_meta *b);

/* 1 if s is a git commit hash as meta.git_commit holds it: 4 to 64
 * hexadecimal digits (an abbreviated, SHA-1 or SHA-256 name), else 0.
 * Readers refuse any other commit, so a commit never carries markup or
 * control characters into a report. */
TACH_API int tach_meta_commit_valid(const char *s);

/* Appends a benchmark.  Returned pointer is owned by r. */
TACH_API tach_benchmark *tach_result_add_benchmark(tach_result *r,
                                                   const char *name);
/* Moves every benchmark and complexity fit of src to the end of dst (src
 * keeps its metadata and no benchmarks or fits), naming each benchmark,
 * each fit and each name a fit lists "PREFIX/name" when prefix is neither
 * NULL nor empty.  0, or TACH_ENOMEM with both sets unchanged. */
TACH_API int tach_result_take(tach_result *dst, tach_result *src, const char *prefix);
/* Rounds of one measurement gathered into one set: every sample of src's
 * metrics appended to the same metric of dst's same benchmark (made when
 * dst has none; metrics too), src's error kept when dst has none.  src is
 * unchanged.  0, or TACH_ENOMEM with dst holding part of src. */
TACH_API int tach_benchmark_append_samples(tach_benchmark *dst, const tach_benchmark *src);
TACH_API int tach_result_append_samples(tach_result *dst, const tach_result *src);

/* Removes and frees benchmark i (later ones move up one place; pointers to
 * them stay valid).  1 if there was one, 0 if i is out of range. */
TACH_API int tach_result_remove_benchmark(tach_result *r, size_t i);

/* Whether two benchmarks of r have the same name and parameters (in any
 * order: {a=1, b=2} is {b=2, a=1}): no comparison could tell them apart,
 * so the reader, the importers, `tach merge`, compare and gate refuse
 * such a set.  Returns 1 with *first
 * and *second set to the indices of the pair whose second comes earliest
 * (first < second), or 0.  TACH_ENOMEM when out of memory.  Takes
 * O(n log n) time. */
TACH_API int tach_result_duplicate(const tach_result *r, size_t *first, size_t *second);

/* The first benchmark with that name and exactly these params (NULL
 * params: any), or NULL.  Borrowed. */
TACH_API tach_benchmark *tach_result_find(const tach_result *r,
                                          const char *name,
                                          const tach_kvlist *params);
/* The same, looking at index `hint` first: files of one suite list their
 * benchmarks in the same order, so pooling them stays linear.  Benchmark
 * hint is returned when it matches, even if an earlier one does too (a
 * set without duplicates, see tach_result_duplicate, has none). */
TACH_API tach_benchmark *tach_result_find_at(const tach_result *r, const char *name,
                                             const tach_kvlist *params, size_t hint);

/* Sets source kind, tool and command (either string may be NULL).
 * 0 or TACH_ENOMEM. */
TACH_API int tach_benchmark_set_source(tach_benchmark *b, tach_source_kind kind,
                                       const char *tool, const char *command);
/* Appends a metric; unit is not checked here (the writer and the reader
 * check it).  Returned pointer is owned by b. */
TACH_API tach_metric *tach_benchmark_add_metric(tach_benchmark *b,
                                                const char *name,
                                                const char *unit,
                                                tach_direction dir);
/* The metric with that name, or NULL.  Borrowed. */
TACH_API tach_metric *tach_benchmark_metric(const tach_benchmark *b,
                                            const char *name);

/* Removes (and frees) the metric with that name; 1 if there was one, else
 * 0.  Pointers to the benchmark's other metrics stay valid. */
TACH_API int tach_benchmark_remove_metric(tach_benchmark *b, const char *name);

/* Appends a complexity fit with copies of the strings (big_o is checked by
 * the writer and the reader, not here); coefficient, rms and automatic are
 * the caller's to set.  Owned by r; NULL when out of memory. */
TACH_API tach_fit *tach_result_add_fit(tach_result *r, const char *name, const char *param,
                                       const char *metric, const char *big_o);
/* Appends the name of a fitted benchmark to f.  0 or TACH_ENOMEM. */
TACH_API int tach_fit_add_benchmark(tach_fit *f, const char *name);
/* The fit of that family and metric (NULL metric: any), or NULL.  Borrowed. */
TACH_API tach_fit *tach_result_fit(const tach_result *r, const char *name, const char *metric);

/* Appends a sample.  0 or TACH_ENOMEM. */
TACH_API int tach_metric_add_sample(tach_metric *m, double value);
/* Appends a sample with its iteration count (allocates the iterations
 * array on first use, filling earlier samples' counts with 0 = unknown).
 * 0 or TACH_ENOMEM. */
TACH_API int tach_metric_add_sample_iters(tach_metric *m, double value,
                                          uint64_t iterations);
/* Appends a new, empty time series tied to sample index `sample`. */
TACH_API tach_series *tach_metric_add_series(tach_metric *m, size_t sample);
/* Appends a point to a series.  0 or TACH_ENOMEM. */
TACH_API int tach_series_add(tach_series *s, double t, double v);

/* --------------------------------------------------------------------
 * Units.  Canonical units are "s", "B", "count", "/s", "B/s" and "%".
 * A custom unit is any other name of 1-32 printable ASCII characters
 * starting with a letter, except spellings of canonical units in another
 * scale ("ms", "ns", "KiB", "MB", "bytes", "sec", ...), which are rejected
 * because the values would have to be rescaled.
 */
typedef enum tach_unit_class {
	TACH_UNIT_TIME,    /* s */
	TACH_UNIT_BYTES,   /* B */
	TACH_UNIT_COUNT,   /* count */
	TACH_UNIT_RATE,    /* /s, or a custom unit ending in "/s" */
	TACH_UNIT_BYTERATE,/* B/s */
	TACH_UNIT_PERCENT, /* % */
	TACH_UNIT_CUSTOM,  /* anything else */
} tach_unit_class;

/* Checks a unit string.  Returns 0 and sets *cls, or TACH_EFORMAT and,
 * when `why` is not NULL, a short reason ("use 's' and seconds") into
 * why[0..why_size). */
TACH_API int tach_unit_check(const char *unit, tach_unit_class *cls,
                             char *why, size_t why_size);

/* --------------------------------------------------------------------
 * Validation, reading and writing (the JSON format).
 */

/* Checks the invariants a results file must satisfy: names non-empty,
 * strings UTF-8, the commit a hash (tach_meta_commit_valid), units valid,
 * samples finite, durations (unit "s") not negative, series
 * points finite and time-ordered, iterations aligned with samples.
 * Returns 0, or TACH_EFORMAT with err->message describing the first
 * problem (line/column 0). */
TACH_API int tach_result_validate(const tach_result *r, tach_error *err);

/* Writes r as a results file (JSON) to f.  Every double is written so that
 * reading it back gives the bit-identical value.  Returns 0, TACH_EFORMAT
 * (r is invalid: see tach_result_validate; nothing is written), or -errno
 * on a write error. */
TACH_API int tach_result_write(const tach_result *r, FILE *f, tach_error *err);

/* Writes r as a results file to `path` ("-": standard output) through
 * tach_outfile (tach/outfile.h): a temporary file beside it, fsynced and
 * renamed over it, so a failure leaves what was there untouched.  Returns
 * what tach_result_write and tach_outfile_commit return; err->message then
 * names the path and the failure ("file too large", "no space left"). */
TACH_API int tach_result_write_file(const tach_result *r, const char *path, tach_error *err);

/* Reads a results file from memory.  `name` is used only in error
 * messages (may be NULL).  On success *out is a new result set the caller
 * frees with tach_result_free().  On failure *out is NULL, nothing is
 * leaked, and err holds file, line, column and message:
 * TACH_EPARSE for malformed JSON, TACH_EFORMAT for JSON that breaks the
 * format (wrong type, missing field, NaN, negative duration, unknown unit
 * ...), TACH_EVERSION for a newer format version, TACH_ENOMEM. */
TACH_API int tach_result_read_buffer(const char *data, size_t len,
                                     const char *name, tach_result **out,
                                     tach_error *err);

/* Reads a results file from a path (see tach_result_read_buffer). -errno
 * when the file cannot be read, with err->message set. */
TACH_API int tach_result_read_file(const char *path, tach_result **out,
                                   tach_error *err);

#ifdef __cplusplus
}
#endif
#endif
