/* ab.c - the A/B engine (tach/ab.h): both sides measured interleaved in
 * batches until every wall-time row is decided, the time is up or the run
 * limit is reached, then every flagged row measured again from scratch.
 *
 * Commands are measured by the runner (tach/run.h), which interleaves the
 * two in random order within a batch; benchmark programs by rounds of
 * both (suite.c).  Every elapsed time comes from the executor's clock, so
 * a fake executor drives the whole engine in tests.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/ab.h"
#include "tach/stats.h"
#include "tach/system.h"
#include "ab/suite.h"

/* Defaults of a zeroed tach_ab_opts (the CLI's defaults too). */
enum { DEFAULT_MIN_RUNS = 10, DEFAULT_MAX_RUNS = 200, DEFAULT_REPS = 5 };
#define DEFAULT_MAX_TIME 60.0
/* The confirmation pass draws its order from a seed of its own, so it
 * does not replay the first pass's order. */
#define CONFIRM_SEED_OFFSET 1000003u

typedef struct engine {
	tach_ab_opts o; /* defaults filled in */
	const tach_executor *ex;
	const tach_compare_opts *copts;
	ab_suite suite;
} engine;

static int stopped(const engine *e)
{
	return e->o.stop && *e->o.stop;
}

static void progress(const engine *e, tach_ab_event ev, size_t runs, double elapsed, size_t rows)
{
	if (e->o.progress)
		e->o.progress(e->o.progress_ctx, ev, runs, elapsed, rows);
}

/* Where a batch stands, for TACH_AB_RUN events. */
typedef struct batch_progress {
	const engine *e;
	size_t before;     /* runs of each side before this batch */
	size_t done[2];    /* timed runs of base and cand in it */
	double pass_start; /* the executor's clock when the pass began */
} batch_progress;

static void run_ended(void *ctx, size_t done, size_t total, size_t bench,
                      const tach_run_sample *last)
{
	(void)done, (void)total, (void)last;
	batch_progress *bp = ctx;
	bp->done[bench != 0]++;
	size_t least = bp->done[0] < bp->done[1] ? bp->done[0] : bp->done[1];
	const engine *e = bp->e;
	progress(e, TACH_AB_RUN, bp->before + least, e->ex->now(e->ex->ctx) - bp->pass_start, 0);
}

/* One batch of commands: `runs` timed runs of each, interleaved. */
static int batch(const engine *e, size_t runs, size_t warmup, uint64_t seed, size_t before,
                 double pass_start, tach_result *out, tach_error *err)
{
	batch_progress bp = {e, before, {0, 0}, pass_start};
	tach_runner_opts ro = {.runs = runs, .warmup = warmup, .seed = seed,
	                       .exec = {.timeout = e->o.timeout, .cpus = e->o.cpus},
	                       .stop = e->o.stop};
	if (e->o.progress) {
		ro.progress = run_ended;
		ro.progress_ctx = &bp;
	}
	tach_runner *r = tach_runner_new(&ro, e->ex);
	if (!r)
		return TACH_ENOMEM;
	int rc = tach_runner_add(r, "base", e->o.base_text, e->o.base_argv, NULL);
	if (!rc)
		rc = tach_runner_set_cwd(r, e->o.base_cwd);
	if (!rc)
		rc = tach_runner_add(r, "cand", e->o.cand_text, e->o.cand_argv, NULL);
	if (!rc)
		rc = tach_runner_set_cwd(r, e->o.cand_cwd);
	if (!rc)
		rc = tach_runner_run(r, out, err);
	tach_runner_free(r);
	return rc;
}

/* An empty side: the machine's metadata and, for commands, the one
 * benchmark "command" whose samples the batches add. */
static tach_result *side(const engine *e, const char *cmd)
{
	tach_result *r = tach_result_new();
	if (!r || tach_meta_collect(&r->meta, NULL)) {
		tach_result_free(r);
		return NULL;
	}
	if (e->o.cpus) { /* as tach run records it */
		char cpus[4096];
		tach_cpus_format(e->o.cpus, cpus, sizeof cpus);
		if (tach_kvlist_set(&r->meta.context, "cpus", cpus)) {
			tach_result_free(r);
			return NULL;
		}
	}
	if (e->o.suite)
		return r; /* the programs' own benchmarks are added as they run */
	tach_benchmark *b = tach_result_add_benchmark(r, "command");
	if (!b || tach_benchmark_set_source(b, TACH_SOURCE_COMMAND, "tach", cmd)) {
		tach_result_free(r);
		return NULL;
	}
	return r;
}

/* Measures `step` more runs of each side into base and cand; returns how
 * many it took per side (suites run whole rounds) in *took. */
static int more_runs(const engine *e, size_t step, size_t warmup, uint64_t seed, tach_rng *rng,
                     size_t before, double pass_start, tach_result *base, tach_result *cand,
                     size_t *took, tach_error *err)
{
	if (e->o.suite) {
		/* the first round's results are kept: each program warms up
		 * within its own run */
		size_t rounds = (step + e->o.reps - 1) / e->o.reps;
		*took = 0;
		for (size_t k = 0; k < rounds && !stopped(e); k++) {
			int rc =
				tach__ab_suite_round(&e->suite, &e->o, rng, base, cand, err);
			if (rc)
				return rc;
			*took += e->o.reps;
		}
		return 0;
	}
	tach_result *one = tach_result_new();
	if (!one)
		return TACH_ENOMEM;
	int rc = batch(e, step, warmup, seed, before, pass_start, one, err);
	*took = 0;
	if (!rc && one->n_benchmarks == 2) {
		rc = tach_benchmark_append_samples(base->benchmarks[0], one->benchmarks[0]);
		if (!rc)
			rc = tach_benchmark_append_samples(cand->benchmarks[0], one->benchmarks[1]);
		/* a stop may end a batch early, and between the two sides */
		const tach_metric *mb = tach_benchmark_metric(one->benchmarks[0], "time");
		const tach_metric *mc = tach_benchmark_metric(one->benchmarks[1], "time");
		size_t nb = mb ? mb->n_samples : 0, nc = mc ? mc->n_samples : 0;
		*took = nb < nc ? nb : nc;
	}
	tach_result_free(one);
	return rc;
}

static int is_time(const tach_compare_row *row)
{
	return row->metric && !strcmp(row->metric, "time");
}

/* From a comparison of what is measured so far: whether a wall-time row
 * is still undecided, and the most runs per side any such row needs. */
static int undecided(const tach_comparison *c, size_t *want)
{
	int open = 0;
	*want = 0;
	for (size_t i = 0; i < c->n_rows; i++) {
		if (!is_time(&c->rows[i]))
			continue;
		open |= c->rows[i].verdict == TACH_INCONCLUSIVE;
		if (c->rows[i].n_needed > *want)
			*want = c->rows[i].n_needed;
	}
	return open;
}

/* One pass: batches into new result sets *base and *cand until decided,
 * out of time or at max_runs.  *n gets the runs per side. */
static int measure(const engine *e, size_t min_runs, size_t max_runs, uint64_t seed,
                   tach_result **base, tach_result **cand, size_t *n, tach_error *err)
{
	*base = side(e, e->o.base_text);
	*cand = side(e, e->o.cand_text);
	if (!*base || !*cand)
		return TACH_ENOMEM;
	double start = e->ex->now(e->ex->ctx);
	size_t step = min_runs;
	tach_rng rng;
	tach_rng_seed(&rng, seed);
	*n = 0;
	for (int first = 1;; first = 0) {
		size_t took = 0;
		int rc = more_runs(e, step, first ? e->o.warmup : 0, seed++, &rng, *n, start, *base,
		                   *cand, &took, err);
		if (rc)
			return rc;
		*n += took;
		if (stopped(e))
			break; /* the caller compares what there is */
		double elapsed = e->ex->now(e->ex->ctx) - start;
		progress(e, TACH_AB_BATCH, *n, elapsed, 0);
		tach_comparison *c;
		if ((rc = tach_compare(*base, *cand, e->copts, &c)))
			return rc;
		size_t want;
		int open = undecided(c, &want);
		tach_comparison_free(c);
		double per_run = elapsed / (double)*n;
		if (!open || *n >= max_runs || elapsed + per_run * (double)took > e->o.max_time)
			break;
		/* the next batch: enough to reach what the noise says is needed,
		 * within the run limit and the time left */
		step = want > *n ? want - *n : took;
		if (*n + step > max_runs)
			step = max_runs - *n;
		double fit = per_run > 0 ? (e->o.max_time - elapsed) / per_run : (double)step;
		if ((double)step > fit)
			step = fit > 2 ? (size_t)fit : 2;
	}
	progress(e, TACH_AB_PASS_DONE, *n, 0, 0);
	return 0;
}

static size_t n_changed(const tach_comparison *c)
{
	return c->counts[TACH_REGRESSED] + c->counts[TACH_IMPROVED];
}

/* The confirmation pass: as many fresh runs as the first pass took. */
static int confirm(engine *e, tach_ab_outcome *out, tach_error *err)
{
	progress(e, TACH_AB_CONFIRMING, 0, 0, n_changed(out->comparison));
	size_t runs = out->passes_runs[0];
	tach_result *b2 = NULL, *c2 = NULL;
	tach_comparison *cmp2 = NULL;
	int rc = measure(e, runs, runs, e->o.seed + CONFIRM_SEED_OFFSET, &b2, &c2,
	                 &out->passes_runs[1], err);
	if (!rc)
		rc = tach_compare(b2, c2, e->copts, &cmp2);
	if (!rc)
		rc = tach_comparison_confirm(out->comparison, cmp2);
	out->confirmed = !rc;
	tach_comparison_free(cmp2);
	tach_result_free(b2);
	tach_result_free(c2);
	return rc;
}

int tach_ab_compare(const tach_ab_opts *opts, const tach_compare_opts *copts,
                    tach_ab_outcome *out, tach_error *err)
{
	memset(out, 0, sizeof *out);
	if (!opts || !opts->base_argv || !opts->cand_argv || !opts->base_argv[0] ||
	    !opts->cand_argv[0])
		return TACH_EINVAL;
	engine e = {.o = *opts, .ex = opts->exec ? opts->exec : tach_executor_real(),
	            .copts = copts};
	if (!e.o.min_runs)
		e.o.min_runs = DEFAULT_MIN_RUNS;
	if (!e.o.max_runs)
		e.o.max_runs = DEFAULT_MAX_RUNS;
	if (e.o.max_runs < e.o.min_runs)
		e.o.max_runs = e.o.min_runs;
	if (!(e.o.max_time > 0))
		e.o.max_time = DEFAULT_MAX_TIME;
	if (!e.o.reps)
		e.o.reps = DEFAULT_REPS;
	if (!e.o.base_text)
		e.o.base_text = e.o.base_argv[0];
	if (!e.o.cand_text)
		e.o.cand_text = e.o.cand_argv[0];
	e.suite.ex = e.ex;
	int rc = e.o.suite ? tach__ab_suite_prepare(&e.suite, &e.o, err) : 0;
	if (!rc)
		rc = measure(&e, e.o.min_runs, e.o.max_runs, e.o.seed, &out->base, &out->cand,
		             &out->passes_runs[0], err);
	out->stopped = stopped(&e);
	if (!rc && out->stopped && !out->passes_runs[0]) {
		snprintf(err->message, sizeof err->message,
		         "stopped before a run of each side was measured");
		rc = TACH_EINVAL;
	}
	if (!rc)
		rc = tach_compare(out->base, out->cand, copts, &out->comparison);
	if (!rc && !out->stopped && e.o.confirm && n_changed(out->comparison)) {
		rc = confirm(&e, out, err);
		out->stopped = stopped(&e);
	}
	tach__ab_suite_cleanup(&e.suite);
	return rc;
}

void tach_ab_outcome_release(tach_ab_outcome *out)
{
	if (!out)
		return;
	tach_comparison_free(out->comparison);
	tach_result_free(out->base);
	tach_result_free(out->cand);
	memset(out, 0, sizeof *out);
}
