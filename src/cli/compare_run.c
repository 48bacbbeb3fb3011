/* compare_run.c - same-job A/B measurement for `tach compare --run` and
 * `--aa`: both commands run interleaved in random order (the runner's
 * default), in batches, until every row is decided or the time is up;
 * then every flagged row is measured again from scratch (the
 * confirmation pass) and counts only if it reproduces.
 *
 * Why interleave: on a shared machine the speed drifts by percents over
 * minutes; runs of A and B taken in alternation see the same drift, so it
 * cancels in the comparison, while A-then-B would show it as a change.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tach/tach.h"
#include "cli/compare_run.h"
#include "util/util.h"

/* One batch: `runs` timed runs of each command, interleaved. */
static int batch(const cli_ab *ab, size_t runs, size_t warmup, uint64_t seed, tach_result *out,
                 tach_error *err)
{
	/* a failing command is an error, as in tach run: its times would
	 * measure the failure */
	tach_runner_opts ro = {.runs = runs, .warmup = warmup, .seed = seed,
	                       .exec = {.timeout = ab->timeout}};
	tach_runner *r = tach_runner_new(&ro, NULL);
	if (!r)
		return TACH_ENOMEM;
	int rc = tach_runner_add(r, "base", ab->base_text, ab->base_argv, NULL);
	if (!rc)
		rc = tach_runner_add(r, "cand", ab->cand_text, ab->cand_argv, NULL);
	if (!rc)
		rc = tach_runner_run(r, out, err);
	tach_runner_free(r);
	return rc;
}

static tach_result *side(const char *cmd, int suite)
{
	tach_result *r = tach_result_new();
	if (!r || tach_meta_collect(&r->meta, NULL)) {
		tach_result_free(r);
		return NULL;
	}
	if (suite)
		return r; /* the programs' own benchmarks are added as they run */
	tach_benchmark *b = tach_result_add_benchmark(r, "command");
	if (!b || tach_benchmark_set_source(b, TACH_SOURCE_COMMAND, "tach", cmd)) {
		tach_result_free(r);
		return NULL;
	}
	return r;
}

/* Measures in batches into *base / *cand (new result sets, one benchmark
 * "command" each) until decided, out of time or at max_runs. */
static int measure(const cli_ab *ab, const cli_suite *suite, const tach_compare_opts *opts,
                   uint64_t seed, tach_result **base, tach_result **cand, tach_error *err)
{
	*base = side(ab->base_text, ab->suite);
	*cand = side(ab->cand_text, ab->suite);
	if (!*base || !*cand)
		return TACH_ENOMEM;
	double start = tach__now();
	size_t n = 0, step = ab->min_runs;
	tach_rng rng;
	tach_rng_seed(&rng, seed);
	for (int first = 1;; first = 0) {
		int rc = 0;
		if (ab->suite) {
			/* rounds of both programs; the first round's results are
			 * kept (each program warms up within its own run) */
			size_t rounds = (step + ab->reps - 1) / ab->reps;
			for (size_t k = 0; !rc && k < rounds; k++)
				rc = cli_suite_round(suite, ab, ab->reps, &rng, *base, *cand, err);
			step = rounds * ab->reps;
		} else {
			tach_result *one = tach_result_new();
			if (!one)
				return TACH_ENOMEM;
			rc = batch(ab, step, first ? ab->warmup : 0, seed++, one, err);
			if (!rc && one->n_benchmarks == 2) {
				rc = tach_benchmark_append_samples((*base)->benchmarks[0], one->benchmarks[0]);
				if (!rc)
					rc = tach_benchmark_append_samples((*cand)->benchmarks[0], one->benchmarks[1]);
			}
			tach_result_free(one);
		}
		if (rc)
			return rc;
		n += step;
		if (ab->progress)
			fprintf(stderr, "\rtach: %zu runs of each command, %.0f s   ", n, tach__now() - start);
		tach_comparison *c;
		if ((rc = tach_compare(*base, *cand, opts, &c)))
			return rc;
		int open = 0;
		for (size_t i = 0; i < c->n_rows; i++)
			open |= c->rows[i].verdict == TACH_INCONCLUSIVE &&
			        !strcmp(c->rows[i].metric ? c->rows[i].metric : "", "time");
		/* the next batch: enough to reach what the noise says is needed */
		size_t want = 0;
		for (size_t i = 0; i < c->n_rows; i++)
			if (c->rows[i].n_needed > want && c->rows[i].metric &&
			    !strcmp(c->rows[i].metric, "time"))
				want = c->rows[i].n_needed;
		tach_comparison_free(c);
		double elapsed = tach__now() - start, per_run = elapsed / (double)n;
		if (!open || n >= ab->max_runs || elapsed + per_run * (double)step > ab->max_time)
			break;
		step = want > n ? want - n : step;
		if (n + step > ab->max_runs)
			step = ab->max_runs - n;
		size_t fit = (size_t)((ab->max_time - elapsed) / per_run);
		if (step > fit)
			step = fit > 2 ? fit : 2;
	}
	if (ab->progress)
		fputs("\r\x1b[K", stderr);
	return 0;
}

int cli_ab_compare(const cli_ab *ab, const tach_compare_opts *opts, cli_ab_outcome *out,
                   tach_error *err)
{
	memset(out, 0, sizeof *out);
	cli_suite suite = {0};
	int rc = ab->suite ? cli_suite_prepare(&suite, ab->base_argv, ab->cand_argv, err) : 0;
	if (rc) {
		cli_suite_cleanup(&suite);
		return rc;
	}
	rc = measure(ab, &suite, opts, ab->seed, &out->base, &out->cand, err);
	if (!rc)
		rc = tach_compare(out->base, out->cand, opts, &out->comparison);
	if (rc || !ab->confirm) {
		cli_suite_cleanup(&suite);
		return rc;
	}
	int flagged = 0;
	for (size_t i = 0; i < out->comparison->n_rows; i++)
		flagged |= out->comparison->rows[i].verdict == TACH_REGRESSED ||
		           out->comparison->rows[i].verdict == TACH_IMPROVED;
	if (!flagged) {
		cli_suite_cleanup(&suite);
		return 0;
	}
	/* the confirmation pass: as many fresh runs as the first pass took */
	cli_ab again = *ab;
	again.min_runs = again.max_runs =
		out->base->n_benchmarks && out->base->benchmarks[0]->n_metrics
			? out->base->benchmarks[0]->metrics[0]->n_samples
			: ab->min_runs;
	if (ab->progress)
		fprintf(stderr, "tach: confirming %zu changed row(s) with fresh runs\n",
		        out->comparison->counts[TACH_REGRESSED] + out->comparison->counts[TACH_IMPROVED]);
	tach_result *b2 = NULL, *c2 = NULL;
	tach_comparison *cmp2 = NULL;
	rc = measure(&again, &suite, opts, ab->seed + 1000003, &b2, &c2, err);
	if (!rc)
		rc = tach_compare(b2, c2, opts, &cmp2);
	if (!rc)
		rc = tach_comparison_confirm(out->comparison, cmp2);
	out->confirmed = !rc;
	tach_comparison_free(cmp2);
	tach_result_free(b2);
	tach_result_free(c2);
	cli_suite_cleanup(&suite);
	return rc;
}

void cli_ab_outcome_release(cli_ab_outcome *o)
{
	tach_comparison_free(o->comparison);
	tach_result_free(o->base);
	tach_result_free(o->cand);
	memset(o, 0, sizeof *o);
}
