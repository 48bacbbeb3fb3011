/* gate.c - the gate's rules for one row of a comparison (allowed
 * regression, required improvement, stability) and the stability check
 * of a candidate alone (`tach gate CAND`, benchmarks new in CAND).
 *
 * Why the required improvement reads the interval, not the estimate: "it
 * improved at least 50 %" is a claim the gate makes on the user's behalf;
 * the worse end of the (1 - 2 alpha) interval makes it a one-sided test
 * at alpha of "the improvement is below 50 %", so noise alone passes the
 * gate with probability at most alpha.  A point estimate of 52 % from
 * noisy samples would pass about half the time when the truth is 50 %.
 * Why the classic CV (standard deviation / mean) for stability: it is the
 * figure users compute and quote ("CV < 0.1"), the one the CV column of
 * `tach compare` prints, and an outlier is instability that a stability
 * rule should see, where a robust CV would hide it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tach/gate.h"
#include "tach/stats.h"
#include "compare/internal.h"
#include "util/util.h"

const char *tach_gate_reason_name(unsigned bit)
{
	switch (bit) {
	case TACH_GATE_REGRESSION: return "regression";
	case TACH_GATE_IMPROVEMENT: return "min-improvement";
	case TACH_GATE_CV: return "max-cv";
	}
	return "?";
}

double tach_compare_row_improvement(const tach_compare_row *row)
{
	if (row->flags & (TACH_ROW_DETERMINISTIC | TACH_ROW_ZERO))
		return -tach_compare_row_worsening(row);
	/* the worse end: the higher ratio for time, the lower for throughput */
	tach_compare_row end = *row;
	end.ratio = row->direction == TACH_HIGHER_IS_BETTER ? row->ratio_lo : row->ratio_hi;
	return -tach_compare_row_worsening(&end);
}

/* 1 when a metric's candidate CV breaks max_cv (*out: the CV, NaN when
 * fewer than 2 samples leave it unknown); an exact count never does. */
static int too_noisy(size_t n, double cv, int deterministic, double max_cv, double *out)
{
	*out = n >= 2 ? cv : NAN;
	if (!(max_cv > 0) || deterministic)
		return 0;
	return !(*out <= max_cv);
}

void tach__compare_gate(tach_compare_row *r)
{
	const tach_compare_rule *rule = &r->rule;
	r->gate = 0;
	r->gate_why = 0;
	if (r->verdict == TACH_REGRESSED &&
	    ((r->flags & TACH_ROW_ERROR) || !(tach_compare_row_worsening(r) <= rule->max_regression)))
		r->gate_why |= TACH_GATE_REGRESSION;
	/* new and gone rows have no metric: the gone check and the
	 * candidate-alone stability check see them */
	if (r->metric && !(r->flags & TACH_ROW_ERROR)) {
		double cv;
		if (rule->min_improvement > 0 &&
		    !(tach_compare_row_improvement(r) >= rule->min_improvement))
			r->gate_why |= TACH_GATE_IMPROVEMENT;
		if (too_noisy(r->n_cand, r->cv_cand, (r->flags & TACH_ROW_DETERMINISTIC) != 0,
		              rule->max_cv, &cv))
			r->gate_why |= TACH_GATE_CV;
	}
	if (r->gate_why)
		r->gate = rule->required ? 1 : 2;
}

/* Whether c has a row of benchmark b's metric (c NULL: none). */
static int has_row(const tach_comparison *c, const tach_benchmark *b, const char *metric)
{
	for (size_t i = 0; c && i < c->n_rows; i++)
		if (c->rows[i].cand == b && c->rows[i].metric && !strcmp(c->rows[i].metric, metric))
			return 1;
	return 0;
}

int tach_gate_check_stability(const tach_gate_config *cfg, const tach_result *cand,
                              const tach_comparison *c, tach_gate_checks *out)
{
	tach_compare_opts opts = {.rule = tach_compare_rule_default(),
	                          .rule_for = tach_gate_config_rule, .ctx = (void *)cfg};
	return tach_gate_check_stability_opts(&opts, cand, c, out);
}

int tach_gate_check_stability_opts(const tach_compare_opts *opts, const tach_result *cand,
                                   const tach_comparison *c, tach_gate_checks *out)
{
	size_t cap = out->n;
	for (size_t k = 0; k < cand->n_benchmarks; k++) {
		const tach_benchmark *b = cand->benchmarks[k];
		for (size_t i = 0; i < b->n_metrics; i++) {
			const tach_metric *m = b->metrics[i];
			tach_compare_rule rule = opts->rule;
			if (opts->rule_for)
				opts->rule_for(opts->ctx, b, m->name, &rule);
			if (rule.ignore || !(rule.max_cv > 0) || !tach__compare_wanted(opts, m->name) ||
			    has_row(c, b, m->name))
				continue;
			tach_gate_check ck = {.bench = b, .metric = m->name, .kind = TACH_CHECK_MAX_CV,
			                      .limit = rule.max_cv, .required = rule.required};
			ck.passed = !too_noisy(m->n_samples, tach_stats_cv(m->samples, m->n_samples),
			                       (m->flags & TACH_METRIC_DETERMINISTIC) != 0, rule.max_cv,
			                       &ck.actual);
			if (tach__grow((void **)&out->items, &cap, out->n + 1, sizeof *out->items))
				return TACH_ENOMEM;
			out->items[out->n++] = ck;
			out->n_failed += !ck.passed && ck.required;
			out->n_warned += !ck.passed && !ck.required;
		}
	}
	return 0;
}
