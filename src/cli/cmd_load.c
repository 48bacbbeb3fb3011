/* cmd_load.c - `tach load --rate R [OPTIONS] -- COMMAND...`: an open-loop
 * load test of a command.  Starts it at set rates (tach/loadgen.h: one
 * window per rate, a fresh set of runs for each), times every run from its
 * scheduled start, prints latency against achieved rate and, for a sweep,
 * the knee (tach/load.h); the results go out in the results format, one
 * benchmark per rate.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "cli/cli.h"
#include "cli/stop.h"
#include "cli/commands.h"
#include "cli/input.h"
#include "cli/output.h"
#include "cli/testbed.h"

enum {
	OPT_RATE = 1, OPT_SCAN, OPT_DURATION, OPT_WARMUP, OPT_MAX_IN_FLIGHT, OPT_ARRIVALS, OPT_SEED,
	OPT_TIMEOUT, OPT_LATE, OPT_KNEE, OPT_NAME, OPT_EXPORT_JSON, OPT_SAVE, OPT_DB, OPT_TESTBED,
	OPT_LABEL, OPT_NO_MEMORY, OPT_OUTPUT,
};

const cli_opt cmd_load_opts[] = {
	CLI_VALUE(OPT_RATE, "rate", 'R', "A,B,...", "starts per second (50, 50/s); a list (50,100,200) sweeps the rates in turn"),
	CLI_VALUE_N(OPT_SCAN, "rate-scan", 0, "MIN MAX S", "sweep the rates MIN, MIN+S, ... up to MAX", 3),
	CLI_VALUE(OPT_DURATION, "duration", 'd', "TIME", "measured window of each rate (default 10s)"),
	CLI_VALUE(OPT_WARMUP, "warmup", 'w', "TIME", "run at the rate this long first, unrecorded (default 0)"),
	CLI_NUMBER(OPT_MAX_IN_FLIGHT, "max-in-flight", 'C', "N", "at most N runs at once; later starts wait, and the wait counts in their latency (default 64)", 1, 100000),
	CLI_VALUE(OPT_ARRIVALS, "arrivals", 0, "KIND", "constant (default: every 1/R s) or poisson (random gaps of mean 1/R)"),
	CLI_NUMBER(OPT_SEED, "seed", 0, "N", "seed of the poisson arrivals (default 1)", 0, 0),
	CLI_VALUE(OPT_TIMEOUT, "timeout", 't', "TIME", "kill a run (its whole process group) after TIME: a failure"),
	CLI_VALUE(OPT_LATE, "late-after", 0, "TIME", "a start this much after its schedule is late (default 1ms)"),
	CLI_VALUE(OPT_KNEE, "knee-factor", 0, "RATIO", "the knee: the highest rate whose p99 is within RATIO x the lowest rate's (default 2)"),
	CLI_VALUE(OPT_NAME, "name", 'n', "NAME", "name of the benchmarks (default: the command line)"),
	CLI_VALUE(OPT_OUTPUT, "output", 0, "WHERE", "the command's output: null (default), inherit or a FILE"),
	CLI_VALUE(OPT_EXPORT_JSON, "export-json", 'o', "FILE", "write the results file (tach format)"),
	CLI_FLAG(OPT_SAVE, "save", 0, "add the results to the history as a run"),
	CLI_VALUE(OPT_DB, "db", 0, "PATH|URL", "the history for --save (default: $TACH_DB, else .tach/history.db)"),
	CLI_VALUE(OPT_TESTBED, "testbed", 0, "NAME", "the testbed (machine) name recorded with the results"),
	CLI_VALUE_N(OPT_LABEL, "label", 'l', "KEY=VALUE", "a label stored with the results (repeatable)", CLI_REPEAT),
	CLI_FLAG(OPT_NO_MEMORY, "no-memory-cgroup", 0, "no cgroup for the runs (no tree_peak_memory)"),
	CLI_END,
};

const char cmd_load_details[] =
	"An open-loop load test: COMMAND (its words after --, run without a shell; a\n"
	"single argument is split into words like tach run's) is started at the set\n"
	"rate whether or not earlier runs have ended, at most --max-in-flight at once.\n"
	"Each run's latency is measured from its SCHEDULED start to its end, so time\n"
	"spent waiting for a free slot behind a slow run counts (no coordinated\n"
	"omission); its service time from its actual start.  Per rate tach prints the\n"
	"achieved rate, latency and service-time percentiles, late starts, failures\n"
	"(non-zero exit, signal, timeout) and the peak in flight; with several rates,\n"
	"the knee and the first rate not sustained (achieved below 95 % of the set\n"
	"rate, or starts dropped).  Ctrl-C stops: every run's process group is killed.\n"
	"Metrics: docs/results-format.md \"Load tests\".";

#define MAX_RATES 1000

typedef struct load_cli {
	tach_loadgen_opts lo;
	double rates[MAX_RATES];
	size_t n_rates;
	double knee;
	const char *name, *export_json, *db, *testbed;
	int save;
	tach_exec_opts exec;
	tach_kvlist labels;
} load_cli;

/* A rate: a positive number, optionally followed by "/s". */
static int parse_rate(const char *spelled, const char *v, size_t len, double *out)
{
	char buf[64];
	if (len >= sizeof buf)
		len = sizeof buf - 1;
	memcpy(buf, v, len);
	buf[len] = 0;
	char *end;
	double r = strtod(buf, &end);
	if (end == buf || (*end && strcmp(end, "/s")) || !(r > 0) || !isfinite(r) || r > 1e6)
		return cli_bad_value(spelled, buf, "expected a rate from 0 to 1e6 per second, such as 50 or 50/s");
	*out = r;
	return 0;
}

static int add_rate(load_cli *c, double r)
{
	if (c->n_rates == MAX_RATES)
		return cli_error("more than %d rates", MAX_RATES);
	c->rates[c->n_rates++] = r;
	return 0;
}

static int parse_options(load_cli *c, const cli_parsed *p)
{
	double d;
	for (size_t i = 0; i < p->n; i++) {
		const cli_item *it = &p->items[i];
		int st = 0;
		switch (it->id) {
		case OPT_RATE:
			for (const char *s = it->value;;) {
				const char *comma = strchr(s, ',');
				size_t len = comma ? (size_t)(comma - s) : strlen(s);
				double r;
				if ((st = parse_rate(it->spelled, s, len, &r)) || (st = add_rate(c, r)))
					return st;
				if (!comma)
					break;
				s = comma + 1;
			}
			break;
		case OPT_SCAN: {
			double lo, hi, step;
			if ((st = parse_rate(it->spelled, it->values[0], strlen(it->values[0]), &lo)) ||
			    (st = parse_rate(it->spelled, it->values[1], strlen(it->values[1]), &hi)) ||
			    (st = parse_rate(it->spelled, it->values[2], strlen(it->values[2]), &step)))
				return st;
			if (hi < lo)
				return cli_error("%s %s %s: HI is below LO", it->spelled, it->values[0], it->values[1]);
			if ((hi - lo) / step >= MAX_RATES)
				return cli_error("%s: more than %d rates", it->spelled, MAX_RATES);
			/* from the index, not by adding STEP: no drift by rounding */
			for (size_t k = 0; lo + (double)k * step <= hi * (1 + 1e-12); k++)
				if ((st = add_rate(c, lo + (double)k * step)))
					return st;
			break;
		}
		case OPT_DURATION:
			if ((st = cli_duration_arg(it->spelled, it->value, &c->lo.duration)))
				return st;
			if (!(c->lo.duration > 0))
				return cli_bad_value(it->spelled, it->value, "the window must be longer than 0");
			break;
		case OPT_WARMUP:
			if ((st = cli_duration_arg(it->spelled, it->value, &c->lo.warmup)))
				return st;
			break;
		case OPT_MAX_IN_FLIGHT:
			c->lo.max_in_flight = (size_t)it->count;
			break;
		case OPT_ARRIVALS:
			if (!strcmp(it->value, "constant"))
				c->lo.arrivals = TACH_LOAD_CONSTANT;
			else if (!strcmp(it->value, "poisson"))
				c->lo.arrivals = TACH_LOAD_POISSON;
			else
				return cli_bad_value(it->spelled, it->value, "expected constant or poisson");
			break;
		case OPT_SEED:
			c->lo.seed = it->count;
			break;
		case OPT_TIMEOUT:
			if ((st = cli_duration_arg(it->spelled, it->value, &c->exec.timeout)))
				return st;
			break;
		case OPT_LATE:
			if ((st = cli_duration_arg(it->spelled, it->value, &d)))
				return st;
			if (!(d > 0))
				return cli_bad_value(it->spelled, it->value, "must be longer than 0");
			c->lo.late = d;
			break;
		case OPT_KNEE: {
			char *end;
			c->knee = strtod(it->value, &end);
			if (end == it->value || *end || !(c->knee >= 1) || !isfinite(c->knee))
				return cli_bad_value(it->spelled, it->value, "expected a factor of at least 1, such as 2");
			break;
		}
		case OPT_NAME:
			c->name = it->value;
			break;
		case OPT_OUTPUT:
			if (!strcmp(it->value, "null")) {
				c->exec.output = TACH_OUTPUT_NULL;
			} else if (!strcmp(it->value, "inherit")) {
				c->exec.output = TACH_OUTPUT_INHERIT;
			} else {
				c->exec.output = TACH_OUTPUT_FILE;
				c->exec.output_path = it->value;
			}
			break;
		case OPT_EXPORT_JSON:
			c->export_json = it->value;
			break;
		case OPT_SAVE:
			c->save = 1;
			break;
		case OPT_DB:
			c->db = it->value;
			break;
		case OPT_TESTBED:
			if (cli_testbed_check(it->spelled, it->value))
				return EXIT_USAGE;
			c->testbed = it->value;
			break;
		case OPT_LABEL:
			if (cli_label_arg(it->spelled, it->value, &c->labels))
				return EXIT_USAGE;
			break;
		case OPT_NO_MEMORY:
			c->exec.measure_memory = 0;
			break;
		}
	}
	return 0;
}

/* A time in s as "12.3ms"; "-" for NaN. */
static const char *fmt_time(char *buf, size_t size, double s)
{
	if (!(s >= 0)) {
		snprintf(buf, size, "-");
		return buf;
	}
	tach_scale sc = tach_scale_for("s", s, !cli_utf8_stdout());
	int n = tach_format_scaled(buf, size, s, sc);
	snprintf(buf + n, size - (size_t)n, "%s", sc.unit);
	return buf;
}

static double metric(const tach_benchmark *b, const char *name)
{
	const tach_metric *m = tach_benchmark_metric(b, name);
	return m && m->n_samples ? m->samples[0] : NAN;
}

/* One line per rate: what was asked, what was achieved, the latencies. */
static void print_rate(const tach_benchmark *b, double rate)
{
	char t[7][32];
	printf("%9.10g/s %9.1f/s %9s %9s %9s %9s %9s | %9s %9s | %6.0f %6.0f %6.0f %5.0f\n", rate,
	       metric(b, TACH_M_ACHIEVED_RATE), fmt_time(t[0], 32, metric(b, TACH_M_LATENCY_P50)),
	       fmt_time(t[1], 32, metric(b, TACH_M_LATENCY_P90)),
	       fmt_time(t[2], 32, metric(b, TACH_M_LATENCY_P99)),
	       fmt_time(t[3], 32, metric(b, TACH_M_LATENCY_P999)),
	       fmt_time(t[4], 32, metric(b, TACH_M_LATENCY_MAX)),
	       fmt_time(t[5], 32, metric(b, TACH_M_SERVICE_TIME_P50)),
	       fmt_time(t[6], 32, metric(b, TACH_M_SERVICE_TIME_P90)),
	       metric(b, TACH_M_LATE_STARTS), metric(b, TACH_M_FAILURES),
	       metric(b, TACH_M_DROPPED_STARTS), metric(b, TACH_M_PEAK_IN_FLIGHT));
	fflush(stdout);
}

/* The knee and the first rate not sustained of the sweep in res. */
static int print_knee(const tach_result *res, double factor)
{
	tach_load_sweep *sw;
	size_t n;
	if (tach_load_sweeps(res, factor, &sw, &n))
		return cli_error("out of memory");
	char a[32], b[32];
	for (size_t i = 0; i < n; i++) {
		const tach_load_sweep *s = &sw[i];
		if (s->n < 2)
			continue;
		if (s->knee == SIZE_MAX) {
			printf("knee: none (the lowest rate, %.10g/s, %s)\n", s->points[0].rate,
			       s->points[0].sustained ? "has no p99" : "was not sustained");
		} else {
			const tach_load_point *k = &s->points[s->knee];
			printf("knee: %.10g/s (p99 %s, within %gx of %s at %.10g/s)\n", k->rate,
			       fmt_time(a, sizeof a, k->p99), factor, fmt_time(b, sizeof b, s->points[0].p99),
			       s->points[0].rate);
		}
		if (s->first_unsustained == SIZE_MAX) {
			printf("every rate sustained (achieved >= %.0f %% of set, none dropped)\n",
			       100 * TACH_LOAD_SUSTAINED_SHARE);
		} else {
			const tach_load_point *u = &s->points[s->first_unsustained];
			printf("first rate not sustained: %.10g/s (achieved %.1f/s, %.0f %%)\n", u->rate,
			       u->achieved, 100 * u->achieved / u->rate);
		}
	}
	tach_load_sweeps_free(sw, n);
	return 0;
}

/* The command line of argv, for display and the results' source. */
static char *join_words(char **w)
{
	size_t len = 1;
	for (size_t i = 0; w[i]; i++)
		len += strlen(w[i]) + 1;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	for (size_t i = 0; w[i]; i++)
		p += sprintf(p, "%s%s", i ? " " : "", w[i]);
	*p = 0;
	return s;
}

/* One rate: a fresh set of runs, its benchmark appended to res. */
static int run_rate(load_cli *c, char **argv, const char *name, const char *text, double rate,
                    tach_result *res)
{
	tach_loadgen_opts lo = c->lo;
	lo.rate = rate;
	tach_load_exec *e;
	tach_load_stats st;
	if (tach_load_stats_init(&st))
		return cli_error("out of memory");
	if (tach_load_exec_new(argv, &c->exec, lo.max_in_flight, &e)) {
		tach_load_stats_release(&st);
		return cli_error("out of memory");
	}
	tach_load_ops ops = tach_load_exec_ops(e);
	int rc = tach_load_run(&lo, &ops, &st);
	tach_run_sample whole;
	tach_load_exec_finish(e, &whole);
	int status = 0;
	if (rc)
		status = cli_error("%s", tach_load_exec_error(e) ? tach_load_exec_error(e)
		                                                 : tach_strerror(rc));
	else if (tach_load_add_result(res, name, text, &lo, &st, &whole))
		status = cli_error("out of memory");
	else
		print_rate(res->benchmarks[res->n_benchmarks - 1], rate);
	tach_load_exec_free(e);
	tach_load_stats_release(&st);
	return status;
}

int cmd_load(int argc, char **argv, const cli_cmd *self)
{
	int status;
	cli_parsed p;
	if (cli_parse(self, argc, argv, &p, &status))
		return status;
	load_cli c;
	memset(&c, 0, sizeof c);
	c.lo.duration = 10;
	c.lo.max_in_flight = 64;
	c.lo.seed = 1;
	c.lo.stop = &cli_stop_signal;
	c.knee = TACH_LOAD_KNEE_FACTOR;
	c.exec.measure_memory = 1;
	c.exec.grace = 0.5;
	char **words = NULL, *text = NULL;
	tach_result *res = NULL;

	status = parse_options(&c, &p);
	if (!status && !c.n_rates)
		status = cli_error("no rate given: --rate R or --rate-scan LO HI STEP");
	if (!status && !p.npos) {
		cli_error("no command given");
		fputs("usage: tach load --rate R [OPTIONS] -- COMMAND...\n", stderr);
		status = EXIT_USAGE;
	}
	if (!status) {
		tach_error err;
		if (p.npos == 1) { /* one argument: words as tach run splits them */
			if (tach_words_split(p.pos[0], &words, &err))
				status = cli_error("command '%s': column %u: %s", p.pos[0], err.column,
				                   err.message);
		} else {
			words = calloc(p.npos + 1, sizeof *words);
			for (size_t i = 0; words && i < p.npos; i++)
				if (!(words[i] = strdup(p.pos[i]))) {
					tach_words_free(words);
					words = NULL;
				}
			if (!words)
				status = cli_error("out of memory");
		}
	}
	if (!status && !(text = join_words(words)))
		status = cli_error("out of memory");
	if (!status && cli_check_runnable(words[0]))
		status = EXIT_USAGE;
	if (!status && c.export_json && cli_out_check("--export-json", c.export_json, 0))
		status = EXIT_USAGE;
	if (!status) {
		res = tach_result_new();
		if (!res || tach_meta_collect(&res->meta, NULL) ||
		    tach_kvlist_copy(&res->meta.labels, &c.labels))
			status = cli_error("out of memory");
	}
	if (!status && cli_testbed_set(res, c.testbed))
		status = EXIT_USAGE;
	if (!status) {
		cli_stop_on_signals();
		const char *name = c.name ? c.name : text;
		printf("%s: %s arrivals, %gs per rate%s, at most %zu in flight\n", name,
		       tach_load_arrivals_name(c.lo.arrivals), c.lo.duration,
		       c.lo.warmup > 0 ? " after a warmup" : "", c.lo.max_in_flight);
		printf("%11s %11s %9s %9s %9s %9s %9s | %9s %9s | %6s %6s %6s %5s\n", "rate",
		       "achieved", "lat p50", "p90", "p99", "p99.9", "max", "svc p50", "p90", "late",
		       "failed", "dropped", "peak");
		for (size_t i = 0; !status && !cli_stop_signal && i < c.n_rates; i++)
			status = run_rate(&c, words, name, text, c.rates[i], res);
		if (!status && c.n_rates > 1 && !cli_stop_signal)
			status = print_knee(res, c.knee);
		if (cli_stop_signal)
			cli_warn("interrupted: showing the rates measured so far");
		if (c.export_json && res->n_benchmarks) {
			tach_error err;
			if (tach_result_write_file(res, c.export_json, &err))
				status = cli_error("%s", err.message);
		}
		if (c.save && !status && !cli_stop_signal && cli_save_run(c.db, res))
			status = EXIT_USAGE;
		if (cli_stop_signal)
			status = 128 + cli_stop_signal;
	}
	tach_result_free(res);
	tach_words_free(words);
	free(text);
	tach_kvlist_release(&c.labels);
	cli_parsed_free(&p);
	return status;
}
