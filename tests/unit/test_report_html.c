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
#include "report/html.h"

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

/* A history series of 30 runs named `name`, with one change point at run
 * 15 of the given size (1 = none). */
typedef struct hseries {
	tach_history_point pts[30];
	tach_changepoint cp;
} hseries;

static tach_html_series history_series(hseries *h, const char *name, tach_direction dir,
                                       double change)
{
	for (int i = 0; i < 30; i++)
		h->pts[i] = (tach_history_point){.run = i + 1,
		                                 .median = 1e-3 * (i >= 15 ? change : 1) *
		                                           (1 + 0.001 * (i % 3)),
		                                 .n = 5};
	h->cp = (tach_changepoint){.index = 15, .p = 1e-4, .change = change};
	return (tach_html_series){.name = name, .metric = "time", .unit = "s", .direction = dir,
	                          .points = h->pts, .n = 30, .cps = &h->cp,
	                          .n_cps = change != 1, .baseline = NAN};
}

/* Where `data-name="<name>"` first occurs, as an offset (SIZE_MAX: not). */
static size_t at(const char *html, const char *name)
{
	char needle[256];
	snprintf(needle, sizeof needle, "data-name=\"%s\"", name);
	const char *p = strstr(html, needle);
	return p ? (size_t)(p - html) : (size_t)-1;
}

Test(report_html, history_grouped_by_workload_worse_first)
{
	/* given in this order; expected: delta (25 % worse) before alpha
	 * (20 % worse), then beta (better only), then gamma (no change);
	 * inside alpha: c (20 %), b (5 %), a */
	static const struct {
		const char *name;
		tach_direction dir;
		double change;
	} in_order[] = {
		{"alpha/a", TACH_LOWER_IS_BETTER, 1},      {"beta/b1", TACH_LOWER_IS_BETTER, 0.9},
		{"alpha/b", TACH_LOWER_IS_BETTER, 1.05},   {"gamma", TACH_LOWER_IS_BETTER, 1},
		{"beta/b2", TACH_LOWER_IS_BETTER, 1},      {"alpha/c", TACH_LOWER_IS_BETTER, 1.2},
		{"delta/x", TACH_HIGHER_IS_BETTER, 0.8},
	};
	enum { N = sizeof in_order / sizeof in_order[0] };
	static hseries h[N];
	tach_html_series s[N];
	for (size_t i = 0; i < N; i++)
		s[i] = history_series(&h[i], in_order[i].name, in_order[i].dir, in_order[i].change);
	size_t order[N];
	cr_assert_eq(tach__html_history_order(s, N, order), 0);
	const size_t want[N] = {6, 5, 2, 0, 1, 4, 3};
	for (size_t i = 0; i < N; i++)
		cr_expect_eq(order[i], want[i], "place %zu: %s, want %s", i, in_order[order[i]].name,
		             in_order[want[i]].name);

	tach_html_input hin = {.series = s, .n_series = N};
	char *html = render(&hin);
	for (size_t i = 0; i + 1 < N; i++)
		cr_expect_lt(at(html, in_order[want[i]].name), at(html, in_order[want[i + 1]].name),
		             "%s before %s", in_order[want[i]].name, in_order[want[i + 1]].name);
	/* a group per workload, open when something in it changed */
	cr_expect(strstr(html, "<details class=group open><summary><b>delta</b> <span class=meta>1 "
	                       "series</span> <span class=worse>1 worse</span>"));
	cr_expect(strstr(html, "<details class=group open><summary><b>alpha</b> <span class=meta>3 "
	                       "series</span> <span class=worse>2 worse</span>"));
	cr_expect(strstr(html, "<details class=group open><summary><b>beta</b> <span class=meta>2 "
	                       "series</span> <span class=better>1 better</span>"));
	cr_expect(strstr(html, "<details class=group><summary><b>gamma</b>"), "nothing changed: folded");
	cr_expect_eq(count(html, "<details class=group"), 4);
	cr_expect(strstr(html, "<b class=worse>25.0% worse</b>"), "higher is better: 0.8x is 25 %% worse");
	free(html);
}

Test(report_html, history_group_names_escaped)
{
	hseries h[2];
	tach_html_series s[2] = {history_series(&h[0], evil, TACH_LOWER_IS_BETTER, 1.1),
	                         history_series(&h[1], "<b>x</b>/y", TACH_LOWER_IS_BETTER, 1)};
	tach_html_input in = {.series = s, .n_series = 2};
	char *html = render(&in);
	cr_expect_null(strstr(html, "<script>alert"));
	cr_expect(strstr(html, "<summary><b>&lt;script&gt;alert(&#39;x&#39;)&lt;</b>") ||
	              strstr(html, "<summary><b>&lt;script&gt;alert("),
	          "the group of the evil name is its text up to the first '/'");
	cr_expect(strstr(html, "<summary><b>&lt;b&gt;x&lt;</b>"), "a group named by markup is text");
	free(html);
}

/* What keeps a large page small, checked on its structure: styles said
 * once in the CSS and not on each of thousands of elements, dots in
 * whole pixels, and the bytes of a benchmark's panel and chart row
 * within a budget (the same input gives the same bytes on any machine). */
Test(report_html, large_suite_structure_stays_compact)
{
	enum { N = 200 };
	tach_result *a = tach_result_new(), *b = tach_result_new();
	for (int i = 0; i < N; i++) {
		char name[32];
		snprintf(name, sizeof name, "bm_%03d/size:%d", i, 64 << (i % 5));
		double f = i % 3 ? 1 : 1.05; /* a third 5 % slower */
		for (int side = 0; side < 2; side++) {
			tach_metric *m = tach_benchmark_add_metric(
				tach_result_add_benchmark(side ? b : a, name), "time", "s",
				TACH_LOWER_IS_BETTER);
			for (int k = 0; k < 20; k++)
				tach_metric_add_sample(m, 1.234567e-6 * (1 + i % 7) * (side ? f : 1) *
				                              (1 + 0.003 * ((k * 7 + side * 3) % 11)));
		}
	}
	tach_comparison *c = NULL;
	cr_assert_eq(tach_compare(a, b, NULL, &c), 0);
	tach_html_input in = {.comparison = c};
	char *html = render(&in);
	const char *changes = strstr(html, "<h2>Changes</h2>"), *rows = strstr(html, "<h2>All rows</h2>");
	const char *panels = strstr(html, "<h2>Benchmarks</h2>"), *foot = strstr(html, "<footer");
	cr_assert(changes && rows && panels && foot);
	cr_expect_eq(count(html, "stroke-linecap"), 1, "the dots' style is in the CSS once");
	cr_expect_eq(count(html, "fill-opacity"), 1, "the boxes' style is in the CSS once");
	cr_expect_eq(count(html, "stroke-width=2"), 0, "intervals and medians: CSS");
	cr_expect_eq(count(html, "text-anchor=end><tspan>"), 0, "a row's label says no anchor");
	cr_expect_eq(count(html, "<path class='base dots' d='M"), N);
	cr_expect_eq(count(html, "<path class='cand dots' d='M"), N);
	/* every dot in whole pixels: "M<int> <int>h0" */
	size_t dots = 0, fractional = 0;
	for (const char *p = strstr(panels, " dots' d='"); p; p = strstr(p + 1, " dots' d='"))
		for (const char *q = p + 10; *q != '\''; q++) {
			dots += *q == 'M';
			fractional += *q == '.';
		}
	cr_expect_eq(dots, 2 * N * 20);
	cr_expect_eq(fractional, 0, "dots at whole pixels");
	/* byte budgets per benchmark (one metric, 20 samples a side): this
	 * page had 1,656 B per panel and 322 B per chart row before the
	 * styles moved to the CSS and the dots to whole pixels (1,330 and
	 * 267 after) */
	double panel = (double)(foot - panels) / N, row = (double)(rows - changes) / N;
	cr_expect_leq(panel, 1400, "a benchmark's panel: %.0f B", panel);
	cr_expect_leq(row, 290, "a row of the changes chart: %.0f B", row);
	free(html);
	tach_comparison_free(c);
	tach_result_free(a);
	tach_result_free(b);
}

Test(report_html, history_unchanged_series_of_a_changed_group_folded_together)
{
	hseries h[4];
	tach_html_series s[4] = {history_series(&h[0], "w/a", TACH_LOWER_IS_BETTER, 1),
	                         history_series(&h[1], "w/b", TACH_LOWER_IS_BETTER, 1),
	                         history_series(&h[2], "w/c", TACH_LOWER_IS_BETTER, 1.1),
	                         history_series(&h[3], "z/d", TACH_LOWER_IS_BETTER, 1)};
	tach_html_input in = {.series = s, .n_series = 4};
	char *html = render(&in);
	const char *fold = strstr(html, "<details class=rest><summary class=meta>2 series without a "
	                                "change point</summary>");
	cr_assert(fold, "the two unchanged series of w behind one line");
	cr_expect_lt(at(html, "w/c"), (size_t)(fold - html), "the changed one before the fold");
	cr_expect_gt(at(html, "w/a"), (size_t)(fold - html));
	cr_expect_eq(count(html, "<details class=rest>"), 1, "z has no change: folded as a group");
	free(html);
}
