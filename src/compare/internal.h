/* internal.h - the parts of the comparison shared by its files: the
 * benchmark index (matching by name and parameters in O(1)), the
 * measurement and decision of one row, and the Holm correction. */
#ifndef TACH_COMPARE_INTERNAL_H
#define TACH_COMPARE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "tach/compare.h"

#ifndef TACH_HIDDEN
#define TACH_HIDDEN __attribute__((visibility("hidden")))
#endif

/* An open-addressing hash of a result set's benchmarks by name and
 * parameters (parameters compared as a set: order does not matter). */
typedef struct tach__bench_index {
	const tach_result *r;
	size_t *slots; /* benchmark index + 1; 0 = empty */
	size_t mask;
} tach__bench_index;

/* 0, TACH_ENOMEM, or (only with dup non-NULL) 1 when two benchmarks of r
 * share name and parameters: dup[0] < dup[1] are their indices, and the
 * index is unfinished (free it).  Without dup a duplicate is skipped and
 * the first copy is the one found. */
TACH_HIDDEN int tach__bench_index_build(tach__bench_index *idx, const tach_result *r,
                                        size_t *dup);
/* The index in idx->r of the first benchmark with b's name and
 * parameters, or -1. */
TACH_HIDDEN ptrdiff_t tach__bench_index_find(const tach__bench_index *idx,
                                             const tach_benchmark *b);
TACH_HIDDEN void tach__bench_index_free(tach__bench_index *idx);

/* Fills the measured fields of *row (n, medians, CVs, ratio and its
 * interval, p, flags) from the two metrics under row->rule.  0 or
 * TACH_ENOMEM. */
TACH_HIDDEN int tach__compare_measure(const tach_metric *base, const tach_metric *cand,
                                      tach_compare_row *row);
/* Sets p_adjusted of every TACH_ROW_TESTED row (Holm, 1979) and
 * c->n_tested.  0 or TACH_ENOMEM. */
TACH_HIDDEN int tach__compare_holm(tach_comparison *c);
/* Sets the verdict (and n_needed) of a measured row.  0 or TACH_ENOMEM. */
TACH_HIDDEN int tach__compare_decide(tach_compare_row *row);
/* Sets gate and gate_why of a decided row from its rule (gate.c). */
TACH_HIDDEN void tach__compare_gate(tach_compare_row *row);
/* Whether o->metrics (NULL: every metric) lists metric: the comparison's
 * rows and the gate's stability checks keep the same metrics. */
TACH_HIDDEN int tach__compare_wanted(const tach_compare_opts *o, const char *metric);

/* Where a benchmark holds a key: a parameter, or else a part "/KEY=VALUE"
 * or "/KEY:VALUE" of its name (Go sub-benchmarks, Google Benchmark's named
 * arguments).  value[0..len) is borrowed from the benchmark; for a part of
 * the name, name[part .. part + part_len) is the part with its '/'. */
typedef struct tach__key_at {
	const char *value;
	size_t len;
	int in_name;
	size_t part, part_len;
} tach__key_at;

/* 1 and *at filled when b holds key, else 0. */
TACH_HIDDEN int tach__bench_key(const tach_benchmark *b, const char *key, tach__key_at *at);

#endif
