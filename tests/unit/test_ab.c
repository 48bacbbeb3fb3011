/* test_ab.c - the A/B engine (tach/ab.h) with a fake executor and a fake
 * clock: interleaving, warmups, the adaptive stop (decided, out of time,
 * at the run limit), the confirmation pass that keeps only changes that
 * reproduce, failures, progress events, and suites of benchmark programs
 * (tach and Google Benchmark) whose result files the fake writes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tach/tach.h"

/* ---- a fake world ---- */

typedef struct fake {
	double clock;
	double cost[2];     /* seconds per run of "base" and "cand" */
	double noise;       /* relative half-width of each run's uniform noise */
	double cost_later;  /* > 0: cand's cost from exec number `later` on */
	int later;
	int fail_cand;      /* cand exits 3 */
	uint64_t state;     /* of the noise */
	int execs;          /* of base and cand (warmups included) */
	char order[4096];   /* 'b' / 'c' per exec, as long as it fits */
	/* suites: what the programs are and what they write */
	const char *help[2];    /* --help text of base and cand */
	int gbench[2];          /* write Google Benchmark JSON, not tach's */
	double bench_cost[2][2]; /* [side][benchmark] seconds of BM_a, BM_b */
	char dir[4096];         /* the directory the results went to */
	int helps;
	/* what each side's runs were given */
	const char *want_cwd[2];
	const void *want_cpus;
	int wrong_place;        /* runs in another directory or on other CPUs */
	/* a stop request after this many execs (0: none) */
	volatile int *stop;
	int stop_after;
} fake;

static double uniform(fake *f)
{
	f->state ^= f->state << 13;
	f->state ^= f->state >> 7;
	f->state ^= f->state << 17;
	return (double)(f->state >> 11) / 9007199254740992.0 * 2 - 1;
}

static int side_of(const char *argv0)
{
	return !strcmp(argv0, "cand") || !strcmp(argv0, "cprog");
}

static void remember_dir(fake *f, const char *path)
{
	snprintf(f->dir, sizeof f->dir, "%s", path);
	char *slash = strrchr(f->dir, '/');
	if (slash)
		*slash = 0;
}

static void write_text(const char *path, const char *text)
{
	FILE *o = fopen(path, "w");
	cr_assert(o, "%s", path);
	fputs(text, o);
	fclose(o);
}

/* A benchmark program's run: reps repetitions of BM_a and BM_b. */
static void write_results(fake *f, int side, const char *path, size_t reps)
{
	remember_dir(f, path);
	double *cost = f->bench_cost[side];
	if (f->gbench[side]) {
		FILE *o = fopen(path, "w");
		cr_assert(o);
		fputs("{\"context\": {\"date\": \"2026-12-06T08:00:00+00:00\", \"num_cpus\": 2},\n"
		      " \"benchmarks\": [\n", o);
		for (int b = 0; b < 2; b++)
			for (size_t k = 0; k < reps; k++)
				fprintf(o, "%s{\"name\": \"BM_%c\", \"run_name\": \"BM_%c\", "
				        "\"run_type\": \"iteration\", \"repetitions\": %zu, "
				        "\"repetition_index\": %zu, \"threads\": 1, \"iterations\": 1000, "
				        "\"real_time\": %.17g, \"cpu_time\": %.17g, \"time_unit\": \"ns\"}\n",
				        b || k ? "," : "", 'a' + b, 'a' + b, reps, k,
				        cost[b] * (1 + f->noise * uniform(f)) * 1e9, cost[b] * 1e9);
		fputs("]}\n", o);
		fclose(o);
		return;
	}
	tach_result *r = tach_result_new();
	cr_assert(r);
	for (int b = 0; b < 2; b++) {
		tach_benchmark *bm = tach_result_add_benchmark(r, b ? "BM_b" : "BM_a");
		tach_metric *m = tach_benchmark_add_metric(bm, "time", "s", TACH_LOWER_IS_BETTER);
		for (size_t k = 0; k < reps; k++)
			tach_metric_add_sample(m, cost[b] * (1 + f->noise * uniform(f)));
	}
	tach_error err = {0};
	cr_assert_eq(tach_result_write_file(r, path, &err), 0, "%s", err.message);
	tach_result_free(r);
}

static int fake_exec(void *ctx, char *const *argv, const tach_exec_opts *o,
                     tach_run_sample *out, tach_error *err)
{
	fake *f = ctx;
	(void)err;
	memset(out, 0, sizeof *out);
	int side = side_of(argv[0]);
	size_t n = 0;
	while (argv[n])
		n++;
	const char *want = f->want_cwd[side];
	if ((want ? !o->cwd || strcmp(o->cwd, want) : o->cwd != NULL) ||
	    (const void *)o->cpus != f->want_cpus)
		f->wrong_place++;
	if (f->stop && f->stop_after && f->execs + 1 >= f->stop_after)
		*f->stop = 2; /* as a SIGINT handler would */
	if (n > 1 && !strcmp(argv[n - 1], "--help")) { /* a suite asks what it is */
		f->helps++;
		cr_assert_eq(o->output, TACH_OUTPUT_FILE);
		remember_dir(f, o->output_path);
		write_text(o->output_path, f->help[side] ? f->help[side] : "");
		f->clock += 0.01;
		return 0;
	}
	if (strstr(argv[0], "prog")) { /* a suite's round */
		size_t reps = 0;
		for (size_t i = 1; i < n; i++) {
			if (!strcmp(argv[i], "--repetitions"))
				reps = strtoul(argv[i + 1], NULL, 10);
			if (!strncmp(argv[i], "--benchmark_repetitions=", 24))
				reps = strtoul(argv[i] + 24, NULL, 10);
		}
		for (size_t i = 1; i < n; i++) {
			if (!strcmp(argv[i], "--out"))
				write_results(f, side, argv[i + 1], reps);
			if (!strncmp(argv[i], "--benchmark_out=", 16))
				write_results(f, side, argv[i] + 16, reps);
		}
		if ((size_t)f->execs < sizeof f->order - 1)
			f->order[f->execs] = side ? 'c' : 'b';
		f->execs++;
		f->clock += 0.5;
		out->wall = 0.5;
		out->exit_code = side && f->fail_cand ? 3 : 0;
		return 0;
	}
	double c = f->cost[side];
	if (side && f->cost_later > 0 && f->execs >= f->later)
		c = f->cost_later;
	c *= 1 + f->noise * uniform(f);
	if ((size_t)f->execs < sizeof f->order - 1)
		f->order[f->execs] = side ? 'c' : 'b';
	f->execs++;
	f->clock += c;
	out->wall = c;
	out->user = c;
	out->peak_rss = 1 << 20;
	out->peak_method = TACH_PEAK_RUSAGE_MAX;
	out->exit_code = side && f->fail_cand ? 3 : 0;
	return 0;
}

static double fake_now(void *ctx)
{
	return ((fake *)ctx)->clock;
}

static char *base_argv[] = {"base", NULL}, *cand_argv[] = {"cand", NULL};
static char *bprog[] = {"bprog", "--flag", NULL}, *cprog[] = {"cprog", NULL};

typedef struct world {
	fake f;
	tach_executor ex;
	tach_ab_opts o;
	tach_compare_opts copts;
	const char *metrics[2];
	tach_ab_outcome out;
	tach_error err;
	int rc;
} world;

static void world_init(world *w, double base_cost, double cand_cost, double noise)
{
	memset(w, 0, sizeof *w);
	w->f.cost[0] = base_cost;
	w->f.cost[1] = cand_cost;
	w->f.noise = noise;
	w->f.state = 88172645463325252ull;
	w->ex = (tach_executor){fake_exec, fake_now, &w->f, NULL};
	w->o = (tach_ab_opts){.base_argv = base_argv, .cand_argv = cand_argv,
	                      .base_text = "base", .cand_text = "cand", .warmup = 1,
	                      .min_runs = 10, .max_runs = 200, .max_time = 1e9, .seed = 1,
	                      .confirm = 1, .exec = &w->ex};
	w->metrics[0] = "time";
	w->copts = (tach_compare_opts){.rule = tach_compare_rule_default(), .metrics = w->metrics};
}

static void world_run(world *w)
{
	w->rc = tach_ab_compare(&w->o, &w->copts, &w->out, &w->err);
}

static const tach_compare_row *row_of(const tach_comparison *c, const char *bench)
{
	for (size_t i = 0; i < c->n_rows; i++)
		if (c->rows[i].metric && !strcmp(c->rows[i].metric, "time") &&
		    (!bench || !strcmp(c->rows[i].name, bench)))
			return &c->rows[i];
	cr_assert_fail("no time row for %s", bench ? bench : "the command");
	return NULL;
}

static size_t n_time(const tach_result *r, size_t i)
{
	const tach_metric *m = tach_benchmark_metric(r->benchmarks[i], "time");
	return m ? m->n_samples : 0;
}

/* ---- commands ---- */

Test(ab, both_sides_interleaved_with_warmups)
{
	world w;
	world_init(&w, 0.010, 0.010, 0.30); /* too noisy to decide */
	w.o.confirm = 0;
	w.o.max_runs = 40;
	world_run(&w);
	cr_assert_eq(w.rc, 0, "%s", w.err.message);
	size_t n = w.out.passes_runs[0];
	cr_expect_eq(n, 40, "an undecided comparison runs to the limit: %zu", n);
	cr_expect_eq(n_time(w.out.base, 0), n);
	cr_expect_eq(n_time(w.out.cand, 0), n);
	cr_expect_eq((size_t)w.f.execs, 2 * (n + 1), "one warmup each, once");
	cr_expect_str_eq(w.out.base->benchmarks[0]->name, "command");
	cr_expect_str_eq(w.out.cand->benchmarks[0]->source.command, "cand");
	/* random order, not all of one side and then the other: in 80 fair
	 * draws a run of ten alike has a chance far below one in a thousand */
	size_t switches = 0, longest = 0, run = 0;
	for (size_t i = 1; w.f.order[i]; i++) {
		switches += w.f.order[i] != w.f.order[i - 1];
		run = w.f.order[i] == w.f.order[i - 1] ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	cr_expect_geq(switches, 20, "order %s", w.f.order);
	cr_expect_lt(longest, 10, "order %s", w.f.order);
	cr_expect_eq(w.out.confirmed, 0);
	cr_expect_eq(w.out.passes_runs[1], 0);
	tach_ab_outcome_release(&w.out);
}

Test(ab, same_seed_same_order)
{
	world a, b;
	world_init(&a, 0.01, 0.01, 0.3);
	world_init(&b, 0.01, 0.01, 0.3);
	a.o.max_runs = b.o.max_runs = 20;
	world_run(&a);
	world_run(&b);
	cr_assert_eq(a.rc, 0);
	cr_assert_eq(b.rc, 0);
	cr_expect_str_eq(a.f.order, b.f.order);
	world c;
	world_init(&c, 0.01, 0.01, 0.3);
	c.o.max_runs = 20;
	c.o.seed = 2;
	world_run(&c);
	cr_expect_str_neq(a.f.order, c.f.order, "another seed, another order");
	tach_ab_outcome_release(&a.out);
	tach_ab_outcome_release(&b.out);
	tach_ab_outcome_release(&c.out);
}

Test(ab, clear_regression_is_confirmed_by_fresh_runs)
{
	world w;
	world_init(&w, 0.010, 0.011, 0.01); /* 10 % slower, 1 % noise */
	world_run(&w);
	cr_assert_eq(w.rc, 0, "%s", w.err.message);
	const tach_compare_row *r = row_of(w.out.comparison, NULL);
	cr_expect_eq(r->verdict, TACH_REGRESSED, "verdict %s", tach_verdict_name(r->verdict));
	cr_expect_eq(w.out.confirmed, 1);
	size_t n = w.out.passes_runs[0];
	cr_expect_eq(n, 10, "decided in the first batch: %zu", n);
	cr_expect_eq(w.out.passes_runs[1], n, "the confirmation takes as many runs");
	cr_expect_eq((size_t)w.f.execs, 2 * (2 * n + 2), "both passes, a warmup each");
	/* the outcome keeps the first pass's samples */
	cr_expect_eq(n_time(w.out.base, 0), n);
	tach_ab_outcome_release(&w.out);
}

Test(ab, change_that_does_not_reproduce_is_dropped)
{
	world w;
	world_init(&w, 0.010, 0.011, 0.01);
	w.o.min_runs = w.o.max_runs = 20;
	/* the first pass is 1 + 20 runs of each side: from then on the
	 * candidate is as fast as the base */
	w.f.cost_later = 0.010;
	w.f.later = 42;
	world_run(&w);
	cr_assert_eq(w.rc, 0, "%s", w.err.message);
	cr_expect_eq(w.out.passes_runs[0], 20);
	cr_expect_eq(w.out.confirmed, 1);
	const tach_compare_row *r = row_of(w.out.comparison, NULL);
	cr_expect_neq(r->verdict, TACH_REGRESSED, "an unconfirmed change does not count");
	cr_expect_eq(w.out.comparison->counts[TACH_REGRESSED], 0);
	cr_expect_eq(w.out.comparison->n_failed, 0);
	tach_ab_outcome_release(&w.out);
}

Test(ab, no_confirmation_when_told_or_nothing_changed)
{
	world w;
	world_init(&w, 0.010, 0.011, 0.01);
	w.o.confirm = 0;
	world_run(&w);
	cr_assert_eq(w.rc, 0);
	cr_expect_eq(row_of(w.out.comparison, NULL)->verdict, TACH_REGRESSED);
	cr_expect_eq(w.out.confirmed, 0);
	cr_expect_eq((size_t)w.f.execs, 2 * (w.out.passes_runs[0] + 1));
	tach_ab_outcome_release(&w.out);

	world_init(&w, 0.010, 0.010, 0.001); /* the same: decided "same" */
	world_run(&w);
	cr_assert_eq(w.rc, 0);
	cr_expect_eq(row_of(w.out.comparison, NULL)->verdict, TACH_SAME);
	cr_expect_eq(w.out.confirmed, 0);
	cr_expect_eq(w.out.passes_runs[1], 0);
	tach_ab_outcome_release(&w.out);
}

Test(ab, stops_within_the_time_it_was_given)
{
	world w;
	world_init(&w, 1.0, 1.0, 0.30); /* a second a run, never decided */
	w.o.max_time = 60;
	w.o.confirm = 0;
	world_run(&w);
	cr_assert_eq(w.rc, 0);
	size_t n = w.out.passes_runs[0];
	cr_expect_lt(n, 200, "stopped by the time, not the run limit");
	cr_expect_gt(n, 10, "a second batch fitted");
	/* no batch is started that the time left cannot hold (the first,
	 * with its warmups, is the floor) */
	cr_expect_leq(w.f.clock, 60 * 1.3 + 2, "fake clock at %.1f s", w.f.clock);
	tach_ab_outcome_release(&w.out);
}

Test(ab, never_more_runs_than_the_limit)
{
	world w;
	world_init(&w, 0.001, 0.001, 0.30);
	w.o.max_runs = 37;
	w.o.confirm = 0;
	world_run(&w);
	cr_assert_eq(w.rc, 0);
	cr_expect_eq(w.out.passes_runs[0], 37);
	cr_expect_eq(n_time(w.out.cand, 0), 37);
	tach_ab_outcome_release(&w.out);
}

Test(ab, zeroed_options_get_the_defaults)
{
	world w;
	world_init(&w, 0.001, 0.001, 0.30);
	w.o = (tach_ab_opts){.base_argv = base_argv, .cand_argv = cand_argv, .exec = &w.ex};
	world_run(&w);
	cr_assert_eq(w.rc, 0, "%s", w.err.message);
	cr_expect_eq(w.out.passes_runs[0], 200, "the default limit: %zu", w.out.passes_runs[0]);
	cr_expect_eq((size_t)w.f.execs, 400, "no warmup unless asked");
	tach_ab_outcome_release(&w.out);

	cr_expect_eq(tach_ab_compare(&(tach_ab_opts){.base_argv = base_argv}, &w.copts, &w.out,
	                             &w.err),
	             TACH_EINVAL, "a missing side");
}

Test(ab, failing_run_is_an_error)
{
	world w;
	world_init(&w, 0.01, 0.01, 0.01);
	w.f.fail_cand = 1;
	world_run(&w);
	cr_expect_eq(w.rc, TACH_ERANGE);
	cr_expect(strstr(w.err.message, "cand"), "names the command: %s", w.err.message);
	cr_expect(strstr(w.err.message, "3"), "says how it ended: %s", w.err.message);
	cr_expect_null(w.out.comparison);
	tach_ab_outcome_release(&w.out);
	tach_ab_outcome_release(&w.out); /* twice is harmless */
}

typedef struct events {
	size_t batches, passes, confirming_rows, last_runs;
	size_t run_events, last_run; /* TACH_AB_RUN: how many, the last one's runs */
	double last_elapsed;
} events;

static void on_progress(void *ctx, tach_ab_event ev, size_t runs, double elapsed, size_t rows)
{
	events *e = ctx;
	if (ev == TACH_AB_RUN) {
		e->run_events++;
		cr_expect_geq(runs, e->last_run, "runs never go back within a pass");
		cr_expect_geq(elapsed, 0);
		e->last_run = runs;
	} else if (ev == TACH_AB_BATCH) {
		e->batches++;
		cr_expect_gt(runs, e->passes ? 0 : e->last_runs, "runs grow within a pass");
		cr_expect_eq(runs, e->last_run, "the last run's count is the batch's");
		e->last_runs = runs;
		e->last_elapsed = elapsed;
	} else if (ev == TACH_AB_PASS_DONE) {
		e->passes++;
		e->last_runs = 0;
		e->last_run = 0;
	} else {
		cr_expect_eq(ev, TACH_AB_CONFIRMING);
		e->confirming_rows = rows;
	}
}

Test(ab, progress_reports_batches_passes_and_the_confirmation)
{
	world w;
	world_init(&w, 0.010, 0.011, 0.01);
	events e = {0};
	w.o.progress = on_progress;
	w.o.progress_ctx = &e;
	world_run(&w);
	cr_assert_eq(w.rc, 0);
	cr_expect_eq(e.passes, 2);
	cr_expect_geq(e.batches, 2);
	cr_expect_eq(e.confirming_rows, 1);
	/* a run event per timed run: both passes, both sides */
	cr_expect_eq(e.run_events, 2 * (w.out.passes_runs[0] + w.out.passes_runs[1]),
	             "%zu run events", e.run_events);
	/* the elapsed time is the executor's clock: 11 runs at ~11 ms */
	cr_expect(e.last_elapsed > 0.1 && e.last_elapsed < 0.3, "elapsed %g", e.last_elapsed);
	tach_ab_outcome_release(&w.out);
}

/* ---- suites of benchmark programs ---- */

static const char tach_help[] = "usage: prog [--repetitions N] [--out FILE]\n";
static const char gbench_help[] = "benchmark [--benchmark_filter=<regex>]\n";

static void suite_init(world *w, int gbench_base, int gbench_cand)
{
	world_init(w, 0, 0, 0.01);
	w->o.suite = 1;
	w->o.reps = 5;
	w->o.base_argv = bprog;
	w->o.cand_argv = cprog;
	w->o.base_text = "bprog --flag";
	w->o.cand_text = "cprog";
	w->f.help[0] = gbench_base ? gbench_help : tach_help;
	w->f.help[1] = gbench_cand ? gbench_help : tach_help;
	w->f.gbench[0] = gbench_base;
	w->f.gbench[1] = gbench_cand;
	/* BM_a unchanged, BM_b 20 % slower */
	w->f.bench_cost[0][0] = w->f.bench_cost[1][0] = 1e-6;
	w->f.bench_cost[0][1] = 2e-6;
	w->f.bench_cost[1][1] = 2.4e-6;
}

static void expect_suite_verdicts(world *w)
{
	cr_assert_eq(w->rc, 0, "%s", w->err.message);
	cr_expect_eq(w->out.base->n_benchmarks, 2);
	cr_expect_eq(row_of(w->out.comparison, "BM_b")->verdict, TACH_REGRESSED);
	cr_expect_neq(row_of(w->out.comparison, "BM_a")->verdict, TACH_REGRESSED);
	cr_expect_neq(row_of(w->out.comparison, "BM_a")->verdict, TACH_IMPROVED);
	cr_expect_eq(w->out.confirmed, 1);
	size_t n = w->out.passes_runs[0];
	cr_expect_eq(n % 5, 0, "whole rounds of 5 repetitions: %zu", n);
	cr_expect_eq(n_time(w->out.base, 1), n);
	cr_expect_eq(n_time(w->out.cand, 0), n);
	cr_expect_eq(w->f.helps, 2, "each program asked once what it is");
	/* rounds alternate the programs in random order */
	cr_expect(strstr(w->f.order, "bc") || strstr(w->f.order, "cb"), "%s", w->f.order);
	struct stat st;
	cr_expect(w->f.dir[0] && stat(w->f.dir, &st) != 0, "the directory %s is removed",
	          w->f.dir);
}

Test(ab, suite_of_tach_programs)
{
	world w;
	suite_init(&w, 0, 0);
	world_run(&w);
	expect_suite_verdicts(&w);
	tach_ab_outcome_release(&w.out);
}

Test(ab, suite_of_a_google_benchmark_and_a_tach_program)
{
	world w;
	suite_init(&w, 1, 0);
	world_run(&w);
	expect_suite_verdicts(&w);
	tach_ab_outcome_release(&w.out);
}

Test(ab, suite_directory_in_tmpdir)
{
	char tmp[] = "/tmp/tach-ab-test-XXXXXX";
	cr_assert(mkdtemp(tmp));
	setenv("TMPDIR", tmp, 1);
	world w;
	suite_init(&w, 0, 1);
	world_run(&w);
	unsetenv("TMPDIR");
	expect_suite_verdicts(&w);
	cr_expect_eq(strncmp(w.f.dir, tmp, strlen(tmp)), 0, "%s under %s", w.f.dir, tmp);
	cr_expect_eq(rmdir(tmp), 0, "nothing left in %s", tmp);
	tach_ab_outcome_release(&w.out);
}

Test(ab, suite_program_of_neither_kind)
{
	world w;
	suite_init(&w, 0, 0);
	w.f.help[1] = "usage: cprog [-v]\n";
	world_run(&w);
	cr_expect_eq(w.rc, TACH_EFORMAT);
	cr_expect(strstr(w.err.message, "'cprog' is neither"), "%s", w.err.message);
	cr_expect_eq(w.f.execs, 0, "nothing measured");
	struct stat st;
	cr_expect(stat(w.f.dir, &st) != 0, "the directory %s is removed", w.f.dir);
	tach_ab_outcome_release(&w.out);
}

Test(ab, suite_program_that_fails)
{
	world w;
	suite_init(&w, 0, 0);
	w.f.fail_cand = 1;
	world_run(&w);
	cr_expect_eq(w.rc, TACH_ERANGE);
	cr_expect(strstr(w.err.message, "'cprog' exited with code 3"), "%s", w.err.message);
	struct stat st;
	cr_expect(stat(w.f.dir, &st) != 0, "no result file or directory left in %s", w.f.dir);
	tach_ab_outcome_release(&w.out);
}

/* ---- where and how long ---- */

Test(ab, each_side_runs_in_its_own_directory_on_the_given_cpus)
{
	world w;
	world_init(&w, 0.010, 0.011, 0.01);
	tach_cpus cpus;
	cr_assert_eq(tach_cpus_parse("0", &cpus, NULL), 0);
	w.o.base_cwd = w.f.want_cwd[0] = "/good/tree";
	w.o.cand_cwd = w.f.want_cwd[1] = "/work/tree";
	w.o.cpus = &cpus;
	w.f.want_cpus = &cpus;
	world_run(&w);
	cr_assert_eq(w.rc, 0, "%s", w.err.message);
	cr_expect_eq(w.out.confirmed, 1, "both passes ran");
	cr_expect_gt(w.f.execs, 40);
	cr_expect_eq(w.f.wrong_place, 0, "%d of %d runs in the wrong place", w.f.wrong_place,
	             w.f.execs);
	tach_ab_outcome_release(&w.out);

	world s; /* and a suite's programs, their --help included */
	suite_init(&s, 0, 0);
	s.o.base_cwd = s.f.want_cwd[0] = "/good/tree";
	s.o.cand_cwd = s.f.want_cwd[1] = "/work/tree";
	s.o.cpus = &cpus;
	s.f.want_cpus = &cpus;
	world_run(&s);
	cr_assert_eq(s.rc, 0, "%s", s.err.message);
	cr_expect_eq(s.f.helps, 2);
	cr_expect_eq(s.f.wrong_place, 0);
	tach_ab_outcome_release(&s.out);
}

Test(ab, a_stop_keeps_what_was_measured_and_skips_the_confirmation)
{
	volatile int stop = 0;
	world w;
	world_init(&w, 0.010, 0.011, 0.01); /* would be confirmed */
	w.o.min_runs = 50;
	w.o.stop = &stop;
	w.f.stop = &stop;
	w.f.stop_after = 31; /* two warm-ups, then 29 timed runs */
	world_run(&w);
	cr_assert_eq(w.rc, 0, "%s", w.err.message);
	cr_expect_eq(w.out.stopped, 1);
	cr_expect_eq(w.out.confirmed, 0, "no confirmation after a stop");
	cr_expect_eq(w.f.execs, 31, "the run in progress ends it: %d", w.f.execs);
	size_t nb = n_time(w.out.base, 0), nc = n_time(w.out.cand, 0);
	cr_expect_eq(nb + nc, 29, "every timed run kept: %zu + %zu", nb, nc);
	size_t least = nb < nc ? nb : nc;
	cr_expect_eq(w.out.passes_runs[0], least, "runs of each side: %zu",
	             w.out.passes_runs[0]);
	cr_assert(w.out.comparison, "the runs so far are compared");
	cr_expect_eq(row_of(w.out.comparison, NULL)->verdict, TACH_REGRESSED);
	tach_ab_outcome_release(&w.out);

	stop = 0; /* stopped before a pair was measured: nothing to compare */
	world e;
	world_init(&e, 0.010, 0.011, 0.01);
	e.o.stop = &stop;
	e.f.stop = &stop;
	e.f.stop_after = 1;
	world_run(&e);
	cr_expect_eq(e.rc, TACH_EINVAL);
	cr_expect_eq(e.out.stopped, 1);
	cr_expect(strstr(e.err.message, "stopped before"), "%s", e.err.message);
	cr_expect_eq(e.out.comparison, NULL);
	tach_ab_outcome_release(&e.out);
}
