/* cmd_import.c - `tach import FILE... [-o OUT]`: other tools' results
 * (format detected, or --from NAME) into one tach results file.
 *
 * All files are read before anything is written, so a bad file leaves no
 * half-written output.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "tach/import.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/commands.h"
#include "cli/input.h"

enum { OPT_FROM = 1, OPT_OUT };

const cli_opt cmd_import_opts[] = {
	CLI_VALUE(OPT_FROM, "from", 0, "NAME", "the format (default: detect); see docs/import.md"),
	CLI_VALUE(OPT_OUT, "output", 'o', "FILE", "write the results file to FILE (default: standard output)"),
	CLI_END,
};

const char cmd_import_details[] =
	"Reads other tools' results -- Google Benchmark JSON and console output,\n"
	"go test -bench, hyperfine JSON, pytest-benchmark, criterion.rs, Catch2,\n"
	"nanobench, JMH -- and writes one tach results file with every benchmark of\n"
	"every FILE.  --from forces a format: tach, google-benchmark,\n"
	"google-benchmark-console, go, hyperfine, pytest-benchmark, criterion,\n"
	"catch2, nanobench, jmh.  Every command that reads results (show, compare,\n"
	"gate) also takes these files directly.";

/* Moves b's benchmarks to the end of a (b keeps its metadata); from[k]
 * is the index of the file benchmark k of a came from. */
static int append(tach_result *a, tach_result *b, size_t **from, size_t file)
{
	size_t *nf = realloc(*from, (a->n_benchmarks + b->n_benchmarks + 1) * sizeof *nf);
	if (!nf)
		return TACH_ENOMEM;
	*from = nf;
	for (size_t i = 0; i < b->n_benchmarks; i++) {
		tach_benchmark **nb = realloc(a->benchmarks, (a->n_benchmarks + 1) * sizeof *nb);
		if (!nb)
			return TACH_ENOMEM;
		a->benchmarks = nb;
		nf[a->n_benchmarks] = file;
		a->benchmarks[a->n_benchmarks++] = b->benchmarks[i];
		a->cap_benchmarks = a->n_benchmarks;
	}
	b->n_benchmarks = 0;
	return 0;
}

/* Two files holding the same benchmark (each file alone was checked by
 * its reader): an error naming both, or 0. */
static int duplicate(const tach_result *all, const size_t *from, char **files)
{
	size_t a, b;
	int rc = tach_result_duplicate(all, &a, &b);
	if (rc < 0)
		return cli_error("out of memory");
	if (!rc)
		return 0;
	const char *fb = files[from[b]], *fa = files[from[a]];
	return cli_error_placed("%s: benchmark '%s' is in %s too, with the same parameters%s: a "
	                        "comparison could not tell them apart (tach merge PREFIX=FILE "
	                        "keeps both under different names)",
	                        fb, all->benchmarks[b]->name, fa,
	                        strcmp(fa, fb) ? "" : " (the file is given twice)");
}

int cmd_import(int argc, char **argv, const cli_cmd *self)
{
	int status;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	const char *from = NULL, *out_path = NULL;
	for (size_t i = 0; i < p.n; i++) {
		if (p.items[i].id == OPT_FROM)
			from = p.items[i].value;
		else if (p.items[i].id == OPT_OUT)
			out_path = p.items[i].value;
	}
	if (!p.npos) {
		cli_parsed_free(&p);
		cli_error("no file to import");
		fputs("usage: tach import [--from NAME] FILE... [-o OUT]\n", stderr);
		return EXIT_USAGE;
	}
	tach_result *all = NULL;
	size_t *from_file = NULL;
	status = EXIT_OK;
	if (out_path && status == EXIT_OK)
		status = cli_out_distinct((const char *const *)p.pos, p.npos, &out_path, 1);
	for (size_t i = 0; i < p.npos && status == EXIT_OK; i++) {
		tach_result *r;
		tach_error err;
		if (tach_import_file_warn(p.pos[i], from, cli_import_warn, NULL, &r, &err)) {
			char msg[512];
			tach_error_format(&err, msg, sizeof msg);
			cli_error_placed("%s", msg);
			status = EXIT_USAGE;
			break;
		}
		if (!all) {
			all = r;
			from_file = calloc(all->n_benchmarks + 1, sizeof *from_file);
			if (!from_file)
				status = cli_error("out of memory");
		} else {
			if (append(all, r, &from_file, i))
				status = cli_error("out of memory");
			tach_result_free(r);
		}
	}
	if (status == EXIT_OK && all)
		status = duplicate(all, from_file, p.pos);
	if (status == EXIT_OK) {
		tach_error err;
		if (tach_result_write_file(all, out_path ? out_path : "-", &err))
			status = cli_error("%s", err.message);
	}
	tach_result_free(all);
	free(from_file);
	cli_parsed_free(&p);
	return status;
}
