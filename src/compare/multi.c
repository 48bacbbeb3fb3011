/* multi.c - more than two inputs (`tach compare A B C`): each later input
 * is compared with the first exactly as `tach compare A B` would (its own
 * Holm family, its own gate), and the rows of those comparisons are laid
 * out side by side, one row per benchmark and metric of any input with a
 * cell per input, as benchstat shows several files.
 *
 * Benchmarks are matched by name and parameters through one index per
 * input; the rows follow the first input's order, then benchmarks first
 * seen in later inputs.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tach/compare.h"
#include "tach/stats.h"
#include "compare/internal.h"
#include "util/util.h"

#define NONE SIZE_MAX

/* What the row layout needs while it is built. */
typedef struct build {
	const tach_result *const *in;
	size_t n;
	tach__bench_index *idx; /* per input */
	size_t **ui;            /* per input: benchmark index -> union benchmark */
	const tach_benchmark **ub; /* union benchmark u, input k: ub[u * n + k] */
	size_t n_union, cap_union;
	size_t **first; /* per pair: union benchmark -> its first row, NONE */
	size_t *row_u;  /* per multi row: its union benchmark */
} build;

static int union_benchmarks(build *b)
{
	for (size_t k = 0; k < b->n; k++) {
		const tach_result *r = b->in[k];
		for (size_t i = 0; i < r->n_benchmarks; i++) {
			size_t u = NONE;
			for (size_t j = 0; u == NONE && j < k; j++) {
				ptrdiff_t f = tach__bench_index_find(&b->idx[j], r->benchmarks[i]);
				if (f >= 0)
					u = b->ui[j][f];
			}
			if (u == NONE) {
				size_t old = b->cap_union;
				if (tach__grow((void **)&b->ub, &b->cap_union, (b->n_union + 1) * b->n,
				               sizeof *b->ub))
					return TACH_ENOMEM;
				memset(b->ub + old, 0, (b->cap_union - old) * sizeof *b->ub);
				u = b->n_union++;
			}
			b->ui[k][i] = u;
			b->ub[u * b->n + k] = r->benchmarks[i];
		}
	}
	return 0;
}

/* first[p][u]: where pair p's rows about union benchmark u start (a
 * benchmark's rows are consecutive in a comparison). */
static int first_rows(build *b, tach_comparison *const *pairs)
{
	for (size_t p = 0; p + 1 < b->n; p++) {
		if (!(b->first[p] = malloc((b->n_union + 1) * sizeof **b->first)))
			return TACH_ENOMEM;
		for (size_t u = 0; u < b->n_union; u++)
			b->first[p][u] = NONE;
		for (size_t i = 0; i < pairs[p]->n_rows; i++) {
			const tach_compare_row *r = &pairs[p]->rows[i];
			size_t k = r->cand ? p + 1 : 0;
			ptrdiff_t f = tach__bench_index_find(&b->idx[k], r->cand ? r->cand : r->base);
			size_t u = f < 0 ? NONE : b->ui[k][f];
			if (u != NONE && b->first[p][u] == NONE)
				b->first[p][u] = i;
		}
	}
	return 0;
}

static int wanted(const tach_compare_opts *o, const tach_benchmark *bench, const char *metric)
{
	if (o->metrics) {
		const char *const *m = o->metrics;
		while (*m && strcmp(*m, metric))
			m++;
		if (!*m)
			return 0;
	}
	tach_compare_rule rule = o->rule;
	if (o->rule_for)
		o->rule_for(o->ctx, bench, metric, &rule);
	return !rule.ignore;
}

static int add_row(tach_multi_comparison *m, build *b, size_t *cap, size_t u, const char *metric)
{
	size_t rcap = *cap;
	if (tach__grow((void **)&m->rows, cap, m->n_rows + 1, sizeof *m->rows) ||
	    tach__grow((void **)&b->row_u, &rcap, m->n_rows + 1, sizeof *b->row_u))
		return TACH_ENOMEM;
	const tach_benchmark *rep = NULL;
	for (size_t k = 0; !rep; k++)
		rep = b->ub[u * b->n + k];
	m->rows[m->n_rows] = (tach_multi_row){.name = rep->name, .params = &rep->params,
	                                      .metric = metric};
	b->row_u[m->n_rows++] = u;
	return 0;
}

/* One row per metric of any input (first seen first), or one row for a
 * benchmark without metrics anywhere (it failed everywhere). */
static int layout(tach_multi_comparison *m, build *b, const tach_compare_opts *o)
{
	size_t cap = 0;
	for (size_t u = 0; u < b->n_union; u++) {
		size_t start = m->n_rows, any = 0;
		for (size_t k = 0; k < b->n; k++) {
			const tach_benchmark *bk = b->ub[u * b->n + k];
			for (size_t i = 0; bk && i < bk->n_metrics; i++) {
				const char *name = bk->metrics[i]->name;
				size_t r = start;
				while (r < m->n_rows && strcmp(m->rows[r].metric, name))
					r++;
				any = 1;
				int rc = r == m->n_rows && wanted(o, bk, name) ? add_row(m, b, &cap, u, name)
				                                               : 0;
				if (rc)
					return rc;
			}
		}
		int rc = !any ? add_row(m, b, &cap, u, NULL) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

/* The row of pair p about union benchmark u and this metric: its own, or
 * the benchmark's whole row (new, gone, failed), or NULL. */
static const tach_compare_row *pair_row(const build *b, const tach_comparison *c, size_t p,
                                        size_t u, const char *metric)
{
	const tach_benchmark *cand = b->ub[u * b->n + p + 1], *base = b->ub[u * b->n];
	const tach_compare_row *whole = NULL;
	for (size_t i = b->first[p][u]; i != NONE && i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		if (r->cand ? r->cand != cand : r->base != base)
			break;
		if (!r->metric)
			whole = r;
		else if (metric && !strcmp(r->metric, metric))
			return r;
	}
	return whole;
}

static int fill_cells(tach_multi_comparison *m, const build *b)
{
	size_t n = b->n;
	if (!m->n_rows)
		return 0;
	tach_multi_cell *cells = calloc(m->n_rows * n, sizeof *cells);
	if (!cells)
		return TACH_ENOMEM;
	m->cells = cells;
	for (size_t r = 0; r < m->n_rows; r++) {
		tach_multi_row *row = &m->rows[r];
		size_t u = b->row_u[r];
		row->cells = cells + r * n;
		for (size_t k = 0; k < n; k++) {
			tach_multi_cell *c = &row->cells[k];
			c->bench = b->ub[u * n + k];
			c->metric = c->bench && row->metric ? tach_benchmark_metric(c->bench, row->metric)
			                                    : NULL;
			c->median = NAN;
			if (k)
				c->row = pair_row(b, m->pairs[k - 1], k - 1, u, row->metric);
			if (!c->metric)
				continue;
			if (!row->unit) {
				row->unit = c->metric->unit;
				row->direction = c->metric->direction;
			}
			c->n = c->metric->n_samples;
			int rc = c->n ? tach_stats_median(c->metric->samples, c->n, &c->median) : 0;
			if (rc)
				return rc;
			c->cv = c->n >= 2 ? tach_stats_cv(c->metric->samples, c->n) : 0;
		}
	}
	return 0;
}

static void build_free(build *b)
{
	for (size_t k = 0; k < b->n; k++) {
		if (b->idx)
			tach__bench_index_free(&b->idx[k]);
		if (b->ui)
			free(b->ui[k]);
		if (b->first && k + 1 < b->n)
			free(b->first[k]);
	}
	free(b->idx);
	free(b->ui);
	free(b->first);
	free(b->ub);
	free(b->row_u);
}

int tach_compare_multi(const tach_result *const *in, size_t n, const tach_compare_opts *opts,
                       tach_multi_comparison **out)
{
	*out = NULL;
	if (n < 2)
		return TACH_EINVAL;
	tach_compare_opts o = {.rule = tach_compare_rule_default()};
	if (opts)
		o = *opts;
	tach_multi_comparison *m = calloc(1, sizeof *m);
	build b = {.in = in, .n = n};
	if (!m || !(m->pairs = calloc(n - 1, sizeof *m->pairs)) ||
	    !(b.idx = calloc(n, sizeof *b.idx)) || !(b.ui = calloc(n, sizeof *b.ui)) ||
	    !(b.first = calloc(n, sizeof *b.first))) {
		build_free(&b);
		tach_multi_comparison_free(m);
		return TACH_ENOMEM;
	}
	m->n_inputs = n;
	int rc = 0;
	/* each pair first: it refuses duplicates and bad rules, which the
	 * indexes below then need not handle */
	for (size_t k = 1; !rc && k < n; k++) {
		rc = tach_compare(in[0], in[k], &o, &m->pairs[k - 1]);
		if (!rc) {
			m->n_failed += m->pairs[k - 1]->n_failed;
			m->n_warned += m->pairs[k - 1]->n_warned;
		}
	}
	for (size_t k = 0; !rc && k < n; k++) {
		if (!(b.ui[k] = malloc((in[k]->n_benchmarks + 1) * sizeof **b.ui)))
			rc = TACH_ENOMEM;
		else if (tach__bench_index_build(&b.idx[k], in[k], NULL))
			rc = TACH_ENOMEM;
	}
	if (!rc)
		rc = union_benchmarks(&b);
	if (!rc)
		rc = first_rows(&b, m->pairs);
	if (!rc)
		rc = layout(m, &b, &o);
	if (!rc)
		rc = fill_cells(m, &b);
	build_free(&b);
	if (rc) {
		tach_multi_comparison_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

void tach_multi_comparison_free(tach_multi_comparison *m)
{
	if (!m)
		return;
	for (size_t k = 0; m->pairs && k + 1 < m->n_inputs; k++)
		tach_comparison_free(m->pairs[k]);
	free(m->pairs);
	free(m->rows);
	free(m->cells);
	free(m);
}
