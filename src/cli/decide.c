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

int cli_decide_option(cli_decide *d, int id, const char *spelled, const char *value)
{
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
	case DECIDE_NOISE_RUNS: {
		char *end;
		long n = strtol(value, &end, 10);
		if (*end || n < 3 || n > 1000)
			return cli_bad_value(spelled, value, "a number of runs from 3 to 1000"), -1;
		d->noise_runs = (size_t)n;
		return 1;
	}
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

void cli_decide_release(cli_decide *d)
{
	tach_gate_config_free(d->config);
	d->config = NULL;
	if (d->store)
		tach_store_close(d->store);
	d->store = NULL;
}

void cli_decide_print_targets(FILE *f, const tach_gate_checks *t, int color)
{
	for (size_t i = 0; i < t->n; i++) {
		const tach_gate_check *c = &t->items[i];
		const char *word = c->passed ? "pass" : c->required ? "FAIL" : "warn";
		const char *col = c->passed ? "\x1b[32m" : c->required ? "\x1b[31m" : "\x1b[33m";
		fprintf(f, "%s%s%s  ", color ? col : "", word, color ? "\x1b[0m" : "");
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
