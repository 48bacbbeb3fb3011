/* test_cli_fits.c - complexity fits from the command line (issue 19 item
 * 3): Google Benchmark's console _BigO/_RMS rows imported as fits, and
 * fits kept by the history, so that `history export`, `history show` and
 * a report of two stored runs (as the demo makes it) carry them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

static char dir[64], db[128];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/tach-fits-XXXXXX");
	cr_assert(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/h.db", dir);
}

static void teardown(void)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

/* The console of a Google Benchmark 1.7.1 program with ->Complexity(oN),
 * run i (times scaled by 1 + i / 100). */
static const char *console_file(int i)
{
	static char path[2][160];
	char *p = path[i % 2];
	snprintf(p, 160, "%s/gb-%d.txt", dir, i);
	FILE *f = fopen(p, "w");
	cr_assert(f);
	fputs("--------------------------------------------------------\n"
	      "Benchmark              Time             CPU   Iterations\n"
	      "--------------------------------------------------------\n",
	      f);
	static const int n[] = {64, 128, 256, 512};
	for (int k = 0; k < 4; k++)
		fprintf(f, "BM_lin/%-10d %8.1f ns %12.1f ns %12d\n", n[k], 0.5 * n[k] * (1 + i / 100.0),
		        0.3 * n[k], 100000);
	fprintf(f, "BM_lin_BigO %12.2f N %12.2f N    \n", 0.5 * (1 + i / 100.0), 0.3);
	fputs("BM_lin_RMS            1 %             2 %    \n", f);
	fclose(f);
	return p;
}

static void expect_ok(run_result *r, const char *what)
{
	cr_expect_eq(r->status, 0, "%s: exit %d: %s", what, r->status, r->err);
}

Test(cli_fits, console_rows_are_fits_in_the_results_file, .init = setup, .fini = teardown)
{
	char out[160];
	snprintf(out, sizeof out, "%s/gb.json", dir);
	run_result r = run_tach(ARGV("import", console_file(0), "-o", out), NULL, NULL, NULL);
	expect_ok(&r, "import");
	run_free(&r);
	tach_result *res;
	tach_error err;
	cr_assert_eq(tach_result_read_file(out, &res, &err), 0, "%s", err.message);
	cr_assert_eq(res->n_fits, 1);
	cr_expect_str_eq(res->fits[0]->name, "BM_lin");
	cr_expect_eq(res->fits[0]->coefficient, 0.5e-9);
	cr_expect_eq(res->fits[0]->rms, 0.02);
	cr_expect_eq(res->fits[0]->n_benchmarks, 4);
	tach_result_free(res);
}

/* Two runs stored, then read back by every command that turns a stored
 * run into results: the fits come along. */
Test(cli_fits, stored_runs_keep_their_fits, .init = setup, .fini = teardown)
{
	for (int i = 0; i < 2; i++) {
		run_result r = run_tach(ARGV("history", "add", "--db", db, console_file(i)), NULL, NULL,
		                        NULL);
		expect_ok(&r, "history add");
		run_free(&r);
	}
	run_result r = run_tach(ARGV("history", "export", "--db", db, "#1"), NULL, NULL, NULL);
	expect_ok(&r, "history export");
	cr_expect(strstr(r.out, "\"complexity\":[{\"name\":\"BM_lin\""), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("history", "show", "--db", db, "#2"), NULL, NULL, NULL);
	expect_ok(&r, "history show");
	cr_expect(strstr(r.out, "BM_lin_BigO") && strstr(r.out, "BM_lin_RMS"), "%s", r.out);
	run_free(&r);
	/* the demo's report: the newest run against the one before, with the
	 * history's series */
	char html[160];
	snprintf(html, sizeof html, "%s/r.html", dir);
	r = run_tach(ARGV("report", "--db", db, "--base", "#1", "--cand", "#2", "--history",
	                  "--history-metric", "time", "-o", html),
	             NULL, NULL, NULL);
	expect_ok(&r, "report");
	run_free(&r);
	FILE *f = fopen(html, "r");
	cr_assert(f);
	char *page = NULL;
	size_t cap = 0;
	ssize_t len = getdelim(&page, &cap, '\0', f);
	fclose(f);
	cr_assert_gt(len, 0);
	cr_expect(strstr(page, "<h2>Complexity</h2>"), "no Complexity section");
	cr_expect(strstr(page, "data-name=\"BM_lin\""), "no chart of BM_lin");
	free(page);
}

/* A BigO row out of shape: exit 2, the file, line and column of the
 * field, and nothing stored. */
Test(cli_fits, a_bad_bigo_row_is_refused_at_its_place, .init = setup, .fini = teardown)
{
	char path[160];
	snprintf(path, sizeof path, "%s/bad.txt", dir);
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs("Benchmark         Time             CPU   Iterations\n"
	      "---------------------------------------------------\n"
	      "BM_f/8         8.00 ns         8.00 ns          100\n"
	      "BM_f_BigO      abc N           1.00 N\n",
	      f);
	fclose(f);
	char want[256];
	snprintf(want, sizeof want, "%s:4:16: BM_f_BigO: expected a coefficient, found 'abc'\n",
	         path);
	run_result r = run_tach(ARGV("import", path), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, want);
	run_free(&r);
	r = run_tach(ARGV("history", "add", "--db", db, path), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, want);
	run_free(&r);
	r = run_tach(ARGV("history", "list", "--db", db), NULL, NULL, NULL);
	cr_expect(r.status != 0 || !strstr(r.out, "#1"), "nothing stored: %s", r.out);
	run_free(&r);
}
