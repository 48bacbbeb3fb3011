/* suite.h - rounds of two benchmark programs for the A/B engine (ab.c):
 * which kind each program is, and one run of both into result sets. */
#ifndef TACH_AB_SUITE_H
#define TACH_AB_SUITE_H

#include <stddef.h>

#include "tach/ab.h"
#include "tach/stats.h"

#ifndef TACH_HIDDEN
#define TACH_HIDDEN __attribute__((visibility("hidden")))
#endif

typedef enum ab_suite_kind { AB_SUITE_TACH, AB_SUITE_GBENCH } ab_suite_kind;

typedef struct ab_suite {
	const tach_executor *ex;
	ab_suite_kind kind[2]; /* base, cand */
	char dir[4096];        /* a private temporary directory, or "" */
} ab_suite;

/* Makes the temporary directory and finds out what kind of program each
 * side is (from its --help).  Call tach__ab_suite_cleanup whatever it
 * returns. */
TACH_HIDDEN int tach__ab_suite_prepare(ab_suite *s, const tach_ab_opts *o, tach_error *err);
TACH_HIDDEN void tach__ab_suite_cleanup(ab_suite *s);
/* Runs both programs once each, in an order drawn from rng, each giving
 * o->reps repetitions of its benchmarks (in its side's directory, on
 * o->cpus), and adds their samples to base
 * and cand. */
TACH_HIDDEN int tach__ab_suite_round(const ab_suite *s, const tach_ab_opts *o, tach_rng *rng,
                                     tach_result *base, tach_result *cand,
                                     tach_error *err);

#endif
