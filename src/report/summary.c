/* summary.c - the per-benchmark, per-metric summary `tach show` prints, in
 * text, Markdown, JSON and CSV.
 *
 * Statistics come from tach_stats_summarize (one sort per metric).  Text
 * and Markdown choose one display scale per metric row; JSON and CSV keep
 * canonical units with round-trip numbers, because programs read them.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tach/report.h"
#include "tach/result.h"
#include "tach/stats.h"
#include "tach/units.h"
#include "report/emit.h"
#include "report/table.h"

int tach_report_format_parse(const char *name, tach_report_format *fmt)
{
	static const struct {
		const char *name;
		tach_report_format fmt;
	} names[] = {
		{"text", TACH_REPORT_TEXT},         {"json", TACH_REPORT_JSON},
		{"markdown", TACH_REPORT_MARKDOWN}, {"md", TACH_REPORT_MARKDOWN},
		{"csv", TACH_REPORT_CSV},           {"junit", TACH_REPORT_JUNIT},
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		if (strcmp(name, names[i].name) == 0) {
			*fmt = names[i].fmt;
			return 0;
		}
	}
	return TACH_EINVAL;
}

static const char *dir_name(tach_direction d)
{
	return d == TACH_HIGHER_IS_BETTER ? "higher" : "lower";
}

/* "12.31 ns" */
static void fmt_value(char *buf, size_t size, double v, tach_scale sc)
{
	char num[40];
	tach_format_scaled(num, sizeof num, v, sc);
	if (sc.unit && *sc.unit)
		snprintf(buf, size, "%s %s%s", num, sc.prefix, sc.unit);
	else
		snprintf(buf, size, "%s", num);
}

static void fmt_cv(char *buf, size_t size, const tach_summary *s)
{
	if (s->n < 2)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f%%", s->cv * 100);
}

/* The display scale of a metric's row: the fixed time unit asked for
 * (time_unit) when the metric is in seconds, else one that suits
 * `typical`. */
static tach_scale row_scale(const tach_metric *m, double typical, const tach_report_opts *o,
                            const tach_scale *time_unit)
{
	if (time_unit && m->unit && !strcmp(m->unit, "s"))
		return *time_unit;
	return tach_scale_for(m->unit, typical, o->ascii);
}

/* One metric as the cells of a text or Markdown row: median, ±MAD,
 * min…max, CV. */
typedef struct cells {
	char n[24], median[64], mad[64], range[160], cv[24];
} cells;

static void metric_cells(const tach_metric *m, const tach_summary *s,
                         const tach_report_opts *o, const tach_scale *time_unit, cells *c)
{
	tach_scale sc = row_scale(m, s->median, o, time_unit);
	char lo[64], hi[64];
	snprintf(c->n, sizeof c->n, "%zu", s->n);
	if (!s->n) {
		snprintf(c->median, sizeof c->median, "-");
		snprintf(c->mad, sizeof c->mad, "-");
		snprintf(c->range, sizeof c->range, "-");
		snprintf(c->cv, sizeof c->cv, "-");
		return;
	}
	fmt_value(c->median, sizeof c->median, s->median, sc);
	tach_format_scaled(c->mad, sizeof c->mad, s->mad, sc);
	tach_format_scaled(lo, sizeof lo, s->min, sc);
	fmt_value(hi, sizeof hi, s->max, sc);
	snprintf(c->range, sizeof c->range, "%s %s %s", lo,
	         o->ascii ? "..." : "\xe2\x80\xa6", hi);
	fmt_cv(c->cv, sizeof c->cv, s);
}

/* ---- text ---- */

/* The commit's first 12 characters as terminal text, or in Markdown as
 * code when it is a hash; readers refuse any other commit, but a history
 * store is a file anyone may edit, and a '`' would end the code span. */
static void short_commit(FILE *f, const char *commit, int md)
{
	char buf[16];
	snprintf(buf, sizeof buf, "%.12s", commit);
	if (!md)
		tach__emit_text(f, buf);
	else if (tach_meta_commit_valid(buf))
		fprintf(f, "`%s`", buf);
	else
		tach__emit_md_cell(f, buf);
}

static void text_header(FILE *f, const tach_report_input *in, const tach_report_opts *o)
{
	const tach_meta *m = &in->result->meta;
	const char *dot = o->ascii ? " - " : " \xc2\xb7 ";
	if (o->color)
		fputs("\x1b[1m", f);
	tach__emit_text(f, in->name ? in->name : "(results)");
	if (o->color)
		fputs("\x1b[0m", f);
	fprintf(f, "%s%zu benchmark%s", dot, in->result->n_benchmarks,
	        in->result->n_benchmarks == 1 ? "" : "s");
	if (m->timestamp) {
		fputs(dot, f);
		tach__emit_text(f, m->timestamp);
	}
	/* the machine and the code on a line of their own */
	const char *sep = "\n";
	if (m->hostname) {
		fputs(sep, f);
		tach__emit_text(f, m->hostname);
		sep = dot;
	}
	if (m->cpu_model) {
		fputs(sep, f);
		tach__emit_text(f, m->cpu_model);
		sep = dot;
	}
	if (m->cpu_count > 0) {
		if (m->cpu_model)
			fprintf(f, " (%d CPU%s)", m->cpu_count, m->cpu_count == 1 ? "" : "s");
		else
			fprintf(f, "%s%d CPU%s", sep, m->cpu_count, m->cpu_count == 1 ? "" : "s");
		sep = dot;
	}
	if (m->git_commit) {
		fprintf(f, "%sgit ", sep);
		short_commit(f, m->git_commit, 0);
		sep = dot;
		if (m->git_branch || m->git_dirty == 1) {
			fputs(" (", f);
			if (m->git_branch)
				tach__emit_text(f, m->git_branch);
			if (m->git_dirty == 1)
				fputs(m->git_branch ? ", dirty" : "dirty", f);
			fputs(")", f);
		}
	}
	for (size_t i = 0; i < m->labels.n; i++) {
		fputs(i ? ", " : sep, f);
		tach__emit_text(f, m->labels.items[i].key);
		fputc('=', f);
		tach__emit_text(f, m->labels.items[i].value);
	}
	fputs("\n\n", f);
}

static int text_input(FILE *f, const tach_report_input *in, const tach_report_opts *o,
                      const tach_scale *time_unit)
{
	tach_table *t = tach__table_new(6);
	if (!t)
		return TACH_ENOMEM;
	tach__table_align_right(t, 2);
	tach__table_align_right(t, 3);
	tach__table_align_right(t, 4);
	tach__table_align_right(t, 5);
	int rc = tach__table_row(t, 0, "benchmark", "metric", "n",
	                         o->ascii ? "median +- MAD" : "median \xc2\xb1 MAD",
	                         o->ascii ? "min ... max" : "min \xe2\x80\xa6 max", "CV");
	for (size_t i = 0; !rc && i < in->result->n_benchmarks; i++) {
		const tach_benchmark *b = in->result->benchmarks[i];
		char name[512];
		tach__display_name(name, sizeof name, b->name, &b->params);
		if (b->error || b->skipped || !b->n_metrics)
			rc = tach__table_row(t, b->error ? TACH_ROW_BAD : 0, name,
			                     b->error ? "(error)" : b->skipped ? "(skipped)" : "(no metrics)",
			                     "", "", "", "");
		for (size_t k = 0; !rc && k < b->n_metrics; k++) {
			const tach_metric *m = b->metrics[k];
			tach_summary s;
			cells c;
			if ((rc = tach_stats_summarize(m->samples, m->n_samples, &s)))
				break;
			metric_cells(m, &s, o, time_unit, &c);
			char med[140];
			snprintf(med, sizeof med, "%s %s %s", c.median,
			         o->ascii ? "+-" : "\xc2\xb1", c.mad);
			int flags = s.n >= 2 && s.cv > 0.05 ? TACH_ROW_NOISY : 0;
			char mname[160];
			snprintf(mname, sizeof mname, "%s%s", m->name,
			         m->flags & TACH_METRIC_UNRESOLVED ? " (unresolved)" : "");
			rc = tach__table_row(t, flags, k || b->error || b->skipped ? "" : name,
			                     mname, c.n, s.n ? med : "-", c.range, c.cv);
		}
	}
	if (!rc) {
		text_header(f, in, o);
		rc = tach__table_print(t, f, o->color);
		for (size_t i = 0; !rc && i < in->result->n_benchmarks; i++) {
			const tach_benchmark *b = in->result->benchmarks[i];
			if (!b->error && !b->skipped)
				continue;
			fputs(b->error ? "error: " : "skipped: ", f);
			tach__emit_text(f, b->name);
			fputs(": ", f);
			tach__emit_text(f, b->error ? b->error : b->skipped);
			fputc('\n', f);
		}
		if (!rc)
			rc = tach_report_complexity(f, in->result);
	}
	tach__table_free(t);
	return rc;
}

/* ---- Markdown ---- */

static int markdown_input(FILE *f, const tach_report_input *in, const tach_report_opts *o,
                          const tach_scale *time_unit)
{
	const tach_meta *m = &in->result->meta;
	fputs("### ", f);
	tach__emit_md_cell(f, in->name ? in->name : "results");
	fputs("\n\n", f);
	if (m->timestamp || m->hostname || m->git_commit) {
		int first = 1;
		if (m->timestamp) {
			fputs(first ? "" : " · ", f);
			tach__emit_md_cell(f, m->timestamp);
			first = 0;
		}
		if (m->hostname) {
			fputs(first ? "" : " · ", f);
			tach__emit_md_cell(f, m->hostname);
			first = 0;
		}
		if (m->git_commit) {
			fprintf(f, "%sgit ", first ? "" : " · ");
			short_commit(f, m->git_commit, 1);
			if (m->git_dirty == 1)
				fputs(" (dirty)", f);
		}
		fputs("\n\n", f);
	}
	fputs("| Benchmark | Metric | n | Median | ± MAD | Min | Max | CV |\n"
	      "|---|---|--:|--:|--:|--:|--:|--:|\n", f);
	tach_report_opts mo = *o;
	for (size_t i = 0; i < in->result->n_benchmarks; i++) {
		const tach_benchmark *b = in->result->benchmarks[i];
		char name[512];
		tach__display_name(name, sizeof name, b->name, &b->params);
		if (b->error || b->skipped) {
			fputs("| ", f);
			tach__emit_md_cell(f, name);
			fputs(b->error ? " | **error**: " : " | skipped: ", f);
			tach__emit_md_cell(f, b->error ? b->error : b->skipped);
			fputs(" | | | | | | |\n", f);
		}
		for (size_t k = 0; k < b->n_metrics; k++) {
			const tach_metric *mt = b->metrics[k];
			tach_summary s;
			int rc = tach_stats_summarize(mt->samples, mt->n_samples, &s);
			if (rc)
				return rc;
			tach_scale sc = row_scale(mt, s.median, &mo, time_unit);
			char med[64], mad[64], lo[64], hi[64], cv[24];
			fmt_value(med, sizeof med, s.median, sc);
			fmt_value(mad, sizeof mad, s.mad, sc);
			fmt_value(lo, sizeof lo, s.min, sc);
			fmt_value(hi, sizeof hi, s.max, sc);
			fmt_cv(cv, sizeof cv, &s);
			fputs("| ", f);
			tach__emit_md_cell(f, k || b->error || b->skipped ? "" : name);
			fputs(" | ", f);
			tach__emit_md_cell(f, mt->name);
			if (mt->flags & TACH_METRIC_UNRESOLVED)
				fputs(" (unresolved: too fast to measure)", f);
			if (s.n) {
				/* values carry the unit, and a custom unit is the file's text */
				const char *v[] = {med, mad, lo, hi, cv};
				fprintf(f, " | %zu", s.n);
				for (size_t q = 0; q < sizeof v / sizeof *v; q++) {
					fputs(" | ", f);
					tach__emit_md_cell(f, v[q]);
				}
				fputs(" |\n", f);
			} else
				fputs(" | 0 | - | - | - | - | - |\n", f);
		}
	}
	fputs("\n", f);
	return 0;
}

/* ---- JSON ---- */

static void json_kv(FILE *f, const tach_kvlist *l)
{
	fputc('{', f);
	for (size_t i = 0; i < l->n; i++) {
		fputs(i ? ", " : "", f);
		tach__emit_json_string(f, l->items[i].key);
		fputs(": ", f);
		tach__emit_json_string(f, l->items[i].value);
	}
	fputc('}', f);
}

static int json_input(FILE *f, const tach_report_input *in, int first)
{
	fputs(first ? "\n    {\"file\": " : ",\n    {\"file\": ", f);
	if (in->name)
		tach__emit_json_string(f, in->name);
	else
		fputs("null", f);
	fputs(", \"benchmarks\": [", f);
	for (size_t i = 0; i < in->result->n_benchmarks; i++) {
		const tach_benchmark *b = in->result->benchmarks[i];
		fputs(i ? ",\n      {\"name\": " : "\n      {\"name\": ", f);
		tach__emit_json_string(f, b->name);
		fputs(", \"params\": ", f);
		json_kv(f, &b->params);
		if (b->error) {
			fputs(", \"error\": ", f);
			tach__emit_json_string(f, b->error);
		}
		if (b->skipped) {
			fputs(", \"skipped\": ", f);
			tach__emit_json_string(f, b->skipped);
		}
		fputs(", \"metrics\": [", f);
		for (size_t k = 0; k < b->n_metrics; k++) {
			const tach_metric *m = b->metrics[k];
			tach_summary s;
			int rc = tach_stats_summarize(m->samples, m->n_samples, &s);
			if (rc)
				return rc;
			fputs(k ? ",\n        {\"name\": " : "\n        {\"name\": ", f);
			tach__emit_json_string(f, m->name);
			fputs(", \"unit\": ", f);
			tach__emit_json_string(f, m->unit);
			fprintf(f, ", \"direction\": \"%s\", \"n\": %zu", dir_name(m->direction), s.n);
			const struct {
				const char *k;
				double v;
			} nums[] = {
				{"median", s.median}, {"mad", s.mad},     {"mean", s.mean},
				{"stddev", s.stddev}, {"cv", s.cv},       {"min", s.min},
				{"max", s.max},       {"q1", s.q1},       {"q3", s.q3},
				{"p90", s.p90},       {"p95", s.p95},     {"p99", s.p99},
			};
			for (size_t q = 0; q < sizeof nums / sizeof *nums; q++) {
				fprintf(f, ", \"%s\": ", nums[q].k);
				if (s.n)
					tach__emit_json_number(f, nums[q].v);
				else
					fputs("null", f);
			}
			fputs("}", f);
		}
		fputs(b->n_metrics ? "\n      ]}" : "]}", f);
	}
	fputs(in->result->n_benchmarks ? "\n    ]}" : "]}", f);
	return 0;
}

/* ---- CSV ---- */

static int csv_input(FILE *f, const tach_report_input *in)
{
	for (size_t i = 0; i < in->result->n_benchmarks; i++) {
		const tach_benchmark *b = in->result->benchmarks[i];
		/* params as key=value;key=value, then CSV-quoted as one field */
		char *params = NULL;
		size_t plen = 0;
		FILE *pf = open_memstream(&params, &plen);
		if (!pf)
			return TACH_ENOMEM;
		for (size_t p = 0; p < b->params.n; p++)
			fprintf(pf, "%s%s=%s", p ? ";" : "", b->params.items[p].key,
			        b->params.items[p].value);
		if (fclose(pf) != 0) {
			free(params);
			return TACH_ENOMEM;
		}
		for (size_t k = 0; k < b->n_metrics; k++) {
			const tach_metric *m = b->metrics[k];
			tach_summary s;
			int rc = tach_stats_summarize(m->samples, m->n_samples, &s);
			if (rc) {
				free(params);
				return rc;
			}
			tach__emit_csv_field(f, b->name);
			fputc(',', f);
			tach__emit_csv_field(f, params);
			fputc(',', f);
			tach__emit_csv_field(f, m->name);
			fputc(',', f);
			tach__emit_csv_field(f, m->unit);
			fprintf(f, ",%s,%zu", dir_name(m->direction), s.n);
			const double nums[] = {s.median, s.mean, s.stddev, s.min, s.max};
			for (size_t q = 0; q < 5; q++) {
				fputc(',', f);
				if (s.n)
					tach__emit_json_number(f, nums[q]);
			}
			fputc('\n', f);
		}
		free(params);
	}
	return 0;
}

int tach_report_summary(FILE *out, const tach_report_input *inputs,
                        size_t n_inputs, tach_report_format fmt,
                        const tach_report_opts *opts)
{
	return tach_report_summary_time_unit(out, inputs, n_inputs, fmt, opts, NULL);
}

int tach_report_summary_time_unit(FILE *out, const tach_report_input *inputs,
                                  size_t n_inputs, tach_report_format fmt,
                                  const tach_report_opts *opts, const tach_scale *time_unit)
{
	tach_report_opts defaults = {0, 0};
	const tach_report_opts *o = opts ? opts : &defaults;
	int rc = 0;
	if (fmt == TACH_REPORT_JUNIT)
		return TACH_EINVAL; /* a summary has no pass or fail */
	if (fmt == TACH_REPORT_CSV)
		fputs("name,params,metric,unit,direction,n,median,mean,stddev,min,max\n", out);
	if (fmt == TACH_REPORT_JSON)
		fprintf(out, "{\"format\": %d, \"files\": [", TACH_FORMAT_VERSION);
	for (size_t i = 0; !rc && i < n_inputs; i++) {
		switch (fmt) {
		case TACH_REPORT_TEXT:
			if (i)
				fputc('\n', out);
			rc = text_input(out, &inputs[i], o, time_unit);
			break;
		case TACH_REPORT_MARKDOWN:
			rc = markdown_input(out, &inputs[i], o, time_unit);
			break;
		case TACH_REPORT_JSON:
			rc = json_input(out, &inputs[i], i == 0);
			break;
		case TACH_REPORT_CSV:
			rc = csv_input(out, &inputs[i]);
			break;
		case TACH_REPORT_JUNIT:
			break;
		}
	}
	if (!rc && fmt == TACH_REPORT_JSON)
		fputs(n_inputs ? "\n  ]}\n" : "]}\n", out);
	if (!rc && ferror(out))
		rc = errno ? -errno : TACH_EIO;
	return rc;
}
