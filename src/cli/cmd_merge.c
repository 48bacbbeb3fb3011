/* cmd_merge.c - `tach merge [PREFIX=]FILE... -o OUT`: several results
 * files (of any format tach reads) as one result set, so that the output
 * of several benchmark programs becomes one run of the history.
 *
 * The metadata is the first file's (machine, time, commit); the others'
 * labels and context are added where the first has no such key.  A
 * PREFIX names the benchmarks of its file "PREFIX/name", which keeps two
 * programs' equal names apart (the same benchmark measured two ways).
 * Two benchmarks with the same name and parameters in the output are an
 * error: a comparison could not tell them apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "cli/commands.h"
#include "cli/input.h"

enum { OPT_OUTPUT = 1 };

const cli_opt cmd_merge_opts[] = {
	CLI_VALUE(OPT_OUTPUT, "output", 'o', "FILE", "write the merged results file to FILE (default: standard output)"),
	CLI_END,
};

const char cmd_merge_details[] =
	"Each argument is a results file, optionally as PREFIX=FILE: its benchmarks\n"
	"are then named PREFIX/NAME.  The first file's metadata (time, machine,\n"
	"commit) is the merged set's; labels and context of the others are added\n"
	"where the first has no such key.  Two benchmarks with the same name and\n"
	"parameters are an error (give one file a PREFIX).  Exit 0, or 2 for bad\n"
	"input.";

static void add_missing(tach_kvlist *to, const tach_kvlist *from)
{
	for (size_t i = 0; i < from->n; i++)
		if (!tach_kvlist_get(to, from->items[i].key))
			tach_kvlist_set(to, from->items[i].key, from->items[i].value);
}

/* The argument that brought benchmark i of the merged set. */
static const char *origin(const cli_parsed *p, const size_t *ends, size_t i)
{
	size_t f = 0;
	while (f + 1 < p->npos && i >= ends[f])
		f++;
	return p->pos[f];
}

int cmd_merge(int argc, char **argv, const cli_cmd *self)
{
	int status;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	const char *out = NULL;
	for (size_t i = 0; i < p.n; i++)
		if (p.items[i].id == OPT_OUTPUT)
			out = p.items[i].value;
	if (!p.npos) {
		cli_parsed_free(&p);
		return cli_error("no results files given");
	}
	tach_result *merged = NULL;
	/* ends[f]: the merged set's size after file f, to name where a
	 * duplicate came from */
	size_t *ends = calloc(p.npos, sizeof *ends);
	status = ends ? EXIT_OK : cli_error("out of memory");
	/* -o must not be one of the files (whole, or after PREFIX=) */
	for (size_t i = 0; out && !status && i < p.npos; i++) {
		const char *eq = strchr(p.pos[i], '=');
		const char *in[2] = {p.pos[i], eq ? eq + 1 : NULL};
		status = cli_out_distinct(in, 2, &out, 1);
	}
	for (size_t i = 0; !status && i < p.npos; i++) {
		const char *arg = p.pos[i], *eq = strchr(arg, '=');
		char prefix[256] = "";
		const char *path = arg;
		/* PREFIX=FILE, unless the whole argument is an existing file */
		if (eq && eq != arg && access(arg, F_OK) != 0) {
			snprintf(prefix, sizeof prefix, "%.*s", (int)(eq - arg), arg);
			path = eq + 1;
		}
		tach_result *r = NULL;
		if (cli_read_results(path, &r)) {
			status = EXIT_USAGE;
			break;
		}
		if (!merged) {
			merged = r;
			ends[i] = r->n_benchmarks;
			if (prefix[0]) {
				/* rename in place: take the set's own benchmarks back */
				tach_result *tmp = tach_result_new();
				if (!tmp || tach_result_take(tmp, merged, NULL) ||
				    tach_result_take(merged, tmp, prefix))
					status = cli_error("out of memory");
				tach_result_free(tmp);
			}
			continue;
		}
		add_missing(&merged->meta.labels, &r->meta.labels);
		add_missing(&merged->meta.context, &r->meta.context);
		if (tach_result_take(merged, r, prefix))
			status = cli_error("out of memory");
		ends[i] = merged->n_benchmarks;
		tach_result_free(r);
	}
	size_t d1, d2;
	int dup = merged && !status ? tach_result_duplicate(merged, &d1, &d2) : 0;
	if (dup < 0)
		status = cli_error("out of memory");
	else if (dup)
		status = cli_error("two benchmarks named '%s' with the same parameters, from '%s' "
		                   "and '%s': give one of the files a PREFIX (PREFIX=FILE)",
		                   merged->benchmarks[d1]->name, origin(&p, ends, d1),
		                   origin(&p, ends, d2));
	if (!status) {
		tach_error err;
		memset(&err, 0, sizeof err);
		if (tach_result_write_file(merged, out ? out : "-", &err))
			status = cli_error("%s", err.message);
	}
	tach_result_free(merged);
	free(ends);
	cli_parsed_free(&p);
	return status;
}
