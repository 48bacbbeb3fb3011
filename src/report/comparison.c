/* comparison.c - a comparison (tach/compare.h) as a terminal table,
 * Markdown for a pull-request comment, JSON, CSV and JUnit XML.
 *
 * Text and Markdown lead with the one line a reviewer reads ("2 regressed,
 * 1 improved, 40 same, 0 inconclusive"); Markdown shows the rows that moved and folds the
 * rest into <details>.  JSON and CSV keep canonical units and round-trip
 * numbers for programs; JUnit makes every benchmark metric a test case
 * that fails when it fails the gate.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tach/compare.h"
#include "tach/report.h"
#include "tach/result.h"
#include "tach/units.h"
#include "report/compare_cells.h"
#include "report/emit.h"
#include "report/table.h"

/* ---- shared cells ---- */

static void pct(char *buf, size_t size, double x)
{
	if (isnan(x))
		snprintf(buf, size, "-");
	else if (isinf(x))
		snprintf(buf, size, x > 0 ? "+inf" : "-inf");
	else if (x <= -0.9)
		/* -100.0% would hide whether it is 10x or 6,000x: say the factor */
		snprintf(buf, size, "%+.2f%% (/%.*f)", x * 100, 1 / (1 + x) < 100 ? 1 : 0,
		         1 / (1 + x));
	else if (x >= 9)
		snprintf(buf, size, "%+.0f%% (x%.*f)", x * 100, 1 + x < 100 ? 1 : 0, 1 + x);
	else if (fabs(x) < 0.1)
		snprintf(buf, size, "%+.2f%%", x * 100);
	else
		snprintf(buf, size, "%+.1f%%", x * 100);
}

static void value(char *buf, size_t size, double v, tach_scale sc)
{
	char num[40];
	if (isnan(v)) {
		snprintf(buf, size, "-");
		return;
	}
	tach_format_scaled(num, sizeof num, v, sc);
	snprintf(buf, size, "%s%s%s%s", num, sc.unit && *sc.unit ? " " : "", sc.prefix,
	         sc.unit ? sc.unit : "");
}

static void pvalue(char *buf, size_t size, double p)
{
	if (isnan(p))
		snprintf(buf, size, "-");
	else if (p < 0.0001)
		snprintf(buf, size, "<0.0001");
	else
		snprintf(buf, size, "%.4f", p);
}

typedef tach__compare_cells cells;

static void row_cells(const tach_compare_row *r, const tach_report_opts *o, cells *c)
{
	tach_scale sc = tach_scale_for(r->unit ? r->unit : "count",
	                               isnan(r->base_median) ? r->cand_median : r->base_median,
	                               o->ascii);
	value(c->base, sizeof c->base, r->base_median, sc);
	value(c->cand, sizeof c->cand, r->cand_median, sc);
	pct(c->change, sizeof c->change, r->ratio - 1);
	if (isnan(r->ratio_lo) || isnan(r->ratio_hi) || (r->flags & TACH_ROW_ZERO)) {
		snprintf(c->ci, sizeof c->ci, "-");
	} else {
		char lo[32], hi[32];
		pct(lo, sizeof lo, r->ratio_lo - 1);
		pct(hi, sizeof hi, r->ratio_hi - 1);
		snprintf(c->ci, sizeof c->ci, "[%s, %s]", lo, hi);
	}
	pvalue(c->p, sizeof c->p, r->p_adjusted);
	if (r->metric)
		snprintf(c->n, sizeof c->n, "%zu/%zu", r->n_base, r->n_cand);
	else
		snprintf(c->n, sizeof c->n, "-");
	double cv = fmax(r->cv_base, r->cv_cand);
	if (r->n_base >= 2 || r->n_cand >= 2)
		snprintf(c->cv, sizeof c->cv, "%.1f%%", cv * 100);
	else
		snprintf(c->cv, sizeof c->cv, "-");
	const char *v = tach_verdict_name(r->verdict);
	if (r->flags & TACH_ROW_ERROR)
		snprintf(c->verdict, sizeof c->verdict, "%s (failed)", v);
	else if (r->flags & TACH_ROW_UNRESOLVED)
		snprintf(c->verdict, sizeof c->verdict, "%s (below resolution)", v);
	else if (r->verdict == TACH_INCONCLUSIVE && r->n_needed)
		snprintf(c->verdict, sizeof c->verdict, "%s (n=%zu/side)", v, r->n_needed);
	else if (r->flags & TACH_ROW_SINGLE)
		snprintf(c->verdict, sizeof c->verdict, "%s (1 sample)", v);
	else if (r->flags & TACH_ROW_DETERMINISTIC)
		snprintf(c->verdict, sizeof c->verdict, "%s (exact)", v);
	else if (r->gate_why & TACH_GATE_IMPROVEMENT)
		snprintf(c->verdict, sizeof c->verdict, "%s (short of min-improvement)", v);
	else if (r->gate_why & TACH_GATE_CV)
		snprintf(c->verdict, sizeof c->verdict, "%s (CV above max-cv)", v);
	else if (r->verdict == TACH_REGRESSED && !r->gate)
		snprintf(c->verdict, sizeof c->verdict, "%s (within limit)", v);
	else if (r->gate == 2)
		snprintf(c->verdict, sizeof c->verdict, "%s (warning)", v);
	else
		snprintf(c->verdict, sizeof c->verdict, "%s", v);
}

static void display_name(char *buf, size_t size, const tach_compare_row *r)
{
	tach__display_name(buf, size, r->name, r->params);
}

/* Always the four counts in this order, zeros included, so a script or a
 * CI log reads the same shape every time; new and gone follow when there
 * are any. */
static void counts(FILE *f, const tach_comparison *c, int md)
{
	static const tach_verdict order[] = {TACH_REGRESSED, TACH_IMPROVED, TACH_SAME,
	                                     TACH_INCONCLUSIVE, TACH_NEW, TACH_GONE};
	const char *sep = "";
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		size_t n = c->counts[order[i]];
		if (!n && (order[i] == TACH_NEW || order[i] == TACH_GONE))
			continue;
		int bold = md && order[i] == TACH_REGRESSED && n;
		fprintf(f, "%s%s%zu %s%s", sep, bold ? "**" : "", n, tach_verdict_name(order[i]),
		        bold ? "**" : "");
		sep = ", ";
	}
}

void tach_report_comparison_counts(FILE *out, const tach_comparison *c)
{
	counts(out, c, 0);
	fputc('\n', out);
}

static void summary_line(FILE *f, const tach_comparison *c, int md)
{
	counts(f, c, md);
	for (size_t g = 0; g < c->n_geomeans; g++) {
		char ch[32];
		pct(ch, sizeof ch, c->geomeans[g].ratio - 1);
		fprintf(f, "%s geomean ", g ? "," : " \xc2\xb7");
		/* the first line of a pull-request comment: a metric named
		 * "<img src=...>" must not render there, nor recolour a terminal */
		if (md)
			tach__emit_md_cell(f, c->geomeans[g].metric);
		else
			tach__emit_text(f, c->geomeans[g].metric);
		fprintf(f, " %s", ch);
		if (g == 2 && c->n_geomeans > 3) {
			fprintf(f, ", ...");
			break;
		}
	}
	fputc('\n', f);
}

/* ---- text ---- */

static int text(FILE *f, const tach_comparison *c, const char *bn, const char *cn,
                const tach_report_opts *o)
{
	tach_table *t = tach__table_new(10);
	if (!t)
		return TACH_ENOMEM;
	for (size_t k = 2; k < 9; k++)
		tach__table_align_right(t, k);
	int rc = tach__table_row(t, 0, "benchmark", "metric", "base", "cand", "change",
	                         "98% CI", "p (Holm)", "n", "CV", "verdict");
	const char *prev = NULL;
	for (size_t i = 0; !rc && i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		cells cl;
		char name[512];
		row_cells(r, o, &cl);
		display_name(name, sizeof name, r);
		int flags = r->verdict == TACH_REGRESSED ? TACH_ROW_BAD
		            : r->verdict == TACH_IMPROVED ? TACH_ROW_GOOD
		            : r->verdict == TACH_INCONCLUSIVE ? TACH_ROW_NOISY
		                                              : 0;
		const tach_benchmark *b = r->cand ? r->cand : r->base;
		rc = tach__table_row(t, flags, prev == (const char *)b ? "" : name,
		                     r->metric ? r->metric : "", cl.base, cl.cand,
		                     r->metric ? cl.change : "", cl.ci, cl.p, cl.n, cl.cv, cl.verdict);
		prev = (const char *)b;
	}
	for (size_t g = 0; !rc && g < c->n_geomeans; g++) {
		char ch[32], n[32];
		pct(ch, sizeof ch, c->geomeans[g].ratio - 1);
		snprintf(n, sizeof n, "%zu", c->geomeans[g].n);
		rc = tach__table_row(t, 0, g ? "" : "geomean", c->geomeans[g].metric, "", "", ch, "",
		                     "", n, "", "");
	}
	if (!rc) {
		if (o->color)
			fputs("\x1b[1m", f);
		tach__emit_text(f, bn ? bn : "base");
		fputs(o->ascii ? " -> " : " \xe2\x86\x92 ", f);
		tach__emit_text(f, cn ? cn : "cand");
		if (o->color)
			fputs("\x1b[0m", f);
		fputs("\n", f);
		summary_line(f, c, 0);
		fputc('\n', f);
		rc = tach__table_print(t, f, o->color);
		for (size_t i = 0; !rc && i < c->n_rows; i++) {
			const tach_compare_row *r = &c->rows[i];
			if (!(r->flags & TACH_ROW_ERROR) || !r->cand || !r->cand->error)
				continue;
			fputs("failed: ", f);
			tach__emit_text(f, r->name);
			fputs(": ", f);
			tach__emit_text(f, r->cand->error);
			fputc('\n', f);
		}
		if (!rc && (c->n_failed || c->n_warned))
			fprintf(f, "gate: %zu failed, %zu warning%s\n", c->n_failed, c->n_warned,
			        c->n_warned == 1 ? "" : "s");
	}
	tach__table_free(t);
	return rc;
}

/* ---- Markdown ---- */

static void md_row(FILE *f, const tach_compare_row *r, const tach_report_opts *o, int full)
{
	cells cl;
	char name[512];
	row_cells(r, o, &cl);
	display_name(name, sizeof name, r);
	static const char *const marks[] = {"", ":green_circle: ", ":red_circle: ",
	                                    ":grey_question: ", "", ""};
	fputs("| ", f);
	tach__emit_md_cell(f, name);
	fputs(" | ", f);
	tach__emit_md_cell(f, r->metric ? r->metric : "");
	/* values carry the unit, and a custom unit is the file's text */
	fputs(" | ", f);
	tach__emit_md_cell(f, cl.base);
	fputs(" | ", f);
	tach__emit_md_cell(f, cl.cand);
	fprintf(f, " | %s |", r->metric ? cl.change : "");
	if (full)
		fprintf(f, " %s | %s | %s | %s |", cl.ci, cl.p, cl.n, cl.cv);
	fprintf(f, " %s%s |\n", marks[r->verdict], cl.verdict);
}

/* One side's provenance for a pull-request comment: "**base** commit
 * `abc123456789` (main), measured 2026-12-06T10:11:00Z on vm-2c-…".
 * Nothing when the side knows none of it. */
static int md_side_known(const tach_result *r)
{
	return r && (r->meta.git_commit || r->meta.timestamp || r->meta.testbed ||
	             r->meta.hostname);
}

static void md_side(FILE *f, const char *label, const tach_result *r)
{
	if (!md_side_known(r))
		return;
	const tach_meta *m = &r->meta;
	char tb[TACH_TESTBED_MAX + 1];
	const char *testbed = m->testbed || m->hostname ? tach_meta_testbed(m, tb, sizeof tb) : NULL;
	fprintf(f, "**%s**", label);
	if (m->git_commit) {
		fputs(" commit `", f);
		tach__emit_md_cell(f, m->git_commit); /* hex when read; escaped anyway */
		fputc('`', f);
	}
	if (m->git_branch) {
		fputs(" (", f);
		tach__emit_md_cell(f, m->git_branch);
		fputc(')', f);
	}
	if (m->timestamp) {
		fputs(", measured ", f);
		tach__emit_md_cell(f, m->timestamp);
	}
	if (testbed) {
		fputs(" on ", f);
		tach__emit_md_cell(f, testbed);
	}
	fputs("  \n", f);
}

static int markdown(FILE *f, const tach_comparison *c, const tach_report_opts *o)
{
	summary_line(f, c, 1);
	/* which two runs these are: a comment on a pull request is read
	 * days later, beside newer runs */
	if (md_side_known(c->base) || md_side_known(c->cand)) {
		fputc('\n', f);
		md_side(f, "base", c->base);
		md_side(f, "cand", c->cand);
	}
	size_t moved = 0;
	for (size_t i = 0; i < c->n_rows; i++)
		moved += c->rows[i].verdict != TACH_SAME;
	if (moved) {
		fputs("\n| benchmark | metric | base | cand | change | verdict |\n"
		      "|---|---|--:|--:|--:|---|\n", f);
		for (size_t i = 0; i < c->n_rows; i++)
			if (c->rows[i].verdict != TACH_SAME)
				md_row(f, &c->rows[i], o, 0);
	}
	fprintf(f, "\n<details><summary>All %zu rows</summary>\n\n", c->n_rows);
	fputs("| benchmark | metric | base | cand | change | 98% CI | p (Holm) | n | CV | verdict |\n"
	      "|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n", f);
	for (size_t i = 0; i < c->n_rows; i++)
		md_row(f, &c->rows[i], o, 1);
	for (size_t g = 0; g < c->n_geomeans; g++) {
		char ch[32];
		pct(ch, sizeof ch, c->geomeans[g].ratio - 1);
		fputs("| *geomean* | ", f);
		tach__emit_md_cell(f, c->geomeans[g].metric);
		fprintf(f, " | | | %s | | | %zu | | |\n", ch, c->geomeans[g].n);
	}
	tach_compare_rule d = tach_compare_rule_default();
	fprintf(f, "\n</details>\n\n<sub>tach compare: one-sided Mann-Whitney U, \xce\xb1 = %g "
	        "Holm-corrected over %zu tests, minimum effect %g%% (defaults; rules may differ "
	        "per metric)</sub>\n", d.alpha, c->n_tested, d.min_effect * 100);
	return 0;
}

/* ---- JSON ---- */

static void json_str_field(FILE *f, const char *key, const char *v)
{
	fprintf(f, "\"%s\": ", key);
	if (v)
		tach__emit_json_string(f, v);
	else
		fputs("null", f);
}

static void json_num_field(FILE *f, const char *key, double v)
{
	fprintf(f, "\"%s\": ", key);
	tach__emit_json_number(f, v);
}

void tach__compare_json_summary(FILE *f, const tach_comparison *c, const char *sep)
{
	fputs("\"summary\": {", f);
	for (int v = 0; v < TACH_N_VERDICTS; v++)
		fprintf(f, "%s\"%s\": %zu", v ? ", " : "", tach_verdict_name((tach_verdict)v),
		        c->counts[v]);
	fprintf(f, ", \"tested\": %zu, \"gate_failed\": %zu, \"gate_warned\": %zu}%s",
	        c->n_tested, c->n_failed, c->n_warned, sep);
	fputs("\"geomeans\": [", f);
	for (size_t g = 0; g < c->n_geomeans; g++) {
		fputs(g ? ", {" : "{", f);
		json_str_field(f, "metric", c->geomeans[g].metric);
		fputs(", ", f);
		json_num_field(f, "ratio", c->geomeans[g].ratio);
		fprintf(f, ", \"n\": %zu}", c->geomeans[g].n);
	}
	fputs("]", f);
}

static int json(FILE *f, const tach_comparison *c, const char *bn, const char *cn)
{
	fputs("{\n  \"format\": \"tach-comparison\",\n  \"version\": 1,\n  ", f);
	json_str_field(f, "base", bn);
	fputs(",\n  ", f);
	json_str_field(f, "cand", cn);
	fputs(",\n  ", f);
	tach__compare_json_summary(f, c, ",\n  ");
	fputs(",\n  \"rows\": [", f);
	for (size_t i = 0; i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		fputs(i ? ",\n    {" : "\n    {", f);
		json_str_field(f, "name", r->name);
		fputs(", \"params\": {", f);
		for (size_t k = 0; r->params && k < r->params->n; k++) {
			if (k)
				fputs(", ", f);
			tach__emit_json_string(f, r->params->items[k].key);
			fputs(": ", f);
			tach__emit_json_string(f, r->params->items[k].value);
		}
		fputs("}, ", f);
		json_str_field(f, "metric", r->metric);
		fputs(", ", f);
		json_str_field(f, "unit", r->unit);
		fprintf(f, ", \"direction\": \"%s\", \"verdict\": \"%s\", \"gate\": \"%s\"",
		        r->direction == TACH_HIGHER_IS_BETTER ? "higher" : "lower",
		        tach_verdict_name(r->verdict),
		        r->gate == 1 ? "fail" : r->gate == 2 ? "warn" : "pass");
		fputs(", \"gate_reasons\": [", f);
		for (unsigned b = 0, k = 0; b < TACH_GATE_N_REASONS; b++)
			if (r->gate_why & (1u << b))
				fprintf(f, "%s\"%s\"", k++ ? ", " : "", tach_gate_reason_name(1u << b));
		fputs("]", f);
		fprintf(f, ", \"n_base\": %zu, \"n_cand\": %zu, ", r->n_base, r->n_cand);
		const struct {
			const char *key;
			double v;
		} nums[] = {{"base_median", r->base_median}, {"cand_median", r->cand_median},
		            {"ratio", r->ratio},             {"ratio_lo", r->ratio_lo},
		            {"ratio_hi", r->ratio_hi},       {"p", r->p},
		            {"p_adjusted", r->p_adjusted},   {"cv_base", r->cv_base},
		            {"cv_cand", r->cv_cand}};
		for (size_t k = 0; k < sizeof nums / sizeof *nums; k++) {
			if (k)
				fputs(", ", f);
			json_num_field(f, nums[k].key, nums[k].v);
		}
		fprintf(f, ", \"n_needed\": %zu, \"single_sample\": %s, \"deterministic\": %s, "
		           "\"unresolved\": %s, ",
		        r->n_needed, r->flags & TACH_ROW_SINGLE ? "true" : "false",
		        r->flags & TACH_ROW_DETERMINISTIC ? "true" : "false",
		        r->flags & TACH_ROW_UNRESOLVED ? "true" : "false");
		json_num_field(f, "alpha", r->rule.alpha);
		fputs(", ", f);
		json_num_field(f, "min_effect", r->rule.min_effect);
		fputs(", ", f);
		json_num_field(f, "min_improvement", r->rule.min_improvement);
		fputs(", ", f);
		json_num_field(f, "max_cv", r->rule.max_cv);
		fputs(", ", f);
		json_str_field(f, "error", r->cand && r->cand->error ? r->cand->error : NULL);
		fputs("}", f);
	}
	fputs("\n  ]\n}\n", f);
	return 0;
}

/* ---- CSV ---- */

void tach__compare_csv_lead(FILE *f, const char *name, const tach_kvlist *params,
                            const char *metric, const char *unit, tach_direction dir)
{
	char ps[1024] = "";
	size_t used = 0;
	for (size_t k = 0; params && k < params->n && used < sizeof ps; k++)
		used += (size_t)snprintf(ps + used, sizeof ps - used, "%s%s=%s", k ? ";" : "",
		                         params->items[k].key, params->items[k].value);
	tach__emit_csv_field(f, name);
	putc(',', f);
	tach__emit_csv_field(f, ps);
	putc(',', f);
	tach__emit_csv_field(f, metric ? metric : "");
	putc(',', f);
	tach__emit_csv_field(f, unit ? unit : "");
	fprintf(f, ",%s", dir == TACH_HIGHER_IS_BETTER ? "higher" : "lower");
}

void tach__compare_csv_num(FILE *f, double v)
{
	char buf[TACH_DOUBLE_BUFSIZE];
	putc(',', f);
	if (isfinite(v)) {
		tach_format_double(v, buf);
		fputs(buf, f);
	}
}

static int csv(FILE *f, const tach_comparison *c)
{
	fputs("name,params,metric,unit,direction,n_base,n_cand,base_median,cand_median,ratio,"
	      "ratio_lo,ratio_hi,p,p_adjusted,verdict,gate\n", f);
	for (size_t i = 0; i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		tach__compare_csv_lead(f, r->name, r->params, r->metric, r->unit, r->direction);
		fprintf(f, ",%zu,%zu", r->n_base, r->n_cand);
		tach__compare_csv_num(f, r->base_median);
		tach__compare_csv_num(f, r->cand_median);
		tach__compare_csv_num(f, r->ratio);
		tach__compare_csv_num(f, r->ratio_lo);
		tach__compare_csv_num(f, r->ratio_hi);
		tach__compare_csv_num(f, r->p);
		tach__compare_csv_num(f, r->p_adjusted);
		fprintf(f, ",%s,%s\n", tach_verdict_name(r->verdict),
		        r->gate == 1 ? "fail" : r->gate == 2 ? "warn" : "pass");
	}
	return 0;
}

/* ---- JUnit XML ---- */

void tach__compare_junit_suite(FILE *f, const tach_comparison *c, const char *suite,
                               const tach_report_opts *o)
{
	fputs("  <testsuite name=\"", f);
	tach__emit_xml(f, suite);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n", c->n_rows,
	        c->n_failed, c->counts[TACH_NEW] + c->counts[TACH_GONE]);
	for (size_t i = 0; i < c->n_rows; i++) {
		const tach_compare_row *r = &c->rows[i];
		char name[512];
		cells cl;
		display_name(name, sizeof name, r);
		row_cells(r, o, &cl);
		fputs("    <testcase classname=\"", f);
		tach__emit_xml(f, name);
		fputs("\" name=\"", f);
		tach__emit_xml(f, r->metric ? r->metric : "(benchmark)");
		fputs("\">", f);
		char msg[400];
		snprintf(msg, sizeof msg, "%s: %s -> %s (%s, CI %s, p %s, n %s)", cl.verdict, cl.base,
		         cl.cand, cl.change, cl.ci, cl.p, cl.n);
		if (r->gate == 1) {
			/* the type names the first rule that failed: regression,
			 * min-improvement or max-cv */
			unsigned why = r->gate_why & -r->gate_why;
			fputs("<failure message=\"", f);
			tach__emit_xml(f, msg);
			fprintf(f, "\" type=\"%s\"/>", tach_gate_reason_name(why));
		} else if (r->verdict == TACH_NEW || r->verdict == TACH_GONE) {
			fprintf(f, "<skipped message=\"%s\"/>", tach_verdict_name(r->verdict));
		} else {
			fputs("<system-out>", f);
			tach__emit_xml(f, msg);
			fputs("</system-out>", f);
		}
		fputs("</testcase>\n", f);
	}
	fputs("  </testsuite>\n", f);
}

static int junit(FILE *f, const tach_comparison *c, const tach_report_opts *o)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	           "<testsuites name=\"tach compare\" tests=\"%zu\" failures=\"%zu\">\n",
	        c->n_rows, c->n_failed);
	tach__compare_junit_suite(f, c, "tach compare", o);
	fputs("</testsuites>\n", f);
	return 0;
}

int tach_report_comparison(FILE *f, const tach_comparison *c, const char *base_name,
                           const char *cand_name, tach_report_format fmt,
                           const tach_report_opts *opts)
{
	tach_report_opts o = {0};
	if (opts)
		o = *opts;
	switch (fmt) {
	case TACH_REPORT_TEXT: return text(f, c, base_name, cand_name, &o);
	case TACH_REPORT_MARKDOWN: return markdown(f, c, &o);
	case TACH_REPORT_JSON: return json(f, c, base_name, cand_name);
	case TACH_REPORT_CSV: return csv(f, c);
	case TACH_REPORT_JUNIT: return junit(f, c, &o);
	}
	return TACH_EINVAL;
}

/* ---- cells shared with the N-way writer (comparison_multi.c) ---- */

void tach__compare_pct(char *buf, size_t size, double x)
{
	pct(buf, size, x);
}

void tach__compare_value(char *buf, size_t size, double v, tach_scale sc)
{
	value(buf, size, v, sc);
}

void tach__compare_row_cells(const tach_compare_row *r, const tach_report_opts *o,
                             tach__compare_cells *c)
{
	row_cells(r, o, c);
}

void tach__compare_summary_line(FILE *f, const tach_comparison *c, int md)
{
	summary_line(f, c, md);
}
