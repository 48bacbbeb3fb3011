/* runner.c - schedules the runs of several commands and records them.
 *
 * Order of events: every command's setup and warmups; then (automatic
 * count) one timed run each, whose time sets how many runs fit the time
 * budget; then the remaining runs, interleaved in a seeded random order
 * unless --no-interleave, so that drift of the machine (frequency, other
 * load) falls on all commands alike; each command's conclude after its
 * last run.  In duration mode, rounds of one run per unfinished command
 * (shuffled) continue until each command's runs have taken the duration.
 * Everything goes through a tach_executor, so tests drive the scheduling
 * with a fake clock and fake processes.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tach/counters.h"
#include "tach/monitor.h"
#include "tach/run.h"
#include "tach/stats.h"
#include "tach/system.h"
#include "measure/cgroup.h"
#include "util/util.h"

#define AUTO_MIN_RUNS 10
#define AUTO_BUDGET 3.0
#define AUTO_CAP 1000000 /* automatic count without --max-runs */

typedef struct bench {
	char *name, *text;
	char *const *argv;
	char **prepare, **cleanup, **conclude, **setup; /* its own, or the opts' */
	const char *cwd; /* its own working directory, or the opts' */
	tach_kvlist params;
	tach_run_sample *runs;
	size_t n, cap;
	size_t target;  /* timed runs wanted (count mode) */
	double spent;   /* seconds of timed runs so far */
	size_t pending; /* scheduled runs not yet done */
	int concluded;
	double *ctr;            /* counters: n rows of k values, NaN = invalid */
	size_t ctr_cap;
	int pooled;             /* ran as a concurrent pool: */
	tach_run_sample whole;  /* the pool as a whole */
} bench;

struct tach_runner {
	tach_runner_opts o;
	tach_executor ex;
	bench *b;
	size_t nb, capb;
	size_t done, total;
	tach_rng rng;
};

/* ---- the real executor ---- */

static int real_exec(void *ctx, char *const *argv, const tach_exec_opts *o,
                     tach_run_sample *out, tach_error *err)
{
	(void)ctx;
	return tach_exec(argv, o, out, err);
}

static double real_now(void *ctx)
{
	(void)ctx;
	return tach__now();
}

static int real_pool(void *ctx, char *const *argv, const tach_exec_opts *o,
                     size_t concurrency, size_t runs, double duration,
                     tach_pool_done_fn done, void *done_ctx, tach_run_sample *whole,
                     tach_error *err)
{
	(void)ctx;
	return tach_exec_pool(argv, o, concurrency, runs, duration, done, done_ctx, whole, err);
}

const tach_executor *tach_executor_real(void)
{
	static const tach_executor real = {real_exec, real_now, NULL, real_pool};
	return &real;
}

/* ---- life cycle ---- */

tach_runner *tach_runner_new(const tach_runner_opts *opts, const tach_executor *ex)
{
	tach_runner *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->o = *opts;
	r->ex = ex ? *ex : *tach_executor_real();
	if (!r->o.min_runs)
		r->o.min_runs = AUTO_MIN_RUNS;
	if (!(r->o.budget > 0))
		r->o.budget = AUTO_BUDGET;
	tach_rng_seed(&r->rng, r->o.seed);
	return r;
}

void tach_runner_free(tach_runner *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nb; i++) {
		free(r->b[i].name);
		free(r->b[i].text);
		for (size_t k = 0; k < r->b[i].n; k++)
			tach_monitor_free(r->b[i].runs[k].monitor);
		free(r->b[i].runs);
		free(r->b[i].ctr);
		tach_kvlist_release(&r->b[i].params);
	}
	free(r->b);
	free(r);
}

int tach_runner_add(tach_runner *r, const char *name, const char *text,
                    char *const *argv, const tach_kvlist *params)
{
	if (tach__grow((void **)&r->b, &r->capb, r->nb + 1, sizeof *r->b))
		return TACH_ENOMEM;
	bench *b = &r->b[r->nb];
	memset(b, 0, sizeof *b);
	b->name = strdup(name);
	b->text = strdup(text);
	b->argv = argv;
	b->prepare = r->o.prepare;
	b->cleanup = r->o.cleanup;
	b->conclude = r->o.conclude;
	b->setup = r->o.setup;
	b->cwd = r->o.exec.cwd;
	int rc = !b->name || !b->text ? TACH_ENOMEM : 0;
	if (!rc)
		rc = tach_kvlist_copy(&b->params, params);
	if (rc) {
		free(b->name);
		free(b->text);
		tach_kvlist_release(&b->params);
		return rc;
	}
	r->nb++;
	return 0;
}

int tach_runner_set_helpers(tach_runner *r, char **prepare, char **cleanup, char **conclude)
{
	if (!r->nb)
		return TACH_EINVAL;
	bench *b = &r->b[r->nb - 1];
	b->prepare = prepare ? prepare : b->prepare;
	b->cleanup = cleanup ? cleanup : b->cleanup;
	b->conclude = conclude ? conclude : b->conclude;
	return 0;
}

int tach_runner_set_setup(tach_runner *r, char **setup)
{
	if (!r->nb)
		return TACH_EINVAL;
	if (setup)
		r->b[r->nb - 1].setup = setup;
	return 0;
}

int tach_runner_set_cwd(tach_runner *r, const char *cwd)
{
	if (!r->nb)
		return TACH_EINVAL;
	r->b[r->nb - 1].cwd = cwd ? cwd : r->o.exec.cwd;
	return 0;
}

/* ---- running ---- */

/* Appends a timed run to b, counting it for the progress report. */
static int push_run(tach_runner *r, size_t bi, const tach_run_sample *s)
{
	bench *b = &r->b[bi];
	if (tach__grow((void **)&b->runs, &b->cap, b->n + 1, sizeof *b->runs))
		return TACH_ENOMEM;
	b->runs[b->n++] = *s;
	b->spent += s->wall;
	r->done++;
	if (r->o.progress)
		r->o.progress(r->o.progress_ctx, r->done, r->total, bi, s);
	return 0;
}

static int failed(const tach_run_sample *s)
{
	return s->state != TACH_RUN_EXITED || s->exit_code != 0;
}

static void describe_failure(const bench *b, size_t run, const tach_run_sample *s,
                             tach_error *err, int warmup)
{
	char how[96];
	if (s->state == TACH_RUN_TIMED_OUT)
		snprintf(how, sizeof how, "timed out after %.3g s", s->wall);
	else if (s->state == TACH_RUN_SIGNALLED)
		snprintf(how, sizeof how, "was killed by signal %d (%s)", s->signal,
		         strsignal(s->signal));
	else
		snprintf(how, sizeof how, "exited with code %d", s->exit_code);
	if (err)
		snprintf(err->message, sizeof err->message,
		         "command '%s' %s in %s run %zu; use --ignore-failure to record "
		         "failures as data", b->name, how, warmup ? "warmup" : "timed", run + 1);
}

/* An untimed helper command (prepare, setup, ...); its failure stops
 * everything, whatever --ignore-failure says: the benchmark's premise
 * is broken. */
static int helper(tach_runner *r, char **argv, const char *what, const bench *b,
                  tach_error *err)
{
	if (!argv)
		return 0;
	tach_run_sample s;
	tach_exec_opts o = r->o.exec;
	o.measure_memory = 0;
	o.cwd = b->cwd;
	int rc = r->ex.exec(r->ex.ctx, argv, &o, &s, err);
	if (rc)
		return rc;
	if (failed(&s)) {
		if (err)
			snprintf(err->message, sizeof err->message,
			         "the %s command '%s' failed (%s %d) for '%s'", what, argv[0],
			         s.state == TACH_RUN_EXITED ? "exit code" : "signal",
			         s.state == TACH_RUN_EXITED ? s.exit_code : s.signal, b->name);
		return TACH_ERANGE;
	}
	return 0;
}

/* One run of b: prepare, the command, cleanup.  Timed runs are kept. */
static int one_run(tach_runner *r, size_t bi, int timed, tach_error *err)
{
	bench *b = &r->b[bi];
	int rc = helper(r, b->prepare, "prepare", b, err);
	if (rc)
		return rc;
	tach_run_sample s;
	size_t k = timed && r->o.counters ? tach_counters_count(r->o.counters) : 0;
	if (k) {
		/* the reasons of unavailable events are told once, at the first */
		int first = !r->done;
		tach_counters_open_children(r->o.counters, first ? r->o.counters_why : NULL,
		                            first ? r->o.counters_why_size : 0);
	}
	tach_exec_opts eo = r->o.exec;
	eo.direct = k > 0; /* the counters are inherited at fork from tach */
	eo.cwd = b->cwd;
	rc = r->ex.exec(r->ex.ctx, b->argv, &eo, &s, err);
	double row[32];
	if (k) {
		tach_counter_value v[32];
		size_t kk = k < 32 ? k : 32;
		int got = tach_counters_read(r->o.counters, v, kk);
		for (size_t i = 0; i < kk; i++)
			row[i] = got >= 0 && v[i].valid ? v[i].value : NAN;
		k = kk;
	}
	if (rc)
		return rc;
	if (s.state == TACH_RUN_KILLED || !timed) {
		tach_monitor_free(s.monitor); /* not a sample */
		s.monitor = NULL;
	}
	if (s.state == TACH_RUN_KILLED)
		return 0; /* interrupted by the user: not a sample, not a failure */
	if (timed) {
		if (k) {
			if ((b->n + 1) * k > b->ctr_cap) {
				size_t nc = b->ctr_cap ? b->ctr_cap * 2 : 16 * k;
				double *nd = realloc(b->ctr, nc * sizeof *nd);
				if (!nd)
					return TACH_ENOMEM;
				b->ctr = nd;
				b->ctr_cap = nc;
			}
			memcpy(b->ctr + b->n * k, row, k * sizeof *row);
		}
		if (push_run(r, bi, &s)) {
			tach_monitor_free(s.monitor);
			return TACH_ENOMEM;
		}
	}
	if (failed(&s) && !r->o.ignore_failure) {
		describe_failure(b, timed ? b->n - 1 : 0, &s, err, !timed);
		return TACH_ERANGE;
	}
	return helper(r, b->cleanup, "cleanup", b, err);
}

static int stopped(const tach_runner *r)
{
	return r->o.stop && *r->o.stop;
}

static int conclude(tach_runner *r, size_t bi, tach_error *err)
{
	if (r->b[bi].concluded)
		return 0;
	r->b[bi].concluded = 1;
	return helper(r, r->b[bi].conclude, "conclude", &r->b[bi], err);
}

static void shuffle(tach_rng *rng, size_t *v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)tach_rng_below(rng, i);
		size_t t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* Runs the schedule in `order` (bench indices), concluding each command
 * after its last scheduled run. */
static int run_order(tach_runner *r, const size_t *order, size_t n, tach_error *err)
{
	for (size_t i = 0; i < n && !stopped(r); i++) {
		size_t bi = order[i];
		int rc = one_run(r, bi, 1, err);
		if (rc)
			return rc;
		if (--r->b[bi].pending == 0 && (rc = conclude(r, bi, err)))
			return rc;
	}
	return 0;
}

static int run_counted(tach_runner *r, tach_error *err)
{
	size_t total = 0;
	for (size_t i = 0; i < r->nb; i++) {
		bench *b = &r->b[i];
		if (r->o.runs) {
			b->target = r->o.runs;
		} else {
			/* one run tells how long a run takes */
			double t = b->n ? b->runs[0].wall : 0;
			double want = t > 0 ? ceil(r->o.budget / t) : (double)AUTO_CAP;
			double cap = r->o.max_runs ? (double)r->o.max_runs : (double)AUTO_CAP;
			want = want < (double)r->o.min_runs ? (double)r->o.min_runs : want;
			b->target = (size_t)(want > cap ? cap : want);
		}
		b->pending = b->target > b->n ? b->target - b->n : 0;
		total += b->pending;
	}
	r->total = r->done + total;
	size_t *order = malloc((total ? total : 1) * sizeof *order);
	if (!order)
		return TACH_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < r->nb; i++)
		for (size_t j = 0; j < r->b[i].pending; j++)
			order[k++] = i;
	if (!r->o.no_interleave)
		shuffle(&r->rng, order, total);
	int rc = run_order(r, order, total, err);
	free(order);
	return rc;
}

static int run_duration(tach_runner *r, tach_error *err)
{
	size_t *order = malloc(r->nb * sizeof *order);
	if (!order)
		return TACH_ENOMEM;
	int rc = 0;
	if (r->o.no_interleave) {
		for (size_t i = 0; !rc && i < r->nb && !stopped(r); i++) {
			while (!rc && r->b[i].spent < r->o.duration && !stopped(r))
				rc = one_run(r, i, 1, err);
			if (!rc)
				rc = conclude(r, i, err);
		}
	} else {
		while (!rc && !stopped(r)) {
			size_t n = 0;
			for (size_t i = 0; i < r->nb; i++) {
				if (r->b[i].spent < r->o.duration)
					order[n++] = i;
				else if ((rc = conclude(r, i, err)))
					break;
			}
			if (rc || !n)
				break;
			shuffle(&r->rng, order, n);
			for (size_t i = 0; !rc && i < n && !stopped(r); i++)
				rc = one_run(r, order[i], 1, err);
		}
	}
	free(order);
	return rc;
}

/* ---- concurrency ---- */

typedef struct pool_ctx {
	tach_runner *r;
	size_t bi;
	int oom;
} pool_ctx;

static void pool_done(void *p, const tach_run_sample *s)
{
	pool_ctx *pc = p;
	if (push_run(pc->r, pc->bi, s))
		pc->oom = 1;
}

/* Each command in turn as a pool of `concurrency` copies: counted runs
 * (or the automatic minimum), or for the duration. */
static int run_pools(tach_runner *r, tach_error *err)
{
	if (!r->ex.pool) {
		if (err)
			snprintf(err->message, sizeof err->message,
			         "concurrent runs are not supported by this executor");
		return TACH_EUNSUPPORTED;
	}
	size_t runs = r->o.duration > 0 ? 0 : r->o.runs ? r->o.runs : r->o.min_runs;
	r->total = runs * r->nb;
	for (size_t i = 0; i < r->nb && !stopped(r); i++) {
		bench *b = &r->b[i];
		pool_ctx pc = {r, i, 0};
		tach_exec_opts eo = r->o.exec;
		eo.cwd = b->cwd;
		int rc = helper(r, b->prepare, "prepare", b, err);
		if (!rc)
			rc = r->ex.pool(r->ex.ctx, b->argv, &eo, r->o.concurrency, runs,
			                r->o.duration, pool_done, &pc, &b->whole, err);
		if (!rc && pc.oom)
			rc = TACH_ENOMEM;
		b->pooled = 1;
		if (!rc)
			rc = helper(r, b->cleanup, "cleanup", b, err);
		for (size_t k = 0; !rc && !r->o.ignore_failure && k < b->n; k++) {
			if (failed(&b->runs[k])) {
				describe_failure(b, k, &b->runs[k], err, 0);
				rc = TACH_ERANGE;
			}
		}
		if (!rc)
			rc = conclude(r, i, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- results ---- */

/* The whole tree's peak: its method and, when it is not a cgroup's, why
 * not, in the results' context (docs/results-format.md). */
static int record_tree_method(const tach_runner *r, tach_result *out, int any_run,
                              int all_cgroup, int any_sampled)
{
	const char *method = all_cgroup && tach_cgroup_probe_method()
	                             ? tach_cgroup_probe_method()
	                     : all_cgroup  ? "cgroup"
	                     : any_sampled ? "sampled"
	                                   : "none";
	char why[640] = "";
	const char *not_v2 = all_cgroup ? tach__cgroup_why_not_v2() : NULL;
	if (not_v2) /* v1 is the fallback of v2 */
		snprintf(why, sizeof why, "cgroup v2 not used: %s", not_v2);
	if (!all_cgroup) {
		char probe[512];
		if (!r->o.exec.measure_memory)
			snprintf(why, sizeof why, "no cgroup: turned off (--no-memory-cgroup)");
		else if (tach_cgroup_probe(probe, sizeof probe) != TACH_PEAK_CGROUP)
			snprintf(why, sizeof why, "no cgroup: %s", probe);
		else
			snprintf(why, sizeof why, "no cgroup: the cgroup of a run could not be "
			         "made or read (%s)", probe);
		if (!any_sampled) {
			size_t l = strlen(why);
			snprintf(why + l, sizeof why - l, "; not sampled either (--monitor samples it)");
		}
	}
	if (!any_run)
		return 0;
	if (tach_kvlist_set(&out->meta.context, "tree_peak_memory_method", method) ||
	    (why[0] && tach_kvlist_set(&out->meta.context, "tree_peak_memory_why", why)))
		return TACH_ENOMEM;
	return 0;
}

static int record(const tach_runner *r, tach_result *out)
{
	tach_peak_method method = TACH_PEAK_NONE;
	int any_run = 0, all_cgroup = 1, any_sampled = 0;
	size_t *tree_at = NULL; /* per run: its tree_peak_memory sample, or SIZE_MAX */
	int rc = 0;
	for (size_t i = 0; i < r->nb; i++) {
		const bench *b = &r->b[i];
		tach_benchmark *tb = tach_result_add_benchmark(out, b->name);
		if (!tb || tach_benchmark_set_source(tb, TACH_SOURCE_COMMAND, "tach", b->text))
			return TACH_ENOMEM;
		if (tach_kvlist_copy(&tb->params, &b->params))
			return TACH_ENOMEM;
		int any_timeout = 0;
		for (size_t k = 0; k < b->n; k++)
			any_timeout |= b->runs[k].state == TACH_RUN_TIMED_OUT;
		/* the whole tree's simultaneous peak, where some run has one */
		int want_tree = b->pooled && b->whole.tree_method != TACH_PEAK_NONE;
		for (size_t k = 0; !b->pooled && k < b->n; k++)
			want_tree |= b->runs[k].tree_method != TACH_PEAK_NONE;
		tach_metric *m[6] = {
			tach_benchmark_add_metric(tb, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER),
			tach_benchmark_add_metric(tb, TACH_M_USER_TIME, "s", TACH_LOWER_IS_BETTER),
			tach_benchmark_add_metric(tb, TACH_M_SYSTEM_TIME, "s", TACH_LOWER_IS_BETTER),
			tach_benchmark_add_metric(tb, TACH_M_PEAK_RSS, "B", TACH_LOWER_IS_BETTER),
			NULL,
			NULL,
		};
		tach_metric *tree = want_tree ? tach_benchmark_add_metric(tb, TACH_M_TREE_PEAK_MEMORY,
		                                                          "B", TACH_LOWER_IS_BETTER)
		                              : NULL;
		m[4] = tach_benchmark_add_metric(tb, "exit_code", "count", TACH_LOWER_IS_BETTER);
		m[5] =
			any_timeout ? tach_benchmark_add_metric(tb, "timed_out", "count",
			                                        TACH_LOWER_IS_BETTER)
			            : NULL;
		for (int q = 0; q < 5; q++)
			if (!m[q])
				goto nomem;
		if ((any_timeout && !m[5]) || (want_tree && !tree))
			goto nomem;
		free(tree_at);
		if (!(tree_at = malloc((b->n ? b->n : 1) * sizeof *tree_at)))
			goto nomem;
		any_run |= b->n > 0;
		for (size_t k = 0; k < b->n; k++) {
			const tach_run_sample *s = &b->runs[k];
			int code = s->state == TACH_RUN_EXITED ? s->exit_code
			           : s->signal                ? 128 + s->signal
			                                      : 0;
			if (tach_metric_add_sample(m[0], s->wall) ||
			    tach_metric_add_sample(m[1], s->user) ||
			    tach_metric_add_sample(m[2], s->system) ||
			    (!b->pooled && tach_metric_add_sample(m[3], (double)s->peak_rss)) ||
			    tach_metric_add_sample(m[4], code) ||
			    (m[5] && tach_metric_add_sample(m[5], s->state == TACH_RUN_TIMED_OUT)))
				goto nomem;
			if (s->peak_method > method)
				method = s->peak_method;
			tree_at[k] = SIZE_MAX;
			if (b->pooled)
				continue;
			if (s->tree_method != TACH_PEAK_NONE) {
				if (tach_metric_add_sample(tree, (double)s->tree_peak))
					goto nomem;
				tree_at[k] = tree->n_samples - 1;
			}
			all_cgroup &= s->tree_method == TACH_PEAK_CGROUP;
			any_sampled |= s->tree_method == TACH_PEAK_SAMPLED;
		}
		/* monitored runs: the series of tree RSS and CPU %, per run */
		tach_metric *cpu = NULL;
		for (size_t q = 0; q < b->n; q++) {
			tach_monitor *mon = b->runs[q].monitor;
			if (!mon)
				continue;
			if (!cpu && !(cpu = tach_benchmark_add_metric(tb, TACH_M_CPU_PERCENT, "%",
			                                              TACH_LOWER_IS_BETTER)))
				goto nomem;
			/* the run's CPU % from its reaped tree's rusage: exact
			 * even for a run shorter than one interval; the series
			 * keeps the sampled shape */
			const tach_run_sample *rs = &b->runs[q];
			tach_monitor_totals tot = {rs->user + rs->system, rs->wall,
			                           TACH_MONITOR_CPU_RUSAGE, 0};
			if (rs->wall > 0)
				tach_monitor_set_totals(mon, &tot);
			tach_monitor_summary sum;
			tach_monitor_stop(mon, &sum);
			/* a series names its sample by index within its metric:
			 * the run's tree_peak_memory sample for the tree RSS, the
			 * sample just added for cpu_percent (runs that ended before
			 * sampling began have none) */
			/* a pool has one peak for all copies: the copies' memory
			 * series would have no sample of their own to belong to */
			if (tach_metric_add_sample(cpu, sum.avg_cpu_percent) ||
			    (!b->pooled && tree && tree_at[q] != SIZE_MAX &&
			     tach_monitor_series(mon, tree, NULL, tree_at[q])) ||
			    tach_monitor_series(mon, NULL, cpu, cpu->n_samples - 1))
				goto nomem;
		}
		size_t k = r->o.counters ? tach_counters_count(r->o.counters) : 0;
		for (size_t c = 0; b->ctr && c < k && c < 32; c++) {
			if (!tach_counters_available(r->o.counters, c))
				continue;
			tach_metric *cm = tach_benchmark_add_metric(tb, tach_counters_metric(r->o.counters, c),
			                                            tach_counters_unit(r->o.counters, c),
			                                            TACH_LOWER_IS_BETTER);
			if (!cm)
				goto nomem;
			for (size_t q = 0; q < b->n; q++) {
				double v = b->ctr[q * k + c];
				if (!isnan(v) && tach_metric_add_sample(cm, v))
					goto nomem;
			}
		}
		if (b->pooled) {
			/* the pool as a whole: its peak, and runs per second */
			tach_metric *rps = tach_benchmark_metric(tb, "runs_per_second");
			if (!rps)
				rps = tach_benchmark_add_metric(tb, "runs_per_second", "/s",
				                                TACH_HIGHER_IS_BETTER);
			char c[32];
			snprintf(c, sizeof c, "%zu", r->o.concurrency);
			if (!rps || tach_metric_add_sample(m[3], (double)b->whole.peak_rss) ||
			    (tree && tach_metric_add_sample(tree, (double)b->whole.tree_peak)) ||
			    (b->whole.wall > 0 &&
			     tach_metric_add_sample(rps, (double)b->n / b->whole.wall)) ||
			    tach_kvlist_set(&tb->params, "concurrency", c))
				goto nomem;
			if (b->whole.peak_method > method)
				method = b->whole.peak_method;
			all_cgroup &= b->whole.tree_method == TACH_PEAK_CGROUP;
		}
	}
	if (method != TACH_PEAK_NONE &&
	    tach_kvlist_set(&out->meta.context, "peak_rss_method", tach_peak_method_name(method)))
		goto nomem;
	if (r->o.exec.cpus) {
		char cpus[4096];
		tach_cpus_format(r->o.exec.cpus, cpus, sizeof cpus);
		if (tach_kvlist_set(&out->meta.context, "cpus", cpus))
			goto nomem;
	}
	rc = record_tree_method(r, out, any_run, all_cgroup, any_sampled);
	free(tree_at);
	return rc;
nomem:
	free(tree_at);
	return TACH_ENOMEM;
}

int tach_runner_run(tach_runner *r, tach_result *out, tach_error *err)
{
	int rc = 0;
	size_t first_runs = r->o.runs || r->o.duration > 0 ? 0 : 1;
	r->total = r->nb * (r->o.runs ? r->o.runs : r->o.min_runs);
	if (r->o.concurrency > 1) {
		for (size_t i = 0; !rc && i < r->nb && !stopped(r); i++)
			rc = helper(r, r->b[i].setup, "setup", &r->b[i], err);
		if (!rc)
			rc = run_pools(r, err);
		goto finish;
	}
	/* setup and warmups */
	for (size_t i = 0; !rc && i < r->nb && !stopped(r); i++) {
		rc = helper(r, r->b[i].setup, "setup", &r->b[i], err);
		for (size_t w = 0; !rc && w < r->o.warmup && !stopped(r); w++)
			rc = one_run(r, i, 0, err);
	}
	/* automatic count: one timed run each to learn how long a run takes */
	for (size_t i = 0; !rc && first_runs && i < r->nb && !stopped(r); i++)
		rc = one_run(r, i, 1, err);
	if (!rc && !stopped(r))
		rc = r->o.duration > 0 ? run_duration(r, err) : run_counted(r, err);
finish:
	/* conclude whatever was set up, even after a failure or a stop */
	for (size_t i = 0; i < r->nb; i++) {
		tach_error e2;
		int c = conclude(r, i, rc ? &e2 : err);
		if (!rc)
			rc = c;
	}
	int rec = record(r, out);
	return rc ? rc : rec;
}
