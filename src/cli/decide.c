/* decide.c - the decision options, gate config loading and target output
 * shared by `tach compare` and `tach gate`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "cli/decide.h"
#include "cli/input.h"

enum { SET_ALPHA = 1, SET_MIN_EFFECT = 2, SET_MAX_REGRESSION = 4 };

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
		if (rc || tach_gate_check_stability(d->config, cand, c, &k->targets))
			return cli_error("out of memory");
	}
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

static void verdict_word(FILE *f, int passed, int required, int color)
{
	const char *word = passed ? "pass" : required ? "FAIL" : "warn";
	const char *col = passed ? "\x1b[32m" : required ? "\x1b[31m" : "\x1b[33m";
	fprintf(f, "%s%s%s  ", color ? col : "", word, color ? "\x1b[0m" : "");
}

/* A max-cv line: the metric's candidate CV (NaN: unknown) against the
 * limit, then the benchmark. */
static void cv_line(FILE *f, const char *metric, double cv, double limit, int passed,
                    int required, const char *name, int color)
{
	verdict_word(f, passed, required, color);
	/* the metric and the name come from a results file */
	tach_text_write(f, metric);
	if (isnan(cv))
		fprintf(f, " CV unknown (fewer than 2 samples), max-cv %g%%  ", limit * 100);
	else
		fprintf(f, " CV %.2f%% %s max-cv %g%%  ", cv * 100, passed ? "within" : "above",
		        limit * 100);
	tach_text_write(f, name);
	fputc('\n', f);
}

static void print_targets(FILE *f, const tach_gate_checks *t, int color)
{
	for (size_t i = 0; i < t->n; i++) {
		const tach_gate_check *c = &t->items[i];
		if (c->kind == TACH_CHECK_MAX_CV) {
			if (!c->passed) /* one line per metric that passes would drown the list */
				cv_line(f, c->metric, c->actual, c->limit, 0, c->required, c->bench->name,
				        color);
			continue;
		}
		verdict_word(f, c->passed, c->required, color);
		if (c->bench) {
			char num[64];
			const tach_metric *m = tach_benchmark_metric(c->bench, c->metric);
			tach_scale sc = tach_scale_for(m ? m->unit : "count", c->actual, 0);
			if (isnan(c->actual))
				snprintf(num, sizeof num, "no samples");
			else
				tach_format_scaled(num, sizeof num, c->actual, sc);
			/* the target and pattern come from tach.conf, the unit and
			 * name from a results file */
			char target[256], unit[64];
			fprintf(f, "%s  (median %s%s%s%s)  ", cli_text(target, sizeof target, c->target),
			        num, isnan(c->actual) ? "" : " ", sc.prefix,
			        isnan(c->actual) ? "" : cli_text(unit, sizeof unit, sc.unit));
			tach_text_write(f, c->bench->name);
		} else {
			char target[256];
			fprintf(f, "%s  (no benchmark matched%s", cli_text(target, sizeof target, c->target),
			        c->pattern ? " " : "");
			if (c->pattern)
				tach_text_write(f, c->pattern);
			fputc(')', f);
		}
		fputc('\n', f);
	}
}

void cli_decide_print_checks(FILE *f, const cli_checks *k, const char *cand_path, int color)
{
	if (k->empty) {
		char path[256];
		verdict_word(f, 0, 1, color);
		fprintf(f, "the candidate has no benchmarks  %s\n", cli_text(path, sizeof path, cand_path));
	}
	print_targets(f, &k->targets, color);
	for (size_t i = 0; i < k->n_gone; i++) {
		const cli_gone *g = &k->gone[i];
		char pattern[256], conf[256];
		verdict_word(f, 0, g->required, color);
		/* the pattern and file name come from the config, the name from
		 * a results file */
		fprintf(f, "gone, named by [bench \"%s\"] at %s:%u  ",
		        cli_text(pattern, sizeof pattern, g->pattern),
		        cli_text(conf, sizeof conf, g->file), g->line);
		tach_text_write(f, g->bench->name);
		fputc('\n', f);
	}
}

size_t cli_decide_print_rules(FILE *f, const tach_comparison *c, int passes, int color)
{
	size_t lines = 0;
	for (size_t i = 0; c && i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		if (!r->metric || (r->flags & TACH_ROW_ERROR))
			continue;
		int bad = (r->gate_why & TACH_GATE_IMPROVEMENT) != 0;
		if (r->rule.min_improvement > 0 && (bad || passes)) {
			double shown = tach_compare_row_improvement(r);
			verdict_word(f, !bad, r->rule.required, color);
			tach_text_write(f, r->metric);
			if (isnan(shown))
				fputs(r->flags & TACH_ROW_SINGLE
				          ? " improvement not shown (one sample on a side: no interval)"
				          : " improvement not shown (no confidence interval for this row)",
				      f);
			else if (r->flags & (TACH_ROW_DETERMINISTIC | TACH_ROW_ZERO))
				fprintf(f, " improved by %.2f%% (exact)", shown * 100);
			else if (shown > 0)
				fprintf(f, " improved by at least %.2f%% (the %g%% interval's worse end; "
				        "estimate %.2f%%)", shown * 100, (1 - 2 * r->rule.alpha) * 100,
				        -tach_compare_row_worsening(r) * 100);
			else /* the interval reaches no change or worse: no improvement shown */
			{
				double w = tach_compare_row_worsening(r);
				fprintf(f, " improvement not shown (the %g%% interval's worse end is %.2f%% "
				        "worse; estimate %.2f%% %s)", (1 - 2 * r->rule.alpha) * 100,
				        -shown * 100, fabs(w) * 100, w > 0 ? "worse" : "better");
			}
			fprintf(f, ", %s min-improvement %g%%  ", bad ? "short of" : "meets",
			        r->rule.min_improvement * 100);
			tach_text_write(f, r->name);
			fputc('\n', f);
			lines++;
		}
		if (r->gate_why & TACH_GATE_CV) {
			cv_line(f, r->metric, r->n_cand >= 2 ? r->cv_cand : NAN, r->rule.max_cv, 0,
			        r->rule.required, r->name, color);
			lines++;
		}
	}
	return lines;
}

size_t cli_decide_rule_failures(const tach_comparison *c)
{
	size_t n = 0;
	for (size_t i = 0; c && i < c->n_rows; i++)
		n += (c->rows[i].gate_why & (TACH_GATE_IMPROVEMENT | TACH_GATE_CV)) != 0;
	return n;
}
