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

enum { OPT_FROM = 1, OPT_OUT };

const cli_opt cmd_import_opts[] = {
	{OPT_FROM, "from", 0, "NAME", "the format (default: detect); see docs/import.md", 0},
	{OPT_OUT, "output", 'o', "FILE", "write the results file to FILE (default: standard output)", 0},
	{0, NULL, 0, NULL, NULL, 0},
};

const char cmd_import_details[] =
	"Reads other tools' results -- Google Benchmark JSON and console output,\n"
	"go test -bench, hyperfine JSON, pytest-benchmark, criterion.rs, Catch2,\n"
	"nanobench, JMH -- and writes one tach results file with every benchmark of\n"
	"every FILE.  --from forces a format: tach, google-benchmark,\n"
	"google-benchmark-console, go, hyperfine, pytest-benchmark, criterion,\n"
	"catch2, nanobench, jmh.  Every command that reads results (show, compare,\n"
	"gate) also takes these files directly.";

/* Moves b's benchmarks to the end of a (b keeps its metadata). */
static int append(tach_result *a, tach_result *b)
{
	for (size_t i = 0; i < b->n_benchmarks; i++) {
		tach_benchmark **nb = realloc(a->benchmarks, (a->n_benchmarks + 1) * sizeof *nb);
		if (!nb)
			return TACH_ENOMEM;
		a->benchmarks = nb;
		a->benchmarks[a->n_benchmarks++] = b->benchmarks[i];
		a->cap_benchmarks = a->n_benchmarks;
	}
	b->n_benchmarks = 0;
	return 0;
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
	status = EXIT_OK;
	if (out_path && status == EXIT_OK)
		status = cli_out_distinct((const char *const *)p.pos, p.npos, &out_path, 1);
	for (size_t i = 0; i < p.npos && status == EXIT_OK; i++) {
		tach_result *r;
		tach_error err;
		if (tach_import_file(p.pos[i], from, &r, &err)) {
			char msg[512];
			tach_error_format(&err, msg, sizeof msg);
			cli_error_placed("%s", msg);
			status = EXIT_USAGE;
			break;
		}
		if (!all) {
			all = r;
		} else {
			if (append(all, r))
				status = cli_error("out of memory");
			tach_result_free(r);
		}
	}
	if (status == EXIT_OK) {
		tach_error err;
		if (tach_result_write_file(all, out_path ? out_path : "-", &err))
			status = cli_error("%s", err.message);
	}
	tach_result_free(all);
	cli_parsed_free(&p);
	return status;
}
