/* gbench_console.c - Google Benchmark's console table (the default
 * --benchmark_format=console), often the only thing a CI log keeps.
 *
 * Rows are read only after a `Benchmark  Time  CPU  Iterations` header
 * and its dashes; a row is a name, then `<real> <unit> <cpu> <unit>
 * <iterations>`, then counters (`name=1.2k/s`, or one value per header
 * column with --benchmark_counters_tabular), then a free label.  Anything
 * else between rows is the program's own output and is skipped.  Each row
 * is a sample, so repetitions give several; the _mean/_median/_stddev/_cv
 * rows are aggregates and never samples.  A family's _BigO and _RMS rows
 * become a complexity fit, as the JSON importer makes it (gbench_fit.c).
 * The console rounds numbers to a few digits: the JSON output
 * (google-benchmark) is the exact source. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "tach/units.h"
#include "import/internal.h"

#define TOOL "google-benchmark"
#define MAX_FIELDS 256

typedef struct field {
	const char *p;
	size_t len;
} field;

/* Splits line[0..len) on blanks into at most MAX_FIELDS fields. */
static size_t split(const char *line, size_t len, field *f)
{
	size_t n = 0, i = 0;
	while (n < MAX_FIELDS) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		f[n].p = line + i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		f[n].len = (size_t)(line + i - f[n].p);
		n++;
	}
	return n;
}

static int field_is(const field *f, const char *s)
{
	return f->len == strlen(s) && !memcmp(f->p, s, f->len);
}

/* The longest prefix of p[0..len) that is a decimal number: its length
 * (0: none) and value. */
static size_t number_prefix(const char *p, size_t len, double *out)
{
	char buf[64];
	size_t n = len < sizeof buf - 1 ? len : sizeof buf - 1;
	if (!n || !(isdigit((unsigned char)p[0]) || p[0] == '-' || p[0] == '.'))
		return 0;
	memcpy(buf, p, n);
	buf[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (buf[i] == 'x' || buf[i] == 'X' || buf[i] == 'n' || buf[i] == 'N' || buf[i] == 'i' ||
		    buf[i] == 'I')
			buf[i] = 0; /* no hex, nan or inf: those letters are prefixes here */
	char *end;
	*out = tach__strtod(buf, &end);
	return (size_t)(end - buf);
}

static int whole_number(const field *f, double *out)
{
	return f->len && number_prefix(f->p, f->len, out) == f->len;
}

/* p[0..len) as a number times `scale`.  A power-of-ten scale shifts the
 * exponent in the text instead of multiplying, so "55.76" ns is the
 * double nearest 55.76e-9 s, not 55.76 * 1e-9 with its rounding. */
static int parse_scaled(const char *p, size_t len, double scale, double *out)
{
	char buf[80];
	double v;
	if (!len || len >= 64 || number_prefix(p, len, &v) != len)
		return 0;
	int k = (int)lround(log10(scale));
	if (scale != 1 && k >= -22 && k <= 22 && pow(10, k) == scale && !memchr(p, 'e', len) &&
	    !memchr(p, 'E', len)) {
		snprintf(buf, sizeof buf, "%.*se%d", (int)len, p, k);
		v = tach__strtod(buf, NULL);
	} else
		v *= scale;
	*out = v;
	return 1;
}

/* A counter as HumanReadableNumber prints it: a number, an optional SI
 * prefix (k, M, G... or m, u, n...; "Ki"-style ones are 1024-based), an
 * optional "/s" for rates.  `one_k` is the counter's base (1000, or 1024
 * for bytes_per_second), which the console does not print. */
static int counter_value(const field *f, double one_k, double *out, int *rate)
{
	static const char big[] = "kMGTPEZY", small[] = "munpfazy";
	double v;
	size_t i = number_prefix(f->p, f->len, &v);
	if (!i)
		return 0;
	const char *s = f->p + i, *end = f->p + f->len;
	*rate = end - s >= 2 && end[-2] == '/' && end[-1] == 's';
	if (*rate)
		end -= 2;
	double scale = 1;
	if (s < end) {
		const char *b = memchr(big, *s == 'K' ? 'k' : *s, sizeof big - 1);
		const char *m = memchr(small, *s, sizeof small - 1);
		if (!*s || (!b && !m))
			return 0;
		s++;
		if (b && s < end && *s == 'i')
			one_k = 1024, s++;
		scale = pow(one_k, b ? (double)(b - big + 1) : -(double)(m - small + 1));
	}
	return s == end && parse_scaled(f->p, i, scale, out);
}

typedef struct console_state {
	tach_result *r;
	tach_error *err;
	unsigned line; /* of the row being read */
	int in_table;   /* a header has been seen */
	int tabular;    /* the header names counter columns */
	field cols[MAX_FIELDS]; /* those counter names (point into the data) */
	size_t n_cols;
	char *caches, *warnings; /* context being gathered */
} console_state;

/* `Benchmark  Time  CPU  Iterations [UserCounters...|names...]` */
static int is_header(const char *line, size_t len, field *f, size_t *n)
{
	if (!tach__starts_with(line, len, "Benchmark "))
		return 0;
	*n = split(line, len, f);
	return *n >= 4 && field_is(&f[1], "Time") && field_is(&f[2], "CPU") &&
	       field_is(&f[3], "Iterations");
}

static int is_dashes(const char *line, size_t len)
{
	size_t i = 0;
	while (i < len && line[i] == '-')
		i++;
	return i >= 10 && i == len;
}

/* A counter's sample; f is its field in the row at `line`. */
static int add_sample(console_state *st, tach_benchmark *b, const char *name, double v, int rate,
                      const char *line, const field *f)
{
	tach__at at = tach__at_text(st->line, (unsigned)(f->p - line) + 1);
	if (!strcmp(name, TACH_M_BYTES_PER_SECOND))
		return tach__import_sample(b, name, "B/s", TACH_HIGHER_IS_BETTER, v, 0, st->err, &at);
	if (!strcmp(name, TACH_M_ITEMS_PER_SECOND))
		return tach__import_sample(b, name, "/s", TACH_HIGHER_IS_BETTER, v, 0, st->err, &at);
	if (tach_metric_known(name, NULL, NULL))
		return 0; /* a user counter shadowing tach's own metric */
	/* Google Benchmark does not say which way a counter is better; a
	 * rate is taken as throughput */
	return tach__import_sample(b, name, rate ? "/s" : "count",
	                           rate ? TACH_HIGHER_IS_BETTER : TACH_LOWER_IS_BETTER, v, 0, st->err,
	                           &at);
}

/* The benchmark of a row name; "/threads:N" above 1 is also a parameter,
 * as the JSON importer makes it. */
static tach_benchmark *bench_for(tach_result *r, const char *name, size_t len)
{
	char *n = strndup(name, len);
	if (!n)
		return NULL;
	tach_kvlist params = {0};
	const char *t = strstr(n, "/threads:");
	int ok = 1;
	if (t && atoi(t + 9) > 1) {
		char v[24];
		snprintf(v, sizeof v, "%d", atoi(t + 9));
		ok = !tach_kvlist_set(&params, "threads", v);
	}
	tach_benchmark *b = ok ? tach__import_bench(r, n, &params, TOOL) : NULL;
	tach_kvlist_release(&params);
	free(n);
	return b;
}

static int is_aggregate(const char *name, size_t len)
{
	static const char *const suffixes[] = {"_mean", "_median", "_stddev", "_cv", "_BigO", "_RMS"};
	for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
		size_t n = strlen(suffixes[i]);
		if (len > n && !memcmp(name + len - n, suffixes[i], n))
			return 1;
	}
	return 0;
}

/* `FAMILY_BigO  <real> <curve>  <cpu> <curve>` and `FAMILY_RMS  <real> %
 * <cpu> %`, then the family's label if it has one (f: the row's n fields).
 * The coefficients are per unit of the curve in Google Benchmark's default
 * time unit, whatever the family's ->Unit(): it gives the BigO run no unit
 * of its own (its JSON says "time_unit": "ns" beside a family in us).  That
 * is nanoseconds unless the program changed the default (SetDefaultTimeUnit
 * or --benchmark_time_unit), which the console does not show: its JSON is
 * exact.  The RMS is in percent; that of the CPU-time fit is kept, the one
 * its JSON writes.  1 if the row was one, 0 if not (a timed row of a
 * benchmark so named is not), or TACH_EPARSE at the field out of shape. */
static int read_fit_row(console_state *st, const char *line, size_t len, const field *f,
                        size_t n)
{
	static const char *const kinds[] = {"_BigO", "_RMS"};
	size_t kind = 2, sl = 0;
	for (size_t i = 0; i < 2; i++)
		if (f[0].len > (sl = strlen(kinds[i])) &&
		    !memcmp(f[0].p + f[0].len - sl, kinds[i], sl)) {
			kind = i;
			break;
		}
	if (kind == 2 || (n > 2 && tach__import_time_unit(f[2].p, f[2].len) > 0))
		return 0;
	char fam[512]; /* as the JSON importer's */
	snprintf(fam, sizeof fam, "%.*s", (int)(f[0].len - sl), f[0].p);
	double v[2];
	for (size_t i = 1; i < 5; i++) {
		const char *what;
		int ok = i < n;
		if (i % 2) {
			what = kind ? "a percentage" : "a coefficient";
			ok = ok && parse_scaled(f[i].p, f[i].len, kind ? 0.01 : 1e-9, &v[i / 2]);
		} else if (kind) {
			what = "'%'";
			ok = ok && field_is(&f[i], "%");
		} else {
			what = i == 2 ? "a curve such as N or NlgN" : "the same curve again";
			ok = ok && (i == 2 || (f[i].len == f[2].len && !memcmp(f[i].p, f[2].p, f[i].len)));
		}
		if (!ok && i >= n)
			return tach__import_fail(st->err, TACH_EPARSE, st->line, (unsigned)len + 1,
			                         "%.*s: expected %s, found the end of the line",
			                         (int)f[0].len, f[0].p, what);
		if (!ok)
			return tach__import_fail(st->err, TACH_EPARSE, st->line,
			                         (unsigned)(f[i].p - line) + 1,
			                         "%.*s: expected %s, found '%.*s'", (int)f[0].len, f[0].p,
			                         what, (int)f[i].len, f[i].p);
	}
	if (kind == 1) {
		tach__gbench_fit_rms(st->r, fam, v[1]);
		return 1;
	}
	int rc = tach__gbench_fit_bigo(st->r, fam, f[2].p, f[2].len, v[0]);
	return rc < 0 ? rc : 1;
}

/* `name   ERROR OCCURRED: 'why'` (or SKIPPED: 'why' in newer versions) */
static int read_outcome(console_state *st, const char *line, size_t len, const char *mark)
{
	const char *at = memmem(line, len, mark, strlen(mark));
	size_t nlen = (size_t)(at - line);
	while (nlen && isspace((unsigned char)line[nlen - 1]))
		nlen--;
	if (!nlen)
		return 0;
	const char *msg = at + strlen(mark), *end = line + len;
	while (end > msg && end[-1] != '\'')
		end--;
	if (end > msg)
		end--; /* the closing quote */
	else
		end = line + len;
	tach_benchmark *b = bench_for(st->r, line, nlen);
	if (!b)
		return TACH_ENOMEM;
	char **slot = mark[0] == 'E' ? &b->error : &b->skipped;
	char *text = strndup(msg, (size_t)(end - msg));
	int rc = text ? (*slot ? 0 : tach_meta_set(slot, text)) : TACH_ENOMEM;
	free(text);
	return rc;
}

/* One row; a line that is not one is program output and skipped. */
static int read_row(console_state *st, const char *line, size_t len)
{
	static const char *const marks[] = {"ERROR OCCURRED: '", "SKIPPED: '"};
	for (size_t i = 0; i < 2; i++)
		if (memmem(line, len, marks[i], strlen(marks[i])))
			return read_outcome(st, line, len, marks[i]);
	field f[MAX_FIELDS];
	size_t n = split(line, len, f), k = 1;
	double real, cpu, iters;
	int rc = n ? read_fit_row(st, line, len, f, n) : 0;
	if (rc)
		return rc < 0 ? rc : 0;
	/* the row's shape: `<real> <unit> <cpu> <unit> <iterations>` after
	 * the name; numbers in that shape that do not read are an error, not
	 * the program's output */
	for (; k + 4 < n; k++)
		if (tach__import_time_unit(f[k + 1].p, f[k + 1].len) > 0 &&
		    tach__import_time_unit(f[k + 3].p, f[k + 3].len) > 0)
			break;
	if (k + 4 >= n)
		return 0;
	double ru = tach__import_time_unit(f[k + 1].p, f[k + 1].len),
	       cu = tach__import_time_unit(f[k + 3].p, f[k + 3].len);
	const field *bad = !parse_scaled(f[k].p, f[k].len, ru, &real)       ? &f[k]
	                   : !parse_scaled(f[k + 2].p, f[k + 2].len, cu, &cpu) ? &f[k + 2]
	                   : !whole_number(&f[k + 4], &iters) || iters != floor(iters) || iters < 0
	                           ? &f[k + 4]
	                           : NULL;
	if (bad)
		return tach__import_fail(st->err, TACH_EPARSE, st->line, (unsigned)(bad->p - line) + 1,
		                         "expected %s, found '%.*s'",
		                         bad == &f[k + 4] ? "an iteration count" : "a number",
		                         (int)bad->len, bad->p);
	size_t nlen = (size_t)(f[k].p - line);
	while (nlen && isspace((unsigned char)line[nlen - 1]))
		nlen--;
	if (!nlen || is_aggregate(line, nlen))
		return 0;
	tach_benchmark *b = bench_for(st->r, line, nlen);
	if (!b)
		return TACH_ENOMEM;
	uint64_t it = iters < 0x1p64 ? (uint64_t)iters : 0;
	tach__at rat = tach__at_text(st->line, (unsigned)(f[k].p - line) + 1),
	         cat = tach__at_text(st->line, (unsigned)(f[k + 2].p - line) + 1);
	rc = tach__import_sample(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER, real, it, st->err, &rat);
	if (!rc)
		rc = tach__import_sample(b, TACH_M_CPU_TIME, "s", TACH_LOWER_IS_BETTER, cpu, it,
		                         st->err, &cat);
	size_t i = k + 5;
	if (st->tabular) {
		for (size_t c = 0; !rc && c < st->n_cols && i < n; c++, i++) {
			char name[128];
			snprintf(name, sizeof name, "%.*s", (int)st->cols[c].len, st->cols[c].p);
			double v;
			int rate;
			if (!counter_value(&f[i], strcmp(name, "bytes_per_second") ? 1000 : 1024, &v, &rate))
				break; /* the label */
			rc = add_sample(st, b, name, v, rate, line, &f[i]);
		}
		return rc;
	}
	for (; !rc && i < n; i++) {
		/* name=value counters, then (before counters existed) "12.3MB/s"
		 * and "4.5M items/s"; the rest is the label */
		const char *eq = memchr(f[i].p, '=', f[i].len);
		double v;
		int rate;
		if (eq && eq > f[i].p) {
			char name[128];
			snprintf(name, sizeof name, "%.*s", (int)(eq - f[i].p), f[i].p);
			field val = {eq + 1, (size_t)(f[i].p + f[i].len - eq - 1)};
			if (!counter_value(&val, strcmp(name, "bytes_per_second") ? 1000 : 1024, &v, &rate))
				break;
			rc = add_sample(st, b, name, v, rate, line, &val);
		} else if (f[i].len > 3 && !memcmp(f[i].p + f[i].len - 3, "B/s", 3)) {
			field val = {f[i].p, f[i].len - 3};
			if (!counter_value(&val, 1024, &v, &rate))
				break;
			rc = add_sample(st, b, TACH_M_BYTES_PER_SECOND, v, 1, line, &f[i]);
		} else if (i + 1 < n && field_is(&f[i + 1], "items/s")) {
			if (!counter_value(&f[i], 1024, &v, &rate))
				break;
			rc = add_sample(st, b, TACH_M_ITEMS_PER_SECOND, v, 1, line, &f[i]);
			i++;
		} else
			break;
	}
	return rc;
}

static int append(char **list, const char *text, size_t len)
{
	size_t old = *list ? strlen(*list) : 0;
	char *p = realloc(*list, old + len + 3);
	if (!p)
		return TACH_ENOMEM;
	if (old)
		memcpy(p + old, "; ", 2), old += 2;
	memcpy(p + old, text, len);
	p[old + len] = 0;
	*list = p;
	return 0;
}

static int set_context(tach_result *r, const char *key, const char *val, size_t len)
{
	char *v = strndup(val, len);
	int rc = v ? tach_kvlist_set(&r->meta.context, key, v) : TACH_ENOMEM;
	free(v);
	return rc;
}

static int is_date(const char *l, size_t len)
{
	static const char shape[] = "dddd-dd-dd?dd:dd:dd";
	if (len < sizeof shape - 1 || len > 40)
		return 0;
	for (size_t i = 0; i < sizeof shape - 1; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)l[i]) : shape[i] == '-' ? l[i] != '-'
		                                                     : shape[i] == ':' ? l[i] != ':'
		                                                                       : 0)
			return 0;
	return 1;
}

/* The context block Google Benchmark prints before the table:
 *   2019-10-12 12:03:25 / Running ./prog / Run on (12 X 4600 MHz CPU s)
 *   CPU Caches: / L1 Data 32K (x6)... / Load Average: ... / ***WARNING*** ...
 * `prev` is the line before, `prev2` the one before it.  Returns 1 if
 * the line was context, 0 if not, or an error. */
static int read_context(console_state *st, tach__lines *it, int *caches, const tach__lines *prev,
                        const tach__lines *prev2)
{
	const char *l = it->line;
	size_t len = it->len;
	tach_result *r = st->r;
	int rc = 0;
	if (*caches) {
		size_t i = 0;
		while (i < len && l[i] == ' ')
			i++;
		if (i + 1 < len && l[i] == 'L' && isdigit((unsigned char)l[i + 1]))
			return append(&st->caches, l + i, len - i) ? TACH_ENOMEM : 1;
		*caches = 0;
	}
	if (tach__starts_with(l, len, "Run on (")) {
		char copy[128]; /* the line is not NUL-terminated */
		int cpus;
		double mhz;
		snprintf(copy, sizeof copy, "%.*s", (int)(len < 127 ? len : 127), l);
		if (sscanf(copy, "Run on (%d X %lf MHz", &cpus, &mhz) == 2) {
			char v[32];
			snprintf(v, sizeof v, "%d", cpus);
			rc = tach_kvlist_set(&r->meta.context, "num_cpus", v);
			tach_format_double(mhz, v);
			if (!rc)
				rc = tach_kvlist_set(&r->meta.context, "mhz_per_cpu", v);
		}
		if (!rc && prev->line && tach__starts_with(prev->line, prev->len, "Running "))
			rc = set_context(r, "executable", prev->line + 8, prev->len - 8);
		const tach__lines *d = prev->line && tach__starts_with(prev->line, prev->len, "Running ")
		                           ? prev2
		                           : prev;
		if (!rc && d->line && is_date(d->line, d->len))
			rc = set_context(r, "date", d->line, d->len);
		return rc ? rc : 1;
	}
	if (tach__starts_with(l, len, "CPU Caches:"))
		return *caches = 1;
	if (tach__starts_with(l, len, "Load Average: "))
		return set_context(r, "load_avg", l + 14, len - 14) ? TACH_ENOMEM : 1;
	if (tach__starts_with(l, len, "***WARNING*** ")) {
		if (memmem(l, len, "CPU scaling is enabled", 22))
			rc = tach_kvlist_set(&r->meta.context, "cpu_scaling_enabled", "true");
		if (!rc && memmem(l, len, "built as DEBUG", 14))
			rc = tach_kvlist_set(&r->meta.context, "library_build_type", "debug");
		if (!rc)
			rc = append(&st->warnings, l + 14, len - 14);
		return rc ? rc : 1;
	}
	return 0;
}

/* A row without the colour escapes of --benchmark_color=true (ESC '['
 * parameters, then a letter) copied to out; returns its length. */
static size_t strip_colour(const char *l, size_t len, char *out)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (l[i] == '\033' && i + 1 < len && l[i + 1] == '[') {
			i += 2;
			while (i < len && !isalpha((unsigned char)l[i]))
				i++;
			continue;
		}
		out[n++] = l[i];
	}
	return n;
}

static int detect(const tach__import_input *in)
{
	tach__lines it = {.data = in->data, .size = in->len};
	int header = 0;
	while (tach__next_line(&it)) {
		field f[MAX_FIELDS];
		size_t n;
		if (header && is_dashes(it.line, it.len))
			return 2;
		header = is_header(it.line, it.len, f, &n);
	}
	return 0;
}

static int read(const tach__import_input *in, tach_result *r, tach_error *err)
{
	console_state *st = calloc(1, sizeof *st);
	if (!st)
		return TACH_ENOMEM;
	st->r = r;
	st->err = err;
	tach__lines it = {.data = in->data, .size = in->len}, prev = {0}, prev2 = {0};
	int rc = 0, caches = 0;
	while (!rc && tach__next_line(&it)) {
		field f[MAX_FIELDS];
		size_t n;
		int c = read_context(st, &it, &caches, &prev, &prev2);
		if (c < 0)
			rc = c;
		else if (c == 0 && is_header(it.line, it.len, f, &n)) {
			/* columns after Iterations name counters, unless the
			 * header only says UserCounters.../MetaData... */
			st->in_table = 1;
			st->tabular = n > 4 && !tach__starts_with(f[4].p, f[4].len, "UserCounters...") &&
			              !tach__starts_with(f[4].p, f[4].len, "MetaData...");
			memcpy(st->cols, f + 4, (n > 4 ? n - 4 : 0) * sizeof *f);
			st->n_cols = n > 4 ? n - 4 : 0;
		} else if (c == 0 && st->in_table && !is_dashes(it.line, it.len)) {
			st->line = it.number;
			if (memchr(it.line, '\033', it.len)) {
				char *plain = malloc(it.len + 1);
				rc = plain ? read_row(st, plain, strip_colour(it.line, it.len, plain))
				           : TACH_ENOMEM;
				free(plain);
			} else
				rc = read_row(st, it.line, it.len);
		}
		prev2 = prev;
		prev = it;
	}
	if (!rc && st->caches)
		rc = tach_kvlist_set(&r->meta.context, "caches", st->caches);
	if (!rc && st->warnings)
		rc = tach_kvlist_set(&r->meta.context, "warnings", st->warnings);
	free(st->caches);
	free(st->warnings);
	free(st);
	if (!rc && !r->n_benchmarks)
		rc = tach__import_fail(err, TACH_EFORMAT, 0, 0,
		                       "no benchmark rows after the Google Benchmark console header");
	return rc ? rc : tach__gbench_fit_link(r);
}

const tach__importer tach__import_gbench_console = {
	.name = "google-benchmark-console",
	.title = "Google Benchmark console output",
	.detect = detect,
	.read = read,
};
