/* decide.c - the decision options, gate config loading and target output
 * shared by `tach compare` and `tach gate`. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "cli/decide.h"
#include "cli/input.h"

enum {
	SET_ALPHA = 1, SET_MIN_EFFECT = 2, SET_MAX_REGRESSION = 4, SET_MIN_IMPROVEMENT = 8,
	SET_MAX_CV = 16
};

static int fraction(const char *v, double *out)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || !isfinite(d) || d < 0)
		return -1;
	if (!strcmp(end, "%"))
		d /= 100;
	else if (*end || d > 1)
		return -1;
	*out = d;
	return 0;
}

int cli_decide_has_rules(const cli_decide *d)
{
	return d->config || (d->set & SET_MAX_CV);
}

int cli_decide_option(cli_decide *d, const cli_item *it)
{
	const char *spelled = it->spelled, *value = it->value;
	int id = it->id;
	double v;
	switch (id) {
	case DECIDE_ALPHA:
		if (fraction(value, &v) || !(v > 0 && v < 0.5))
			return cli_bad_value(spelled, value, "a level above 0 and below 0.5, e.g. 0.01"), -1;
		d->flags.alpha = v, d->set |= SET_ALPHA;
		return 1;
	case DECIDE_MIN_EFFECT:
	case DECIDE_MAX_REGRESSION:
		if (fraction(value, &v))
			return cli_bad_value(spelled, value, "a percentage such as 2% (or a fraction 0.02)"),
			       -1;
		if (id == DECIDE_MIN_EFFECT)
			d->flags.min_effect = v, d->set |= SET_MIN_EFFECT;
		else
			d->flags.max_regression = v, d->set |= SET_MAX_REGRESSION;
		return 1;
	case DECIDE_MIN_IMPROVEMENT:
		/* as tach.conf's key: 100 % better would be a time of zero */
		if (fraction(value, &v) || !(v < 1))
			return cli_bad_value(spelled, value, "a percentage below 100% such as 50% "
			                     "(50% halves the time)"), -1;
		d->flags.min_improvement = v, d->set |= SET_MIN_IMPROVEMENT;
		return 1;
	case DECIDE_MAX_CV:
		/* a CV may exceed 1: "150%" is accepted, a bare 1.5 is not */
		if (fraction(value, &v))
			return cli_bad_value(spelled, value, "a percentage such as 10% (or a fraction 0.1)"),
			       -1;
		d->flags.max_cv = v, d->set |= SET_MAX_CV;
		return 1;
	case DECIDE_METRIC:
		if (d->n_metrics + 1 >= sizeof d->metrics / sizeof *d->metrics)
			return cli_bad_value(spelled, value, "at most 32 metrics"), -1;
		d->metrics[d->n_metrics++] = value;
		return 1;
	case DECIDE_WARN_ONLY:
		d->warn_only = 1;
		return 1;
	case DECIDE_NOISE_RUNS:
		d->noise_runs = (size_t)it->count;
		return 1;
	}
	return 0;
}

/* --noise-runs: runs taken at different times differ by the machine's
 * offset between runs, which the samples of one run cannot show; the
 * largest change between consecutive runs of this metric in its recent
 * history, with half again as margin (in log terms), is a change it
 * shows without any cause.  Needs at least 3 runs (2 changes). */
static double history_noise(cli_decide *d, const tach_benchmark *b, const char *metric)
{
	if (!d->store) {
		tach_error err;
		if (tach_store_open_readonly(cli_db, &d->store, &err)) {
			d->noise_runs = 0; /* said once, then compared without */
			cli_warn("--noise-runs: %s", err.message);
			return 0;
		}
	}
	tach_history_point *pts = NULL;
	size_t n = 0;
	tach_error err;
	if (tach_store_series(d->store, b->name, &b->params, metric, NULL, &pts, &n, &err)) {
		d->noise_runs = 0; /* a store that cannot be read: said once, as above */
		cli_warn("--noise-runs: %s", err.message);
		return 0;
	}
	/* the runs before the candidate, newest noise_runs of them */
	size_t end = n;
	while (end > 0 && d->before && pts[end - 1].timestamp &&
	       strcmp(pts[end - 1].timestamp, d->before) >= 0)
		end--;
	size_t start = end > d->noise_runs ? end - d->noise_runs : 0;
	double worst = 0;
	size_t changes = 0;
	for (size_t i = start + 1; i < end; i++) {
		double a = pts[i - 1].median, c = pts[i].median;
		if (a > 0 && c > 0) {
			worst = fmax(worst, fabs(log(c / a)));
			changes++;
		}
	}
	tach_history_points_free(pts, n);
	return changes >= 2 ? expm1(1.5 * worst) : 0;
}

/* The config's rule, then the command line's values over it, then the
 * history's noise as a floor of the minimum effect. */
static void rule_for(void *ctx, const tach_benchmark *b, const char *metric,
                     tach_compare_rule *rule)
{
	cli_decide *d = ctx;
	if (d->config)
		tach_gate_config_rule(d->config, b, metric, rule);
	if (d->set & SET_ALPHA)
		rule->alpha = d->flags.alpha;
	if (d->set & SET_MIN_EFFECT)
		rule->min_effect = d->flags.min_effect;
	if (d->set & SET_MAX_REGRESSION)
		rule->max_regression = d->flags.max_regression;
	if (d->set & SET_MIN_IMPROVEMENT)
		rule->min_improvement = d->flags.min_improvement;
	if (d->set & SET_MAX_CV)
		rule->max_cv = d->flags.max_cv;
	if (d->noise_runs && b && metric && !rule->ignore) {
		double noise = history_noise(d, b, metric);
		if (noise > rule->min_effect) {
			rule->min_effect = noise;
			d->n_sized++;
		}
	}
}

void cli_decide_candidate(cli_decide *d, const tach_result *cand)
{
	d->before = cand ? cand->meta.timestamp : NULL;
}

int cli_decide_finish(cli_decide *d, const char *config_path, int no_config)
{
	if (!config_path && !no_config && access("tach.conf", R_OK) == 0)
		config_path = "tach.conf";
	if (config_path) {
		tach_error err;
		if (tach_gate_config_load(config_path, &d->config, &err)) {
			char msg[600];
			tach_error_format(&err, msg, sizeof msg);
			cli_error_placed("%s", msg);
			return EXIT_USAGE;
		}
	}
	d->opts.rule = tach_compare_rule_default();
	d->opts.rule_for = rule_for;
	d->opts.ctx = d;
	d->metrics[d->n_metrics] = NULL;
	d->opts.metrics = d->n_metrics ? d->metrics : NULL;
	return 0;
}

int cli_decide_distinct(const tach_result *r, const char *path)
{
	size_t a, b;
	int rc = tach_result_duplicate(r, &a, &b);
	if (rc < 0)
		return cli_error("out of memory");
	if (!rc)
		return 0;
	/* the parameters as name=value, so the two copies can be found */
	char params[512] = "";
	size_t len = 0;
	const tach_kvlist *p = &r->benchmarks[a]->params;
	for (size_t i = 0; i < p->n && len < sizeof params; i++)
		len += (size_t)snprintf(params + len, sizeof params - len, "%s%s=%s", i ? ", " : " (",
		                        p->items[i].key, p->items[i].value);
	if (p->n && len < sizeof params - 1)
		snprintf(params + len, sizeof params - len, ")");
	return cli_error_placed("%s: benchmarks %zu and %zu are both '%s'%s: a comparison cannot "
	                        "tell them apart (give them different names or parameters)",
	                        path, a + 1, b + 1, r->benchmarks[a]->name, params);
}

int cli_decide_machines(const tach_result *base, const tach_result *cand, const char *bn,
                        const char *cn)
{
	const tach_meta *b = &base->meta, *c = &cand->meta;
	if (!tach_meta_testbed_differs(b, c))
		return 0;
	char tb[TACH_TESTBED_MAX + 1], tc[TACH_TESTBED_MAX + 1], fb[32], fc[32], why[600] = "";
	tach_meta_testbed(b, tb, sizeof tb);
	tach_meta_testbed(c, tc, sizeof tc);
	/* the first fact known on both sides that differs, named */
	const char *what = NULL, *vb = NULL, *vc = NULL;
	if (b->hostname && c->hostname && strcmp(b->hostname, c->hostname))
		what = "host", vb = b->hostname, vc = c->hostname;
	else if (b->cpu_model && c->cpu_model && strcmp(b->cpu_model, c->cpu_model))
		what = "CPU", vb = b->cpu_model, vc = c->cpu_model;
	else if (b->cpu_count > 0 && c->cpu_count > 0 && b->cpu_count != c->cpu_count) {
		snprintf(fb, sizeof fb, "%d", b->cpu_count);
		snprintf(fc, sizeof fc, "%d", c->cpu_count);
		what = "cores", vb = fb, vc = fc;
	}
	if (what)
		snprintf(why, sizeof why, " (%s '%s' and '%s')", what, vb, vc);
	cli_warn("%s and %s were measured on different machines%s, testbeds '%s' and '%s': a "
	         "change between them may be the machines', not the code's; compare runs "
	         "from one testbed, or measure both now with 'tach compare --run'",
	         bn, cn, why, tb, tc);
	return 1;
}

void cli_decide_release(cli_decide *d)
{
	tach_gate_config_free(d->config);
	d->config = NULL;
	if (d->store)
		tach_store_close(d->store);
	d->store = NULL;
}

int cli_decide_checks(const cli_decide *d, const tach_comparison *c, const tach_result *cand,
                      cli_checks *k)
{
	memset(k, 0, sizeof *k);
	if (d->config) {
		tach_error err = {0};
		int rc = tach_gate_check_targets(d->config, cand, &k->targets, &err);
		if (rc == TACH_EFORMAT) {
			char msg[600];
			tach_error_format(&err, msg, sizeof msg);
			return cli_error_placed("%s", msg);
		}
		if (rc)
			return cli_error("out of memory");
	}
	/* max-cv of tach.conf or --max-cv, by the rules the comparison used */
	if ((d->config || (d->set & SET_MAX_CV)) &&
	    tach_gate_check_stability_opts(&d->opts, cand, c, &k->targets))
		return cli_error("out of memory");
	k->empty = cand->n_benchmarks == 0;
	for (size_t i = 0; c && d->config && i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		cli_gone g = {.bench = r->base, .file = tach_gate_config_name(d->config)};
		if (r->verdict != TACH_GONE ||
		    !tach_gate_config_names(d->config, r->base, &g.pattern, &g.line))
			continue;
		tach_compare_rule rule = tach_compare_rule_default();
		tach_gate_config_rule(d->config, r->base, NULL, &rule);
		if (rule.ignore)
			continue;
		g.required = rule.required;
		cli_gone *more = realloc(k->gone, (k->n_gone + 1) * sizeof *more);
		if (!more)
			return cli_error("out of memory");
		k->gone = more;
		k->gone[k->n_gone++] = g;
	}
	k->n = k->targets.n + k->n_gone + (size_t)k->empty;
	k->n_failed = k->targets.n_failed + (size_t)k->empty;
	k->n_warned = k->targets.n_warned;
	for (size_t i = 0; i < k->n_gone; i++) {
		k->n_failed += k->gone[i].required;
		k->n_warned += !k->gone[i].required;
	}
	return 0;
}

void cli_decide_checks_release(cli_checks *k)
{
	tach_gate_checks_release(&k->targets);
	free(k->gone);
	memset(k, 0, sizeof *k);
}

/* ---- the check lines ---- */

void cli_check_emit(cli_check_out *o, tach_check_outcome outcome, const char *kind,
                    const char *name, const char *metric, const char *fmt, ...)
{
	char *reason = NULL;
	va_list ap;
	va_start(ap, fmt);
	int len = vasprintf(&reason, fmt, ap);
	va_end(ap);
	if (len < 0) {
		o->oom = 1;
		return;
	}
	if (o->f) {
		static const char *const word[] = {"pass", "FAIL", "warn"};
		static const char *const col[] = {"\x1b[32m", "\x1b[31m", "\x1b[33m"};
		fprintf(o->f, "%s%s%s  ", o->color ? col[outcome] : "", word[outcome],
		        o->color ? "\x1b[0m" : "");
		/* the metric, a target and a unit in it, and the name come from
		 * results files and tach.conf */
		tach_text_write(o->f, reason);
		if (name) {
			fputs("  ", o->f);
			tach_text_write(o->f, name);
		}
		fputc('\n', o->f);
		free(reason);
		return;
	}
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 16;
		tach_check *more = realloc(o->v, cap * sizeof *more);
		if (!more) {
			o->oom = 1;
			free(reason);
			return;
		}
		o->v = more;
		o->cap = cap;
	}
	o->v[o->n++] = (tach_check){.outcome = outcome, .line = reason, .kind = kind, .name = name,
	                            .metric = metric, .reason = reason};
}

void cli_check_out_release(cli_check_out *o)
{
	for (size_t i = 0; i < o->n; i++)
		free((char *)o->v[i].reason);
	free(o->v);
	o->v = NULL;
	o->n = o->cap = 0;
}

static tach_check_outcome outcome_of(int passed, int required)
{
	return passed ? TACH_CHECK_PASS : required ? TACH_CHECK_FAIL : TACH_CHECK_WARN;
}

/* A max-cv line: the metric's candidate CV (NaN: unknown) against the
 * limit, then the benchmark. */
static void cv_line(cli_check_out *o, const char *metric, double cv, double limit, int passed,
                    int required, const char *name)
{
	if (isnan(cv))
		cli_check_emit(o, outcome_of(passed, required), "max-cv", name, metric,
		               "%s CV unknown (fewer than 2 samples), max-cv %g%%", metric, limit * 100);
	else
		cli_check_emit(o, outcome_of(passed, required), "max-cv", name, metric,
		               "%s CV %.2f%% %s max-cv %g%%", metric, cv * 100,
		               passed ? "within" : "above", limit * 100);
}

static void print_targets(cli_check_out *o, const tach_gate_checks *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const tach_gate_check *c = &t->items[i];
		if (c->kind == TACH_CHECK_MAX_CV) {
			if (!c->passed) /* one line per metric that passes would drown the list */
				cv_line(o, c->metric, c->actual, c->limit, 0, c->required, c->bench->name);
			continue;
		}
		tach_check_outcome oc = outcome_of(c->passed, c->required);
		if (c->bench) {
			char num[64];
			const tach_metric *m = tach_benchmark_metric(c->bench, c->metric);
			tach_scale sc = tach_scale_for(m ? m->unit : "count", c->actual, 0);
			if (isnan(c->actual))
				snprintf(num, sizeof num, "no samples");
			else
				tach_format_scaled(num, sizeof num, c->actual, sc);
			cli_check_emit(o, oc, "target", c->bench->name, c->metric, "%s  (median %s%s%s%s)",
			               c->target, num, isnan(c->actual) ? "" : " ", sc.prefix,
			               isnan(c->actual) ? "" : sc.unit);
		} else {
			cli_check_emit(o, oc, "target", NULL, c->metric, "%s  (no benchmark matched%s%s)",
			               c->target, c->pattern ? " " : "", c->pattern ? c->pattern : "");
		}
	}
}

void cli_decide_emit_checks(cli_check_out *o, const cli_checks *k, const char *cand_path)
{
	if (k->empty)
		cli_check_emit(o, TACH_CHECK_FAIL, "empty", cand_path, NULL,
		               "the candidate has no benchmarks");
	print_targets(o, &k->targets);
	for (size_t i = 0; i < k->n_gone; i++) {
		const cli_gone *g = &k->gone[i];
		cli_check_emit(o, outcome_of(0, g->required), "gone", g->bench->name, NULL,
		               "gone, named by [bench \"%s\"] at %s:%u", g->pattern, g->file, g->line);
	}
}

void cli_decide_print_checks(FILE *f, const cli_checks *k, const char *cand_path, int color)
{
	cli_check_out o = {.f = f, .color = color};
	cli_decide_emit_checks(&o, k, cand_path);
}

/* A min-improvement line's reason, by what the row's interval shows. */
static void improvement_line(cli_check_out *o, const tach_compare_row *r, int bad)
{
	double shown = tach_compare_row_improvement(r), level = (1 - 2 * r->rule.alpha) * 100;
	char what[256];
	if (isnan(shown))
		snprintf(what, sizeof what, "%s", r->flags & TACH_ROW_SINGLE
		         ? "improvement not shown (one sample on a side: no interval)"
		         : "improvement not shown (no confidence interval for this row)");
	else if (r->flags & (TACH_ROW_DETERMINISTIC | TACH_ROW_ZERO))
		/* "-0.00 %" reads as a number gone wrong: say what it is */
		snprintf(what, sizeof what, shown > 0 ? "improved by %.2f%% (exact)"
		                            : shown < 0 ? "got worse by %.2f%% (exact)"
		                                        : "unchanged (exact)",
		         fabs(shown) * 100);
	else if (shown > 0)
		snprintf(what, sizeof what, "improved by at least %.2f%% (the %g%% interval's worse "
		         "end; estimate %.2f%%)", shown * 100, level,
		         -tach_compare_row_worsening(r) * 100);
	else { /* the interval reaches no change or worse: no improvement shown */
		double w = tach_compare_row_worsening(r);
		snprintf(what, sizeof what, "improvement not shown (the %g%% interval's worse end is "
		         "%.2f%% worse; estimate %.2f%% %s)", level, -shown * 100, fabs(w) * 100,
		         w > 0 ? "worse" : "better");
	}
	cli_check_emit(o, outcome_of(!bad, r->rule.required), "min-improvement", r->name, r->metric,
	               "%s %s, %s min-improvement %g%%", r->metric, what,
	               bad ? "short of" : "meets", r->rule.min_improvement * 100);
}

size_t cli_decide_emit_rules(cli_check_out *o, const tach_comparison *c, int passes)
{
	size_t lines = 0;
	for (size_t i = 0; c && i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		if (!r->metric || (r->flags & TACH_ROW_ERROR))
			continue;
		int bad = (r->gate_why & TACH_GATE_IMPROVEMENT) != 0;
		if (r->rule.min_improvement > 0 && (bad || passes)) {
			improvement_line(o, r, bad);
			lines++;
		}
		if (r->gate_why & TACH_GATE_CV) {
			cv_line(o, r->metric, r->n_cand >= 2 ? r->cv_cand : NAN, r->rule.max_cv, 0,
			        r->rule.required, r->name);
			lines++;
		}
	}
	return lines;
}

size_t cli_decide_print_rules(FILE *f, const tach_comparison *c, int passes, int color)
{
	cli_check_out o = {.f = f, .color = color};
	return cli_decide_emit_rules(&o, c, passes);
}

size_t cli_decide_rule_failures(const tach_comparison *c)
{
	size_t n = 0;
	for (size_t i = 0; c && i < c->n_rows; i++)
		n += (c->rows[i].gate_why & (TACH_GATE_IMPROVEMENT | TACH_GATE_CV)) != 0;
	return n;
}
