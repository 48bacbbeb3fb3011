/* test_bench_complexity.c - the complexity fit (tach_stats_complexity)
 * against NumPy's least squares (tests/vectors/complexity.json, made by
 * tests/vectors/gen_complexity.py), its defined refusals, .complexity in
 * tach/bench.h with a fake clock (families, AUTO, a chosen curve, what
 * cannot be fitted), and the results file's "complexity" array: written,
 * read back bit-identical, and refused when broken. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "tach/bench.h"

/* ---- the fit against the oracle ---- */

static int close_to(double got, double want, double abs_floor)
{
	return fabs(got - want) <= 1e-9 * fabs(want) || fabs(got - want) <= abs_floor;
}

Test(complexity, numpy_vectors)
{
	json_error_t je;
	json_t *v = json_load_file(TACH_VECTORS_DIR "/complexity.json", 0, &je);
	cr_assert_not_null(v, "complexity.json:%d: %s", je.line, je.text);
	json_t *cases = json_object_get(v, "cases");
	cr_assert(json_array_size(cases) > 50);
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		json_t *jn = json_object_get(c, "n"), *jt = json_object_get(c, "t");
		size_t k = json_array_size(jn);
		double n[64], t[64], mean = 0;
		cr_assert(k <= 64 && k == json_array_size(jt));
		for (size_t j = 0; j < k; j++) {
			n[j] = json_real_value(json_array_get(jn, j));
			t[j] = json_real_value(json_array_get(jt, j));
			mean += t[j] / (double)k;
		}
		for (tach_complexity cv = TACH_COMPLEXITY_O1; cv <= TACH_COMPLEXITY_ON3; cv++) {
			json_t *want = json_object_get(json_object_get(c, "fits"),
			                               tach_complexity_name(cv));
			cr_assert_not_null(want, "%s: no %s", name, tach_complexity_name(cv));
			double wc = json_real_value(json_object_get(want, "coefficient"));
			double wr = json_real_value(json_object_get(want, "rms"));
			tach_complexity_fit f;
			cr_assert_eq(tach_stats_complexity(n, t, k, cv, &f), 0, "%s", name);
			cr_expect_eq(f.complexity, cv);
			/* an exact fit's coefficient and RMS are rounding noise on
			 * both sides: compare them at the data's scale */
			cr_expect(close_to(f.coefficient, wc,
			                   1e-12 * mean / tach_complexity_eval(cv, n[k - 1])),
			          "%s %s: coefficient %.17g, NumPy %.17g", name, tach_complexity_name(cv),
			          f.coefficient, wc);
			cr_expect(close_to(f.rms, wr, 1e-10), "%s %s: rms %.17g, NumPy %.17g", name,
			          tach_complexity_name(cv), f.rms, wr);
		}
		tach_complexity_fit a;
		cr_assert_eq(tach_stats_complexity(n, t, k, TACH_COMPLEXITY_AUTO, &a), 0);
		cr_expect_str_eq(tach_complexity_name(a.complexity),
		                 json_string_value(json_object_get(c, "auto")), "%s", name);
	}
	json_decref(v);
}

Test(complexity, refusals_and_degenerate_input)
{
	double n[] = {8, 64, 512}, t[] = {1, 8, 64}, same[] = {4, 4, 4}, zero[] = {0, 0, 0};
	double small[] = {0.5, 2, 4}, neg[] = {1, -1, 2};
	tach_complexity_fit f = {TACH_COMPLEXITY_NONE, 42, 42};
	cr_expect_eq(tach_stats_complexity(n, t, 0, TACH_COMPLEXITY_AUTO, &f), TACH_EINVAL);
	cr_expect_eq(tach_stats_complexity(n, t, 1, TACH_COMPLEXITY_AUTO, &f), TACH_EINVAL);
	cr_expect_eq(tach_stats_complexity(same, t, 3, TACH_COMPLEXITY_ON, &f), TACH_EINVAL);
	cr_expect_eq(tach_stats_complexity(small, t, 3, TACH_COMPLEXITY_ON, &f), TACH_EINVAL);
	cr_expect_eq(tach_stats_complexity(n, neg, 3, TACH_COMPLEXITY_ON, &f), TACH_EINVAL);
	cr_expect_eq(tach_stats_complexity(n, t, 3, TACH_COMPLEXITY_NONE, &f), TACH_EINVAL);
	cr_expect_eq(f.coefficient, 42, "*out set on failure");
	/* all times 0: every curve fits exactly; the simplest wins */
	cr_assert_eq(tach_stats_complexity(n, zero, 3, TACH_COMPLEXITY_AUTO, &f), 0);
	cr_expect_eq(f.complexity, TACH_COMPLEXITY_O1);
	cr_expect_eq(f.coefficient, 0);
	cr_expect_eq(f.rms, 0);
	/* exactly linear: O(n), coefficient 1/8, no residual */
	cr_assert_eq(tach_stats_complexity(n, t, 3, TACH_COMPLEXITY_AUTO, &f), 0);
	cr_expect_eq(f.complexity, TACH_COMPLEXITY_ON);
	cr_expect_eq(f.coefficient, 0.125);
	cr_expect_eq(f.rms, 0);
	for (tach_complexity c = TACH_COMPLEXITY_O1; c <= TACH_COMPLEXITY_ON3; c++)
		cr_expect_eq(tach_complexity_parse(tach_complexity_name(c)), c);
	cr_expect_eq(tach_complexity_parse("O(n)"), TACH_COMPLEXITY_NONE);
	cr_expect_eq(tach_complexity_parse(NULL), TACH_COMPLEXITY_NONE);
}

/* ---- .complexity in the benchmark library, with a fake clock ---- */

static double fake_now;
static double fake_clock(void *ctx)
{
	(void)ctx;
	return fake_now;
}

/* 2^-30 s per element: binary fractions keep the sums exact */
#define UNIT 0x1p-30

TACH_BENCH(cx_linear, .args = TACH_ARGS(8, 64, 512, 4096), .arg_names = "n",
           .complexity = TACH_COMPLEXITY_AUTO)
{
	double n = (double)tach_arg(s, 0);
	while (tach_loop(s))
		fake_now += UNIT * n;
}

TACH_BENCH(cx_const, .range_lo = 8, .range_hi = 4096, .arg_names = "n",
           .complexity = TACH_COMPLEXITY_AUTO)
{
	while (tach_loop(s))
		fake_now += 16 * UNIT;
}

/* a chosen curve is fitted even where another would fit better */
TACH_BENCH(cx_forced, .args = TACH_ARGS(8, 64, 512), .complexity = TACH_COMPLEXITY_ON2)
{
	double n = (double)tach_arg(s, 0);
	while (tach_loop(s))
		fake_now += UNIT * n;
}

/* one family per value of the second argument */
TACH_BENCH(cx_2d, .args = TACH_ARGS(16, 256, 4096), .args2 = TACH_ARGS(1, 3),
           .arg_names = "n,k", .complexity = TACH_COMPLEXITY_AUTO)
{
	double n = (double)tach_arg(s, 0), k = (double)tach_arg(s, 1);
	while (tach_loop(s))
		fake_now += UNIT * k * n * n;
}

TACH_BENCH(cx_noargs, .complexity = TACH_COMPLEXITY_AUTO)
{
	while (tach_loop(s))
		fake_now += UNIT;
}

TACH_BENCH(cx_one_size, .args = TACH_ARGS(64), .complexity = TACH_COMPLEXITY_ON)
{
	while (tach_loop(s))
		fake_now += UNIT;
}

static tach_result *run(const char *filter)
{
	tach_bench_run_opts o;
	memset(&o, 0, sizeof o);
	o.filter = filter;
	o.clock = fake_clock;
	o.repetitions = 3;
	o.max_repetitions = 3;
	o.warmup = TACH_BENCH_NO_WARMUP;
	tach_result *r = tach_result_new();
	tach_error err;
	cr_assert_eq(tach_bench_run_all(&o, r, &err), 0, "%s", err.message);
	return r;
}

Test(complexity, bench_auto_finds_linear_and_constant)
{
	tach_result *r = run("^cx_(linear|const)/");
	cr_assert_eq(r->n_fits, 2);
	const tach_fit *lin = tach_result_fit(r, "cx_linear", TACH_M_TIME);
	cr_assert_not_null(lin);
	cr_expect_str_eq(lin->big_o, "N");
	cr_expect_str_eq(lin->param, "n");
	cr_expect_str_eq(lin->metric, "time");
	cr_expect_eq(lin->automatic, 1);
	cr_expect(fabs(lin->coefficient - UNIT) < 1e-9 * UNIT, "%.17g", lin->coefficient);
	cr_expect(lin->rms < 1e-9, "%g", lin->rms);
	cr_assert_eq(lin->n_benchmarks, 4);
	cr_expect_str_eq(lin->benchmarks[0], "cx_linear/8");
	cr_expect_str_eq(lin->benchmarks[3], "cx_linear/4096");
	const tach_fit *k = tach_result_fit(r, "cx_const", NULL);
	cr_assert_not_null(k);
	cr_expect_str_eq(k->big_o, "1");
	cr_expect(fabs(k->coefficient - 16 * UNIT) < 1e-9 * UNIT, "%.17g", k->coefficient);
	cr_expect_eq(k->n_benchmarks, 4, "range 8..4096 by 8: 8, 64, 512, 4096");
	tach_result_free(r);
}

Test(complexity, bench_chosen_curve_and_families)
{
	tach_result *r = run("^cx_(forced|2d)/");
	const tach_fit *f = tach_result_fit(r, "cx_forced", NULL);
	cr_assert_not_null(f);
	cr_expect_str_eq(f->big_o, "N^2");
	cr_expect_eq(f->automatic, 0);
	cr_expect(f->rms > 0.1, "O(n) times fitted to n^2 leave residuals: %g", f->rms);
	cr_expect_str_eq(f->param, "arg0", "no arg_names: the parameter's default name");
	const tach_fit *a = tach_result_fit(r, "cx_2d/1", NULL), *b = tach_result_fit(r, "cx_2d/3", NULL);
	cr_assert(a && b);
	cr_expect_str_eq(a->big_o, "N^2");
	cr_expect_str_eq(b->big_o, "N^2");
	cr_expect(fabs(b->coefficient / a->coefficient - 3) < 1e-9);
	cr_expect_eq(a->n_benchmarks, 3);
	cr_expect_str_eq(a->benchmarks[1], "cx_2d/256/1");
	cr_expect_str_eq(b->benchmarks[2], "cx_2d/4096/3");
	tach_result_free(r);
}

Test(complexity, bench_cannot_fit_is_said)
{
	tach_result *r = run("^cx_(noargs|one_size)");
	cr_expect_eq(r->n_fits, 0);
	const char *why = tach_kvlist_get(&r->meta.context, "complexity_not_fitted");
	cr_assert_not_null(why);
	cr_expect(strstr(why, "cx_noargs: has no argument to be n") != NULL, "%s", why);
	cr_expect(strstr(why, "cx_one_size: needs times at two or more sizes") != NULL, "%s", why);
	tach_result_free(r);
}

/* ---- the results file ---- */

static char *write_mem(const tach_result *r, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	tach_error err;
	cr_assert_eq(tach_result_write(r, f, &err), 0, "%s", err.message);
	fclose(f);
	return buf;
}

Test(complexity, file_round_trip)
{
	tach_result *r = run("^cx_(linear|2d)/");
	size_t len;
	char *text = write_mem(r, &len);
	cr_expect(strstr(text, "\"complexity\": [") != NULL);
	tach_result *back;
	tach_error err;
	cr_assert_eq(tach_result_read_buffer(text, len, "mem", &back, &err), 0, "%s", err.message);
	cr_assert_eq(back->n_fits, r->n_fits);
	for (size_t i = 0; i < r->n_fits; i++) {
		const tach_fit *a = r->fits[i], *b = back->fits[i];
		cr_expect_str_eq(a->name, b->name);
		cr_expect_str_eq(a->param, b->param);
		cr_expect_str_eq(a->metric, b->metric);
		cr_expect_str_eq(a->big_o, b->big_o);
		cr_expect_eq(a->automatic, b->automatic);
		cr_expect(!memcmp(&a->coefficient, &b->coefficient, sizeof(double)));
		cr_expect(!memcmp(&a->rms, &b->rms, sizeof(double)));
		cr_assert_eq(a->n_benchmarks, b->n_benchmarks);
		for (size_t k = 0; k < a->n_benchmarks; k++)
			cr_expect_str_eq(a->benchmarks[k], b->benchmarks[k]);
	}
	size_t len2;
	char *again = write_mem(back, &len2);
	cr_expect_str_eq(text, again, "written again byte for byte");
	free(text);
	free(again);
	tach_result_free(back);
	tach_result_free(r);
}

static const char head[] = "{\"format\": 1, \"benchmarks\": [], \"complexity\": [";

static void refused(const char *fit, const char *message)
{
	char doc[1024];
	snprintf(doc, sizeof doc, "%s%s]}", head, fit);
	tach_result *r = (tach_result *)1;
	tach_error err;
	int rc = tach_result_read_buffer(doc, strlen(doc), "x.json", &r, &err);
	cr_expect_eq(rc, TACH_EFORMAT, "%s: rc %d", fit, rc);
	cr_expect_null(r);
	cr_expect(strstr(err.message, message) != NULL, "%s: '%s' lacks '%s'", fit, err.message,
	          message);
}

Test(complexity, file_refuses_broken_fits)
{
	refused("{\"name\": \"a\", \"param\": \"n\", \"metric\": \"time\", \"big_o\": \"N^4\", "
	        "\"coefficient\": 1, \"rms\": 0}", "unknown curve \"N^4\"");
	refused("{\"name\": \"a\", \"param\": \"n\", \"metric\": \"time\", \"big_o\": \"N\", "
	        "\"rms\": 0}", "missing \"coefficient\" or \"rms\"");
	refused("{\"name\": \"a\", \"param\": \"n\", \"metric\": \"time\", \"big_o\": \"N\", "
	        "\"coefficient\": 1, \"rms\": -0.5}", "\"rms\" must be a finite number not below 0");
	refused("{\"param\": \"n\", \"metric\": \"time\", \"big_o\": \"N\", \"coefficient\": 1, "
	        "\"rms\": 0}", "missing \"name\"");
	refused("{\"name\": \"\", \"param\": \"n\", \"metric\": \"time\", \"big_o\": \"N\", "
	        "\"coefficient\": 1, \"rms\": 0}", "empty \"name\"");
	refused("{\"name\": \"a\", \"param\": \"n\", \"metric\": \"time\", \"big_o\": \"N\", "
	        "\"coefficient\": 1, \"rms\": 0, \"benchmarks\": [\"\"]}", "empty benchmark name");
	refused("{\"name\": \"a\", \"param\": \"n\", \"metric\": \"time\", \"big_o\": \"N\", "
	        "\"coefficient\": 1, \"rms\": 0}, {\"name\": \"a\", \"param\": \"n\", \"metric\": "
	        "\"time\", \"big_o\": \"1\", \"coefficient\": 1, \"rms\": 0}", "appears twice");
}

Test(complexity, writer_refuses_invalid_fit)
{
	tach_result *r = tach_result_new();
	tach_fit *f = tach_result_add_fit(r, "a", "n", "time", "O(n)");
	cr_assert_not_null(f);
	char *buf = NULL;
	size_t len;
	FILE *out = open_memstream(&buf, &len);
	tach_error err;
	cr_expect_eq(tach_result_write(r, out, &err), TACH_EFORMAT);
	cr_expect(strstr(err.message, "unknown curve") != NULL, "%s", err.message);
	free(f->big_o);
	f->big_o = strdup("N");
	f->rms = NAN;
	cr_expect_eq(tach_result_write(r, out, &err), TACH_EFORMAT);
	fclose(out);
	free(buf);
	tach_result_free(r);
}

/* ---- the HTML report ---- */

/* The HTML report of r alone; caller frees. */
static char *render(const tach_result *r)
{
	tach_report_input in = {r, "cx"};
	tach_html_input h;
	memset(&h, 0, sizeof h);
	h.results = &in;
	h.n_results = 1;
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_eq(tach_report_html(f, &h), 0);
	fclose(f);
	return buf;
}

Test(complexity, report_draws_points_and_curves)
{
	tach_result *r = run("^cx_(linear|const)/");
	/* a name to escape, and a fit whose benchmarks are gone: no points,
	 * still a row */
	tach_fit *odd = tach_result_add_fit(r, "gone<&>", "n", "time", "N^2");
	cr_assert_not_null(odd);
	odd->coefficient = 1e-12;
	cr_assert_eq(tach_fit_add_benchmark(odd, "not/here"), 0);
	char *buf = render(r);
	const char *sec = strstr(buf, "<h2>Complexity</h2>");
	cr_assert_not_null(sec);
	cr_expect(strstr(sec, "time against <bdi>n</bdi>") != NULL);
	/* one chart for the group: two fitted curves with their points */
	size_t curves = 0, dots = 0;
	for (const char *p = sec; (p = strstr(p, "stroke-dasharray='5 3'")); p++)
		curves++;
	for (const char *p = sec; (p = strstr(p, "<circle r=4")) && p < strstr(sec, "</svg>"); p++)
		dots++;
	cr_expect_eq(curves, 3, "one curve per fit");
	cr_expect_eq(dots, 8, "cx_linear and cx_const at 4 sizes each");
	cr_expect(strstr(sec, "cx_linear at 4096: ") != NULL);
	cr_expect(strstr(sec, "O(N) <span class=meta>auto</span>") != NULL);
	cr_expect(strstr(sec, "gone&lt;&amp;&gt;") != NULL);
	cr_expect(strstr(sec, "gone<&>") == NULL);
	free(buf);
	tach_result_free(r);
}

Test(complexity, report_without_fits_has_no_section)
{
	tach_result *r = run("^cx_linear/8$");
	cr_assert_eq(r->n_fits, 0, "one size: not fitted");
	char *buf = render(r);
	cr_expect_null(strstr(buf, "<h2>Complexity</h2>"));
	free(buf);
	tach_result_free(r);
}

/* ---- Google Benchmark's _BigO and _RMS rows ---- */

/* Trimmed from the JSON of a Google Benchmark 1.7.1 program with
 * ->Complexity() and ->Complexity(benchmark::o1); the last two rows are as
 * versions before run_type wrote them, and a lambda's f(N) is left out. */
static const char gb_json[] =
	"{\"context\": {\"library_build_type\": \"release\"}, \"benchmarks\": [\n"
	"{\"name\": \"BM_scan/64\", \"run_name\": \"BM_scan/64\", \"run_type\": \"iteration\",\n"
	" \"iterations\": 1000, \"real_time\": 30.5, \"cpu_time\": 30.1, \"time_unit\": \"ns\"},\n"
	"{\"name\": \"BM_scan/256\", \"run_name\": \"BM_scan/256\", \"run_type\": \"iteration\",\n"
	" \"iterations\": 1000, \"real_time\": 118.0, \"cpu_time\": 117.0, \"time_unit\": \"ns\"},\n"
	"{\"name\": \"BM_scan_BigO\", \"run_name\": \"BM_scan\", \"run_type\": \"aggregate\",\n"
	" \"aggregate_name\": \"BigO\", \"aggregate_unit\": \"time\",\n"
	" \"cpu_coefficient\": 2.8425680296494554e-01, \"real_coefficient\": 4.5052495545587246e-01,\n"
	" \"big_o\": \"N\", \"time_unit\": \"ns\"},\n"
	"{\"name\": \"BM_scan_RMS\", \"run_name\": \"BM_scan\", \"run_type\": \"aggregate\",\n"
	" \"aggregate_name\": \"RMS\", \"aggregate_unit\": \"percentage\", \"rms\": 0.021921},\n"
	"{\"name\": \"BM_const/64\", \"iterations\": 10, \"real_time\": 0.7, \"cpu_time\": 0.7,\n"
	" \"time_unit\": \"us\"},\n"
	"{\"name\": \"BM_const_BigO\", \"cpu_coefficient\": 0.5, \"real_coefficient\": 0.75,\n"
	" \"big_o\": \"(1)\", \"time_unit\": \"us\"},\n"
	"{\"name\": \"BM_const_RMS\", \"rms\": 0.125},\n"
	"{\"name\": \"BM_f_BigO\", \"run_type\": \"aggregate\", \"aggregate_name\": \"BigO\",\n"
	" \"cpu_coefficient\": 1, \"real_coefficient\": 1, \"big_o\": \"f(N)\", \"time_unit\": \"ns\"}\n"
	"]}\n";

Test(complexity, gbench_bigo_rows_become_fits)
{
	tach_result *r;
	tach_error err;
	cr_assert_eq(tach_import_buffer(gb_json, sizeof gb_json - 1, "gb.json", NULL, &r, &err), 0,
	             "%s", err.message);
	cr_expect_eq(r->n_benchmarks, 3, "BigO and RMS rows are not benchmarks");
	cr_assert_eq(r->n_fits, 2, "f(N) has no name in tach: left out");
	const tach_fit *scan = tach_result_fit(r, "BM_scan", TACH_M_TIME);
	cr_assert_not_null(scan);
	cr_expect_str_eq(scan->big_o, "N");
	cr_expect_eq(scan->coefficient, 4.5052495545587246e-01 * 1e-9);
	cr_expect_eq(scan->rms, 0.021921);
	cr_expect_eq(scan->automatic, 0);
	cr_assert_eq(scan->n_benchmarks, 2);
	cr_expect_str_eq(scan->benchmarks[1], "BM_scan/256");
	const tach_fit *k = tach_result_fit(r, "BM_const", NULL);
	cr_assert_not_null(k);
	cr_expect_str_eq(k->big_o, "1");
	cr_expect_eq(k->coefficient, 0.75e-6);
	cr_expect_eq(k->rms, 0.125);
	/* the report finds n in the names (the file has no parameters) */
	char *buf = render(r);
	cr_expect(strstr(buf, "BM_scan at 256: ") != NULL);
	free(buf);
	tach_result_free(r);
}

/* The same fit as Google Benchmark's on its own numbers: times per
 * iteration (ns) that Google Benchmark 1.7.1 printed for ->Complexity()
 * (auto) and ->Complexity(benchmark::o1) benchmarks, with its BigO and RMS
 * rows.  It chooses the curve on CPU time and fits real time to that
 * curve; its RMS row is the CPU fit's. */
Test(complexity, agrees_with_google_benchmark)
{
	static const double n[] = {64, 256, 1024, 4096, 16384};
	static const double scan_cpu[] = {20.110440645137263, 76.50197867736908, 338.5580858329035,
	                                  1201.3195384003182, 4644.979288025889};
	static const double scan_real[] = {41.41457678013756, 133.96183899836117, 479.3873535528705,
	                                   2169.3833666078863, 7298.924272111767};
	static const double const_cpu[] = {0.41348416368438007, 0.41697167992235296,
	                                   0.5602345571473065, 0.43544966234935634,
	                                   0.4246558579323279};
	static const double const_real[] = {0.6931262992988434, 0.6290719364936002,
	                                    0.8764665220117501, 0.6748980072742834,
	                                    0.6624272295902902};
	tach_complexity_fit f;
	cr_assert_eq(tach_stats_complexity(n, scan_cpu, 5, TACH_COMPLEXITY_AUTO, &f), 0);
	cr_expect_eq(f.complexity, TACH_COMPLEXITY_ON, "Google Benchmark: N");
	cr_expect(close_to(f.coefficient, 0.28425680296494554, 0), "%.17g", f.coefficient);
	cr_expect(close_to(f.rms, 0.021921015213437867, 0), "%.17g", f.rms);
	cr_assert_eq(tach_stats_complexity(n, scan_real, 5, f.complexity, &f), 0);
	cr_expect(close_to(f.coefficient, 0.45052495545587246, 0), "%.17g", f.coefficient);
	cr_assert_eq(tach_stats_complexity(n, const_cpu, 5, TACH_COMPLEXITY_O1, &f), 0);
	cr_expect(close_to(f.coefficient, 0.45015918420714474, 0), "%.17g", f.coefficient);
	cr_expect(close_to(f.rms, 0.12340412136073747, 0), "%.17g", f.rms);
	cr_assert_eq(tach_stats_complexity(n, const_real, 5, TACH_COMPLEXITY_O1, &f), 0);
	cr_expect(close_to(f.coefficient, 0.7071979989337536, 0), "%.17g", f.coefficient);
}

/* `tach show` and the benchmark binary print a fit as Google Benchmark
 * does: NAME_BigO with ns per unit of the curve, NAME_RMS in percent. */
Test(complexity, text_rows)
{
	tach_result *r = run("^cx_(linear|const)/");
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	tach_report_input in = {r, "cx"};
	cr_assert_eq(tach_report_summary(f, &in, 1, TACH_REPORT_TEXT, NULL), 0);
	fclose(f);
	/* UNIT is 2^-30 s: 0.9313 ns */
	cr_expect(strstr(buf, "\ncx_linear_BigO      0.9313 N     (auto: the lowest RMS)\n"), "%s",
	          buf);
	cr_expect(strstr(buf, "\ncx_linear_RMS            0 %\n"), "%s", buf);
	cr_expect(strstr(buf, "\ncx_const_BigO         14.9 (1)   (auto: the lowest RMS)\n"), "%s",
	          buf);
	free(buf);
	tach_result_free(r);
}

/* Merging sets (tach_result_take, `tach merge`) carries the fits along,
 * renamed with the prefix as their benchmarks are. */
Test(complexity, take_moves_fits_with_prefix)
{
	tach_result *a = run("^cx_linear/"), *b = run("^cx_const/");
	cr_assert_eq(tach_result_take(a, b, "v2"), 0);
	cr_expect_eq(b->n_fits, 0);
	cr_assert_eq(a->n_fits, 2);
	const tach_fit *f = tach_result_fit(a, "v2/cx_const", NULL);
	cr_assert_not_null(f);
	cr_expect_str_eq(f->benchmarks[0], "v2/cx_const/8");
	cr_expect_not_null(tach_result_find(a, "v2/cx_const/8", NULL));
	cr_expect_str_eq(tach_result_fit(a, "cx_linear", NULL)->benchmarks[0], "cx_linear/8");
	tach_result_free(a);
	tach_result_free(b);
}
