/* run_instructions.c - `tach run --instructions`: every run of a command
 * goes through Valgrind's callgrind (child processes traced too), and its
 * counts become deterministic metrics of that run (tach/sim.h).
 *
 * Each run writes one profile per process into a temporary directory;
 * the progress callback, called after every timed run, sums and removes
 * them, so every run's counts are its own.  Warm-up runs are not made in
 * this mode (a simulator has no warm state to reach), so no file is left
 * over between timed runs.  Timings of simulated runs mean nothing and
 * are dropped from the results.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/run_instructions.h"
#include "cli/run_output.h"

int cli_instr_begin(cli_instr *ci, size_t n_bench)
{
	memset(ci, 0, sizeof *ci);
	ci->runs = calloc(n_bench ? n_bench : 1, sizeof *ci->runs);
	ci->n_runs = n_bench;
	if (!ci->runs)
		return cli_error("out of memory");
	tach_error err;
	memset(&err, 0, sizeof err);
	if (tach_sim_find(ci->valgrind, sizeof ci->valgrind, &err))
		return cli_error("%s", err.message);
	snprintf(ci->dir, sizeof ci->dir, "/tmp/tach-instructions-XXXXXX");
	if (!mkdtemp(ci->dir))
		return cli_error("cannot make a temporary directory: %s", strerror(errno));
	char out[4200], log[4200];
	snprintf(out, sizeof out, "%s/cg.%%p", ci->dir);
	snprintf(log, sizeof log, "%s/valgrind.%%p.log", ci->dir);
	ci->prefix = tach_sim_prefix(ci->valgrind, out, log, 1, 1, &ci->n_prefix);
	if (!ci->prefix)
		return cli_error("out of memory");
	return 0;
}

char **cli_instr_wrap(const cli_instr *ci, char **words)
{
	size_t n = 0;
	while (words[n])
		n++;
	char **v = calloc(ci->n_prefix + n + 1, sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < ci->n_prefix; i++)
		if (!(v[i] = strdup(ci->prefix[i])))
			goto fail;
	for (size_t i = 0; i < n; i++)
		if (!(v[ci->n_prefix + i] = strdup(words[i])))
			goto fail;
	return v;
fail:
	tach_words_free(v);
	return NULL;
}

/* Sums the profiles in the directory into *c and removes them and the
 * logs; a failing run's log is read for its cause first. */
static void collect(cli_instr *ci, tach_sim_counts *c, int failed)
{
	memset(c, 0, sizeof *c);
	DIR *d = opendir(ci->dir);
	if (!d)
		return;
	struct dirent *e;
	char path[4200];
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", ci->dir, e->d_name);
		if (!strncmp(e->d_name, "cg.", 3)) {
			tach_sim_counts one;
			tach_error err;
			memset(&err, 0, sizeof err);
			if (tach_sim_read(path, &one, NULL, 0, &err) == 0)
				tach_sim_add(c, &one);
			else if (!ci->why[0])
				tach_error_format(&err, ci->why, sizeof ci->why);
		} else if (failed && !ci->why[0]) {
			tach_sim_diagnose(path, ci->why, sizeof ci->why);
		}
		unlink(path);
	}
	closedir(d);
}

void cli_instr_progress(void *ctx, size_t done, size_t total, size_t bench,
                        const tach_run_sample *last)
{
	cli_instr *ci = ctx;
	int failed = last->state != TACH_RUN_EXITED || last->exit_code != 0;
	if (last->state == TACH_RUN_TIMED_OUT && !ci->why[0])
		snprintf(ci->why, sizeof ci->why,
		         "a run timed out under Valgrind, which runs programs 20-100x slower than "
		         "natively: raise --timeout");
	tach_sim_counts c;
	collect(ci, &c, failed);
	if (bench < ci->n_runs) {
		cli_instr_runs *r = &ci->runs[bench];
		tach_sim_counts *nc = realloc(r->counts, (r->n + 1) * sizeof *nc);
		if (nc) {
			r->counts = nc;
			r->counts[r->n++] = c;
		}
	}
	cli_run_progress(NULL, done, total, bench, last);
}

int cli_instr_finish(cli_instr *ci, tach_result *res)
{
	/* timings of a simulated run say how slow the simulator is, nothing
	 * about the program */
	static const char *const dropped[] = {TACH_M_TIME, TACH_M_USER_TIME, TACH_M_SYSTEM_TIME,
	                                      TACH_M_PEAK_RSS, TACH_M_CPU_PERCENT, NULL};
	for (size_t i = 0; i < res->n_benchmarks && i < ci->n_runs; i++) {
		tach_benchmark *b = res->benchmarks[i];
		for (size_t k = 0; dropped[k]; k++)
			tach_benchmark_remove_metric(b, dropped[k]);
		for (size_t k = 0; k < ci->runs[i].n; k++)
			if (tach_sim_add_samples(b, &ci->runs[i].counts[k], 1))
				return cli_error("out of memory");
	}
	tach_kvlist_set(&res->meta.context, "mode", "instructions (valgrind callgrind, "
	                                            "--I1=32768,8,64 --D1=32768,8,64 "
	                                            "--LL=8388608,16,64, children traced)");
	return 0;
}

void cli_instr_end(cli_instr *ci)
{
	if (ci->dir[0]) {
		tach_sim_counts c;
		collect(ci, &c, 0);
		rmdir(ci->dir);
	}
	for (size_t i = 0; ci->runs && i < ci->n_runs; i++)
		free(ci->runs[i].counts);
	free(ci->runs);
	tach_words_free(ci->prefix);
}
