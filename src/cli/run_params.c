/* run_params.c - the parameters of `tach run`: the values of each
 * --parameter-list and --parameter-scan, their product (hyperfine's rule:
 * several parameters multiply), and a combination put into a command or
 * a benchmark's name.  Every value is checked before anything runs: a
 * value listed twice, a scan of fewer than 2 or more than 10000 values and
 * a name given twice are refused. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/run_params.h"

int cli_params_add(cli_params *c, int scan, char **words)
{
	if (c->n == CLI_MAX_PARAMS)
		return cli_error("more than %d parameters", CLI_MAX_PARAMS);
	c->p[c->n].scan = scan;
	c->p[c->n++].words = words;
	return 0;
}

size_t cli_params_count(const cli_params *c)
{
	size_t n = 1;
	for (size_t i = 0; i < c->n; i++)
		n *= c->p[i].n;
	return n;
}

int cli_params_kvlist(const cli_params *c, const size_t *idx, tach_kvlist *out)
{
	for (size_t i = 0; i < c->n; i++) {
		int rc = tach_kvlist_set(out, c->p[i].words[0], c->p[i].vals[idx[i]]);
		if (rc)
			return rc;
	}
	return 0;
}

void cli_params_release(cli_params *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t k = 0; k < c->p[i].n; k++)
			free(c->p[i].vals[k]);
		free(c->p[i].vals);
	}
	memset(c, 0, sizeof *c);
}

/* Replaces every {NAME} in text by value; caller frees. */
static char *substitute(const char *text, const char *name, const char *value)
{
	char key[256];
	snprintf(key, sizeof key, "{%s}", name);
	size_t kl = strlen(key), vl = strlen(value), n = 0;
	for (const char *p = strstr(text, key); p; p = strstr(p + kl, key))
		n++;
	char *out = malloc(strlen(text) + n * vl + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *p = text;;) {
		const char *q = strstr(p, key);
		if (!q) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, value, vl);
		o += vl;
		p = q + kl;
	}
	return out;
}

/* Digits after the point of a plain decimal ("0.25": 2), or -1 when
 * text is not one (an exponent, inf, ...). */
static int decimals(const char *text)
{
	const char *p = text + (*text == '-' || *text == '+');
	int d = -1;
	for (; *p; p++) {
		if (*p == '.' && d < 0)
			d = 0;
		else if (*p >= '0' && *p <= '9')
			d += d >= 0;
		else
			return -1;
	}
	return d < 0 ? 0 : d;
}

/* The values of a --parameter-scan: MIN, MIN+S, ... up to MAX, 2 to
 * CLI_MAX_VALUES of them; printed with as many decimals as MIN, MAX and S
 * have (0, 0.3, 0.6, not 0.8999999999999999), else in the shortest form
 * that reads back the same. */
static int scan_values(cli_param *pm, const char *step_text)
{
	char **w = pm->words, *e1, *e2, *e3 = "";
	double lo = strtod(w[1], &e1), hi = strtod(w[2], &e2);
	double step = step_text ? strtod(step_text, &e3) : 1;
	if (!*w[1] || *e1 || !isfinite(lo))
		return cli_bad_value("--parameter-scan", w[1], "MIN must be a number");
	if (!*w[2] || *e2 || !isfinite(hi) || hi < lo)
		return cli_bad_value("--parameter-scan", w[2], "MAX must be a number >= MIN");
	if (step_text && (!*step_text || *e3 || !isfinite(step) || !(step > 0)))
		return cli_bad_value("--parameter-step", step_text, "must be a positive number");
	/* the count as a double first: a tiny step would overflow size_t */
	double span = (hi - lo) / step + 1e-9;
	if (!(span < CLI_MAX_VALUES))
		return cli_error("--parameter-scan %s %s %s with step %s gives more than %d values",
		                 w[0], w[1], w[2], step_text ? step_text : "1", CLI_MAX_VALUES);
	size_t count = (size_t)floor(span) + 1;
	if (count < 2)
		return cli_error("--parameter-scan %s %s %s with step %s gives 1 value: a scan needs "
		                 "at least 2 (use --parameter-list for one value)", w[0], w[1], w[2],
		                 step_text ? step_text : "1");
	int d1 = decimals(w[1]), d2 = decimals(w[2]), d3 = step_text ? decimals(step_text) : 0;
	int d = d1 < 0 || d2 < 0 || d3 < 0 ? -1 : d1 > d2 ? (d1 > d3 ? d1 : d3) : (d2 > d3 ? d2 : d3);
	if ((pm->vals = calloc(count, sizeof *pm->vals)) == NULL)
		return cli_error("out of memory");
	for (size_t i = 0; i < count; i++) {
		char num[400];
		double x = lo + (double)i * step;
		int fixed = d >= 0 && d <= 30;
		if (fixed)
			snprintf(num, sizeof num, "%.*f", d, x);
		else
			tach_format_double(x, num);
		if (fixed && d > 0) { /* 1.50 -> 1.5, 2.00 -> 2 */
			size_t len = strlen(num);
			while (num[len - 1] == '0')
				num[--len] = 0;
			if (num[len - 1] == '.')
				num[--len] = 0;
		}
		if (!strcmp(num, "-0"))
			strcpy(num, "0");
		if (!(pm->vals[pm->n++] = strdup(num)))
			return cli_error("out of memory");
	}
	return 0;
}

/* The values of a --parameter-list: split at every comma, an empty value
 * kept (-L opt ,-O2 benchmarks without and with -O2); a value listed
 * twice would make two identical benchmarks and is refused. */
static int list_values(cli_param *pm)
{
	const char *text = pm->words[1];
	size_t n = 1;
	for (const char *p = text; *p; p++)
		n += *p == ',';
	if (n > CLI_MAX_VALUES)
		return cli_bad_value("--parameter-list", text, "more than 10000 values");
	if (!(pm->vals = calloc(n, sizeof *pm->vals)))
		return cli_error("out of memory");
	for (const char *p = text;; pm->n++) {
		size_t len = strcspn(p, ",");
		if (!(pm->vals[pm->n] = strndup(p, len)))
			return cli_error("out of memory");
		for (size_t k = 0; k < pm->n; k++)
			if (!strcmp(pm->vals[k], pm->vals[pm->n])) {
				char why[200];
				snprintf(why, sizeof why, "'%s' is listed twice (values %zu and %zu of %s): it "
				         "would make two identical benchmarks", pm->vals[k], k + 1, pm->n + 1,
				         pm->words[0]);
				pm->n++;
				return cli_bad_value("--parameter-list", text, why);
			}
		if (!p[len]) {
			pm->n++;
			break;
		}
		p += len + 1;
	}
	return 0;
}

int cli_params_values(cli_params *c)
{
	size_t product = 1;
	for (size_t i = 0; i < c->n; i++) {
		cli_param *pm = &c->p[i];
		for (size_t k = 0; k < i; k++)
			if (!strcmp(c->p[k].words[0], pm->words[0]))
				return cli_error("parameter '%s' given twice (%s and %s): one name, one list "
				                 "of values", pm->words[0],
				                 c->p[k].scan ? "--parameter-scan" : "--parameter-list",
				                 pm->scan ? "--parameter-scan" : "--parameter-list");
		if (!*pm->words[0] || strpbrk(pm->words[0], "{}"))
			return cli_bad_value(pm->scan ? "--parameter-scan" : "--parameter-list",
			                     pm->words[0], "NAME must be a non-empty name without braces");
		int rc = pm->scan ? scan_values(pm, c->step) : list_values(pm);
		if (rc)
			return rc;
		product *= pm->n;
		if (product > CLI_MAX_VALUES)
			return cli_error("the parameters make more than %d combinations", CLI_MAX_VALUES);
	}
	if (c->step && !c->n)
		return cli_error("--parameter-step needs a --parameter-scan");
	if (c->step && c->n) {
		size_t scans = 0;
		for (size_t i = 0; i < c->n; i++)
			scans += c->p[i].scan;
		if (!scans)
			return cli_error("--parameter-step needs a --parameter-scan");
	}
	return 0;
}

void cli_params_combination(const cli_params *c, size_t k, size_t *idx)
{
	for (size_t i = 0; i < c->n; i++) {
		idx[i] = k % c->p[i].n;
		k /= c->p[i].n;
	}
}

char *cli_params_put(const cli_params *c, const size_t *idx, const char *text, int append)
{
	char *cur = strdup(text);
	for (size_t i = 0; cur && i < c->n; i++) {
		const char *name = c->p[i].words[0], *val = c->p[i].vals[idx[i]];
		char key[256];
		snprintf(key, sizeof key, "{%s}", name);
		char *next;
		if (strstr(text, key)) {
			next = substitute(cur, name, val);
		} else if (append) {
			size_t len = strlen(cur) + strlen(name) + strlen(val) + 3;
			if ((next = malloc(len)))
				snprintf(next, len, "%s/%s=%s", cur, name, val);
		} else {
			continue;
		}
		free(cur);
		cur = next;
	}
	return cur;
}
