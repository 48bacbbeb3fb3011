/* test_cli_report.c - `tach report`: a self-contained page whose numbers
 * and verdicts match the comparison, every name escaped, nothing loaded
 * from the network, exit 0 whatever the verdicts. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static const char *results(const char *const *names, size_t n, const double *centers, int seed)
{
	tach_result *r = tach_result_new();
	tach_meta_set(&r->meta.tool, "tach");
	tach_meta_set(&r->meta.timestamp, "2026-11-23T10:00:00Z");
	tach_meta_set(&r->meta.hostname, "host<b>");
	tach_rng rng;
	tach_rng_seed(&rng, (uint64_t)seed);
	for (size_t i = 0; i < n; i++) {
		tach_metric *m = tach_benchmark_add_metric(tach_result_add_benchmark(r, names[i]), "time",
		                                           "s", TACH_LOWER_IS_BETTER);
		for (int k = 0; k < 20; k++)
			tach_metric_add_sample(m, centers[i] * exp(0.01 * tach_norm_ppf(0.02 + 0.96 * tach_rng_uniform(&rng))));
	}
	const char *p = write_result(r, NULL);
	tach_result_free(r);
	return p;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

Test(cli_report, comparison_page_is_whole_and_escaped)
{
	const char *evil = "BM_<script>alert('x')</script>&\"\n\xe2\x80\xae" "evil";
	const char *names[] = {"BM_fast", "BM_slow", evil};
	double base_c[] = {1e-6, 1e-3, 5e-6}, cand_c[] = {0.9e-6, 1.05e-3, 5e-6};
	const char *a = results(names, 3, base_c, 1), *b = results(names, 3, cand_c, 2);
	run_result r = run_tach(ARGV("report", "--no-config", "--base", a, "--cand", b, "--title",
	                             "nightly <i>run</i>"),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "exit 0 whatever the verdicts: %s", r.err);
	const char *html = r.out;
	cr_expect(!strncmp(html, "<!doctype html>", 15));
	cr_expect(strstr(html, "<title>nightly &lt;i&gt;run&lt;/i&gt;</title>"), "title escaped");
	cr_expect(strstr(html, "host&lt;b&gt;"), "host escaped");
	cr_expect_eq(count(html, "<script>"), 1, "only tach's own script");
	cr_expect_null(strstr(html, "<script>alert"));
	cr_expect(strstr(html, "BM_&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"),
	          "the name is text");
	cr_expect(strstr(html, "<bdi>"), "names isolated from bidirectional text");
	cr_expect_null(strstr(html, "src="), "nothing loaded: no src attributes");
	cr_expect_null(strstr(html, "<link"), "no stylesheets loaded");
	cr_expect_null(strstr(html, "@import"));
	cr_expect_null(strstr(html, "url("));
	cr_expect_eq(count(html, "<tr class=regressed"), 1, "BM_slow");
	cr_expect_eq(count(html, "<tr class=improved"), 1, "BM_fast");
	cr_expect(strstr(html, "<div class='card bad'><b>1</b>regressed</div>"), "summary card");
	cr_expect(strstr(html, "worst: <bdi>BM_slow</bdi>"), "the worst regression named");
	cr_expect_eq(count(html, "<details"), 4, "the table and one section per benchmark");
	cr_expect_geq(count(html, "h0"), 120, "every sample of both sides drawn");
	cr_expect_null(strstr(html, "nan"), "no NaN in the page");
	run_free(&r);
}

Test(cli_report, results_page_and_bad_input)
{
	const char *names[] = {"BM_a", "BM_b"};
	double c[] = {1e-6, 2e-3}; /* three decades apart */
	const char *a = results(names, 2, c, 3);
	char out[256];
	snprintf(out, sizeof out, "%s.html", a);
	run_result r = run_tach(ARGV("report", "--no-config", a, "-o", out), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, "report written to"), "%s", r.err);
	run_free(&r);
	FILE *f = fopen(out, "r");
	cr_assert(f);
	char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	cr_expect(strstr(buf, "<bdi>BM_a</bdi>") && strstr(buf, "<bdi>BM_b</bdi>"));
	cr_expect_null(strstr(buf, "class=cards"), "no comparison, no cards");
	remove(out);
	r = run_tach(ARGV("report", "--no-config", "--base", a), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	run_free(&r);
	const char *bad = temp_file("{\"format\": 1,\n \"benchmarks\": [}", ".json");
	r = run_tach(ARGV("report", "--no-config", bad), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, ":2:"), "%s", r.err);
	cr_expect_str_eq(r.out, "", "nothing written on bad input");
	run_free(&r);
}

/* --versus: a further comparison under its own heading, and factors for
 * changes of ten times or more. */
Test(cli_report, versus_adds_a_comparison)
{
	const char *names[] = {"BM_alloc/4096", "BM_alloc/65536"};
	double slow[] = {20e-6, 60e-6}, fast[] = {3e-9, 6e-9};
	const char *a = results(names, 2, slow, 4), *b = results(names, 2, fast, 5);
	run_result r = run_tach(ARGV("report", "--no-config", "--versus", "Arena <vs> mmap", a, b, a),
	                        NULL, NULL, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "<h2>Arena &lt;vs&gt; mmap</h2>"), "the heading, escaped");
	cr_expect(strstr(r.out, "<div class='card good'><b>2</b>improved</div>"));
	cr_expect(strstr(r.out, ">/1000</text>") || strstr(r.out, ">/10000</text>"),
	          "a decade axis labelled by factors");
	cr_expect(strstr(r.out, "<b>/"), "the geomean card as a factor");
	run_free(&r);
	r = run_tach(ARGV("report", "--no-config", "--versus", "t", a), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "three values needed");
	run_free(&r);
}
