/* test_import_gbench_complexity.c - Google Benchmark's _BigO and _RMS rows
 * in its console table become the same complexity fits as its JSON makes
 * (src/import/gbench_fit.c): each curve's name, coefficients in seconds,
 * the RMS as a fraction, the fitted benchmarks, and rows out of shape
 * refused at their line and column. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "tach/import.h"

/* The console output of one run of a Google Benchmark 1.7.1 program with
 * ->Complexity(oN), (oNSquared), (oLogN), () (auto), a lambda, a family
 * in microseconds and (o1), word for word; `json` below holds what the
 * same run wrote with --benchmark_out. */
static const char console[] =
	"--------------------------------------------------------\n"
	"Benchmark              Time             CPU   Iterations\n"
	"--------------------------------------------------------\n"
	"BM_lin/64           51.8 ns         19.1 ns       739814\n"
	"BM_lin/128          94.8 ns         38.4 ns       385938\n"
	"BM_lin/256           115 ns         73.7 ns       186246\n"
	"BM_lin_BigO         0.52 N          0.29 N    \n"
	"BM_lin_RMS            25 %             2 %    \n"
	"BM_sq/64             123 ns         73.6 ns       190560\n"
	"BM_sq/128            301 ns          300 ns        49115\n"
	"BM_sq/256           1136 ns         1135 ns        12007\n"
	"BM_sq_BigO          0.02 N^2        0.02 N^2  \n"
	"BM_sq_RMS              6 %             2 %    \n"
	"BM_log/64           17.5 ns         17.5 ns       798284\n"
	"BM_log/128          20.3 ns         20.3 ns       692116\n"
	"BM_log/256          22.9 ns         22.9 ns       588054\n"
	"BM_log_BigO         2.89 lgN        2.89 lgN  \n"
	"BM_log_RMS             1 %             1 %    \n"
	"BM_auto/64          27.6 ns         20.6 ns       752469\n"
	"BM_auto/128         56.4 ns         38.1 ns       370708\n"
	"BM_auto/256          157 ns         71.7 ns       141499\n"
	"BM_auto_BigO        0.57 N          0.29 N    \n"
	"BM_auto_RMS           16 %             4 %    \n"
	"BM_lambda/64        46.6 ns         18.7 ns       760385\n"
	"BM_lambda/128        143 ns         36.6 ns       387770\n"
	"BM_lambda/256        248 ns         73.3 ns       190068\n"
	"BM_lambda_BigO       0.99 f(N)       0.29 f(N) \n"
	"BM_lambda_RMS          9 %             1 %    \n"
	"BM_ms/1024          64.0 us         28.8 us          492\n"
	"BM_ms/4096           259 us          119 us          115\n"
	"BM_ms_BigO         63.23 N         28.93 N    \n"
	"BM_ms_RMS              0 %             1 %    \n"
	"BM_const/64         57.8 ns         29.6 ns       481193\n"
	"BM_const/256        69.2 ns         28.8 ns       479808\n"
	"BM_const_BigO      63.54 (1)       29.20 (1)  \n"
	"BM_const_RMS           9 %             2 %    \n";

/* The BigO and RMS rows of the same run's JSON (real_coefficient and
 * time_unit, rms), trimmed to what the JSON importer reads. */
static const char json[] =
	"{\"context\": {\"library_build_type\": \"release\"}, \"benchmarks\": [\n"
	"{\"name\": \"BM_lin/64\", \"run_name\": \"BM_lin/64\", \"run_type\": \"iteration\",\n"
	" \"iterations\": 739814, \"real_time\": 51.8, \"cpu_time\": 19.1, \"time_unit\": \"ns\"},\n"
#define FIT(fam, coef, curve, rms)                                                             \
	"{\"name\": \"" fam "_BigO\", \"run_name\": \"" fam "\", \"run_type\": \"aggregate\","     \
	" \"real_coefficient\": " coef ", \"big_o\": \"" curve "\", \"time_unit\": \"ns\"},\n"     \
	"{\"name\": \"" fam "_RMS\", \"run_name\": \"" fam "\", \"run_type\": \"aggregate\","      \
	" \"rms\": " rms "},\n"
	FIT("BM_lin", "0.522971824341443", "N", "0.01975446874697121")
	FIT("BM_sq", "0.017442118065342044", "N^2", "0.017811056036207105")
	FIT("BM_log", "2.892755595373173", "lgN", "0.0075272803445232085")
	FIT("BM_auto", "0.5716954769253854", "N", "0.04107785500527659")
	FIT("BM_lambda", "0.9865388820813878", "f(N)", "0.005573448104280981")
	FIT("BM_ms", "63.23493244656857", "N", "0.008024354302654947")
	"{\"name\": \"BM_const_BigO\", \"run_name\": \"BM_const\", \"run_type\": \"aggregate\","
	" \"real_coefficient\": 63.536691744635554, \"big_o\": \"(1)\", \"time_unit\": \"ns\"},\n"
	"{\"name\": \"BM_const_RMS\", \"run_name\": \"BM_const\", \"run_type\": \"aggregate\","
	" \"rms\": 0.01522021372172021}\n"
	"]}\n";
#undef FIT

static tach_result *import_ok(const char *text, size_t len, const char *name)
{
	tach_result *r;
	tach_error err;
	int rc = tach_import_buffer(text, len, name, NULL, &r, &err);
	cr_assert_eq(rc, 0, "%s:%u:%u: %s", name, err.line, err.column, err.message);
	return r;
}

/* Imports text as the console table expecting TACH_EPARSE at line:column
 * with a message holding `why`. */
static void rejected(const char *text, unsigned line, unsigned column, const char *why)
{
	tach_result *r;
	tach_error err;
	int rc = tach_import_buffer(text, strlen(text), "gb.txt", "google-benchmark-console", &r,
	                            &err);
	cr_assert_eq(rc, TACH_EPARSE, "%s: rc %d (%s)", text, rc, err.message);
	cr_expect_null(r);
	cr_expect_eq(err.line, line, "line %u, want %u: %s", err.line, line, err.message);
	cr_expect_eq(err.column, column, "column %u, want %u: %s", err.column, column,
	             err.message);
	cr_expect(strstr(err.message, why), "'%s' lacks '%s'", err.message, why);
}

Test(import_gbench_complexity, console_rows_become_fits)
{
	tach_result *r = import_ok(console, sizeof console - 1, "gb.txt");
	cr_expect_eq(r->n_benchmarks, 19, "BigO and RMS rows are not benchmarks");
	cr_assert_eq(r->n_fits, 6, "the lambda's f(N) has no name in tach: left out");
	static const struct {
		const char *name, *big_o;
		double coefficient, rms;
		size_t n;
	} want[] = {
		{"BM_lin", "N", 0.52e-9, 0.02, 3},   {"BM_sq", "N^2", 0.02e-9, 0.02, 3},
		{"BM_log", "lgN", 2.89e-9, 0.01, 3}, {"BM_auto", "N", 0.57e-9, 0.04, 3},
		/* nanoseconds, though the family's rows are in microseconds */
		{"BM_ms", "N", 63.23e-9, 0.01, 2},   {"BM_const", "1", 63.54e-9, 0.02, 2},
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		const tach_fit *f = r->fits[i];
		cr_expect_str_eq(f->name, want[i].name);
		cr_expect_str_eq(f->metric, "time");
		cr_expect_str_eq(f->param, "n");
		cr_expect_str_eq(f->big_o, want[i].big_o, "%s", want[i].name);
		cr_expect_eq(f->coefficient, want[i].coefficient, "%s: %.17g", want[i].name,
		             f->coefficient);
		cr_expect_eq(f->rms, want[i].rms, "%s: the CPU fit's RMS, %.17g", want[i].name,
		             f->rms);
		cr_expect_eq(f->automatic, 0);
		cr_assert_eq(f->n_benchmarks, want[i].n, "%s", want[i].name);
		char first[64];
		snprintf(first, sizeof first, "%s/%s", want[i].name,
		         !strcmp(want[i].name, "BM_ms") ? "1024" : "64");
		cr_expect_str_eq(f->benchmarks[0], first);
	}
	tach_result_free(r);
}

/* The console and the JSON of one run give the same fits, up to the two
 * decimals the console prints (coefficients in ns, RMS in whole %). */
Test(import_gbench_complexity, console_agrees_with_its_json)
{
	tach_result *c = import_ok(console, sizeof console - 1, "gb.txt"),
	            *j = import_ok(json, sizeof json - 1, "gb.json");
	cr_assert_eq(c->n_fits, j->n_fits);
	for (size_t i = 0; i < c->n_fits; i++) {
		const tach_fit *a = c->fits[i], *b = j->fits[i];
		cr_expect_str_eq(a->name, b->name);
		cr_expect_str_eq(a->big_o, b->big_o);
		cr_expect_leq(fabs(a->coefficient - b->coefficient), 0.005e-9, "%s: %g vs %g",
		              a->name, a->coefficient, b->coefficient);
		cr_expect_leq(fabs(a->rms - b->rms), 0.005, "%s: %g vs %g", a->name, a->rms, b->rms);
	}
	tach_result_free(c);
	tach_result_free(j);
}

/* --benchmark_color=true wraps the row's parts in escapes; a label set
 * with SetLabel follows the last curve; a benchmark whose own name ends in
 * _BigO keeps being a timed row (skipped as an aggregate, as before). */
Test(import_gbench_complexity, colour_labels_and_names)
{
	static const char text[] =
		"---------------------------------------------------\n"
		"Benchmark         Time             CPU   Iterations\n"
		"---------------------------------------------------\n"
		"\033[32mBM_f/8      \033[m\033[33m     8.00 ns     8.00 ns \033[m\033[36m   100\033[m\n"
		"\033[32mBM_f/16     \033[m\033[33m    16.0 ns     16.0 ns \033[m\033[36m   100\033[m\n"
		"\033[m\033[0;34mBM_f_BigO    \033[m\033[0;33m      1.00 NlgN       0.98 NlgN \033[m"
		" sorted input\n"
		"\033[m\033[0;34mBM_f_RMS     \033[m\033[0;33m        12 %            3 %    \033[m\n"
		"BM_g_BigO          2.00 ns        2.00 ns          100\n";
	tach_result *r = import_ok(text, sizeof text - 1, "gb.txt");
	cr_expect_eq(r->n_benchmarks, 2);
	cr_assert_eq(r->n_fits, 1);
	cr_expect_str_eq(r->fits[0]->big_o, "NlgN");
	cr_expect_eq(r->fits[0]->coefficient, 1e-9);
	cr_expect_eq(r->fits[0]->rms, 0.03);
	cr_expect_eq(r->fits[0]->n_benchmarks, 2);
	tach_result_free(r);
}

/* An RMS row before its BigO row, or of a family without one, changes
 * nothing; a second BigO row of a family is left out as the JSON
 * importer leaves it. */
Test(import_gbench_complexity, rms_without_fit_and_second_bigo)
{
	static const char text[] =
		"Benchmark         Time             CPU   Iterations\n"
		"---------------------------------------------------\n"
		"BM_f/8         8.00 ns         8.00 ns          100\n"
		"BM_f_RMS          5 %             5 %\n"
		"BM_f_BigO      1.00 N          1.00 N\n"
		"BM_f_BigO      9.00 N          9.00 N\n"
		"BM_h_RMS          7 %             7 %\n";
	tach_result *r = import_ok(text, sizeof text - 1, "gb.txt");
	cr_assert_eq(r->n_fits, 1);
	cr_expect_eq(r->fits[0]->coefficient, 1e-9);
	cr_expect_eq(r->fits[0]->rms, 0);
	tach_result_free(r);
}

#define HEAD                                                                                   \
	"Benchmark         Time             CPU   Iterations\n"                                    \
	"---------------------------------------------------\n"                                    \
	"BM_f/8         8.00 ns         8.00 ns          100\n"

Test(import_gbench_complexity, rows_out_of_shape_are_refused_at_their_place)
{
	rejected(HEAD "BM_f_BigO      abc N           1.00 N\n", 4, 16, "expected a coefficient");
	rejected(HEAD "BM_f_BigO      1.00 N          1.00 NlgN\n", 4, 37,
	         "expected the same curve again");
	rejected(HEAD "BM_f_BigO      1.00\n", 4, 20, "found the end of the line");
	rejected(HEAD "BM_f_BigO      -\n", 4, 16, "BM_f_BigO: expected a coefficient, found '-'");
	rejected(HEAD "BM_f_RMS          3 %             3\n", 4, 36,
	         "BM_f_RMS: expected '%', found the end of the line");
	rejected(HEAD "BM_f_RMS          3 %             x %\n", 4, 35, "expected a percentage");
	rejected(HEAD "BM_f_RMS          3 pct           3 %\n", 4, 21, "expected '%'");
}
