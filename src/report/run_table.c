/* run_table.c - the table of `tach run --export-asciidoc` and
 * `--export-orgmode`: one row per command, mean ± standard deviation, min,
 * max and the ratio of means to a reference, as hyperfine's markup exports
 * lay it out, so that documents written for hyperfine's tables take tach's.
 *
 * Every text cell (names, parameter names and values) comes from the
 * command line and goes through the markup's escaper (emit.c); numbers are
 * written with one unit for the whole table.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tach/report.h"
#include "tach/result.h"
#include "tach/stats.h"
#include "tach/units.h"
#include "report/emit.h"

/* The cells of one row after the name and the parameters. */
typedef struct row_cells {
	char mean[96], min[48], max[48], rel[64];
} row_cells;

static const tach_metric *times_of(const tach_benchmark *b)
{
	const tach_metric *t = tach_benchmark_metric(b, TACH_M_TIME);
	return t && t->n_samples ? t : NULL;
}

static void row_of(const tach_benchmark *b, const tach_benchmark *ref, tach_scale sc,
                   row_cells *c)
{
	const tach_metric *t = times_of(b), *rt = ref ? times_of(ref) : NULL;
	snprintf(c->mean, sizeof c->mean, "-");
	snprintf(c->min, sizeof c->min, "-");
	snprintf(c->max, sizeof c->max, "-");
	snprintf(c->rel, sizeof c->rel, "-");
	if (!t)
		return;
	char m[40], sd[40];
	tach_format_scaled(m, sizeof m, tach_stats_mean(t->samples, t->n_samples), sc);
	tach_format_scaled(sd, sizeof sd, tach_stats_stddev(t->samples, t->n_samples), sc);
	snprintf(c->mean, sizeof c->mean, "%s \xc2\xb1 %s", m, sd);
	tach_format_scaled(c->min, sizeof c->min, tach_stats_min(t->samples, t->n_samples), sc);
	tach_format_scaled(c->max, sizeof c->max, tach_stats_max(t->samples, t->n_samples), sc);
	double ratio, rsd;
	if (b == ref)
		snprintf(c->rel, sizeof c->rel, "1.00");
	else if (rt && !(t->flags & TACH_METRIC_UNRESOLVED) && !(rt->flags & TACH_METRIC_UNRESOLVED) &&
	         !tach_stats_mean_ratio(t->samples, t->n_samples, rt->samples, rt->n_samples,
	                                &ratio, &rsd))
		snprintf(c->rel, sizeof c->rel, "%.2f \xc2\xb1 %.2f", ratio, rsd);
}

/* The parameter names of all benchmarks, in order of first appearance;
 * borrowed from r.  Caller frees the array. */
static const char **param_names(const tach_result *r, size_t *n)
{
	size_t cap = 0;
	*n = 0;
	for (size_t i = 0; i < r->n_benchmarks; i++)
		cap += r->benchmarks[i]->params.n;
	const char **names = calloc(cap ? cap : 1, sizeof *names);
	if (!names)
		return NULL;
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_kvlist *p = &r->benchmarks[i]->params;
		for (size_t k = 0; k < p->n; k++) {
			size_t j = 0;
			while (j < *n && strcmp(names[j], p->items[k].key))
				j++;
			if (j == *n)
				names[(*n)++] = p->items[k].key;
		}
	}
	return names;
}

/* A cell of text: AsciiDoc cells open with "| ", Org cells close with
 * " |"; `code` shows it as code (AsciiDoc monospace, as hyperfine). */
static void text_cell(FILE *f, tach_markup mk, const char *s, int code)
{
	if (mk == TACH_MARKUP_ASCIIDOC) {
		fputs(code ? "| `" : "| ", f);
		tach__emit_adoc_cell(f, s);
		fputs(code ? "`\n" : "\n", f);
	} else {
		fputc(' ', f);
		tach__emit_org_cell(f, s);
		fputs(" |", f);
	}
}

static void num_cell(FILE *f, tach_markup mk, const char *s)
{
	fprintf(f, mk == TACH_MARKUP_ASCIIDOC ? "| %s\n" : " %s |", s);
}

int tach_report_run_table(FILE *out, const tach_result *r, tach_markup mk,
                          const tach_run_table_opts *opts)
{
	tach_run_table_opts defaults = {NULL, NULL, SIZE_MAX};
	const tach_run_table_opts *o = opts ? opts : &defaults;
	if ((mk != TACH_MARKUP_ASCIIDOC && mk != TACH_MARKUP_ORG) ||
	    (o->reference != SIZE_MAX && o->reference >= r->n_benchmarks))
		return TACH_EINVAL;
	for (size_t i = 0; o->order && i < r->n_benchmarks; i++)
		if (o->order[i] >= r->n_benchmarks)
			return TACH_EINVAL;
	/* the reference: given, or the smallest mean; its mean picks the unit */
	size_t ref = o->reference;
	double smallest = INFINITY;
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_metric *t = times_of(r->benchmarks[i]);
		double m = t ? tach_stats_mean(t->samples, t->n_samples) : INFINITY;
		if (m < smallest) {
			smallest = m;
			if (o->reference == SIZE_MAX)
				ref = i;
		}
	}
	tach_scale sc = o->time_unit ? *o->time_unit
	                             : tach_scale_for("s", isfinite(smallest) ? smallest : 0, 0);
	size_t np;
	const char **pn = param_names(r, &np);
	if (!pn)
		return TACH_ENOMEM;

	/* the header */
	char unit[3][48];
	snprintf(unit[0], sizeof unit[0], "Mean [%s]", sc.unit);
	snprintf(unit[1], sizeof unit[1], "Min [%s]", sc.unit);
	snprintf(unit[2], sizeof unit[2], "Max [%s]", sc.unit);
	if (mk == TACH_MARKUP_ASCIIDOC) {
		fputs("[cols=\"<", out);
		for (size_t k = 0; k < np; k++)
			fputs(",<", out);
		fputs(",>,>,>,>\"]\n|===\n| Command ", out);
		/* one line, then a blank one: the implicit header row */
		for (size_t k = 0; k < np; k++) {
			fputs("| ", out);
			tach__emit_adoc_cell(out, pn[k]);
			fputc(' ', out);
		}
		fprintf(out, "| %s | %s | %s | Relative\n", unit[0], unit[1], unit[2]);
	} else {
		fputs("| Command |", out);
		for (size_t k = 0; k < np; k++)
			text_cell(out, mk, pn[k], 0);
		fprintf(out, " %s | %s | %s | Relative |\n|---", unit[0], unit[1], unit[2]);
		for (size_t k = 0; k < np + 4; k++)
			fputs("+---", out);
		fputs("|\n", out);
	}

	/* a row per benchmark */
	const tach_benchmark *rb = ref < r->n_benchmarks ? r->benchmarks[ref] : NULL;
	for (size_t n = 0; n < r->n_benchmarks; n++) {
		const tach_benchmark *b = r->benchmarks[o->order ? o->order[n] : n];
		row_cells c;
		row_of(b, rb, sc, &c);
		fputs(mk == TACH_MARKUP_ASCIIDOC ? "\n" : "|", out);
		text_cell(out, mk, b->name, 1);
		for (size_t k = 0; k < np; k++) {
			const char *v = tach_kvlist_get(&b->params, pn[k]);
			text_cell(out, mk, v ? v : "", 0);
		}
		num_cell(out, mk, c.mean);
		num_cell(out, mk, c.min);
		num_cell(out, mk, c.max);
		num_cell(out, mk, c.rel);
		if (mk == TACH_MARKUP_ORG)
			fputc('\n', out);
	}
	if (mk == TACH_MARKUP_ASCIIDOC)
		fputs("|===\n", out);
	free(pn);
	return ferror(out) ? (errno ? -errno : TACH_EIO) : 0;
}
