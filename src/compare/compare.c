/* compare.c - matching a candidate's benchmarks with a baseline's and
 * deciding each metric (the rule is described in tach/compare.h and, with
 * its reasons and simulated error rates, in docs/statistics.md).
 *
 * Rows are built in two passes: the first measures every row (medians,
 * ratio and interval, the one-sided U p-value), the Holm correction then
 * needs every tested row's p-value at once, and the second pass gives
 * each row its verdict.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tach/compare.h"
#include "tach/stats.h"
#include "compare/internal.h"
#include "util/util.h"

const char *tach_verdict_name(tach_verdict v)
{
	static const char *const names[] = {"same", "improved", "regressed",
	                                    "inconclusive", "new", "gone"};
	return (unsigned)v < TACH_N_VERDICTS ? names[v] : "?";
}

tach_compare_rule tach_compare_rule_default(void)
{
	return (tach_compare_rule){.alpha = 0.01, .min_effect = 0.01, .threshold = 0.005,
	                           .required = 1};
}

double tach_compare_row_worsening(const tach_compare_row *row)
{
	double r = row->ratio;
	if (!(r >= 0) || isnan(r))
		return NAN;
	if (row->direction == TACH_HIGHER_IS_BETTER)
		return r == 0 ? INFINITY : 1 / r - 1;
	return r - 1;
}

static int rule_ok(const tach_compare_rule *r)
{
	return r->alpha > 0 && r->alpha < 0.5 && r->min_effect >= 0 && r->threshold >= 0 &&
	       isfinite(r->min_effect) && isfinite(r->threshold) && r->min_improvement >= 0 &&
	       r->min_improvement < 1 && r->max_cv >= 0 && isfinite(r->max_cv);
}

static int add_row(tach_comparison *c, size_t *cap, const tach_compare_row *row)
{
	if (tach__grow((void **)&c->rows, cap, c->n_rows + 1, sizeof *c->rows))
		return TACH_ENOMEM;
	c->rows[c->n_rows++] = *row;
	return 0;
}

int tach__compare_wanted(const tach_compare_opts *o, const char *metric)
{
	if (!o->metrics)
		return 1;
	for (const char *const *m = o->metrics; *m; m++)
		if (!strcmp(*m, metric))
			return 1;
	return 0;
}

/* The rows of one benchmark present on both sides. */
static int pair_rows(tach_comparison *c, size_t *cap, const tach_compare_opts *o,
                     const tach_benchmark *b, const tach_benchmark *k)
{
	tach_compare_row row = {.base = b, .cand = k, .name = k->name, .params = &k->params,
	                        .ratio = NAN, .ratio_lo = NAN, .ratio_hi = NAN, .p = NAN,
	                        .p_adjusted = NAN, .rule = o->rule};
	if (k->error || b->error) {
		if (o->rule_for)
			o->rule_for(o->ctx, k, NULL, &row.rule);
		/* a benchmark that now fails is a regression; one that failed
		 * before has no baseline to be compared with */
		row.flags = TACH_ROW_ERROR;
		row.verdict = k->error ? (b->error ? TACH_SAME : TACH_REGRESSED) : TACH_NEW;
		return add_row(c, cap, &row);
	}
	for (size_t i = 0; i < k->n_metrics; i++) {
		const tach_metric *mk = k->metrics[i];
		const tach_metric *mb = tach_benchmark_metric(b, mk->name);
		if (!mb || !tach__compare_wanted(o, mk->name))
			continue;
		tach_compare_rule rule = o->rule;
		if (o->rule_for)
			o->rule_for(o->ctx, k, mk->name, &rule);
		if (rule.ignore)
			continue;
		if (!rule_ok(&rule))
			return TACH_EINVAL;
		row.metric = mk->name;
		row.unit = mk->unit;
		row.direction = mk->direction;
		row.rule = rule;
		int rc = tach__compare_measure(mb, mk, &row);
		if (rc || (rc = add_row(c, cap, &row)))
			return rc;
	}
	return 0;
}

static int lone_row(tach_comparison *c, size_t *cap, const tach_benchmark *b, tach_verdict v)
{
	tach_compare_row row = {.name = b->name, .params = &b->params, .verdict = v,
	                        .ratio = NAN, .ratio_lo = NAN, .ratio_hi = NAN, .p = NAN,
	                        .p_adjusted = NAN, .rule = tach_compare_rule_default()};
	if (v == TACH_NEW)
		row.cand = b;
	else
		row.base = b;
	return add_row(c, cap, &row);
}

/* Verdict counts and gate results from the rows' verdicts (a benchmark
 * counts once as new or gone, every row otherwise). */
static void count(tach_comparison *c)
{
	memset(c->counts, 0, sizeof c->counts);
	c->n_failed = c->n_warned = 0;
	for (size_t i = 0; i < c->n_rows; i++) {
		tach_compare_row *r = &c->rows[i];
		c->counts[r->verdict]++;
		tach__compare_gate(r);
		c->n_failed += r->gate == 1;
		c->n_warned += r->gate == 2;
	}
}

int tach_comparison_confirm(tach_comparison *first, const tach_comparison *again)
{
	if (first->n_rows != again->n_rows)
		return TACH_EINVAL;
	for (size_t i = 0; i < first->n_rows; i++) {
		tach_compare_row *r = &first->rows[i];
		const tach_compare_row *a = &again->rows[i];
		if (strcmp(r->name, a->name) || (r->metric == NULL) != (a->metric == NULL) ||
		    (r->metric && strcmp(r->metric, a->metric)))
			return TACH_EINVAL;
		if (r->verdict != TACH_REGRESSED && r->verdict != TACH_IMPROVED)
			continue;
		if (a->verdict != r->verdict)
			r->verdict = a->verdict == TACH_SAME ? TACH_SAME : TACH_INCONCLUSIVE;
	}
	count(first);
	return 0;
}

static int geomeans(tach_comparison *c)
{
	size_t cap = 0;
	double *sums = NULL;
	for (size_t i = 0; i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		if (!(r->flags & TACH_ROW_GEOMEAN))
			continue;
		size_t g = 0;
		while (g < c->n_geomeans && strcmp(c->geomeans[g].metric, r->metric))
			g++;
		if (g == c->n_geomeans) {
			size_t old = cap;
			if (tach__grow((void **)&c->geomeans, &cap, g + 1, sizeof *c->geomeans) ||
			    tach__grow((void **)&sums, &old, g + 1, sizeof *sums)) {
				free(sums);
				return TACH_ENOMEM;
			}
			c->geomeans[g] = (tach_compare_geomean){.metric = r->metric};
			sums[g] = 0;
			c->n_geomeans++;
		}
		sums[g] += log(r->ratio);
		c->geomeans[g].n++;
	}
	for (size_t g = 0; g < c->n_geomeans; g++)
		c->geomeans[g].ratio = exp(sums[g] / (double)c->geomeans[g].n);
	free(sums);
	return 0;
}

int tach_compare(const tach_result *base, const tach_result *cand, const tach_compare_opts *opts,
                 tach_comparison **out)
{
	*out = NULL;
	tach_compare_opts o = {.rule = tach_compare_rule_default()};
	if (opts)
		o = *opts;
	if (!rule_ok(&o.rule))
		return TACH_EINVAL;
	/* two benchmarks of one side that share name and parameters cannot
	 * be matched: one would be paired, the other called new or gone */
	size_t d1, d2;
	int dup = tach_result_duplicate(cand, &d1, &d2);
	if (dup)
		return dup < 0 ? dup : TACH_EINVAL;
	tach_comparison *c = calloc(1, sizeof *c);
	tach__bench_index idx;
	if (!c || (dup = tach__bench_index_build(&idx, base, (size_t[2]){0}))) {
		if (c)
			tach__bench_index_free(&idx);
		free(c);
		return dup == 1 ? TACH_EINVAL : TACH_ENOMEM;
	}
	c->base = base;
	c->cand = cand;
	size_t cap = 0;
	int rc = 0;
	char *seen = calloc(base->n_benchmarks + 1, 1);
	if (!seen)
		rc = TACH_ENOMEM;
	for (size_t i = 0; !rc && i < cand->n_benchmarks; i++) {
		const tach_benchmark *k = cand->benchmarks[i];
		ptrdiff_t j = tach__bench_index_find(&idx, k);
		if (j < 0)
			rc = lone_row(c, &cap, k, TACH_NEW);
		else {
			seen[j] = 1;
			rc = pair_rows(c, &cap, &o, base->benchmarks[j], k);
		}
	}
	for (size_t j = 0; !rc && j < base->n_benchmarks; j++)
		if (!seen[j])
			rc = lone_row(c, &cap, base->benchmarks[j], TACH_GONE);
	free(seen);
	tach__bench_index_free(&idx);
	if (!rc)
		rc = tach__compare_holm(c);
	if (!rc) {
		for (size_t i = 0; !rc && i < c->n_rows; i++) {
			tach_compare_row *r = &c->rows[i];
			if (r->metric)
				rc = tach__compare_decide(r);
		}
		count(c);
		if (!rc)
			rc = geomeans(c);
	}
	if (rc) {
		tach_comparison_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void tach_comparison_free(tach_comparison *c)
{
	if (!c)
		return;
	free(c->rows);
	free(c->geomeans);
	free(c);
}
