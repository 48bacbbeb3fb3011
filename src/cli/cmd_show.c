/* cmd_show.c - `tach show FILE...`: a readable summary of results files.
 *
 * All files are read (and rejected, with file:line:column) before anything
 * is printed, so the output is never a mix of tables and errors.  Warnings
 * about the data (too few samples) go to stderr.
 */
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "cli/run_output.h"

enum { OPT_FORMAT = 1, OPT_ASCII, OPT_TIME_UNIT };

const cli_opt cmd_show_opts[] = {
	CLI_VALUE(OPT_FORMAT, "format", 'f', "FMT", "output format: text (default), json, markdown or csv"),
	CLI_FLAG(OPT_ASCII, "ascii", 0, "use only ASCII in text output (us, +-, ...)"),
	CLI_VALUE(OPT_TIME_UNIT, "time-unit", 'u', "UNIT", "every time in text and Markdown in ns, us, ms or s (default: a unit per value)"),
	CLI_END,
};

const char cmd_show_details[] =
	"For every benchmark and metric: the number of samples n, the median\n"
	"with its median absolute deviation (MAD), the range and the coefficient\n"
	"of variation (CV = stddev / mean).  Text and Markdown scale units for\n"
	"reading (ns, KiB, M/s); JSON and CSV keep canonical units (s, B, /s)\n"
	"with every digit needed to read the same number back.  FILE '-' reads\n"
	"standard input.  A file of 'tach run --reference' (context key\n"
	"'reference') ends, in text, with every other command against the\n"
	"reference by its ratio of mean times, as tach run's summary.  CSV columns:\n"
	"  name,params,metric,unit,direction,n,median,mean,stddev,min,max";

/* Metrics with so few samples that spread and CIs mean little. */
#define FEW_SAMPLES 5

static void warn_data(const char *name, const tach_result *r)
{
	size_t few = 0, total = 0;
	const tach_benchmark *eb = NULL;
	const tach_metric *em = NULL;
	for (size_t i = 0; i < r->n_benchmarks; i++) {
		const tach_benchmark *b = r->benchmarks[i];
		for (size_t k = 0; k < b->n_metrics; k++) {
			total++;
			if (b->metrics[k]->n_samples < FEW_SAMPLES) {
				if (!few) {
					eb = b;
					em = b->metrics[k];
				}
				few++;
			}
		}
	}
	if (few == 1)
		cli_warn("%s: '%s' %s has only %zu sample%s; medians and spreads need at least %d",
		         name, eb->name, em->name, em->n_samples, em->n_samples == 1 ? "" : "s",
		         FEW_SAMPLES);
	else if (few)
		cli_warn("%s: %zu of %zu metrics have fewer than %d samples (e.g. '%s' %s: %zu); "
		         "medians and spreads need more",
		         name, few, total, FEW_SAMPLES, eb->name, em->name, em->n_samples);
}

/* A file of `tach run --reference` names its reference in the context:
 * every other benchmark against it, as tach run's summary says it. */
static void show_reference(const tach_report_input *in, const tach_report_opts *o, int named)
{
	size_t ref = cli_run_reference_of(in->result);
	if (ref == SIZE_MAX || in->result->n_benchmarks < 2)
		return;
	cli_run_view v = {o->color, o->ascii, NULL, CLI_SORT_AUTO, ref};
	fputc('\n', stdout);
	if (named) {
		tach_text_write(stdout, in->name);
		fputs(":\n", stdout);
	}
	cli_run_comparison(stdout, in->result, &v);
}

int cmd_show(int argc, char **argv, const cli_cmd *self)
{
	int status;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	tach_report_format fmt = TACH_REPORT_TEXT;
	tach_report_opts opts = {cli_color_stdout(), !cli_utf8_stdout()};
	tach_scale unit;
	const tach_scale *time_unit = NULL; /* NULL: a unit per value */
	for (size_t i = 0; i < p.n; i++) {
		switch (p.items[i].id) {
		case OPT_FORMAT:
			if (tach_report_format_parse(p.items[i].value, &fmt) ||
			    fmt == TACH_REPORT_JUNIT) {
				status = cli_bad_value(p.items[i].spelled, p.items[i].value,
				                       "use text, json, markdown or csv");
				cli_parsed_free(&p);
				return status;
			}
			break;
		case OPT_ASCII:
			opts.ascii = 1;
			break;
		case OPT_TIME_UNIT:
			if (tach_scale_time_unit(p.items[i].value, 0, &unit)) {
				status = cli_bad_value(p.items[i].spelled, p.items[i].value,
				                       "use ns, us, ms or s");
				cli_parsed_free(&p);
				return status;
			}
			time_unit = &unit;
			break;
		}
	}
	if (fmt != TACH_REPORT_TEXT)
		opts.color = 0;
	if (p.npos == 0) {
		cli_parsed_free(&p);
		cli_error("no results file given");
		fputs("usage: tach show [OPTIONS] FILE...\n", stderr);
		return EXIT_USAGE;
	}

	tach_report_input *in = calloc(p.npos, sizeof *in);
	if (!in) {
		cli_parsed_free(&p);
		return cli_error("out of memory");
	}
	status = EXIT_OK;
	for (size_t i = 0; i < p.npos && status == EXIT_OK; i++) {
		tach_result *r;
		if (cli_read_results(p.pos[i], &r)) {
			status = EXIT_USAGE;
			break;
		}
		in[i].result = r;
		in[i].name = strcmp(p.pos[i], "-") ? p.pos[i] : "(stdin)";
	}
	if (status == EXIT_OK) {
		for (size_t i = 0; i < p.npos; i++)
			warn_data(in[i].name, in[i].result);
		int rc = tach_report_summary_time_unit(stdout, in, p.npos, fmt, &opts, time_unit);
		if (rc)
			status = cli_error("cannot write the summary: %s", tach_strerror(rc));
		for (size_t i = 0; !rc && fmt == TACH_REPORT_TEXT && i < p.npos; i++)
			show_reference(&in[i], &opts, p.npos > 1);
	}
	for (size_t i = 0; i < p.npos; i++)
		tach_result_free((tach_result *)in[i].result);
	free(in);
	cli_parsed_free(&p);
	return status;
}
