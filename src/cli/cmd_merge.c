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
 *
 * With --pool the files are runs of the same suite instead (a program run
 * three times, say): a benchmark's samples of every file become one
 * benchmark's samples, as if it had been run once with more repetitions.
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
#include "cli/decide.h"

enum { OPT_OUTPUT = 1, OPT_POOL };

const cli_opt cmd_merge_opts[] = {
	CLI_VALUE(OPT_OUTPUT, "output", 'o', "FILE", "write the merged results file to FILE (default: standard output)"),
	CLI_FLAG(OPT_POOL, "pool", 0, "the files are runs of the same suite: pool each benchmark's samples"),
	CLI_END,
};

const char cmd_merge_details[] =
	"Each argument is a results file, optionally as PREFIX=FILE: its benchmarks\n"
	"are then named PREFIX/NAME.  The first file's metadata (time, machine,\n"
	"commit) is the merged set's; labels and context of the others are added\n"
	"where the first has no such key.  Two benchmarks with the same name and\n"
	"parameters are an error (give one file a PREFIX).\n\n"
	"With --pool the files are runs of the same suite: the samples of a\n"
	"benchmark (same name and parameters) and metric in every file become one\n"
	"list, in the order of the files.  The metadata is the first file's alone,\n"
	"and its context gains pooled_files, the number of files pooled.  A metric\n"
	"whose unit differs between two files is an error naming both; a benchmark\n"
	"missing from some files is kept, with a warning naming them.  Exit 0, or\n"
	"2 for bad input.";

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

/* b's name with its parameters, "NAME (k=v, ...)", for a message. */
static const char *shown(char *buf, size_t size, const tach_benchmark *b)
{
	size_t len = (size_t)snprintf(buf, size, "%s", b->name);
	for (size_t i = 0; i < b->params.n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s=%s", i ? ", " : " (",
		                        b->params.items[i].key, b->params.items[i].value);
	if (b->params.n && len < size)
		snprintf(buf + len, size - len, ")");
	return buf;
}

/* --pool, before file i joins: a metric of one of its benchmarks whose
 * unit differs from the pooled one cannot be pooled (seconds and
 * milliseconds side by side would be one list of wrong numbers).  The
 * error names the first earlier file with that metric. */
static int pool_units(tach_result *const *rs, const tach_result *pooled, size_t i,
                      const char *const *paths)
{
	const tach_result *r = rs[i];
	for (size_t k = 0; k < r->n_benchmarks; k++) {
		const tach_benchmark *b = r->benchmarks[k];
		const tach_benchmark *d = tach_result_find_at(pooled, b->name, &b->params, k);
		for (size_t m = 0; d && m < b->n_metrics; m++) {
			const tach_metric *bm = b->metrics[m];
			const tach_metric *dm = tach_benchmark_metric(d, bm->name);
			if (!dm || !strcmp(dm->unit, bm->unit))
				continue;
			size_t j = 0;
			for (; j < i; j++) {
				const tach_benchmark *e = tach_result_find_at(rs[j], b->name, &b->params, k);
				if (e && tach_benchmark_metric(e, bm->name))
					break;
			}
			char name[512];
			return cli_error("cannot pool metric '%s' of '%s': its unit is '%s' in '%s' "
			                 "but '%s' in '%s'",
			                 bm->name, shown(name, sizeof name, b), dm->unit, paths[j],
			                 bm->unit, paths[i]);
		}
	}
	return 0;
}

/* --pool: a benchmark missing from some files is kept (pooled from the
 * others) and named, up to ten, so that a crashed run is not missed. */
static void pool_missing(tach_result *const *rs, size_t n, const tach_result *pooled,
                         const char *const *paths)
{
	size_t warned = 0;
	for (size_t k = 0; k < pooled->n_benchmarks; k++) {
		const tach_benchmark *b = pooled->benchmarks[k];
		char missing[1024] = "", name[512];
		size_t len = 0, in = 0;
		for (size_t i = 0; i < n; i++) {
			if (tach_result_find_at(rs[i], b->name, &b->params, k))
				in++;
			else if (len < sizeof missing)
				len += (size_t)snprintf(missing + len, sizeof missing - len, "%s'%s'",
				                        len ? ", " : "", paths[i]);
		}
		if (in < n && warned++ < 10)
			cli_warn("'%s' is in %zu of %zu files (not in %s): pooled from those",
			         shown(name, sizeof name, b), in, n, missing);
	}
	if (warned > 10)
		cli_warn("%zu more benchmarks are missing from some files", warned - 10);
}

/* --pool: the files' samples pooled per benchmark and metric into a new
 * set that takes the first file's metadata. */
static int pool(const cli_parsed *p, const char *out)
{
	size_t n = p->npos;
	const char *const *paths = (const char *const *)p->pos;
	tach_result **rs = calloc(n, sizeof *rs), *pooled = tach_result_new();
	int status = rs && pooled ? EXIT_OK : cli_error("out of memory");
	for (size_t i = 0; !status && i < n; i++) {
		const char *eq = strchr(paths[i], '=');
		if (eq && eq != paths[i] && access(paths[i], F_OK) != 0)
			status = cli_error("--pool takes files without PREFIX= ('%s'): pooled "
			                   "benchmarks keep their names", paths[i]);
		else if (cli_read_results(paths[i], &rs[i]) || cli_decide_distinct(rs[i], paths[i]))
			status = EXIT_USAGE;
	}
	for (size_t i = 0; !status && i < n; i++) {
		if ((status = pool_units(rs, pooled, i, paths)))
			break;
		if (tach_result_append_samples(pooled, rs[i]))
			status = cli_error("out of memory");
	}
	if (!status) {
		pool_missing(rs, n, pooled, paths);
		/* the first file's metadata moves over whole (the file itself is
		 * no longer needed for it) */
		tach_meta empty = pooled->meta;
		pooled->meta = rs[0]->meta;
		rs[0]->meta = empty;
		char count[32];
		snprintf(count, sizeof count, "%zu", n);
		if (tach_kvlist_set(&pooled->meta.context, "pooled_files", count))
			status = cli_error("out of memory");
	}
	if (!status) {
		tach_error err;
		memset(&err, 0, sizeof err);
		if (tach_result_write_file(pooled, out ? out : "-", &err))
			status = cli_error("%s", err.message);
	}
	for (size_t i = 0; rs && i < n; i++)
		tach_result_free(rs[i]);
	free(rs);
	tach_result_free(pooled);
	return status;
}

int cmd_merge(int argc, char **argv, const cli_cmd *self)
{
	int status;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	const char *out = NULL;
	int pooling = 0;
	for (size_t i = 0; i < p.n; i++) {
		if (p.items[i].id == OPT_OUTPUT)
			out = p.items[i].value;
		pooling |= p.items[i].id == OPT_POOL;
	}
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
	if (pooling && !status) {
		status = pool(&p, out);
		free(ends);
		cli_parsed_free(&p);
		return status;
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
