/* run_resolve.c - what `tach run` does to its wall times after the runs:
 * with --shell, the shell's own start-up (an empty command through the
 * same shell, run among the commands so that drift of the machine falls on
 * both alike) is measured and its median taken off every run; then every
 * command whose time is not resolved -- at or below the timer's
 * resolution, or lost in the spread of the subtracted start-up -- is
 * flagged in the results (TACH_METRIC_UNRESOLVED) and named on stderr,
 * instead of reporting "0 s" as if it had been measured.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/run_output.h"

#define SHELL_RUNS 30 /* start-up runs when measured apart */
#define MIN_STARTUP 3 /* fewer interleaved runs: measure apart */

/* The empty command through `shell`: SHELL_RUNS runs after 3 warm-ups.
 * Caller frees the samples; NULL (and *n = 0) when it could not run. */
static double *shell_startup(const char *shell, size_t *n)
{
	char *argv[] = {(char *)shell, "-c", "", NULL};
	tach_runner_opts o;
	memset(&o, 0, sizeof o);
	o.warmup = 3;
	o.runs = SHELL_RUNS;
	o.exec.grace = 0.5;
	tach_runner *r = tach_runner_new(&o, NULL);
	tach_result *tmp = tach_result_new();
	tach_error err;
	double *out = NULL;
	*n = 0;
	if (r && tmp && !tach_runner_add(r, "shell", "", argv, NULL) &&
	    !tach_runner_run(r, tmp, &err)) {
		const tach_metric *m = tach_benchmark_metric(tmp->benchmarks[0], TACH_M_TIME);
		if (m && m->n_samples && (out = malloc(m->n_samples * sizeof *out))) {
			memcpy(out, m->samples, m->n_samples * sizeof *out);
			*n = m->n_samples;
		}
	}
	tach_runner_free(r);
	tach_result_free(tmp);
	return out;
}

/* The resolution of the clock the runner times runs with. */
static double timer_resolution(void)
{
	struct timespec ts;
	if (clock_getres(CLOCK_MONOTONIC, &ts))
		return 1e-9;
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void scaled(char *buf, size_t size, double s)
{
	tach_scale sc = tach_scale_for("s", fabs(s), 1);
	char num[48];
	tach_format_scaled(num, sizeof num, s, sc);
	snprintf(buf, size, "%s %s", num, sc.unit);
}

/* A command's name for a message: control characters (ESC, newline) as
 * '?', so a name cannot move the cursor or forge a line. */
static void printable(char *buf, size_t size, const char *s)
{
	size_t k = 0;
	for (; *s && k + 1 < size; s++)
		buf[k++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	buf[k] = 0;
}

/* Flags b's time and says why on stderr. */
static void flag(tach_benchmark *b, tach_metric *m, const tach_resolution *res, const char *shell)
{
	m->flags |= TACH_METRIC_UNRESOLVED;
	char name[256], own[64], lim[64];
	printable(name, sizeof name, b->name);
	scaled(own, sizeof own, res->own);
	scaled(lim, sizeof lim, res->limit);
	if (res->kind == TACH_UNRESOLVED_TIMER)
		cli_warn("'%s' is too fast to measure: its median time (%s) is at or below the "
		         "timer's resolution (%s)", name, own, lim);
	else if (!(res->own > 0))
		cli_warn("'%s' is too fast to measure through %s: its runs took no longer than "
		         "the shell's start-up alone (median %s less); run it without --shell, or "
		         "time a loop of it", name, shell, own + (own[0] == '-'));
	else
		cli_warn("'%s' is too fast to measure through %s: what is left of it after the "
		         "shell's start-up (%s) is within the start-up's own spread (%s); run it "
		         "without --shell, or time a loop of it", name, shell, own, lim);
}

/* The start-up's samples from the runs (the last benchmark, removed), if
 * at least MIN_STARTUP of them were measured. */
static double *startup_from(tach_result *res, size_t *n)
{
	*n = 0;
	if (!res->n_benchmarks)
		return NULL;
	size_t last = res->n_benchmarks - 1;
	const tach_metric *m = tach_benchmark_metric(res->benchmarks[last], TACH_M_TIME);
	double *out = NULL;
	if (strcmp(res->benchmarks[last]->name, CLI_SHELL_STARTUP))
		return NULL;
	if (m && m->n_samples >= MIN_STARTUP && (out = malloc(m->n_samples * sizeof *out))) {
		memcpy(out, m->samples, m->n_samples * sizeof *out);
		*n = m->n_samples;
	}
	tach_result_remove_benchmark(res, last);
	return out;
}

int cli_run_resolve(tach_result *res, const char *shell, int in_res, int may_measure)
{
	size_t ns = 0;
	double *startup = NULL;
	double median = 0;
	if (shell && in_res)
		startup = startup_from(res, &ns);
	if (shell && !ns && may_measure) /* apart: with --setup/--conclude, or cut short */
		startup = shell_startup(shell, &ns);
	if (shell) {
		if (ns)
			tach_stats_median(startup, ns, &median);
		if (!(median > 0)) {
			cli_warn("could not time the start-up of %s: wall times include it", shell);
			free(startup);
			startup = NULL;
			ns = 0;
		}
	}
	double tres = timer_resolution();
	char num[TACH_DOUBLE_BUFSIZE];
	tach_format_double(tres, num);
	tach_kvlist_set(&res->meta.context, "timer_resolution_s", num);
	if (ns) {
		tach_format_double(median, num);
		tach_kvlist_set(&res->meta.context, "shell", shell);
		tach_kvlist_set(&res->meta.context, "shell_startup_subtracted_s", num);
		char shown[64];
		scaled(shown, sizeof shown, median);
		cli_note("wall times exclude the start-up of %s (median %s over %zu runs)", shell,
		         shown, ns);
	}
	for (size_t i = 0; i < res->n_benchmarks; i++) {
		tach_benchmark *b = res->benchmarks[i];
		tach_metric *m = tach_benchmark_metric(b, TACH_M_TIME);
		if (!m || !m->n_samples)
			continue;
		tach_resolution rr;
		if (tach_time_resolution(m->samples, m->n_samples, startup, ns, tres, &rr)) {
			free(startup);
			return cli_error("out of memory");
		}
		/* a run cannot take less than nothing: what the subtraction would
		 * make negative is 0, and the flag says why */
		for (size_t k = 0; ns && k < m->n_samples; k++)
			m->samples[k] = m->samples[k] > median ? m->samples[k] - median : 0;
		if (rr.kind != TACH_RESOLVED)
			flag(b, m, &rr, shell);
	}
	free(startup);
	return 0;
}
