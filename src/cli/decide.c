/* decide.c - the decision options, gate config loading and target output
 * shared by `tach compare` and `tach gate`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "cli/decide.h"

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
	}
	return 0;
}

/* The config's rule, then the command line's values over it. */
static void rule_for(void *ctx, const tach_benchmark *b, const char *metric,
                     tach_compare_rule *rule)
{
	const cli_decide *d = ctx;
	if (d->config)
		tach_gate_config_rule(d->config, b, metric, rule);
	if (d->set & SET_ALPHA)
		rule->alpha = d->flags.alpha;
	if (d->set & SET_MIN_EFFECT)
		rule->min_effect = d->flags.min_effect;
	if (d->set & SET_MAX_REGRESSION)
		rule->max_regression = d->flags.max_regression;
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
			fprintf(stderr, "%s\n", msg);
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
			fprintf(f, "%s  (median %s%s%s%s)  ", c->target, num,
			        isnan(c->actual) ? "" : " ", sc.prefix, isnan(c->actual) ? "" : sc.unit);
			for (const unsigned char *s = (const unsigned char *)c->bench->name; *s; s++)
				fputc(*s < 0x20 || *s == 0x7f ? '?' : *s, f);
		} else {
			fprintf(f, "%s  (no benchmark matched%s%s)", c->target,
			        c->pattern ? " " : "", c->pattern ? c->pattern : "");
		}
		fputc('\n', f);
	}
}
