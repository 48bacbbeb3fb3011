/* config.c - the gate config file (tach.conf), parsed by hand.
 *
 * Why not a library: Debian's libinih reads INI, but gives no column for
 * an error, treats `[bench "BM_*"]` subsections as opaque text and has no
 * notion of repeated keys beyond a callback; the whole grammar here is a
 * line-oriented git-config subset of a hundred lines, and errors must
 * point at file:line:column like every other input tach reads.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/gate.h"
#include "tach/stats.h"
#include "tach/units.h"
#include "util/util.h"

enum {
	SET_ALPHA = 1u << 0,
	SET_MIN_EFFECT = 1u << 1,
	SET_MAX_REGRESSION = 1u << 2,
	SET_THRESHOLD = 1u << 3,
	SET_REQUIRED = 1u << 4,
	SET_IGNORE = 1u << 5,
	SET_MIN_IMPROVEMENT = 1u << 6,
	SET_MAX_CV = 1u << 7,
};

/* What a target's value was written as, to check it against the unit
 * of the metric: "time < 2MB" must not read as 2,000,000 seconds. */
typedef enum quantity {
	Q_PLAIN,    /* a bare number: the metric's own canonical unit */
	Q_MULTIPLE, /* k, M, G, T: a count, a size or a rate, never s or % */
	Q_TIME,     /* ns, us, ms, s, m, h */
	Q_SIZE,     /* B, KiB, MB, ... */
	Q_RATE,     /* /s, k/s, M/s, ... */
	Q_PERCENT,  /* % */
} quantity;

typedef struct target {
	char *text;   /* as written */
	char *metric;
	int op;       /* '<', 'l' (<=), '>', 'g' (>=) */
	double value; /* canonical units */
	quantity kind;
	unsigned line, column; /* of the value in the file, for a late unit error */
} target;

typedef struct section {
	char *pattern; /* benchmark glob, NULL: every benchmark */
	unsigned line; /* of the header */
	char **metrics;
	size_t n_metrics, cap_metrics;
	unsigned set;
	tach_compare_rule rule;
	target *targets;
	size_t n_targets, cap_targets;
} section;

struct tach_gate_config {
	section *sections;
	size_t n, cap;
	char *name; /* the file, for errors found when the config is applied */
};

void tach_gate_config_free(tach_gate_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		section *s = &cfg->sections[i];
		free(s->pattern);
		for (size_t k = 0; k < s->n_metrics; k++)
			free(s->metrics[k]);
		free(s->metrics);
		for (size_t k = 0; k < s->n_targets; k++) {
			free(s->targets[k].text);
			free(s->targets[k].metric);
		}
		free(s->targets);
	}
	free(cfg->sections);
	free(cfg->name);
	free(cfg);
}

/* ---- values ---- */

/* "5%" -> 0.05, "0.05" -> 0.05; a bare number above 1 is refused
 * because "5" is more likely a forgotten % than 500 %. */
static const char *parse_fraction(const char *v, double *out)
{
	char *end;
	double d = tach__strtod(v, &end);
	if (end == v || !isfinite(d) || d < 0)
		return "expected a non-negative number or percentage such as 5%";
	if (!strcmp(end, "%"))
		d /= 100;
	else if (*end)
		return "expected a number or a percentage such as 5%";
	else if (d > 1)
		return "a fraction above 1; write a percentage such as 5%";
	*out = d;
	return NULL;
}

static const char *parse_bool(const char *v, int *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no", "off", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i]))
			return *out = 1, NULL;
		if (!strcasecmp(v, no[i]))
			return *out = 0, NULL;
	}
	return "expected true or false";
}

/* A target's value in canonical units: "2ms" (seconds), "512MiB"
 * (bytes), "50M" or "50M/s" (SI multiples), "80%" (a percentage metric
 * is stored in percent), or a plain number; *kind says which. */
static const char *parse_quantity(const char *v, double *out, quantity *kind)
{
	uint64_t bytes;
	char *end;
	double d = tach__strtod(v, &end);
	if (end == v || !isfinite(d))
		return "expected a value such as 2ms, 512MiB, 50M or 80%";
	if (!*end)
		return *kind = Q_PLAIN, *out = d, NULL;
	if (tach_parse_duration(v, out) == 0)
		return *kind = Q_TIME, NULL;
	if (strchr(v, 'B') && tach_parse_size(v, &bytes) == 0)
		return *kind = Q_SIZE, *out = (double)bytes, NULL;
	static const struct {
		const char *suffix;
		double mult;
		quantity kind;
	} si[] = {{"/s", 1, Q_RATE},         {"%", 1, Q_PERCENT},       {"k", 1e3, Q_MULTIPLE},
	          {"k/s", 1e3, Q_RATE},      {"M", 1e6, Q_MULTIPLE},    {"M/s", 1e6, Q_RATE},
	          {"G", 1e9, Q_MULTIPLE},    {"G/s", 1e9, Q_RATE},      {"T", 1e12, Q_MULTIPLE},
	          {"T/s", 1e12, Q_RATE}};
	for (size_t i = 0; i < sizeof si / sizeof *si; i++)
		if (!strcmp(end, si[i].suffix))
			return *kind = si[i].kind, *out = d * si[i].mult, NULL;
	return "unknown unit suffix; use ns/us/ms/s, B/KiB/MiB/GiB, k/M/G or %";
}

/* NULL when a value written as `kind` can be compared with a metric in
 * canonical `unit`, else what to write instead.  Custom units (a count
 * of "msg", a rate in "msg/s") take plain numbers and SI multiples. */
static const char *unit_mismatch(quantity kind, const char *unit)
{
	size_t len = strlen(unit);
	int is_time = !strcmp(unit, "s"), is_size = !strcmp(unit, "B"), is_pct = !strcmp(unit, "%");
	int is_rate = len >= 2 && !strcmp(unit + len - 2, "/s");
	int fits = kind == Q_PLAIN || (kind == Q_TIME && is_time) || (kind == Q_SIZE && is_size) ||
	           (kind == Q_PERCENT && is_pct) || (kind == Q_RATE && is_rate) ||
	           (kind == Q_MULTIPLE && !is_time && !is_pct);
	if (fits)
		return NULL;
	return is_time ? "a duration such as 2ms"
	       : is_size ? "a size such as 512MiB"
	       : is_pct  ? "a percentage such as 80%"
	       : is_rate ? "a rate such as 50M/s"
	                 : "a plain number or an SI multiple such as 50k";
}

static const char *quantity_name(quantity kind)
{
	static const char *const names[] = {"a number", "an SI multiple", "a duration", "a size",
	                                    "a rate", "a percentage"};
	return names[kind];
}

/* "time < 2ms".  A well-known metric's unit is known now: a value of
 * another kind is an error here (*at: its offset in v, for the column);
 * other metrics are checked against the candidate's unit when the
 * targets are checked. */
static const char *parse_target(const char *v, target *t, size_t *at, char *why, size_t size)
{
	const char *p = v;
	while (*p && (isalnum((unsigned char)*p) || strchr("_.-:/", *p)))
		p++;
	if (p == v)
		return "expected METRIC OP VALUE, e.g. time < 2ms";
	size_t mlen = (size_t)(p - v);
	while (*p == ' ' || *p == '\t')
		p++;
	if (p[0] == '<' || p[0] == '>') {
		t->op = p[1] == '=' ? (p[0] == '<' ? 'l' : 'g') : p[0];
		p += p[1] == '=' ? 2 : 1;
	} else {
		return "expected <, <=, > or >= after the metric";
	}
	while (*p == ' ' || *p == '\t')
		p++;
	*at = (size_t)(p - v);
	const char *bad = parse_quantity(p, &t->value, &t->kind);
	if (bad)
		return bad;
	if (!(t->metric = strndup(v, mlen)) || !(t->text = strdup(v)))
		return "out of memory";
	const char *unit, *want;
	tach_direction dir;
	if (tach_metric_known(t->metric, &unit, &dir) && (want = unit_mismatch(t->kind, unit))) {
		snprintf(why, size, "%s is measured in %s, but '%s' is %s; write %s", t->metric,
		         unit, p, quantity_name(t->kind), want);
		return why;
	}
	return NULL;
}

/* ---- the parser ---- */

typedef struct parser {
	const char *name;
	tach_error *err;
	unsigned line;
} parser;

static int fail(parser *ps, const char *at, const char *line_start, const char *fmt, ...)
{
	if (ps->err) {
		ps->err->file = ps->name;
		ps->err->line = ps->line;
		ps->err->column = (unsigned)(at - line_start) + 1;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ps->err->message, sizeof ps->err->message, fmt, ap);
		va_end(ap);
	}
	return TACH_EFORMAT;
}

static section *new_section(tach_gate_config *cfg)
{
	if (tach__grow((void **)&cfg->sections, &cfg->cap, cfg->n + 1, sizeof *cfg->sections))
		return NULL;
	section *s = &cfg->sections[cfg->n++];
	memset(s, 0, sizeof *s);
	return s;
}

static int add_metric(section *s, const char *m)
{
	char *copy = strdup(m);
	if (!copy || tach__grow((void **)&s->metrics, &s->cap_metrics, s->n_metrics + 1,
	                        sizeof *s->metrics)) {
		free(copy);
		return TACH_ENOMEM;
	}
	s->metrics[s->n_metrics++] = copy;
	return 0;
}

/* `[name "sub"]`: sets *s to a new section.  buf holds the line. */
static int header(parser *ps, tach_gate_config *cfg, char *line, section **s)
{
	char *p = line + 1, *name = p;
	while (isalpha((unsigned char)*p))
		p++;
	size_t nlen = (size_t)(p - name);
	char sub[512];
	size_t sl = 0;
	int has_sub = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '"') {
		has_sub = 1;
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (sl + 1 < sizeof sub)
				sub[sl++] = *p;
		}
		if (*p != '"')
			return fail(ps, p, line, "unterminated quote in section header");
		p++;
	}
	sub[sl] = 0;
	if (*p != ']')
		return fail(ps, p, line, "expected ']' to close the section header");
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	if (*p && *p != '#' && *p != ';')
		return fail(ps, p, line, "unexpected text after the section header");
	int is = 0;
	if (nlen == 7 && !strncmp(name, "compare", 7) && !has_sub)
		is = 1;
	else if (nlen == 6 && !strncmp(name, "metric", 6) && has_sub)
		is = 2;
	else if (nlen == 5 && !strncmp(name, "bench", 5) && has_sub)
		is = 3;
	if (!is)
		return fail(ps, name, line,
		            "unknown section; use [compare], [metric \"NAME\"] or [bench \"PATTERN\"]");
	if (has_sub && !sl)
		return fail(ps, name, line, "empty name in section header");
	if (!(*s = new_section(cfg)))
		return TACH_ENOMEM;
	(*s)->line = ps->line;
	if (is == 2 && add_metric(*s, sub))
		return TACH_ENOMEM;
	if (is == 3 && !((*s)->pattern = strdup(sub)))
		return TACH_ENOMEM;
	return 0;
}

static int entry(parser *ps, section *s, char *line, char *key_at)
{
	char *p = key_at, *key = p;
	while (isalnum((unsigned char)*p) || *p == '-')
		p++;
	size_t klen = (size_t)(p - key);
	while (*p == ' ' || *p == '\t')
		p++;
	if (!klen || *p != '=')
		return fail(ps, p, line, "expected 'key = value'");
	key[klen] = 0;
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	char *val = p;
	/* a quoted value keeps '#'; otherwise '#' or ';' after a space ends it */
	if (*val == '"') {
		char *q = ++val;
		while (*q && *q != '"')
			q++;
		if (*q != '"')
			return fail(ps, q, line, "unterminated quote");
		*q = 0;
	} else {
		for (char *q = val; *q; q++)
			if ((*q == '#' || *q == ';') && q > val && (q[-1] == ' ' || q[-1] == '\t')) {
				*q = 0;
				break;
			}
		size_t n = strlen(val);
		while (n && (val[n - 1] == ' ' || val[n - 1] == '\t'))
			val[--n] = 0;
	}
	if (!s)
		return fail(ps, key, line, "a key before any section; start with [compare]");
	const char *why = NULL;
	double d;
	int b;
	if (!strcmp(key, "alpha")) {
		if (!(why = parse_fraction(val, &d)) && !(d > 0 && d < 0.5))
			why = "alpha must be above 0 and below 0.5";
		s->rule.alpha = d, s->set |= SET_ALPHA;
	} else if (!strcmp(key, "min-effect")) {
		why = parse_fraction(val, &s->rule.min_effect), s->set |= SET_MIN_EFFECT;
	} else if (!strcmp(key, "max-regression")) {
		why = parse_fraction(val, &s->rule.max_regression), s->set |= SET_MAX_REGRESSION;
	} else if (!strcmp(key, "min-improvement")) {
		/* 100 % better would be a time of zero */
		if (!(why = parse_fraction(val, &d)) && !(d < 1))
			why = "an improvement must be below 100% (50% halves the time)";
		s->rule.min_improvement = d, s->set |= SET_MIN_IMPROVEMENT;
	} else if (!strcmp(key, "max-cv")) {
		/* a CV may exceed 1: "150%" is accepted, a bare 1.5 is not */
		why = parse_fraction(val, &s->rule.max_cv), s->set |= SET_MAX_CV;
	} else if (!strcmp(key, "threshold")) {
		why = parse_fraction(val, &s->rule.threshold), s->set |= SET_THRESHOLD;
	} else if (!strcmp(key, "required")) {
		why = parse_bool(val, &b), s->rule.required = b, s->set |= SET_REQUIRED;
	} else if (!strcmp(key, "ignore")) {
		why = parse_bool(val, &b), s->rule.ignore = b, s->set |= SET_IGNORE;
	} else if (!strcmp(key, "metric") && s->pattern) {
		for (char *m = strtok(val, ", "); m; m = strtok(NULL, ", "))
			if (add_metric(s, m))
				return TACH_ENOMEM;
	} else if (!strcmp(key, "target")) {
		target t = {0};
		size_t at = 0;
		char msg[200];
		why = parse_target(val, &t, &at, msg, sizeof msg);
		t.line = ps->line;
		t.column = (unsigned)(val + at - line) + 1;
		if (!why) {
			if (tach__grow((void **)&s->targets, &s->cap_targets, s->n_targets + 1,
			               sizeof *s->targets))
				why = "out of memory";
			else
				s->targets[s->n_targets++] = t;
		}
		if (why) {
			free(t.text);
			free(t.metric);
			return fail(ps, val + at, line, "%s: %s", key, why);
		}
	} else {
		return fail(ps, key, line,
		            "unknown key '%s' (known: alpha, min-effect, max-regression, "
		            "min-improvement, max-cv, threshold, required, ignore, target%s)", key, s->pattern ? ", metric" : "");
	}
	if (why)
		return fail(ps, val, line, "%s: %s", key, why);
	return 0;
}

int tach_gate_config_parse(const char *text, size_t len, const char *name,
                           tach_gate_config **out, tach_error *err)
{
	*out = NULL;
	if (err)
		memset(err, 0, sizeof *err);
	tach_gate_config *cfg = calloc(1, sizeof *cfg);
	if (!cfg || !(cfg->name = strdup(name ? name : "tach.conf"))) {
		free(cfg);
		return TACH_ENOMEM;
	}
	parser ps = {.name = name, .err = err};
	section *s = NULL;
	int rc = 0;
	for (size_t pos = 0; !rc && pos < len;) {
		const char *start = text + pos, *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;
		pos += n + 1;
		ps.line++;
		char *line = strndup(start, n);
		if (!line) {
			rc = TACH_ENOMEM;
			break;
		}
		/* strndup stops at a NUL: the copy is shorter than n then, and
		 * line[n - 1] is past its end */
		int nul = strlen(line) < n;
		if (!nul && n && line[n - 1] == '\r')
			line[n - 1] = 0;
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (nul)
			rc = fail(&ps, line + strlen(line), line, "a NUL byte");
		else if (*p == '[')
			rc = header(&ps, cfg, p, &s);
		else if (*p && *p != '#' && *p != ';')
			rc = entry(&ps, s, line, p);
		free(line);
	}
	if (rc) {
		if (err)
			err->file = name;
		tach_gate_config_free(cfg);
		return rc;
	}
	*out = cfg;
	return 0;
}

int tach_gate_config_load(const char *path, tach_gate_config **out, tach_error *err)
{
	char *data;
	size_t len;
	*out = NULL;
	int rc = tach__read_input(path, &data, &len, err);
	if (rc)
		return rc;
	rc = tach_gate_config_parse(data, len, path, out, err);
	free(data);
	return rc;
}

/* ---- applying ---- */

static int matches(const section *s, const tach_benchmark *b, const char *metric)
{
	if (s->pattern && fnmatch(s->pattern, b->name, 0) != 0)
		return 0;
	if (!s->n_metrics)
		return 1;
	if (!metric)
		return 0;
	for (size_t i = 0; i < s->n_metrics; i++)
		if (!strcmp(s->metrics[i], metric))
			return 1;
	return 0;
}

void tach_gate_config_rule(void *ctx, const tach_benchmark *b, const char *metric,
                           tach_compare_rule *rule)
{
	const tach_gate_config *cfg = ctx;
	for (size_t i = 0; cfg && i < cfg->n; i++) {
		const section *s = &cfg->sections[i];
		if (!matches(s, b, metric))
			continue;
		if (s->set & SET_ALPHA)
			rule->alpha = s->rule.alpha;
		if (s->set & SET_MIN_EFFECT)
			rule->min_effect = s->rule.min_effect;
		if (s->set & SET_MAX_REGRESSION)
			rule->max_regression = s->rule.max_regression;
		if (s->set & SET_THRESHOLD)
			rule->threshold = s->rule.threshold;
		if (s->set & SET_MIN_IMPROVEMENT)
			rule->min_improvement = s->rule.min_improvement;
		if (s->set & SET_MAX_CV)
			rule->max_cv = s->rule.max_cv;
		if (s->set & SET_REQUIRED)
			rule->required = s->rule.required;
		if (s->set & SET_IGNORE)
			rule->ignore = s->rule.ignore;
	}
}

static int met(const target *t, double v)
{
	switch (t->op) {
	case '<': return v < t->value;
	case 'l': return v <= t->value;
	case '>': return v > t->value;
	default: return v >= t->value;
	}
}

static int push(tach_gate_checks *out, size_t *cap, const tach_gate_check *c)
{
	if (tach__grow((void **)&out->items, cap, out->n + 1, sizeof *out->items))
		return TACH_ENOMEM;
	out->items[out->n++] = *c;
	out->n_failed += !c->passed && c->required;
	out->n_warned += !c->passed && !c->required;
	return 0;
}

/* A target on a metric whose unit the config could not know (a custom
 * one) meets its unit here: an error at the target's place. */
static int late_unit_error(const tach_gate_config *cfg, const target *tg, const tach_benchmark *b,
                           const tach_metric *m, tach_error *err)
{
	const char *want = unit_mismatch(tg->kind, m->unit);
	if (!want)
		return 0;
	if (err) {
		memset(err, 0, sizeof *err);
		err->file = cfg->name;
		err->line = tg->line;
		err->column = tg->column;
		snprintf(err->message, sizeof err->message,
		         "target: %s of '%s' is measured in %s, but the target's value is %s; "
		         "write %s", tg->metric, b->name, m->unit, quantity_name(tg->kind), want);
	}
	return TACH_EFORMAT;
}

int tach_gate_check_targets(const tach_gate_config *cfg, const tach_result *cand,
                            tach_gate_checks *out, tach_error *err)
{
	memset(out, 0, sizeof *out);
	size_t cap = 0;
	for (size_t i = 0; i < cfg->n; i++) {
		const section *s = &cfg->sections[i];
		for (size_t t = 0; t < s->n_targets; t++) {
			const target *tg = &s->targets[t];
			size_t hits = 0;
			for (size_t k = 0; k < cand->n_benchmarks; k++) {
				const tach_benchmark *b = cand->benchmarks[k];
				const tach_metric *m = tach_benchmark_metric(b, tg->metric);
				if ((s->pattern && fnmatch(s->pattern, b->name, 0)) || !m)
					continue;
				if (late_unit_error(cfg, tg, b, m, err)) {
					tach_gate_checks_release(out);
					return TACH_EFORMAT;
				}
				tach_compare_rule rule = tach_compare_rule_default();
				tach_gate_config_rule((void *)cfg, b, tg->metric, &rule);
				tach_gate_check c = {.bench = b, .metric = tg->metric, .target = tg->text,
				                     .pattern = s->pattern, .actual = NAN,
				                     .required = rule.required};
				if (m->n_samples)
					tach_stats_median(m->samples, m->n_samples, &c.actual);
				c.passed = !b->error && m->n_samples && met(tg, c.actual);
				hits++;
				if (push(out, &cap, &c)) {
					tach_gate_checks_release(out);
					return TACH_ENOMEM;
				}
			}
			if (!hits) {
				tach_compare_rule rule = tach_compare_rule_default();
				if (s->set & SET_REQUIRED)
					rule.required = s->rule.required;
				tach_gate_check c = {.metric = tg->metric, .target = tg->text,
				                     .pattern = s->pattern, .actual = NAN,
				                     .required = rule.required};
				if (push(out, &cap, &c)) {
					tach_gate_checks_release(out);
					return TACH_ENOMEM;
				}
			}
		}
	}
	return 0;
}

int tach_gate_config_names(const tach_gate_config *cfg, const tach_benchmark *b,
                           const char **pattern, unsigned *line)
{
	int found = 0;
	for (size_t i = 0; cfg && i < cfg->n; i++) {
		const section *s = &cfg->sections[i];
		if (s->pattern && !fnmatch(s->pattern, b->name, 0)) {
			*pattern = s->pattern;
			*line = s->line;
			found = 1;
		}
	}
	return found;
}

const char *tach_gate_config_name(const tach_gate_config *cfg)
{
	return cfg->name;
}

void tach_gate_checks_release(tach_gate_checks *c)
{
	free(c->items);
	memset(c, 0, sizeof *c);
}
