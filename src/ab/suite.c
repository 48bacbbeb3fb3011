/* suite.c - one round of an A/B suite: both benchmark programs
 * (tach/bench.h binaries or Google Benchmark binaries) run once each, in
 * random order, each writing its results to a file in a private
 * directory that is imported and whose samples are added to that side's.
 *
 * A round gives `reps` repetitions of every benchmark per side; rounds
 * alternate the two programs, so the machine's drift hits both alike, as
 * interleaved runs of whole commands do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tach/import.h"
#include "ab/suite.h"

/* argv followed by room for `extra` more words and the NULL. */
static char **argv_with_room(char *const *argv, size_t extra, size_t *n)
{
	*n = 0;
	while (argv[*n])
		(*n)++;
	char **av = calloc(*n + extra + 1, sizeof *av);
	if (av)
		memcpy(av, argv, *n * sizeof *av);
	return av;
}

/* Google Benchmark binaries describe --benchmark_filter in --help; tach
 * benchmark binaries describe --repetitions. */
static int kind_of(ab_suite *s, const tach_ab_opts *o, int side, tach_error *err)
{
	char *const *argv = side ? o->cand_argv : o->base_argv;
	ab_suite_kind *kind = &s->kind[side];
	char path[4200];
	snprintf(path, sizeof path, "%s/help.txt", s->dir);
	size_t n;
	char **av = argv_with_room(argv, 1, &n);
	if (!av)
		return TACH_ENOMEM;
	av[n] = "--help";
	tach_exec_opts eo = {.output = TACH_OUTPUT_FILE, .output_path = path, .timeout = 30,
	                     .cwd = side ? o->cand_cwd : o->base_cwd, .cpus = o->cpus};
	tach_run_sample rs = {0};
	int rc = s->ex->exec(s->ex->ctx, av, &eo, &rs, err);
	free(av);
	if (rc)
		return rc;
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t len = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f)
		fclose(f);
	unlink(path);
	buf[len] = 0;
	if (strstr(buf, "benchmark_filter"))
		*kind = AB_SUITE_GBENCH;
	else if (strstr(buf, "--repetitions"))
		*kind = AB_SUITE_TACH;
	else {
		snprintf(err->message, sizeof err->message,
		         "'%s' is neither a tach benchmark program (TACH_MAIN) nor a Google Benchmark "
		         "program (its --help mentions neither --repetitions nor --benchmark_filter)",
		         argv[0]);
		return TACH_EFORMAT;
	}
	return 0;
}

int tach__ab_suite_prepare(ab_suite *s, const tach_ab_opts *o, tach_error *err)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || tmp[0] != '/' || strlen(tmp) > 4000)
		tmp = "/tmp";
	char tmpl[4096];
	snprintf(tmpl, sizeof tmpl, "%s/tach-compare-XXXXXX", tmp);
	if (!mkdtemp(tmpl)) {
		int e = errno;
		snprintf(err->message, sizeof err->message,
		         "cannot make a temporary directory in %s: %s", tmp, strerror(e));
		return -e;
	}
	snprintf(s->dir, sizeof s->dir, "%s", tmpl);
	int rc = kind_of(s, o, 0, err);
	if (!rc)
		rc = kind_of(s, o, 1, err);
	return rc;
}

void tach__ab_suite_cleanup(ab_suite *s)
{
	if (s->dir[0])
		rmdir(s->dir);
	s->dir[0] = 0;
}

/* Runs one program once into a new result set. */
static int run_one(const ab_suite *s, const tach_ab_opts *o, int side, tach_result **out,
                   tach_error *err)
{
	char *const *argv = side ? o->cand_argv : o->base_argv;
	size_t reps = o->reps;
	double timeout = o->timeout;
	char path[4200], flag[4300], rep[64];
	snprintf(path, sizeof path, "%s/side%d.json", s->dir, side);
	unlink(path);
	size_t n;
	char **av = argv_with_room(argv, 6, &n);
	if (!av)
		return TACH_ENOMEM;
	if (s->kind[side] == AB_SUITE_TACH) {
		snprintf(rep, sizeof rep, "%zu", reps);
		av[n++] = "--out";
		av[n++] = path;
		av[n++] = "--repetitions";
		av[n++] = rep;
		av[n++] = "--max-repetitions";
		av[n++] = rep;
	} else {
		snprintf(flag, sizeof flag, "--benchmark_out=%s", path);
		snprintf(rep, sizeof rep, "--benchmark_repetitions=%zu", reps);
		av[n++] = flag;
		av[n++] = "--benchmark_out_format=json";
		av[n++] = rep;
	}
	tach_exec_opts eo = {.timeout = timeout, .cpus = o->cpus,
	                     .cwd = side ? o->cand_cwd : o->base_cwd};
	tach_run_sample rs = {0};
	int rc = s->ex->exec(s->ex->ctx, av, &eo, &rs, err);
	free(av);
	if (rc)
		return rc;
	if (rs.state != TACH_RUN_EXITED || rs.exit_code != 0) {
		if (rs.state == TACH_RUN_TIMED_OUT)
			snprintf(err->message, sizeof err->message, "'%s' timed out after %g s", argv[0],
			         timeout);
		else
			snprintf(err->message, sizeof err->message, "'%s' %s %d", argv[0],
			         rs.state == TACH_RUN_EXITED ? "exited with code" : "was killed by signal",
			         rs.state == TACH_RUN_EXITED ? rs.exit_code : rs.signal);
		unlink(path);
		return TACH_ERANGE;
	}
	rc = tach_import_file(path, NULL, out, err);
	unlink(path);
	return rc;
}

int tach__ab_suite_round(const ab_suite *s, const tach_ab_opts *o, tach_rng *rng,
                         tach_result *base, tach_result *cand, tach_error *err)
{
	int first = (int)(tach_rng_next(rng) & 1);
	for (int k = 0; k < 2; k++) {
		int side = k ^ first;
		tach_result *r = NULL;
		int rc = run_one(s, o, side, &r, err);
		if (!rc)
			rc = tach_result_append_samples(side ? cand : base, r);
		tach_result_free(r);
		if (rc)
			return rc;
	}
	return 0;
}
