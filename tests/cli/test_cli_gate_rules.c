/* test_cli_gate_rules.c - issue 19 item 10 end to end: min-improvement
 * and max-cv from tach.conf in `tach gate` and `tach compare` (text,
 * Markdown, JSON, JUnit), with a reason line and exit status 1 when they
 * fail, and bad values placed at file:line:column with exit status 2. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* A results file of one benchmark "BM_publish" whose 20 time samples sit
 * around `ms` milliseconds, spread +-`spread` (a fraction) in a fixed
 * zig-zag, so the CV is known: about spread * 0.73. */
static const char *results(double ms, double spread)
{
	char text[4096];
	size_t len = (size_t)snprintf(text, sizeof text,
	                              "{\"format\": 1, \"meta\": {}, \"benchmarks\": [{\"name\": "
	                              "\"BM_publish\", \"metrics\": [{\"name\": \"time\", \"unit\": "
	                              "\"s\", \"direction\": \"lower\", \"samples\": [");
	static const double steps[] = {-1, -0.5, 0, 0.5, 1};
	for (int i = 0; i < 20; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%s%.9g", i ? ", " : "",
		                        ms * 1e-3 * (1 + spread * steps[i % 5] + 0.001 * (i % 3)));
	snprintf(text + len, sizeof text - len, "]}]}]}\n");
	return temp_file(text, ".json");
}

static const char *const seed_conf = "# the event-bus seed: 0.5 of the baseline, CV < 0.1\n"
                                     "[bench \"BM_*\"]\n"
                                     "\tmetric = time\n"
                                     "\tmin-improvement = 50%\n"
                                     "\tmax-cv = 10%\n";

Test(cli_gate_rules, gate_fails_an_improvement_short_of_the_requirement)
{
	const char *conf = temp_file(seed_conf, ".conf");
	const char *base = results(1.0, 0.01), *some = results(0.6, 0.01), *half = results(0.4, 0.01);
	run_result r = run_tach(ARGV("gate", "--config", conf, base, some), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "FAIL  time improved by at least "), "%s", r.out);
	cr_expect(strstr(r.out, "short of min-improvement 50%  BM_publish\n"), "%s", r.out);
	cr_expect(strstr(r.out, "gate: FAILED"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("gate", "--config", conf, base, half), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "pass  time improved by at least "), "%s", r.out);
	cr_expect(strstr(r.out, "meets min-improvement 50%  BM_publish\n"), "%s", r.out);
	run_free(&r);
	/* a slower candidate shows no improvement at all: said so, not as a
	 * negative "at least" */
	const char *slower = results(1.05, 0.01);
	r = run_tach(ARGV("gate", "--config", conf, base, slower), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "FAIL  time improvement not shown (the 98% interval's worse end is "),
	          "%s", r.out);
	cr_expect(strstr(r.out, "% worse)"), "%s", r.out);
	cr_expect(!strstr(r.out, "at least -"), "%s", r.out);
	run_free(&r);
	/* --warn-only reports it and exits 0 */
	r = run_tach(ARGV("gate", "--warn-only", "--config", conf, base, some), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "FAIL  time improved"), "%s", r.out);
	run_free(&r);
}

Test(cli_gate_rules, gate_fails_a_noisy_candidate_with_or_without_a_base)
{
	const char *conf = temp_file(seed_conf, ".conf");
	const char *base = results(1.0, 0.01), *noisy = results(0.4, 0.3);
	run_result r = run_tach(ARGV("gate", "--config", conf, base, noisy), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "FAIL  time CV 2"), "%s", r.out);
	cr_expect(strstr(r.out, "% above max-cv 10%  BM_publish\n"), "%s", r.out);
	run_free(&r);
	/* one file: the stability of the candidate alone */
	r = run_tach(ARGV("gate", "--config", conf, noisy), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "% above max-cv 10%  BM_publish\n"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("gate", "--config", conf, base), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "a steady candidate passes: %s%s", r.out, r.err);
	run_free(&r);
	/* required = false: a warning, exit 0 */
	char soft[512];
	snprintf(soft, sizeof soft, "%s\trequired = false\n", seed_conf);
	const char *sconf = temp_file(soft, ".conf");
	r = run_tach(ARGV("gate", "--config", sconf, noisy), NULL, NULL, NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "warn  time CV"), "%s", r.out);
	run_free(&r);
}

Test(cli_gate_rules, compare_prints_the_reason_in_every_format)
{
	const char *conf = temp_file(seed_conf, ".conf");
	const char *base = results(1.0, 0.01), *some = results(0.6, 0.01), *noisy = results(0.4, 0.3);
	run_result r = run_tach(ARGV("compare", "--config", conf, base, some), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "improved (short of min-improvement)"), "the row: %s", r.out);
	cr_expect(strstr(r.out, "\ngate:\nFAIL  time improved by at least "), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("compare", "-f", "markdown", "--config", conf, base, noisy), NULL, NULL,
	             NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "(CV above max-cv)"), "%s", r.out);
	cr_expect(strstr(r.out, "```\nFAIL  time CV "), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("compare", "-f", "json", "--config", conf, base, noisy), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "\"gate\": \"fail\", \"gate_reasons\": [\"max-cv\"]"), "%s", r.out);
	cr_expect(strstr(r.out, "\"min_improvement\": 0.5, \"max_cv\": 0.1"), "%s", r.out);
	run_free(&r);
	r = run_tach(ARGV("compare", "-f", "junit", "--config", conf, base, some), NULL, NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "type=\"min-improvement\"/>"), "%s", r.out);
	run_free(&r);
	/* a plain regression keeps its type */
	r = run_tach(ARGV("compare", "-f", "junit", "--no-config", some, base), NULL, NULL, NULL);
	cr_expect(strstr(r.out, "type=\"regression\"/>"), "%s", r.out);
	run_free(&r);
}

Test(cli_gate_rules, bad_values_are_errors_at_their_place)
{
	const char *base = results(1.0, 0.01);
	static const struct {
		const char *conf, *place, *says;
	} bad[] = {
		{"[metric \"time\"]\n  min-improvement = 120%\n", ":2:21: min-improvement: ",
		 "below 100%"},
		{"[compare]\nmax-cv = ten\n", ":2:10: max-cv: ", "percentage"},
		{"[bench \"x\"]\nmin-improvment = 5%\n", ":2:1: unknown key 'min-improvment'",
		 "min-improvement, max-cv"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *conf = temp_file(bad[i].conf, ".conf");
		run_result r = run_tach(ARGV("gate", "--config", conf, base), NULL, NULL, NULL);
		cr_expect_eq(r.status, 2, "%s", r.err);
		cr_expect(!strncmp(r.err, conf, strlen(conf)), "the file first: %s", r.err);
		cr_expect(strstr(r.err, bad[i].place), "%s", r.err);
		cr_expect(strstr(r.err, bad[i].says), "%s", r.err);
		cr_expect_str_eq(r.out, "");
		run_free(&r);
	}
}

/* `tach gate -f junit`: the gate's checks as test cases for a CI's test
 * report — the failed min-improvement and max-cv rules as failures, the
 * compared row, exit status as with text; -o writes the file whole and
 * never over an input; an unknown format is refused. */
Test(cli_gate_rules, gate_writes_its_checks_as_junit)
{
	const char *conf = temp_file(seed_conf, ".conf");
	const char *base = results(1.0, 0.01), *noisy = results(0.6, 0.3);
	run_result r = run_tach(ARGV("gate", "--config", conf, "-f", "junit", base, noisy), NULL,
	                        NULL, NULL);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "<testsuites name=\"tach gate\""), "%s", r.out);
	cr_expect(strstr(r.out, "tests=\"3\" failures=\"2\""), "the row, min-improvement and max-cv: %s", r.out);
	cr_expect(strstr(r.out, "name=\"time improved (-40.00%)  BM_publish\"></testcase>"), "%s", r.out);
	cr_expect(strstr(r.out, "short of min-improvement 50%  BM_publish\"><failure"), "%s", r.out);
	cr_expect(strstr(r.out, "<testcase classname=\"tach gate\" name=\"time "), "%s", r.out);
	cr_expect(!strstr(r.out, "gate: FAILED"), "no text lines: %s", r.out);
	run_free(&r);
	const char *good = results(0.4, 0.01);
	char out[64];
	snprintf(out, sizeof out, "/tmp/tach-gate-junit-%d.xml", (int)getpid());
	r = run_tach(ARGV("gate", "--config", conf, "-f", "junit", "-o", out, base, good), NULL, NULL,
	             NULL);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect_str_eq(r.out, "");
	run_free(&r);
	FILE *f = fopen(out, "r");
	cr_assert_not_null(f);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	remove(out);
	cr_expect(strstr(buf, "failures=\"0\""), "%s", buf);
	cr_expect(strstr(buf, "meets min-improvement 50%  BM_publish\"></testcase>"), "%s", buf);
	r = run_tach(ARGV("gate", "--config", conf, "-o", base, base, good), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2, "an input as the output");
	run_free(&r);
	r = run_tach(ARGV("gate", "--config", conf, "-f", "xml", base, good), NULL, NULL, NULL);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "use text, junit or csv"), "%s", r.err);
	run_free(&r);
}
