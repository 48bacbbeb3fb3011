/* compare_testutil.h - result sets with known samples and a parsed gate
 * config, shared by the comparison and gate tests (test_compare.c,
 * test_gate_rules.c). */
#ifndef TACH_COMPARE_TESTUTIL_H
#define TACH_COMPARE_TESTUTIL_H

#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "tach/tach.h"

/* n log-normal samples around `center` with CV about `cv`, from a fixed
 * seed. */
static inline void fill(tach_metric *m, size_t n, double center, double cv, uint64_t seed)
{
	tach_rng rng;
	tach_rng_seed(&rng, seed);
	for (size_t i = 0; i < n; i++) {
		double u = tach_rng_uniform(&rng);
		if (u <= 0)
			u = 1e-12;
		double z = tach_norm_ppf(u);
		cr_assert_eq(tach_metric_add_sample(m, center * exp(cv * z)), 0);
	}
}

/* A result set of one benchmark with one metric filled as above (unit s
 * for lower-is-better, /s for higher-is-better). */
static inline tach_result *one(const char *name, const char *metric, tach_direction dir,
                               size_t n, double center, double cv, uint64_t seed)
{
	tach_result *r = tach_result_new();
	tach_benchmark *b = tach_result_add_benchmark(r, name);
	tach_metric *m = tach_benchmark_add_metric(b, metric, dir == TACH_LOWER_IS_BETTER ? "s" : "/s",
	                                           dir);
	fill(m, n, center, cv, seed);
	return r;
}

/* The config in text as "tach.conf", or NULL with *err filled. */
static inline tach_gate_config *parse(const char *text, tach_error *err)
{
	tach_gate_config *cfg = NULL;
	int rc = tach_gate_config_parse(text, strlen(text), "tach.conf", &cfg, err);
	return rc ? NULL : cfg;
}

#endif
