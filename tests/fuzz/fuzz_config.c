/* fuzz_config.c - libFuzzer target for the gate config (tach.conf,
 * src/compare/config.c).  Any text is rejected with a placed error or
 * parsed into rules that then apply to benchmarks and check targets
 * without crashing; a rule never comes out with a NaN or negative
 * threshold (or a min-improvement of 100 % or more) the comparison would
 * trip over. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "tach/tach.h"
#include "tach/gate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A candidate for the targets: two benchmarks with the metrics configs
 * usually name. */
static tach_result *candidate(void)
{
	tach_result *r = tach_result_new();
	const char *names[] = {"BM_hash/64", "experimental/x"};
	for (size_t i = 0; r && i < 2; i++) {
		tach_benchmark *b = tach_result_add_benchmark(r, names[i]);
		tach_metric *t = b ? tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER) : NULL;
		tach_metric *m = b ? tach_benchmark_add_metric(b, "peak_rss", "B", TACH_LOWER_IS_BETTER)
		                   : NULL;
		if (!t || !m || tach_metric_add_sample(t, 1e-3) || tach_metric_add_sample(m, 1 << 20))
			abort();
	}
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tach_gate_config *cfg = NULL;
	tach_error err;
	int rc = tach_gate_config_parse((const char *)data, size, "tach.conf", &cfg, &err);
	if (rc != 0) {
		if (cfg != NULL || rc > 0 || err.message[0] == '\0' || err.line == 0)
			abort(); /* errors leave nothing and are placed */
		return 0;
	}
	tach_result *cand = candidate();
	const char *metrics[] = {"time", "peak_rss", NULL};
	for (size_t i = 0; i < cand->n_benchmarks; i++)
		for (size_t m = 0; m < 3; m++) {
			tach_compare_rule rule = tach_compare_rule_default();
			tach_gate_config_rule(cfg, cand->benchmarks[i], metrics[m], &rule);
			if (!(rule.alpha > 0 && rule.alpha < 1) || !(rule.min_effect >= 0) ||
			    !(rule.max_regression >= 0) ||
			    !(rule.min_improvement >= 0 && rule.min_improvement < 1) ||
			    !(rule.max_cv >= 0 && isfinite(rule.max_cv)))
				abort();
		}
	tach_gate_checks checks = {0};
	if (tach_gate_check_targets(cfg, cand, &checks, NULL) == 0)
		tach_gate_checks_release(&checks);
	/* max-cv on the candidate alone (one sample each: unknown CVs) */
	tach_gate_check_stability(cfg, cand, NULL, &checks);
	tach_gate_checks_release(&checks);
	tach_result_free(cand);
	tach_gate_config_free(cfg);
	return 0;
}
