/* common.c - helpers every importer uses: placed errors, benchmarks found
 * or added by name and parameters, samples in canonical units, lines. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tach/result.h"
#include "import/internal.h"

int tach__import_fail(tach_error *err, int code, unsigned line, unsigned column,
                      const char *fmt, ...)
{
	if (err) {
		err->line = line;
		err->column = column;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof err->message, fmt, ap);
		va_end(ap);
	}
	return code;
}

int tach__import_fail_at(tach_error *err, int code, const tach__at *at, const char *fmt, ...)
{
	if (err) {
		tach__at_resolve(at, &err->line, &err->column);
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof err->message, fmt, ap);
		va_end(ap);
	}
	return code;
}

void tach__import_warn(const tach__import_input *in, const tach__at *at, const char *fmt, ...)
{
	if (!in->warn)
		return;
	tach_error w = {.file = in->name};
	tach__at_resolve(at, &w.line, &w.column);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w.message, sizeof w.message, fmt, ap);
	va_end(ap);
	in->warn(&w, in->warn_data);
}

int tach__import_json_fail(tach_error *err, const json_error_t *je, int rc, unsigned line,
                           unsigned skipped)
{
	if (rc == TACH_ENOMEM)
		return tach__import_fail(err, TACH_ENOMEM, 0, 0, "%s", tach_strerror(TACH_ENOMEM));
	if (!line)
		line = je->line > 0 ? (unsigned)je->line + skipped : 1;
	/* jansson's column 0 is the start of a line (the end of the file
	 * after a newline, say): column 1 */
	return tach__import_fail(err, TACH_EPARSE, line, je->column > 0 ? (unsigned)je->column : 1,
	                         "%s", je->text);
}

int tach__import_need_json(const tach__import_input *in, const char *title, tach_error *err)
{
	if (in->json)
		return 0;
	if (in->json_error && in->json_error->text[0])
		return tach__import_json_fail(err, in->json_error, TACH_EPARSE, 0, 0);
	unsigned line = 1, column = 1;
	for (size_t i = 0; i < in->len && isspace((unsigned char)in->data[i]); i++)
		if (in->data[i] == '\n')
			line++, column = 1;
		else
			column++;
	return tach__import_fail(err, TACH_EFORMAT, line, column, "not %s: the file is not JSON",
	                         title);
}

tach_benchmark *tach__import_bench(tach_result *r, const char *name, const tach_kvlist *params,
                                   const char *tool)
{
	static const tach_kvlist none;
	if (!params)
		params = &none;
	tach_benchmark *b = tach_result_find(r, name, params);
	if (b)
		return b;
	if (!(b = tach_result_add_benchmark(r, name)) ||
	    tach_benchmark_set_source(b, TACH_SOURCE_IMPORT, tool, NULL))
		return NULL;
	return tach_kvlist_copy(&b->params, params) ? NULL : b;
}

int tach__import_fail_twice(tach_error *err, const tach__import_input *in, const char *name,
                            const tach__at *second, const tach__at *first)
{
	unsigned line, column;
	tach__at_resolve(first, &line, &column);
	return tach__import_fail_at(err, TACH_EFORMAT, second,
	                            "benchmark '%s' is here twice, with the same parameters: "
	                            "first at %s:%u:%u",
	                            name, in->name ? in->name : "(input)", line, column);
}

tach_benchmark *tach__import_new_bench(tach_result *r, const char *name,
                                       const tach_kvlist *params, const char *tool, size_t *dup)
{
	static const tach_kvlist none;
	const tach_benchmark *old = tach_result_find(r, name, params ? params : &none);
	*dup = SIZE_MAX;
	if (old) {
		for (size_t i = 0; i < r->n_benchmarks; i++)
			if (r->benchmarks[i] == old)
				*dup = i;
		return NULL;
	}
	return tach__import_bench(r, name, params, tool);
}

int tach__import_sample(tach_benchmark *b, const char *metric, const char *unit,
                        tach_direction dir, double value, uint64_t iters, tach_error *err,
                        const tach__at *at)
{
	/* refused before the metric is made: a metric must not appear
	 * without the sample that made it */
	if (!isfinite(value))
		return tach__import_fail_at(err, TACH_EFORMAT, at,
		                            "value for metric '%s' of benchmark '%s' is %s", metric,
		                            b->name,
		                            isnan(value) ? "not a number (NaN)"
		                                         : "infinite or out of range");
	if (value < 0 && !strcmp(unit, "s"))
		return tach__import_fail_at(err, TACH_EFORMAT, at,
		                            "negative time for metric '%s' of benchmark '%s'", metric,
		                            b->name);
	/* a name from the file (a counter, a custom measurement) that is a
	 * well-known metric's must mean what tach means by it, or the result
	 * would be one no reader accepts */
	const char *known_unit;
	tach_direction known_dir;
	if (tach_metric_known(metric, &known_unit, &known_dir) &&
	    (strcmp(unit, known_unit) || dir != known_dir))
		return tach__import_fail_at(err, TACH_EFORMAT, at,
		                            "benchmark '%s': a metric named '%s' must be in %s, %s is "
		                            "better; this one is in '%s'",
		                            b->name, metric, known_unit,
		                            known_dir == TACH_LOWER_IS_BETTER ? "lower" : "higher", unit);
	tach_metric *m = tach_benchmark_metric(b, metric);
	if (m && strcmp(m->unit, unit))
		return tach__import_fail_at(err, TACH_EFORMAT, at,
		                            "benchmark '%s': metric '%s' is in '%s' here and in '%s' "
		                            "before",
		                            b->name, metric, unit, m->unit);
	if (!m && !(m = tach_benchmark_add_metric(b, metric, unit, dir)))
		return TACH_ENOMEM;
	return iters ? tach_metric_add_sample_iters(m, value, iters)
	             : tach_metric_add_sample(m, value);
}

double tach__import_time_unit(const char *u, size_t len)
{
	static const struct {
		const char *word;
		double seconds;
	} units[] = {
		{"ns", 1e-9}, {"us", 1e-6}, {"\xc2\xb5s", 1e-6}, {"\xce\xbcs", 1e-6},
		{"ms", 1e-3}, {"s", 1},     {"sec", 1},          {"secs", 1},
		{"min", 60},  {"m", 60},    {"h", 3600},         {"ps", 1e-12},
	};
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (strlen(units[i].word) == len && !memcmp(u, units[i].word, len))
			return units[i].seconds;
	return 0;
}

int tach__import_number(const char *p, size_t len, double scale, double *out)
{
	char buf[80];
	if (!len || len >= 64 || memchr(p, 'x', len) || memchr(p, 'X', len))
		return 0;
	memcpy(buf, p, len);
	buf[len] = 0;
	char *end;
	double v = tach__strtod(buf, &end);
	if (end != buf + len)
		return 0;
	int k = (int)lround(log10(scale));
	if (scale != 1 && k >= -22 && k <= 22 && pow(10, k) == scale && isfinite(v) &&
	    !memchr(p, 'e', len) && !memchr(p, 'E', len)) {
		snprintf(buf + len, sizeof buf - len, "e%d", k);
		v = tach__strtod(buf, &end);
	} else {
		v *= scale;
	}
	*out = v;
	return 1;
}

int tach__next_line(tach__lines *it)
{
	if (it->pos >= it->size)
		return 0;
	const char *start = it->data + it->pos;
	const char *nl = memchr(start, '\n', it->size - it->pos);
	size_t len = nl ? (size_t)(nl - start) : it->size - it->pos;
	it->pos += len + (nl != NULL);
	if (len && start[len - 1] == '\r')
		len--;
	it->line = start;
	it->len = len;
	it->number++;
	return 1;
}

int tach__starts_with(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && !memcmp(line, prefix, n);
}
