/* test_report_html.c - the HTML report's structure from fixed inputs: each
 * panel present where its data is (scaling, latency percentiles,
 * allocations, resource series, history) and absent where it is not, the
 * numbers in it right, every name escaped, and a large suite folded. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"

static const char *evil = "<script>alert('x')</script>&\"\n\xe2\x80\xae" "rtl";

static char *render(const tach_html_input *in)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert(f);
	cr_assert_eq(tach_report_html(f, in), 0);
	fclose(f);
	return text;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static tach_metric *metric(tach_benchmark *b, const char *name, const char *unit,
                           tach_direction d, double v, size_t n)
{
	tach_metric *m = tach_benchmark_add_metric(b, name, unit, d);
	for (size_t i = 0; i < n; i++)
		tach_metric_add_sample(m, v * (1 + 0.001 * (double)(i % 3)));
	return m;
}

/* A family of one function at 1, 2 and 4 threads with items/s 100 M,
 * 180 M and 200 M (efficiencies 100 %, 90 %, 50 %) on a 2-CPU machine;
 * latency percentiles; allocations; and a monitored command whose RSS
 * peaks at 100 MiB at 0.5 s in its second run. */
static tach_result *suite(double scale)
{
	tach_result *r = tach_result_new();
	r->meta.cpu_count = 2;
	const long threads[] = {1, 2, 4};
	const double items[] = {100e6, 180e6, 200e6};
	for (size_t i = 0; i < 3; i++) {
		char name[64], th[8];
		snprintf(name, sizeof name, "bm_queue/threads:%ld", threads[i]);
		snprintf(th, sizeof th, "%ld", threads[i]);
		tach_benchmark *b = tach_result_add_benchmark(r, name);
		tach_kvlist_set(&b->params, "threads", th);
		metric(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER, 10e-9 * scale, 10);
		metric(b, TACH_M_ITEMS_PER_SECOND, "/s", TACH_HIGHER_IS_BETTER, items[i] / scale, 1);
	}
	tach_benchmark *l = tach_result_add_benchmark(r, "bm_latency");
	metric(l, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER, 1e-6, 10);
	metric(l, TACH_M_LATENCY_P50, "s", TACH_LOWER_IS_BETTER, 1e-6 * scale, 1);
	metric(l, TACH_M_LATENCY_P99, "s", TACH_LOWER_IS_BETTER, 10e-6 * scale, 1);
	metric(l, TACH_M_LATENCY_P999, "s", TACH_LOWER_IS_BETTER, 25e-6 * scale, 1);
	metric(l, TACH_M_ALLOCS_PER_OP, "count", TACH_LOWER_IS_BETTER, 2 * scale, 1);
	metric(l, TACH_M_BYTES_PER_OP, "B", TACH_LOWER_IS_BETTER, 64, 1);
	tach_benchmark *c = tach_result_add_benchmark(r, evil);
	tach_benchmark_set_source(c, TACH_SOURCE_COMMAND, "tach", "./server --name '<b>'");
	metric(c, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER, 1.0, 2);
	tach_metric *rss = metric(c, TACH_M_PEAK_RSS, "B", TACH_LOWER_IS_BETTER, 100.0 * 1048576, 2);
	for (size_t run = 0; run < 2; run++) {
		tach_series *s = tach_metric_add_series(rss, run);
		for (int k = 0; k <= 10; k++) {
			double mib = run == 1 && k == 5 ? 100 : 10 + 5 * k * (k < 5);
			tach_series_add(s, 0.1 * k, mib * 1048576);
		}
	}
	return r;
}

Test(report_html, panels_from_results)
{
	tach_result *r = suite(1);
	tach_report_input ri = {r, "suite.json"};
	tach_html_input in = {.results = &ri, .n_results = 1};
	char *html = render(&in);
	/* scaling: one family, named without "/threads:N" */
	cr_expect(strstr(html, "<h2>Scaling</h2>"));
	cr_expect(strstr(html, "<bdi>bm_queue</bdi> <span class=meta>3 thread counts, efficiency "
	                       "at 4: 50%</span>"),
	          "family summary");
	cr_expect(strstr(html, "<tr><td>1</td><td>100.0 M/s</td><td>100%</td><td class=l>the "
	                       "reference</td></tr>"));
	cr_expect(strstr(html, "<tr><td>2</td><td>180.0 M/s</td><td>90%</td><td class=l></td></tr>"));
	cr_expect(strstr(html, "<tr><td>4</td><td>200.0 M/s</td><td>50%</td><td class=l>"
	                       "oversubscribed</td></tr>"));
	cr_expect(strstr(html, "oversubscribed (&gt; 2 CPUs)"), "the shaded region");
	/* latency: the percentiles present, in order, none invented */
	const char *p50 = strstr(html, "<tr><td>p50</td><td>1.000 µs</td></tr>");
	const char *p99 = strstr(html, "<tr><td>p99</td><td>10.00 µs</td></tr>");
	const char *p999 = strstr(html, "<tr><td>p99.9</td><td>25.00 µs</td></tr>");
	cr_expect(p50 && p99 && p999 && p50 < p99 && p99 < p999, "latency table");
	cr_expect_null(strstr(html, "<td>p95</td>"), "p95 was not measured");
	cr_expect_eq(count(html, "aria-label='latency percentiles'"), 1);
	/* latency metrics are not also drawn as strips */
	cr_expect_null(strstr(html, "<h3>latency_p50"));
	/* allocations */
	cr_expect(strstr(html, "<td class=l>allocations per operation</td><td class=l></td>"
	                       "<td>2</td>"));
	cr_expect(strstr(html, "<td class=l>bytes allocated per operation</td><td class=l></td>"
	                       "<td>64 B</td>"));
	cr_expect_null(strstr(html, "<h3>allocs_per_op"));
	/* resources: the peak found in the second run */
	cr_expect(strstr(html, "memory over time"));
	cr_expect(strstr(html, "peak 100.0 MiB at 0.50 s (run 2)"), "peak marked");
	cr_expect_eq(count(html, "<polyline class='base line' stroke-width=1.6"), 1, "peak run bold");
	cr_expect(strstr(html, "./server --name &#39;&lt;b&gt;&#39;"), "command escaped");
	/* escaping of the evil name everywhere it appears */
	cr_expect_null(strstr(html, "<script>alert"));
	cr_expect_eq(count(html, "<script>"), 1, "only tach's own script");
	cr_expect(strstr(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"));
	cr_expect_null(strstr(html, "nan"));
	cr_expect_null(strstr(html, "inf<"));
	free(html);
	tach_result_free(r);
}

Test(report_html, comparison_panels_show_both_sides)
{
	tach_result *a = suite(1), *b = suite(1.25);
	tach_comparison *c = NULL;
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	tach_html_input in = {.comparison = c, .base_name = "a", .cand_name = "b"};
	char *html = render(&in);
	/* scaling with both sides: base and candidate throughput columns */
	cr_expect(strstr(html, "<tr><td>2</td><td>180.0 M/s</td><td>90%</td><td>144.0 M/s</td>"
	                       "<td>90%</td>"));
	/* latency with both sides and the change */
	cr_expect(strstr(html, "<tr><td>p99</td><td>10.00 µs</td><td>12.50 µs</td><td>+25.00%</td>"
	                       "</tr>"));
	cr_expect(strstr(html, "<tspan class=cand>● candidate</tspan>"), "a legend");
	/* allocations: 2 -> 2.5 per op */
	cr_expect(strstr(html, "<td>2.500</td><td class=barcell><span class='bar cand' "
	                       "style='width:100.0%'></span></td><td>+25.00%</td>"),
	          "alloc change");
	cr_expect(strstr(html, "style='width:80.0%'"), "base bar 2/2.5");
	/* resources: a peak per side */
	cr_expect(strstr(html, "base peak 100.0 MiB"));
	cr_expect(strstr(html, "candidate peak 100.0 MiB"));
	free(html);
	tach_comparison_free(c);
	tach_result_free(a);
	tach_result_free(b);
}

Test(report_html, large_suite_is_folded)
{
	tach_result *a = tach_result_new(), *b = tach_result_new();
	for (int i = 0; i < 300; i++) {
		char name[32];
		snprintf(name, sizeof name, "bm_%03d", i);
		/* two benchmarks slower by 10 %, the rest unchanged */
		double f = i == 7 || i == 200 ? 1.1 : 1;
		for (int side = 0; side < 2; side++) {
			tach_metric *m = tach_benchmark_add_metric(
				tach_result_add_benchmark(side ? b : a, name), "time", "s",
				TACH_LOWER_IS_BETTER);
			for (int k = 0; k < 20; k++)
				tach_metric_add_sample(m, 1e-6 * (side ? f : 1) *
				                              (1 + 0.0005 * ((k * 7 + side * 3) % 11)));
		}
	}
	tach_comparison *c = NULL;
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	cr_assert_eq(c->counts[TACH_REGRESSED], 2);
	tach_html_input in = {.comparison = c};
	char *html = render(&in);
	/* the changes chart: the two moved rows open, the rest folded */
	const char *changes = strstr(html, "<h2>Changes</h2>");
	const char *folded = strstr(html, "<details><summary>298 unchanged rows</summary>");
	cr_assert(changes && folded);
	size_t moved = 0;
	for (const char *p = strstr(changes, "<circle class=regressed"); p && p < folded;
	     p = strstr(p + 1, "<circle class=regressed"))
		moved++;
	cr_expect_eq(moved, 2, "the moved rows before the fold");
	cr_expect(strstr(html, "<h2>All rows</h2><details><summary>300 rows</summary>"),
	          "a long table starts folded");
	cr_expect_null(strstr(html, "<details open data-name"), "benchmark sections start folded");
	cr_expect_null(strstr(html, "<h2>Scaling</h2>"), "no threads, no scaling section");
	free(html);
	tach_comparison_free(c);
	tach_result_free(a);
	tach_result_free(b);
}

Test(report_html, history_series_with_change_point)
{
	tach_history_point pts[40];
	double v[40];
	char commits[40][41];
	for (int i = 0; i < 40; i++) {
		v[i] = (i < 25 ? 1e-3 : 1.2e-3) * (1 + 0.002 * (i % 5));
		snprintf(commits[i], sizeof commits[i], "%02x%038x", i, 0xabcu);
		pts[i] = (tach_history_point){.run = i + 1, .git_commit = commits[i], .median = v[i], .n = 10};
	}
	tach_changepoint *cps = NULL;
	size_t n_cps = 0;
	tach_changepoint_opts o = tach_changepoint_defaults();
	cr_assert_eq(tach_changepoints(v, 40, &o, &cps, &n_cps), 0);
	cr_assert_eq(n_cps, 1);
	cr_assert_eq(cps[0].index, 25);
	tach_html_series s = {.name = evil, .metric = "time", .unit = "s", .points = pts, .n = 40,
	                      .cps = cps, .n_cps = n_cps, .baseline = 1e-3};
	tach_html_input in = {.series = &s, .n_series = 1};
	char *html = render(&in);
	cr_expect(strstr(html, "<h2>History</h2>"));
	cr_expect(strstr(html, "1 change point"), "summary counts it");
	cr_expect(strstr(html, "<line class=regressed stroke-dasharray='4 3'"), "slower: red line");
	cr_expect(strstr(html, "run #26, commit 190000000000"), "the change's run");
	cr_expect(strstr(html, "<title>baseline</title>"));
	cr_expect(strstr(html, ">1900000</text>") && strstr(html, ">0000000</text>") &&
	              strstr(html, ">2700000</text>"),
	          "commits on the axis: first, the change's, last");
	cr_expect_null(strstr(html, "<script>alert"));
	free(html);
	free(cps);
}

Test(report_html, memory_methods_are_named)
{
	tach_result *r = tach_result_new();
	tach_benchmark *b = tach_result_add_benchmark(r, "cmd");
	metric(b, TACH_M_PEAK_RSS, "B", TACH_LOWER_IS_BETTER, 1 << 20, 3);
	metric(b, TACH_M_TREE_PEAK_MEMORY, "B", TACH_LOWER_IS_BETTER, 3 << 20, 3);
	tach_kvlist_set(&r->meta.context, "peak_rss_method", "rusage-max");
	tach_kvlist_set(&r->meta.context, "tree_peak_memory_method", "sampled");
	tach_kvlist_set(&r->meta.context, "tree_peak_memory_why", "no cgroup: <turned off>");
	tach_report_input ri = {r, "now.json"};
	tach_html_input in = {.results = &ri, .n_results = 1};
	char *html = render(&in);
	cr_expect(strstr(html, "tree_peak_memory = the whole tree at once, by sampled "
	                       "(no cgroup: &lt;turned off&gt;)"), "%s", html);
	free(html);
	tach_result_free(r);

	/* a file from before the two peaks: its one method */
	r = tach_result_new();
	b = tach_result_add_benchmark(r, "cmd");
	metric(b, TACH_M_PEAK_RSS, "B", TACH_LOWER_IS_BETTER, 1 << 20, 3);
	tach_kvlist_set(&r->meta.context, "peak_rss_method", "cgroup");
	ri.result = r;
	html = render(&in);
	cr_expect(strstr(html, "memory: peak_rss by cgroup"), "%s", html);
	free(html);
	tach_result_free(r);
}

/* Two families whose parameters would read alike if joined with a
 * separator ({p: a, q: b} and {p: "a\x1fq=b"}) stay two families, each
 * with its own two thread counts. */
Test(report_html, scaling_families_never_merge)
{
	tach_result *r = tach_result_new();
	r->meta.cpu_count = 8;
	for (int fam = 0; fam < 2; fam++) {
		for (int t = 1; t <= 2; t++) {
			char th[8];
			snprintf(th, sizeof th, "%d", t);
			tach_benchmark *b = tach_result_add_benchmark(r, "bm_x");
			if (fam) {
				tach_kvlist_set(&b->params, "p", "a");
				tach_kvlist_set(&b->params, "q", "b");
			} else {
				tach_kvlist_set(&b->params, "p", "a\x1fq=b");
			}
			tach_kvlist_set(&b->params, "threads", th);
			metric(b, TACH_M_ITEMS_PER_SECOND, "/s", TACH_HIGHER_IS_BETTER, 1e6 * t, 1);
		}
	}
	tach_report_input ri = {r, "fam.json"};
	tach_html_input in = {.results = &ri, .n_results = 1};
	char *html = render(&in);
	cr_expect_eq(count(html, "2 thread counts"), 2, "two families of two points each");
	cr_expect_eq(count(html, "4 thread counts"), 0, "never one family of four");
	free(html);
	tach_result_free(r);
}

/* A write that fails comes back as -errno (error.h's promise), here the
 * full disk of /dev/full, not a generic I/O error. */
Test(report_html, write_error_is_minus_errno)
{
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		cr_skip_test("no /dev/full");
	setvbuf(f, NULL, _IONBF, 0); /* every write reaches the device */
	tach_result *r = suite(1);
	tach_report_input ri = {r, "suite.json"};
	tach_html_input in = {.results = &ri, .n_results = 1};
	cr_expect_eq(tach_report_html(f, &in), -ENOSPC);
	fclose(f);
	tach_result_free(r);
}
