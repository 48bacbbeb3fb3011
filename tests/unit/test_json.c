/* test_json.c - the results file format: lossless round trips and a clear,
 * placed error for every kind of bad input. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"

static char *write_to_string(const tach_result *r, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert(f);
	tach_error err;
	*rc = tach_result_write(r, f, &err);
	fclose(f);
	return buf;
}

static tach_result *roundtrip(const tach_result *r)
{
	int rc;
	char *text = write_to_string(r, &rc);
	cr_assert_eq(rc, 0, "write failed: %s", tach_strerror(rc));
	tach_result *back = NULL;
	tach_error err;
	rc = tach_result_read_buffer(text, strlen(text), "mem.json", &back, &err);
	cr_assert_eq(rc, 0, "read back failed: %s:%u:%u: %s\n%s", err.file, err.line,
	             err.column, err.message, text);
	free(text);
	return back;
}

/* xorshift for reproducible random bit patterns */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

Test(json, doubles_round_trip_bit_identical)
{
	tach_result *r = tach_result_new();
	tach_benchmark *b = tach_result_add_benchmark(r, "bits");
	tach_metric *m = tach_benchmark_add_metric(b, "value", "count", TACH_LOWER_IS_BETTER);
	const double special[] = {0.0, -0.0, 0.1, 1.0 / 3, 1e-300, 5e-324, 2.2250738585072014e-308,
	                          1.7976931348623157e308, -1.5, 123456789012345678.0,
	                          9007199254740993.0, 1e16, 1e17, 1e-5, 1e-7, 0.000123};
	for (size_t i = 0; i < sizeof special / sizeof *special; i++)
		tach_metric_add_sample(m, special[i]);
	uint64_t s = 88172645463325252ull;
	for (int i = 0; i < 20000; i++) {
		uint64_t bits = rnd(&s);
		double d;
		memcpy(&d, &bits, sizeof d);
		if (!isfinite(d))
			continue;
		tach_metric_add_sample(m, d);
	}
	for (int i = 0; i < 5000; i++) /* typical timings */
		tach_metric_add_sample(m, (double)(rnd(&s) % 1000000) * 1e-9 + 1e-7);
	tach_result *back = roundtrip(r);
	tach_metric *bm = back->benchmarks[0]->metrics[0];
	cr_assert_eq(bm->n_samples, m->n_samples);
	for (size_t i = 0; i < m->n_samples; i++)
		cr_assert(memcmp(&bm->samples[i], &m->samples[i], sizeof(double)) == 0,
		          "sample %zu: wrote %a, read %a", i, m->samples[i], bm->samples[i]);
	tach_result_free(r);
	tach_result_free(back);
}

Test(json, shortest_text_for_simple_values)
{
	char buf[TACH_DOUBLE_BUFSIZE];
	tach_format_double(0.1, buf);
	cr_assert_str_eq(buf, "0.1");
	tach_format_double(1.5e-9, buf);
	cr_assert_str_eq(buf, "1.5e-9");
	tach_format_double(42, buf);
	cr_assert_str_eq(buf, "42");
	tach_format_double(-0.0, buf);
	cr_assert_str_eq(buf, "-0");
	tach_format_double(0.000123, buf);
	cr_assert_str_eq(buf, "0.000123");
	tach_format_double(1.0 / 3, buf);
	cr_assert_str_eq(buf, "0.3333333333333333");
}

Test(json, strings_and_everything_else_round_trip)
{
	const char *names[] = {"BM_copy/64/threads:2", "with \"quotes\" and \\slashes/",
	                       "spaces  and\ttabs", "new\nline\r\n", "<script>alert(1)</script>",
	                       "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xe2\x80\x8f rtl", "emoji \xf0\x9f\x9a\x80",
	                       "ctl \x01\x1f\x7f"};
	tach_result *r = tach_result_new();
	tach_meta_collect(&r->meta, NULL);
	tach_kvlist_set(&r->meta.labels, "label \"q\"", "v<&>");
	tach_kvlist_set(&r->meta.context, "goos", "linux");
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		tach_benchmark *b = tach_result_add_benchmark(r, names[i]);
		tach_kvlist_set(&b->params, "size", "64");
		tach_kvlist_set(&b->params, names[i], names[i]);
		tach_benchmark_set_source(b, TACH_SOURCE_COMMAND, "tach", names[i]);
		tach_metric *m = tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER);
		tach_metric_add_sample_iters(m, 1e-3, 10);
		tach_metric_add_sample_iters(m, 2e-3, 20);
		tach_metric *c = tach_benchmark_add_metric(b, names[i], "widgets/s", TACH_HIGHER_IS_BETTER);
		c->flags |= TACH_METRIC_DETERMINISTIC;
		tach_metric_add_sample(c, 7);
		tach_series *s = tach_metric_add_series(c, 0);
		tach_series_add(s, 0, 1);
		tach_series_add(s, 0.5, 2);
	}
	tach_benchmark *e = tach_result_add_benchmark(r, "failed");
	e->error = strdup("crashed: SIGSEGV");
	tach_result *back = roundtrip(r);
	cr_assert_eq(back->n_benchmarks, r->n_benchmarks);
	cr_assert_str_eq(back->meta.timestamp, r->meta.timestamp);
	cr_assert_str_eq(back->meta.hostname, r->meta.hostname);
	cr_assert_eq(back->meta.cpu_count, r->meta.cpu_count);
	cr_assert_str_eq(tach_kvlist_get(&back->meta.labels, "label \"q\""), "v<&>");
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		tach_benchmark *b = back->benchmarks[i];
		cr_assert_str_eq(b->name, names[i]);
		cr_assert_eq(b->params.n, 2);
		cr_assert_str_eq(b->params.items[0].key, "size");
		cr_assert_str_eq(b->params.items[1].key, names[i]);
		cr_assert_str_eq(b->source.command, names[i]);
		cr_assert_eq(b->source.kind, TACH_SOURCE_COMMAND);
		cr_assert_eq(b->metrics[0]->iterations[1], 20);
		cr_assert_str_eq(b->metrics[1]->name, names[i]);
		cr_assert_str_eq(b->metrics[1]->unit, "widgets/s");
		cr_assert_eq(b->metrics[1]->direction, TACH_HIGHER_IS_BETTER);
		cr_assert(b->metrics[1]->flags & TACH_METRIC_DETERMINISTIC);
		cr_assert_eq(b->metrics[1]->series[0]->n, 2);
		cr_assert_eq(b->metrics[1]->series[0]->v[1], 2);
	}
	cr_assert_str_eq(back->benchmarks[r->n_benchmarks - 1]->error, "crashed: SIGSEGV");
	/* writing what was read gives the same bytes */
	int rc1, rc2;
	char *t1 = write_to_string(r, &rc1), *t2 = write_to_string(back, &rc2);
	cr_assert_str_eq(t1, t2);
	free(t1);
	free(t2);
	tach_result_free(r);
	tach_result_free(back);
}

Test(json, example_file_reads)
{
	tach_result *r;
	tach_error err;
	int rc = tach_result_read_file(TACH_SOURCE_ROOT "/docs/example-results.json", &r, &err);
	cr_assert_eq(rc, 0, "%s:%u:%u: %s", err.file, err.line, err.column, err.message);
	cr_assert_gt(r->n_benchmarks, 3);
	tach_result_free(r);
}

/* ---- errors ---- */

static void expect_error(const char *text, int code, unsigned line, unsigned col,
                         const char *needle)
{
	tach_result *r = (tach_result *)1;
	tach_error err;
	int rc = tach_result_read_buffer(text, strlen(text), "base.json", &r, &err);
	cr_expect_eq(rc, code, "for %s: got %d (%s) want %d", text, rc, err.message, code);
	cr_expect_null(r, "nothing may be half-loaded");
	cr_expect_str_eq(err.file, "base.json");
	if (line) {
		cr_expect_eq(err.line, line, "line for %s: %u (%s)", text, err.line, err.message);
		cr_expect_eq(err.column, col, "column for %s: %u (%s)", text, err.column, err.message);
	}
	cr_expect(strstr(err.message, needle) != NULL, "message for %s: '%s' lacks '%s'", text,
	          err.message, needle);
}

#define HEAD "{\"format\": 1, \"benchmarks\": [{\"name\": \"a\", \"metrics\": ["

Test(json_errors, malformed_json_is_placed)
{
	expect_error("{\"format\": 1\n\"benchmarks\": []}", TACH_EPARSE, 2, 1, "expected ',' or '}'");
	expect_error("{\"format\": 1,\n  \"benchmarks\": [1 2]}", TACH_EPARSE, 2, 20, "expected ',' or ']'");
	expect_error("", TACH_EPARSE, 1, 1, "empty");
	expect_error("{\"format\": 1, \"benchmarks\": [", TACH_EPARSE, 1, 30, "end of file");
	expect_error("{\"format\": 1, \"benchmarks\": []} x", TACH_EPARSE, 1, 33, "after the JSON value");
	expect_error("{\"format\": 1, \"benchmarks\": [\"\\q\"]}", TACH_EPARSE, 1, 31, "invalid escape");
	expect_error("{\"format\": 1, \"benchmarks\": [\"\xff\"]}", TACH_EPARSE, 1, 31, "UTF-8");
	expect_error("{\"format\": 01, \"benchmarks\": []}", TACH_EPARSE, 1, 12, "leading zeros");
	expect_error("{\"format\": 1, \"benchmarks\": [\"abc]}", TACH_EPARSE, 1, 30, "unterminated");
	expect_error("[", TACH_EPARSE, 1, 2, "end of file");
}

Test(json_errors, truncated_file)
{
	FILE *f = fopen(TACH_SOURCE_ROOT "/docs/example-results.json", "r");
	cr_assert(f);
	char buf[20000];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	for (size_t cut = 0; cut < n; cut += n / 97 + 1) {
		tach_result *r;
		tach_error err;
		int rc = tach_result_read_buffer(buf, cut, "cut.json", &r, &err);
		cr_expect_neq(rc, 0, "truncated at %zu read fine", cut);
		cr_expect_null(r);
		cr_expect_gt(err.line, 0);
	}
}

Test(json_errors, nan_and_infinity)
{
	expect_error(HEAD "{\"name\": \"time\", \"unit\": \"s\", \"direction\": \"lower\", \"samples\": [1, NaN]}]}]}",
	             TACH_EFORMAT, 1, 123, "NaN");
	expect_error(HEAD "{\"name\": \"time\", \"unit\": \"s\", \"direction\": \"lower\", \"samples\": [-Infinity]}]}]}",
	             TACH_EFORMAT, 1, 120, "Infinity");
	expect_error(HEAD "{\"name\": \"x\", \"unit\": \"s\", \"direction\": \"lower\", \"samples\": [1e999]}]}]}",
	             TACH_EFORMAT, 1, 117, "out of range");
}

Test(json_errors, wrong_types)
{
	expect_error("{\"format\": 1, \"benchmarks\": [{\"name\": 5, \"metrics\": []}]}", TACH_EFORMAT, 1, 39,
	             "expected a string for benchmark \"name\", got a number");
	expect_error("{\"format\": 1, \"benchmarks\": {}}", TACH_EFORMAT, 1, 29,
	             "expected an array for \"benchmarks\", got an object");
	expect_error(HEAD "{\"name\": \"time\", \"unit\": \"s\", \"direction\": \"lower\", \"samples\": [\"1\"]}]}]}",
	             TACH_EFORMAT, 1, 120, "expected a number");
	expect_error("{\"format\": \"1\", \"benchmarks\": []}", TACH_EFORMAT, 1, 12, "positive integer");
	expect_error("[1, 2]", TACH_EFORMAT, 1, 1, "JSON object");
	expect_error("{\"format\": 1, \"meta\": {\"host\": {\"cpu_count\": 2.5}}, \"benchmarks\": []}",
	             TACH_EFORMAT, 1, 46, "non-negative integer");
}

Test(json_errors, missing_fields)
{
	expect_error("{\"benchmarks\": []}", TACH_EFORMAT, 1, 1, "\"format\" is missing");
	expect_error("{\"format\": 1}", TACH_EFORMAT, 1, 1, "\"benchmarks\" is missing");
	expect_error("{\"format\": 1, \"benchmarks\": [{\"metrics\": []}]}", TACH_EFORMAT, 1, 30,
	             "missing \"name\"");
	expect_error(HEAD "{\"name\": \"time\", \"unit\": \"s\", \"direction\": \"lower\"}]}]}", TACH_EFORMAT,
	             1, 56, "missing \"samples\"");
	expect_error(HEAD "{\"name\": \"time\", \"direction\": \"lower\", \"samples\": []}]}]}", TACH_EFORMAT,
	             1, 56, "missing \"unit\"");
}

Test(json_errors, negative_durations_and_units)
{
	expect_error(HEAD "{\"name\": \"time\", \"unit\": \"s\", \"direction\": \"lower\",\n \"samples\": [1, -2]}]}]}",
	             TACH_EFORMAT, 2, 13, "negative duration");
	expect_error(HEAD "{\"name\": \"time\", \"unit\": \"ms\", \"direction\": \"lower\", \"samples\": []}]}]}",
	             TACH_EFORMAT, 1, 81, "unknown unit \"ms\"");
	expect_error(HEAD "{\"name\": \"x\", \"unit\": \"10 apples\", \"direction\": \"lower\", \"samples\": []}]}]}",
	             TACH_EFORMAT, 1, 78, "unknown unit");
	expect_error(HEAD "{\"name\": \"time\", \"unit\": \"count\", \"direction\": \"lower\", \"samples\": []}]}]}",
	             TACH_EFORMAT, 1, 81, "must have unit \"s\"");
	expect_error(HEAD "{\"name\": \"x\", \"unit\": \"s\", \"direction\": \"up\", \"samples\": []}]}]}",
	             TACH_EFORMAT, 1, 96, "\"lower\" or \"higher\"");
}

Test(json_errors, newer_version)
{
	expect_error("{\"benchmarks\": [{\"bogus\": true}], \"format\": 2}", TACH_EVERSION, 1, 45,
	             "newer than this tach");
}

Test(json_errors, duplicates_and_alignment)
{
	expect_error("{\"format\": 1, \"benchmarks\": [{\"name\": \"a\", \"params\": {\"k\": \"1\", \"k\": \"2\"}, \"metrics\": []}]}",
	             TACH_EFORMAT, 1, 65, "duplicate key \"k\"");
	expect_error(HEAD "{\"name\": \"n\", \"unit\": \"s\", \"direction\": \"lower\", \"samples\": [1, 2], "
	             "\"iterations\": [1]}]}]}", TACH_EFORMAT, 1, 138, "\"iterations\" has 1 entries");
	expect_error(HEAD "{\"name\": \"n\", \"unit\": \"s\", \"direction\": \"lower\", \"samples\": [1]},"
	             "{\"name\": \"n\", \"unit\": \"s\", \"direction\": \"lower\", \"samples\": [1]}]}]}",
	             TACH_EFORMAT, 1, 130, "appears twice");
	expect_error(HEAD "{\"name\": \"n\", \"unit\": \"s\", \"direction\": \"lower\", \"samples\": [1], "
	             "\"samples\": [2]}]}]}", TACH_EFORMAT, 1, 121, "duplicate key \"samples\"");
	expect_error("{\"format\": 1, \"benchmarks\": [], \"benchmarks\": []}", TACH_EFORMAT, 1, 33,
	             "duplicate key \"benchmarks\"");
	expect_error("{\"format\": 1, \"benchmarks\": [\"a\\u0000b\"]}", TACH_EFORMAT, 1, 32, "\\u0000");
	expect_error("{\"format\": 1, \"benchmarks\": [\"\\ud800\"]}", TACH_EPARSE, 1, 31, "surrogate");
}

Test(json_errors, unknown_keys_are_skipped)
{
	const char *text = "{\"format\": 1, \"future\": {\"x\": [1, {\"y\": null}]}, \"benchmarks\": "
	                   "[{\"name\": \"a\", \"new\": 1, \"metrics\": [{\"name\": \"t\", \"unit\": \"s\", "
	                   "\"direction\": \"lower\", \"samples\": [1], \"extra\": \"x\"}]}]}";
	tach_result *r;
	tach_error err;
	cr_assert_eq(tach_result_read_buffer(text, strlen(text), "f.json", &r, &err), 0, "%s", err.message);
	cr_assert_eq(r->benchmarks[0]->metrics[0]->n_samples, 1);
	tach_result_free(r);
}

Test(json_errors, writer_refuses_invalid_sets)
{
	tach_result *r = tach_result_new();
	tach_benchmark *b = tach_result_add_benchmark(r, "x");
	tach_metric *m = tach_benchmark_add_metric(b, "time", "s", TACH_LOWER_IS_BETTER);
	tach_metric_add_sample(m, NAN);
	int rc;
	char *text = write_to_string(r, &rc);
	cr_expect_eq(rc, TACH_EFORMAT);
	cr_expect_str_eq(text, "", "nothing may be written");
	free(text);
	m->samples[0] = -1;
	text = write_to_string(r, &rc);
	cr_expect_eq(rc, TACH_EFORMAT);
	free(text);
	m->samples[0] = 1;
	free(m->unit);
	m->unit = strdup("msec");
	text = write_to_string(r, &rc);
	cr_expect_eq(rc, 0, "a custom unit is fine");
	free(text);
	free(b->name);
	b->name = strdup("bad \xc3\x28 utf8");
	text = write_to_string(r, &rc);
	cr_expect_eq(rc, TACH_EFORMAT);
	free(text);
	tach_result_free(r);
}

Test(json_errors, missing_file)
{
	tach_result *r;
	tach_error err;
	int rc = tach_result_read_file("/nonexistent/x.json", &r, &err);
	cr_assert_lt(rc, 0);
	cr_assert_null(r);
	cr_assert(strstr(err.message, "No such file"), "%s", err.message);
	char buf[300];
	tach_error_format(&err, buf, sizeof buf);
	cr_assert_str_eq(buf, "/nonexistent/x.json: cannot read: No such file or directory");
}
