/* catch2.c - Catch2 (v2 and v3) benchmarks: the console reporter's table
 * and the XML reporter's <BenchmarkResults>.
 *
 * Catch2 reports only statistics of its samples, never the samples: the
 * mean (with its bootstrap bounds) and the standard deviation.  The mean
 * becomes the one sample of `time` (its iteration count: samples x
 * iterations); the rest is summary and is not imported.  The test case
 * (and section) a benchmark ran in becomes parameters, since two test
 * cases may hold benchmarks of the same name.
 *
 * Console layout (CATCH_CONFIG_CONSOLE_WIDTH 80), one block per benchmark:
 *   <name>                 <samples>  <iterations>  <estimated> <unit>
 *                          <mean> <u>  <low mean> <u>  <high mean> <u>
 *                          <std dev> <u>  <low> <u>  <high> <u>
 * A name wider than its column wraps onto lines of its own before the
 * first; with --benchmark-no-analysis the first line ends with the mean.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/result.h"
#include "import/internal.h"
#include "import/xml.h"

#define TOOL "catch2"
#define MAX_FIELDS 16

typedef struct field {
	const char *p;
	size_t len;
} field;

/* Splits on blanks; returns the number of fields, which may exceed max
 * (only the first max are stored). */
static size_t split(const char *line, size_t len, field *f, size_t max)
{
	size_t n = 0, i = 0;
	for (;;) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			return n;
		size_t start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		if (n < max)
			f[n] = (field){line + start, i - start};
		n++;
	}
}

static int integer(const field *f, uint64_t *out)
{
	uint64_t v = 0;
	if (!f->len || f->len > 18)
		return 0;
	for (size_t i = 0; i < f->len; i++) {
		if (!isdigit((unsigned char)f->p[i]))
			return 0;
		v = v * 10 + (uint64_t)(f->p[i] - '0');
	}
	*out = v;
	return 1;
}


/* "<value> <unit>" at f[0..1] as seconds */
static int duration(const field *f, double *out)
{
	double per = tach__import_time_unit(f[1].p, f[1].len);
	return per > 0 && tach__import_number(f[0].p, f[0].len, per, out);
}

/* samples x iterations: how many iterations the mean averages over */
static uint64_t total_iters(uint64_t samples, uint64_t iters)
{
	return iters && samples <= UINT64_MAX / iters ? samples * iters : 0;
}

static int add_mean(tach_benchmark *b, double mean, uint64_t samples, uint64_t iters,
                    tach_error *err, const tach__at *at)
{
	return tach__import_sample(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER, mean,
	                           total_iters(samples, iters), err, at);
}

static int set_text(char **slot, const char *text, size_t len)
{
	char *s = strndup(text, len);
	int rc = s ? tach_meta_set(slot, s) : TACH_ENOMEM;
	free(s);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Console reporter */

typedef struct console_state {
	tach_result *r;
	tach_error *err;
	/* where we are: outside a table, reading the test case header block,
	 * reading the column header, or in the table */
	enum { OUTSIDE, CASE_NAME, COLUMNS, TABLE } where;
	int no_analysis;
	char *test_case, *section; /* parameters of what follows, or NULL */
	char *pending;             /* wrapped name lines so far */
	tach_benchmark *current;   /* waiting for its mean line */
	uint64_t samples, iters;
	int line_of_block; /* 1: the mean line is next, 2: the std dev line */
} console_state;

/* A line made only of c (Catch2's rules are 79 wide). */
static int is_rule(const char *l, size_t len, char c)
{
	size_t i = 0;
	while (i < len && l[i] == c)
		i++;
	while (i < len && isspace((unsigned char)l[i]))
		i++;
	return i == len && len >= 20 && l[0] == c;
}

static int is_blank_line(const char *l, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)l[i]))
			return 0;
	return 1;
}

static int append(char **s, const char *sep, const char *text, size_t len)
{
	size_t old = *s ? strlen(*s) : 0, slen = old ? strlen(sep) : 0;
	char *p = realloc(*s, old + slen + len + 1);
	if (!p)
		return TACH_ENOMEM;
	memcpy(p + old, sep, slen);
	memcpy(p + old + slen, text, len);
	p[old + slen + len] = 0;
	*s = p;
	return 0;
}

static tach_benchmark *bench_for(tach_result *r, const char *name, const char *test_case,
                                 const char *section)
{
	tach_kvlist params = {0};
	tach_benchmark *b = NULL;
	if ((!test_case || !tach_kvlist_set(&params, "test_case", test_case)) &&
	    (!section || !tach_kvlist_set(&params, "section", section)))
		b = tach__import_bench(r, name, &params, TOOL);
	tach_kvlist_release(&params);
	return b;
}

/* The benchmark named by the wrapped lines so far plus name[0..len). */
static tach_benchmark *named(console_state *st, const char *name, size_t len)
{
	while (len && isspace((unsigned char)name[len - 1]))
		len--;
	if ((len || !st->pending) && append(&st->pending, " ", name, len))
		return NULL;
	tach_benchmark *b = bench_for(st->r, st->pending, st->test_case, st->section);
	free(st->pending);
	st->pending = NULL;
	return b;
}

/* `Benchmark failed (why)`: after the name on its line, or on a line of
 * its own once samples/iterations were printed. */
static int read_failure(console_state *st, const char *l, size_t len, const char *at)
{
	tach_benchmark *b = st->current;
	size_t nlen = (size_t)(at - l);
	if ((!is_blank_line(l, nlen) || (!b && st->pending)) && !(b = named(st, l, nlen)))
		return TACH_ENOMEM;
	st->current = NULL;
	if (!b)
		return 0; /* the failure of no benchmark we saw */
	const char *msg = at + 18, *end = l + len;
	while (end > msg && end[-1] != ')')
		end--;
	end = end > msg ? end - 1 : l + len;
	return b->error ? 0 : set_text(&b->error, msg, (size_t)(end - msg));
}

/* The first line of a block: name, samples, iterations and the estimate
 * (the mean with --benchmark-no-analysis).  0 if the line is not one. */
static int read_first(console_state *st, const tach__lines *it, int *matched)
{
	const char *l = it->line;
	size_t len = it->len;
	field f[MAX_FIELDS];
	size_t n = split(l, len, f, MAX_FIELDS);
	uint64_t samples, iters;
	double v;
	*matched = 0;
	if (n < 5 || n > MAX_FIELDS)
		return 0;
	field *t = f + n - 4;
	if (!integer(&t[0], &samples) || !integer(&t[1], &iters) ||
	    tach__import_time_unit(t[3].p, t[3].len) == 0)
		return 0;
	/* the row's shape with a value that does not read: an error, not the
	 * program's output */
	if (!duration(&t[2], &v))
		return tach__import_fail(st->err, TACH_EPARSE, it->number, (unsigned)(t[2].p - l) + 1,
		                         "expected a number, found '%.*s'", (int)t[2].len, t[2].p);
	*matched = 1;
	tach_benchmark *b = named(st, l, (size_t)(t[0].p - l));
	if (!b)
		return TACH_ENOMEM;
	tach__at at = tach__at_text(it->number, (unsigned)(t[2].p - l) + 1);
	if (st->no_analysis)
		return add_mean(b, v, samples, iters, st->err, &at);
	st->current = b;
	st->samples = samples;
	st->iters = iters;
	st->line_of_block = 1;
	return 0;
}

/* An indented line of three durations: the mean line (its first is the
 * mean) or the std dev line.  A line of that shape whose numbers do not
 * parse is an error; other lines are the program's output. */
static int read_stats(console_state *st, const tach__lines *it)
{
	field f[MAX_FIELDS];
	size_t n = split(it->line, it->len, f, MAX_FIELDS);
	if (n != 6 || !st->current)
		return 0;
	double v[3];
	for (size_t i = 0; i < 3; i++) {
		if (tach__import_time_unit(f[2 * i + 1].p, f[2 * i + 1].len) == 0)
			return 0;
		if (!duration(&f[2 * i], &v[i]))
			return tach__import_fail(st->err, TACH_EPARSE, it->number,
			                         (unsigned)(f[2 * i].p - it->line) + 1,
			                         "expected a number, found '%.*s'", (int)f[2 * i].len,
			                         f[2 * i].p);
	}
	int rc = 0;
	tach__at at = tach__at_text(it->number, (unsigned)(f[0].p - it->line) + 1);
	if (st->line_of_block == 1)
		rc = add_mean(st->current, v[0], st->samples, st->iters, st->err, &at);
	if (++st->line_of_block > 2)
		st->current = NULL;
	return rc;
}

/* A rule line: ends a table; the '-' rules bracket a test case's name. */
static int read_rule(console_state *st, char c)
{
	free(st->pending);
	st->pending = NULL;
	st->current = NULL;
	if (c != '-') {
		st->where = OUTSIDE;
		return 0;
	}
	if (st->where == COLUMNS) {
		st->where = TABLE;
		return 0;
	}
	if (st->where == CASE_NAME) {
		st->where = OUTSIDE;
		return 0;
	}
	st->where = CASE_NAME;
	free(st->test_case);
	free(st->section);
	st->test_case = st->section = NULL;
	return 0;
}

/* A name line of the test case header: the name (wrapped lines joined),
 * then sections indented by two. */
static int read_case_name(console_state *st, const char *l, size_t len)
{
	size_t i = 0;
	while (i < len && l[i] == ' ')
		i++;
	size_t e = len;
	while (e > i && isspace((unsigned char)l[e - 1]))
		e--;
	if (i == e)
		return 0;
	if (i == 0 && !st->section)
		return append(&st->test_case, " ", l, e);
	return append(&st->section, " / ", l + i, e - i);
}

/* The first lines of a wrapped name fill the whole row with blanks after
 * the name column (37 wide); the program's own output does not. */
static int is_name_fragment(const char *l, size_t len)
{
	size_t e = len;
	while (e && isspace((unsigned char)l[e - 1]))
		e--;
	return len >= 60 && e <= 37;
}

static int read_console_line(console_state *st, const tach__lines *it)
{
	const char *l = it->line;
	size_t len = it->len;
	for (const char *c = "-=.~"; *c; c++)
		if (is_rule(l, len, *c))
			return read_rule(st, *c);
	if (st->where == CASE_NAME)
		return read_case_name(st, l, len);
	size_t lead = 0;
	while (lead < len && l[lead] == ' ')
		lead++;
	if (tach__starts_with(l + lead, len - lead, "benchmark name")) {
		field f[MAX_FIELDS];
		size_t n = split(l, len, f, MAX_FIELDS);
		st->where = COLUMNS;
		st->no_analysis = n >= 2 && n <= MAX_FIELDS && f[n - 1].len == 4 &&
		                  !memcmp(f[n - 1].p, "mean", 4);
		return 0;
	}
	if (st->where != TABLE)
		return 0;
	if (is_blank_line(l, len)) {
		st->current = NULL;
		return 0;
	}
	const char *fail = memmem(l, len, "Benchmark failed (", 18);
	if (fail)
		return read_failure(st, l, len, fail);
	if (lead)
		return read_stats(st, it);
	int matched, rc = read_first(st, it, &matched);
	if (!rc && !matched && is_name_fragment(l, len)) {
		size_t e = len;
		while (e && isspace((unsigned char)l[e - 1]))
			e--;
		rc = append(&st->pending, " ", l, e);
	}
	return rc;
}

static int read_console(const tach__import_input *in, tach_result *r, tach_error *err)
{
	console_state st = {.r = r, .err = err};
	tach__lines it = {.data = in->data, .size = in->len};
	int rc = 0;
	while (!rc && tach__next_line(&it))
		rc = read_console_line(&st, &it);
	free(st.test_case);
	free(st.section);
	free(st.pending);
	return rc;
}

/* ------------------------------------------------------------------ */
/* XML reporter (the XML itself is read by xml.c) */

/* A non-negative integer attribute into *out (0 when missing); an error
 * placed at the value when it is there but not a count. */
static int xml_count(const xml_state *x, const xml_tag *t, const char *key, uint64_t *out)
{
	const char *v;
	size_t n;
	*out = 0;
	if (!tach__xml_attr_raw(t, key, &v, &n))
		return 0;
	field f = {v, n};
	if (integer(&f, out))
		return 0;
	return tach__import_fail(x->err, TACH_EPARSE, x->line, tach__xml_column(x, v),
	                         "%s=\"%.*s\" is not a count", key, (int)n, v);
}


/* A path of names (test case, then sections) as a stack in one string. */
typedef struct name_stack {
	char *names[32];
	size_t depth;
} name_stack;

/* The sections below the test case joined by " / " (NULL: none).  0 or
 * TACH_ENOMEM. */
static int sections(const name_stack *s, char **out)
{
	*out = NULL;
	for (size_t i = 1; i < s->depth && i < 32; i++)
		if (s->names[i] && append(out, " / ", s->names[i], strlen(s->names[i]))) {
			free(*out);
			return TACH_ENOMEM;
		}
	return 0;
}

static int read_xml(const tach__import_input *in, tach_result *r, tach_error *err)
{
	xml_state x = {.data = in->data, .len = in->len, .line = 1, .line_start = in->data, .err = err};
	name_stack stack = {0};
	tach_benchmark *b = NULL;
	uint64_t samples = 0, iters = 0;
	xml_tag t;
	int rc;
	while ((rc = tach__xml_next_tag(&x, &t)) == 1) {
		const char *at = x.data + x.pos;
		int missing = 0;
		rc = 0;
		if ((tach__xml_tag_is(&t, "TestCase") || tach__xml_tag_is(&t, "Section")) && !t.empty) {
			if (t.closing) {
				if (stack.depth && --stack.depth < 32)
					free(stack.names[stack.depth]), stack.names[stack.depth] = NULL;
			} else {
				char *name = tach__xml_attr(&t, "name", &missing);
				if (stack.depth < 32)
					stack.names[stack.depth] = name;
				else
					free(name);
				stack.depth++;
			}
		} else if (tach__xml_tag_is(&t, "BenchmarkResults") && !t.closing) {
			char *name = tach__xml_attr(&t, "name", &missing), *sec = NULL;
			b = NULL;
			rc = xml_count(&x, &t, "samples", &samples);
			if (!rc)
				rc = xml_count(&x, &t, "iterations", &iters);
			if (!rc && !name)
				rc = missing ? tach__import_fail(err, TACH_EFORMAT, x.line, tach__xml_column(&x, at),
				                                 "<BenchmarkResults> without a name")
				             : TACH_ENOMEM;
			else if (!rc && !(rc = sections(&stack, &sec)) &&
			         !(b = bench_for(r, name, stack.depth ? stack.names[0] : NULL, sec)))
				rc = TACH_ENOMEM;
			free(name);
			free(sec);
			if (t.empty)
				b = NULL;
		} else if (tach__xml_tag_is(&t, "BenchmarkResults"))
			b = NULL;
		else if (b && tach__xml_tag_is(&t, "mean") && !t.closing) {
			const char *v;
			size_t n;
			double ns;
			/* Catch2: "All values in nano seconds" */
			if (!tach__xml_attr_raw(&t, "value", &v, &n) || !tach__import_number(v, n, 1e-9, &ns))
				rc = tach__import_fail(err, TACH_EPARSE, x.line, tach__xml_column(&x, at),
				                       "<mean> without a numeric value");
			else {
				tach__at mat = tach__at_text(x.line, tach__xml_column(&x, at));
				rc = add_mean(b, ns, samples, iters, err, &mat);
			}
		} else if (b && tach__xml_tag_is(&t, "failed") && !t.closing) {
			char *m = tach__xml_attr(&t, "message", &missing);
			if (!b->error)
				rc = tach_meta_set(&b->error, m ? m : "failed");
			free(m);
		}
		if (rc)
			break;
		tach__xml_advance(&x, x.pos + 1);
	}
	for (size_t i = 0; i < stack.depth && i < 32; i++)
		free(stack.names[i]);
	return rc;
}

/* ------------------------------------------------------------------ */

static int is_xml(const tach__import_input *in)
{
	size_t n = in->len < 65536 ? in->len : 65536;
	size_t i = 0;
	while (i < in->len && isspace((unsigned char)in->data[i]))
		i++;
	return i < in->len && in->data[i] == '<' &&
	       (memmem(in->data, n, "<Catch", 6) || memmem(in->data, in->len, "<BenchmarkResults", 17));
}

static int detect(const tach__import_input *in)
{
	if (is_xml(in))
		return memmem(in->data, in->len, "<BenchmarkResults", 17) ? 2 : 1;
	tach__lines it = {.data = in->data, .size = in->len};
	while (tach__next_line(&it)) {
		if (tach__starts_with(it.line, it.len, "benchmark name") &&
		    memmem(it.line, it.len, " samples ", 9) && memmem(it.line, it.len, " iterations ", 12))
			return 2;
	}
	return 0;
}

static int read(const tach__import_input *in, tach_result *r, tach_error *err)
{
	int rc = is_xml(in) ? read_xml(in, r, err) : read_console(in, r, err);
	if (!rc && !r->n_benchmarks)
		rc = tach__import_fail(err, TACH_EFORMAT, 0, 0, "no benchmark results in this Catch2 output");
	return rc;
}

const tach__importer tach__import_catch2 = {
	.name = "catch2",
	.title = "Catch2 benchmark output",
	.detect = detect,
	.read = read,
};
