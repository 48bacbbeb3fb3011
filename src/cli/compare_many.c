/* compare_many.c - the file comparisons of `tach compare` beyond BASE CAND:
 * `tach compare A B C ...` (every later file against the first, in one
 * table) and `tach compare --col KEY FILE` (one file's benchmarks at each
 * value of KEY against the first value), both through tach_compare_multi
 * and tach_report_comparison_multi; and --filter, which every file
 * comparison applies as it reads its inputs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/compare_many.h"
#include "cli/input.h"
#include "cli/output.h"

int cli_compare_read(const char *path, const tach_filter *filter, const char *expr,
                     tach_result **out)
{
	if (cli_read_results(path, out) || cli_decide_distinct(*out, path))
		return EXIT_USAGE;
	if (!filter)
		return 0;
	size_t had = (*out)->n_benchmarks;
	tach_filter_apply(filter, *out);
	if (had && !(*out)->n_benchmarks)
		return cli_error("--filter '%s' keeps no benchmark of '%s'", expr, path);
	return 0;
}

const char *cli_compare_split(const char *arg, const char **label, char *buf, size_t size)
{
	const char *eq = strchr(arg, '=');
	*label = arg;
	if (!eq || eq == arg || !eq[1] || access(arg, F_OK) == 0)
		return arg;
	snprintf(buf, size, "%.*s", (int)(eq - arg), arg);
	*label = buf;
	return eq + 1;
}

/* The inputs: the files, or the sets of --col's projection with labels
 * "KEY=VALUE".  Owned here, freed by release(). */
typedef struct inputs {
	tach_result **files;
	char **file_labels; /* LABEL of LABEL=PATH, or a copy of the argument */
	size_t n_files;
	tach_projection *proj;
	const tach_result **sets;
	char **labels;
	const char **names;
	size_t n;
} inputs;

static void release(inputs *in)
{
	for (size_t i = 0; in->files && i < in->n_files; i++) {
		tach_result_free(in->files[i]);
		free(in->file_labels[i]);
	}
	free(in->files);
	free(in->file_labels);
	for (size_t i = 0; in->labels && i < in->n; i++)
		free(in->labels[i]);
	free(in->labels);
	free(in->names);
	free(in->sets);
	tach_projection_free(in->proj);
}

/* --col KEY: the file's benchmarks split by the value of KEY. */
static int project(const cli_many *m, inputs *in)
{
	if (tach_result_project(in->files[0], m->col, &in->proj))
		return cli_error("out of memory");
	tach_projection *p = in->proj;
	if (p->n < 2)
		return cli_error("--col %s: '%s' has %s value of '%s' (a parameter or a /%s=VALUE "
		                 "part of a name); nothing to compare",
		                 m->col, in->file_labels[0], p->n ? "one" : "no", m->col, m->col);
	if (p->n_without)
		cli_warn("%zu benchmark%s of '%s' without '%s' left out", p->n_without,
		         p->n_without == 1 ? "" : "s", in->file_labels[0], m->col);
	in->n = p->n;
	in->labels = calloc(p->n, sizeof *in->labels);
	in->sets = calloc(p->n, sizeof *in->sets);
	in->names = calloc(p->n, sizeof *in->names);
	if (!in->labels || !in->sets || !in->names)
		return cli_error("out of memory");
	for (size_t k = 0; k < p->n; k++) {
		size_t len = strlen(m->col) + strlen(p->values[k]) + 2;
		if (!(in->labels[k] = malloc(len)))
			return cli_error("out of memory");
		snprintf(in->labels[k], len, "%s=%s", m->col, p->values[k]);
		in->sets[k] = p->sets[k];
		in->names[k] = in->labels[k];
		/* two benchmarks the key told apart may be one without it */
		if (cli_decide_distinct(p->sets[k], in->labels[k]))
			return EXIT_USAGE;
	}
	return 0;
}

static int read_inputs(const cli_many *m, inputs *in)
{
	const char **paths = calloc(m->n, sizeof *paths);
	in->files = calloc(m->n, sizeof *in->files);
	in->file_labels = calloc(m->n, sizeof *in->file_labels);
	if (!paths || !in->files || !in->file_labels) {
		free(paths);
		return cli_error("out of memory");
	}
	in->n_files = m->n;
	int status = 0;
	for (size_t k = 0; !status && k < m->n; k++) {
		char buf[256];
		const char *label;
		paths[k] = cli_compare_split(m->paths[k], &label, buf, sizeof buf);
		if (!(in->file_labels[k] = strdup(label)))
			status = cli_error("out of memory");
	}
	if (!status && m->out)
		status = cli_out_distinct(paths, m->n, &m->out, 1);
	for (size_t k = 0; !status && k < m->n; k++)
		status = cli_compare_read(paths[k], m->filter, m->filter_expr, &in->files[k]);
	free(paths);
	if (status)
		return status;
	if (m->col)
		return project(m, in);
	in->n = m->n;
	if (!(in->sets = calloc(m->n, sizeof *in->sets)) ||
	    !(in->names = calloc(m->n, sizeof *in->names)))
		return cli_error("out of memory");
	for (size_t k = 0; k < m->n; k++) {
		in->sets[k] = in->files[k];
		in->names[k] = in->file_labels[k];
		if (k)
			cli_decide_machines(in->files[0], in->files[k], in->names[0], in->names[k]);
	}
	return 0;
}

/* The gate's other checks (targets, a named benchmark gone) for every
 * later input; text and Markdown list them under the table. */
static int checks(const cli_many *m, const inputs *in, const tach_multi_comparison *c,
                  FILE *out, int color, size_t *failed)
{
	int text = m->fmt == TACH_REPORT_TEXT || m->fmt == TACH_REPORT_MARKDOWN;
	for (size_t k = 1; k < in->n; k++) {
		cli_checks ck = {0};
		int rc = cli_decide_checks(m->d, c->pairs[k - 1], in->sets[k], &ck);
		if (!rc && ck.n && text) {
			char name[512];
			fprintf(out, "%sgate (%s):\n", m->fmt == TACH_REPORT_MARKDOWN ? "\n```\n" : "\n",
			        cli_text(name, sizeof name, in->names[k]));
			cli_decide_print_checks(out, &ck, in->names[k], color);
			if (m->fmt == TACH_REPORT_MARKDOWN)
				fputs("```\n", out);
		}
		*failed += ck.n_failed;
		cli_decide_checks_release(&ck);
		if (rc)
			return rc;
	}
	return 0;
}

int cli_compare_many(const cli_many *m)
{
	inputs in = {0};
	tach_multi_comparison *c = NULL;
	tach_outfile *of = NULL;
	FILE *out = stdout;
	size_t failed = 0, other = 0;
	int status = read_inputs(m, &in);
	if (!status) {
		/* --noise-runs: the history before the newest input */
		cli_decide_candidate(m->d, in.sets[in.n - 1]);
		int rc = tach_compare_multi(in.sets, in.n, &m->d->opts, &c);
		if (rc)
			status = cli_error("cannot compare: %s", tach_strerror(rc));
	}
	if (!status && m->out) {
		if (!(of = cli_out_open(m->out)))
			status = EXIT_USAGE;
		else
			out = tach_outfile_stream(of);
	}
	if (!status) {
		tach_report_opts ro = {m->fmt == TACH_REPORT_TEXT && !m->out && cli_color_stdout(),
		                       m->ascii || !cli_utf8_stdout()};
		tach_report_comparison_multi(out, c, in.names, m->fmt, &ro);
		status = checks(m, &in, c, out, ro.color, &other);
	}
	if (!status && other && m->fmt != TACH_REPORT_TEXT && m->fmt != TACH_REPORT_MARKDOWN)
		cli_note("%zu gate check%s besides the rows failed (a target or a named benchmark "
		         "gone); 'tach gate' lists them",
		         other, other == 1 ? "" : "s");
	if (!status && of) {
		status = cli_out_commit(of, m->out);
		of = NULL;
	} else if (!status && (fflush(out) || ferror(out))) {
		status = cli_error("cannot write the output: %s", strerror(errno));
	}
	if (!status) {
		failed = c->n_failed + other;
		status = failed && !m->d->warn_only ? EXIT_REGRESSION : EXIT_OK;
		if (failed && m->d->warn_only)
			cli_warn("the gate failed (%zu rows, %zu other checks); --warn-only keeps exit "
			         "status 0",
			         c->n_failed, other);
	}
	tach_outfile_abort(of);
	tach_multi_comparison_free(c);
	release(&in);
	return status;
}
