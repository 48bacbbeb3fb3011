/* internal.h - what every importer (src/import/<format>.c) shares: the
 * importer table entry, placed errors, finding or adding a benchmark,
 * adding samples in canonical units, and walking a text file by lines.
 * Hidden from the library's ABI. */
#ifndef TACH_IMPORT_INTERNAL_H
#define TACH_IMPORT_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "tach/error.h"
#include "tach/result.h"
#include "tach/import.h"
#include "util/util.h"
#include "util/json_load.h"

/* One file to import. */
typedef struct tach__import_input {
	const char *data; /* the whole file, NUL-terminated */
	size_t len;
	const char *name; /* file name for messages, or NULL */
	/* The parsed document when the whole file is one JSON value, else
	 * NULL (then json_error says why it is not). */
	json_t *json;
	const json_error_t *json_error;
	/* Told of each value skipped because the format marks it as missing
	 * (tach__import_warn); may be NULL. */
	tach_import_warn_fn warn;
	void *warn_data;
} tach__import_input;

/* A JSON document an importer reads through jansson, whose tree keeps no
 * positions: the text it was parsed from, so that a place can be found
 * again when an error or a warning needs one (json_place.c). */
typedef struct tach__jdoc {
	json_t *root;
	const char *text; /* what root was parsed from */
	size_t len;
	const char *file; /* the start of the whole file: lines count from here */
} tach__jdoc;

/* Where a value is, for a message: a line and column of a text format, or
 * a node of a JSON document and, within it, member `key` or (key NULL)
 * element `index` -- or the node itself when index is TACH__AT_NODE.
 * JSON places are turned into a line and column only when reported. */
#define TACH__AT_NODE ((size_t)-1)
typedef struct tach__at {
	unsigned line, column; /* 0: unknown */
	const tach__jdoc *doc; /* NULL for a text place */
	const json_t *node;
	const char *key;
	size_t index;
} tach__at;

/* Places: in text; member `key` (NULL: element i) of a JSON node; a node. */
TACH_HIDDEN tach__at tach__at_text(unsigned line, unsigned column);
TACH_HIDDEN tach__at tach__at_member(const tach__jdoc *d, const json_t *node, const char *key,
                                     size_t i);
TACH_HIDDEN tach__at tach__at_node(const tach__jdoc *d, const json_t *node);
/* The line and column of `at` (0, 0 when it cannot be found). */
TACH_HIDDEN void tach__at_resolve(const tach__at *at, unsigned *line, unsigned *column);

typedef struct tach__importer {
	const char *name;  /* for --from, e.g. "go" */
	const char *title; /* for messages, e.g. "go test -bench output" */
	/* How sure this importer is that the input is its format: 0 not at
	 * all, 1 plausible (a loose text signature), 2 certain (a JSON shape
	 * or a header only this tool writes).  The highest wins. */
	int (*detect)(const tach__import_input *in);
	/* Adds the file's benchmarks to r (empty on entry).  On failure
	 * returns TACH_EFORMAT/TACH_EPARSE/TACH_ENOMEM with err's message,
	 * line and column set (tach__import_fail); r is then discarded. */
	int (*read)(const tach__import_input *in, tach_result *r, tach_error *err);
} tach__importer;

/* The importers, one per file of this directory. */
extern const tach__importer tach__import_gbench_json;
extern const tach__importer tach__import_gbench_console;
extern const tach__importer tach__import_hyperfine;
extern const tach__importer tach__import_go;
extern const tach__importer tach__import_pytest;
extern const tach__importer tach__import_criterion;
extern const tach__importer tach__import_catch2;
extern const tach__importer tach__import_nanobench;
extern const tach__importer tach__import_jmh;

/* Sets err's line, column (0: unknown) and printf-style message; returns
 * code, so an importer can `return tach__import_fail(...)`. */
TACH_HIDDEN int tach__import_fail(tach_error *err, int code, unsigned line, unsigned column,
                                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* tach__import_fail at a place (NULL: unknown). */
TACH_HIDDEN int tach__import_fail_at(tach_error *err, int code, const tach__at *at,
                                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Tells in->warn (if set) that a value at `at` was skipped, and why. */
TACH_HIDDEN void tach__import_warn(const tach__import_input *in, const tach__at *at,
                                   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Typed members of a JSON document, each checked against what the format
 * says it is: member `key` of object `node` (key NULL: element i of array
 * `node`).  1 with *out set when the value is there, 0 when it is absent,
 * or TACH_EFORMAT placed at the value when it is there but not of the
 * type (a string where a number belongs, a negative or fractional count,
 * null).  `what` names the value in that message. */
TACH_HIDDEN int tach__json_num(const tach__jdoc *d, const json_t *node, const char *key,
                               size_t i, double *out, tach_error *err);
TACH_HIDDEN int tach__json_count(const tach__jdoc *d, const json_t *node, const char *key,
                                 size_t i, uint64_t *out, tach_error *err);
TACH_HIDDEN int tach__json_str(const tach__jdoc *d, const json_t *node, const char *key,
                               size_t i, const char **out, tach_error *err);
/* The same for a container: an object (want_array 0) or an array. */
TACH_HIDDEN int tach__json_container(const tach__jdoc *d, const json_t *node, const char *key,
                                     size_t i, int want_array, json_t **out, tach_error *err);
/* The array member `key` of node, required: 0 with *out set, else an
 * error placed at node, "not <title>: no "key" array" (title NULL: without
 * the "not ..." part). */
TACH_HIDDEN int tach__json_need_array(const tach__jdoc *d, const json_t *node, const char *key,
                                      const char *title, json_t **out, tach_error *err);
/* The same benchmark found twice: TACH_EFORMAT at `second`, naming the
 * place of `first` in in->name as well. */
TACH_HIDDEN int tach__import_fail_twice(tach_error *err, const tach__import_input *in,
                                        const char *name, const tach__at *second,
                                        const tach__at *first);

/* For formats whose every entry is a whole benchmark (a hyperfine result,
 * a JMH result, a pytest-benchmark entry): a new benchmark as
 * tach__import_bench adds it.  When one of that name and those parameters
 * is there already -- the file holds the same benchmark twice, which no
 * comparison could tell apart -- NULL with *dup set to its index (the
 * caller names both places); NULL with *dup = SIZE_MAX when out of memory. */
TACH_HIDDEN tach_benchmark *tach__import_new_bench(tach_result *r, const char *name,
                                                   const tach_kvlist *params,
                                                   const char *tool, size_t *dup);

/* 0 when the input is one JSON value; else the error for an importer of
 * a JSON format (`title`) forced on it: the JSON parser's, placed, or
 * "not <title>" at the first character when the text is not JSON. */
TACH_HIDDEN int tach__import_need_json(const tach__import_input *in, const char *title,
                                       tach_error *err);

/* The error of a tach__json_loadb that returned NULL with code rc:
 * TACH_ENOMEM, or TACH_EPARSE placed at jansson's line (plus `skipped`
 * lines before the text it was given, or `line` when nonzero: one line of
 * JSON lines) and column. */
TACH_HIDDEN int tach__import_json_fail(tach_error *err, const json_error_t *je, int rc,
                                       unsigned line, unsigned skipped);

/* The benchmark named `name` with exactly these params (NULL: none) from
 * tool `tool`, added (params copied, source set to an import from tool)
 * if it is not there yet.  NULL only when out of memory. */
TACH_HIDDEN tach_benchmark *tach__import_bench(tach_result *r, const char *name,
                                               const tach_kvlist *params, const char *tool);

/* Appends value (already in `unit`, which must be canonical or custom) to
 * metric `metric` of b, creating the metric with unit and direction on
 * first use; `iters` 0 means unknown.  A value that is not finite (NaN,
 * an infinity, a number out of range once scaled) or a negative time is
 * refused with TACH_EFORMAT placed at `at` in err: nothing is dropped
 * silently.  0, TACH_EFORMAT or TACH_ENOMEM. */
TACH_HIDDEN int tach__import_sample(tach_benchmark *b, const char *metric, const char *unit,
                                    tach_direction dir, double value, uint64_t iters,
                                    tach_error *err, const tach__at *at);

/* Seconds per unit for a time-unit word ("ns", "us", "µs", "ms", "s",
 * "sec", "min"...), or 0 if it is not one. */
TACH_HIDDEN double tach__import_time_unit(const char *unit, size_t len);

/* p[0..len) -- all of it, decimal, not hex -- as a number times
 * `scale` into *out; 0 if it is not one.  A power-of-ten scale shifts the
 * exponent in the text instead of multiplying, so "55.76" ns is the
 * double nearest 55.76e-9 s, not 55.76 * 1e-9 with its rounding. */
TACH_HIDDEN int tach__import_number(const char *p, size_t len, double scale, double *out);

/* Walking text by lines: start with a zeroed tach__lines over data/len;
 * each call sets line/len (without the '\n' and a '\r' before it) and the
 * 1-based line number, and returns 0 at the end. */
typedef struct tach__lines {
	const char *data;
	size_t size, pos;
	const char *line;
	size_t len;
	unsigned number;
} tach__lines;
TACH_HIDDEN int tach__next_line(tach__lines *it);

/* 1 if the line of len bytes starts with prefix. */
TACH_HIDDEN int tach__starts_with(const char *line, size_t len, const char *prefix);

/* Google Benchmark's complexity rows (gbench_fit.c), the same for its JSON
 * and its console output.  A BigO row of `family` (its name without
 * "_BigO") adds a fit of "time": Google Benchmark's curve curve[0..len)
 * ("(1)", "lgN", "N", "NlgN", "N^2", "N^3") with the real-time
 * `coefficient` in seconds per unit of the curve; a curve tach has no name
 * for (a lambda's "f(N)"), an empty family and a second fit of a family are
 * left out.  0 or TACH_ENOMEM. */
TACH_HIDDEN int tach__gbench_fit_bigo(tach_result *r, const char *family, const char *curve,
                                      size_t len, double coefficient);
/* An RMS row: sets the rms (a fraction >= 0: Google Benchmark's CPU-time
 * fit's, the only one its JSON writes) of the family's fit, if there is
 * one. */
TACH_HIDDEN void tach__gbench_fit_rms(tach_result *r, const char *family, double rms);
/* After the last row: each fit names the benchmarks of its family
 * ("FAMILY/..."), whose first argument a report reads from the name.  0 or
 * TACH_ENOMEM. */
TACH_HIDDEN int tach__gbench_fit_link(tach_result *r);

#endif
