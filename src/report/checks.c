/* checks.c - a gate's checks as JUnit XML (tach_report_checks_junit),
 * for CI systems that show test reports: `tach gate -f junit`, and as CSV
 * for spreadsheets and scripts (`tach gate -f csv`).  The
 * comparison's own JUnit (a test case per row) is comparison.c's; the
 * gate adds the checks a comparison has no row for (targets, benchmarks
 * gone, testbeds), so it reports the checks as the gate lists them. */
#include <errno.h>
#include <stdio.h>

#include "tach/report.h"
#include "report/emit.h"

int tach_report_checks_junit(FILE *f, const char *suite, const tach_check *v, size_t n)
{
	size_t failed = 0;
	for (size_t i = 0; i < n; i++)
		failed += v[i].outcome == TACH_CHECK_FAIL;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
	tach__emit_xml(f, suite);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\">\n  <testsuite name=\"", n ? n : 1, failed);
	tach__emit_xml(f, suite);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\">\n", n ? n : 1, failed);
	for (size_t i = 0; i < n; i++) {
		fputs("    <testcase classname=\"", f);
		tach__emit_xml(f, suite);
		fputs("\" name=\"", f);
		tach__emit_xml(f, v[i].line);
		fputs("\">", f);
		if (v[i].outcome == TACH_CHECK_FAIL) {
			fputs("<failure message=\"", f);
			tach__emit_xml(f, v[i].line);
			fputs("\" type=\"gate\"/>", f);
		} else if (v[i].outcome == TACH_CHECK_WARN) {
			fputs("<system-out>warning: ", f);
			tach__emit_xml(f, v[i].line);
			fputs("</system-out>", f);
		}
		fputs("</testcase>\n", f);
	}
	if (!n) {
		fputs("    <testcase classname=\"", f);
		tach__emit_xml(f, suite);
		fputs("\" name=\"", f);
		tach__emit_xml(f, suite);
		fputs("\"/>\n", f);
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
	return 0;
}

int tach_report_checks_csv(FILE *f, const tach_check *v, size_t n)
{
	static const char *const outcome[] = {"pass", "fail", "warn"};
	fputs("outcome,check,name,metric,reason\n", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s,", outcome[v[i].outcome]);
		tach__emit_csv_field(f, v[i].kind ? v[i].kind : "");
		fputc(',', f);
		tach__emit_csv_field(f, v[i].name ? v[i].name : "");
		fputc(',', f);
		tach__emit_csv_field(f, v[i].metric ? v[i].metric : "");
		fputc(',', f);
		/* a pass has nothing to explain */
		tach__emit_csv_field(f, v[i].outcome != TACH_CHECK_PASS && v[i].reason ? v[i].reason
		                                                                       : "");
		fputc('\n', f);
	}
	return ferror(f) ? (errno ? -errno : TACH_EIO) : 0;
}
