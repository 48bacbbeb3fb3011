/* bench_stats.c - tach's statistics against NumPy/SciPy in the same run, on
 * the same data: median and p99 of 1e6 samples, a 10,000-resample bootstrap
 * CI of the median of 1e4 samples, and the Mann-Whitney U test on 2 x 1e5
 * samples.  Prints each side's median time, the ratio peer / tach and
 * whether both computed the same values.  Usage: bench_stats [--quick]
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tach/tach.h"
#include "bench_util.h"

#ifndef PEER_DIR
#define PEER_DIR "bench"
#endif

#define DATA_SEED 20260101u
#define BOOT_SEED 42u

typedef struct config {
	const char *name;
	size_t n_med, n_boot, n_mw, resamples;
	int reps_med, reps_boot, reps_mw;
} config;

static const config FULL = {"full", 1000000, 10000, 100000, 10000, 15, 5, 11};
static const config QUICK = {"quick", 100000, 2000, 10000, 1000, 5, 3, 5};

/* Everything one operation needs; both sides use the same arrays. */
typedef struct data {
	const config *cfg;
	double *med, *boot, *x, *y;
} data;

/* One operation: out[] receives the values compared with the peer's. */
typedef int (*op_fn)(const data *d, double out[3]);

static int op_median(const data *d, double out[3])
{
	return tach_stats_median(d->med, d->cfg->n_med, &out[0]);
}

static int op_p99(const data *d, double out[3])
{
	return tach_stats_percentile(d->med, d->cfg->n_med, 99, &out[0]);
}

static int op_bootstrap(const data *d, double out[3])
{
	tach_ci ci;
	int rc = tach_stats_bootstrap_median_ci(d->boot, d->cfg->n_boot, 0.95,
	                                        d->cfg->resamples, BOOT_SEED,
	                                        &ci);
	out[0] = ci.estimate;
	out[1] = ci.lo;
	out[2] = ci.hi;
	return rc;
}

static int op_mann_whitney(const data *d, double out[3])
{
	tach_test t;
	int rc = tach_stats_mann_whitney(d->x, d->cfg->n_mw, d->y, d->cfg->n_mw,
	                                 TACH_TWO_SIDED, &t);
	out[0] = t.statistic;
	out[1] = t.pvalue;
	return rc;
}

typedef struct op {
	const char *key; /* the peer's line name */
	op_fn fn;
	double goal;     /* minimum ratio peer / tach */
	/* filled in by the run */
	char label[64];
	int reps;
	double tach_s, peer_s;
	double tach_v[3], peer_v[3];
	int have_peer;
} op;

/* Timing-like data: lognormal around 1 us (sigma 0.25) with about one
 * outlier in a thousand 5-50 times slower, as a preempted run would be. */
static void fill(tach_rng *rng, double *x, size_t n, double scale)
{
	for (size_t i = 0; i < n; i++) {
		double v = bench_lognormal(rng, 0.25) * 1e-6 * scale;
		if (tach_rng_below(rng, 1000) == 0)
			v *= 5 + 45 * tach_rng_uniform(rng);
		x[i] = v;
	}
}

/* Writes n doubles as raw little-endian binary64, whatever the host. */
static int write_le(FILE *f, const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t b;
		unsigned char c[8];
		memcpy(&b, &x[i], 8);
		for (int k = 0; k < 8; k++)
			c[k] = (unsigned char)(b >> (8 * k));
		if (fwrite(c, 1, 8, f) != 8)
			return -1;
	}
	return 0;
}

static int time_op(const data *d, op *o)
{
	double *t = malloc((size_t)o->reps * sizeof *t);
	if (!t)
		return TACH_ENOMEM;
	for (int r = 0; r < o->reps; r++) {
		double t0 = bench_now();
		int rc = o->fn(d, o->tach_v);
		t[r] = bench_now() - t0;
		if (rc != 0) {
			free(t);
			return rc;
		}
	}
	o->tach_s = bench_median(t, (size_t)o->reps);
	free(t);
	return 0;
}

/* Reads the peer's "name seconds v1 [v2 [v3]]" lines into ops. */
static void parse_peer(char *out, op *ops, size_t n_ops, char *versions,
                       size_t vsize)
{
	char *save = NULL;
	for (char *line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "versions ", 9) == 0) {
			snprintf(versions, vsize, "%s", line + 9);
			continue;
		}
		char key[32];
		double s, v[3] = {0, 0, 0};
		if (sscanf(line, "%31s %lf %lf %lf %lf", key, &s, &v[0], &v[1],
		           &v[2]) < 3)
			continue;
		for (size_t i = 0; i < n_ops; i++) {
			if (strcmp(ops[i].key, key) == 0) {
				ops[i].peer_s = s;
				memcpy(ops[i].peer_v, v, sizeof v);
				ops[i].have_peer = 1;
			}
		}
	}
}

static int run_peer(const char *path, const config *cfg, op *ops,
                    size_t n_ops, char *versions, size_t vsize)
{
	char a[8][48];
	snprintf(a[0], sizeof a[0], "--n-med=%zu", cfg->n_med);
	snprintf(a[1], sizeof a[1], "--n-boot=%zu", cfg->n_boot);
	snprintf(a[2], sizeof a[2], "--n-mw=%zu", cfg->n_mw);
	snprintf(a[3], sizeof a[3], "--resamples=%zu", cfg->resamples);
	snprintf(a[4], sizeof a[4], "--reps-med=%d", cfg->reps_med);
	snprintf(a[5], sizeof a[5], "--reps-boot=%d", cfg->reps_boot);
	snprintf(a[6], sizeof a[6], "--reps-mw=%d", cfg->reps_mw);
	snprintf(a[7], sizeof a[7], "--seed=%u", BOOT_SEED);
	char *argv[] = {BENCH_PYTHON, PEER_DIR "/peer_stats.py", (char *)path,
	                a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], NULL};

	char *out = NULL, st[32];
	size_t len = 0;
	int status = 0;
	int rc = bench_run_capture(argv, &out, &len, &status);
	if (rc == -ENOENT || (rc == 0 && WIFEXITED(status) &&
	                      WEXITSTATUS(status) == 3)) {
		fprintf(stderr, "bench_stats: the peer needs " BENCH_PYTHON
		        " with NumPy and SciPy (Debian packages python3-numpy "
		        "python3-scipy)\n");
		free(out);
		return 2;
	}
	if (rc != 0) {
		fprintf(stderr, "bench_stats: cannot run " BENCH_PYTHON ": %s\n",
		        strerror(-rc));
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_stats: peer_stats.py failed (%s)\n",
		        bench_status_text(status, st, sizeof st));
		free(out);
		return 1;
	}
	parse_peer(out, ops, n_ops, versions, vsize);
	free(out);
	for (size_t i = 0; i < n_ops; i++) {
		if (!ops[i].have_peer) {
			fprintf(stderr, "bench_stats: peer printed no '%s' line\n",
			        ops[i].key);
			return 1;
		}
	}
	return 0;
}

static double rel_diff(double a, double b)
{
	double m = fmax(fabs(a), fabs(b));
	return m == 0 ? 0 : fabs(a - b) / m;
}

static const char *fmt_time(char *buf, size_t size, double s)
{
	tach_scale sc = tach_scale_for("s", s, 1);
	int n = tach_format_scaled(buf, size, s, sc);
	if (n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " %s", sc.unit);
	return buf;
}

static void print_table(const config *cfg, const op *ops, size_t n_ops,
                        const char *versions)
{
	printf("bench_stats (%s sizes): tach %s vs %s\n", cfg->name,
	       tach_version(), versions);
	printf("median wall time of the repetitions on each side; "
	       "ratio = peer / tach\n\n");
	printf("%-42s %4s %11s %11s %8s  %-6s\n", "operation", "reps", "tach",
	       "peer", "ratio", "goal");
	for (size_t i = 0; i < n_ops; i++) {
		const op *o = &ops[i];
		char t[32], p[32];
		double ratio = o->peer_s / o->tach_s;
		printf("%-42s %4d %11s %11s %7.2fx  >= %gx %s\n", o->label, o->reps,
		       fmt_time(t, sizeof t, o->tach_s),
		       fmt_time(p, sizeof p, o->peer_s), ratio, o->goal,
		       ratio >= o->goal ? "met" : "MISSED");
	}
}

/* Prints whether both sides computed the same values; 0 if they did. */
static int print_agreement(const op *ops)
{
	const op *med = &ops[0], *p99 = &ops[1], *boot = &ops[2], *mw = &ops[3];
	int bad = 0;
	double d;

	printf("\nagreement on the same data:\n");
	d = rel_diff(med->tach_v[0], med->peer_v[0]);
	bad |= d > 1e-12;
	printf("  median     tach %.17g  numpy %.17g  rel diff %.1e\n",
	       med->tach_v[0], med->peer_v[0], d);
	d = rel_diff(p99->tach_v[0], p99->peer_v[0]);
	bad |= d > 1e-12;
	printf("  p99        tach %.17g  numpy %.17g  rel diff %.1e\n",
	       p99->tach_v[0], p99->peer_v[0], d);

	/* Different random streams: the intervals agree only within the
	 * bootstrap's own Monte-Carlo noise, a small part of their width. */
	double width = boot->peer_v[2] - boot->peer_v[1];
	double dlo = fabs(boot->tach_v[1] - boot->peer_v[1]) / width;
	double dhi = fabs(boot->tach_v[2] - boot->peer_v[2]) / width;
	int boot_ok = width > 0 && dlo <= 0.25 && dhi <= 0.25 &&
	              rel_diff(boot->tach_v[0], boot->peer_v[0]) <= 1e-12;
	bad |= !boot_ok;
	printf("  bootstrap  tach %.6g [%.6g, %.6g]  numpy %.6g [%.6g, %.6g]\n"
	       "             ends differ by %.1f%% / %.1f%% of the width "
	       "(own random streams; <= 25%% expected)\n",
	       boot->tach_v[0], boot->tach_v[1], boot->tach_v[2],
	       boot->peer_v[0], boot->peer_v[1], boot->peer_v[2], 100 * dlo,
	       100 * dhi);

	int u_ok = mw->tach_v[0] == mw->peer_v[0];
	d = rel_diff(mw->tach_v[1], mw->peer_v[1]);
	bad |= !u_ok || d > 1e-9;
	printf("  U          tach %.17g  scipy %.17g  %s\n", mw->tach_v[0],
	       mw->peer_v[0], u_ok ? "equal" : "DIFFERENT");
	printf("  p-value    tach %.17g  scipy %.17g  rel diff %.1e\n",
	       mw->tach_v[1], mw->peer_v[1], d);
	printf("%s\n", bad ? "DISAGREE: see above" : "all agree");
	return bad;
}

int main(int argc, char **argv)
{
	const config *cfg = &FULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			cfg = &QUICK;
		} else {
			fprintf(stderr, "bench_stats: unknown option '%s'\n"
			        "usage: bench_stats [--quick]\n", argv[i]);
			return 1;
		}
	}

	size_t total = cfg->n_med + cfg->n_boot + 2 * cfg->n_mw;
	double *all = malloc(total * sizeof *all);
	if (!all) {
		fprintf(stderr, "bench_stats: out of memory\n");
		return 1;
	}
	data d = {cfg, all, all + cfg->n_med, all + cfg->n_med + cfg->n_boot,
	          all + cfg->n_med + cfg->n_boot + cfg->n_mw};
	tach_rng rng;
	tach_rng_seed(&rng, DATA_SEED);
	fill(&rng, d.med, cfg->n_med, 1.0);
	fill(&rng, d.boot, cfg->n_boot, 1.0);
	fill(&rng, d.x, cfg->n_mw, 1.0);
	fill(&rng, d.y, cfg->n_mw, 1.01); /* y 1% slower */

	char path[] = "/tmp/tach-bench-stats-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!f || write_le(f, all, total) != 0 || fclose(f) != 0) {
		fprintf(stderr, "bench_stats: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			unlink(path);
		free(all);
		return 1;
	}

	op ops[] = {
		{.key = "median", .fn = op_median, .goal = 1, .reps = cfg->reps_med},
		{.key = "p99", .fn = op_p99, .goal = 1, .reps = cfg->reps_med},
		{.key = "bootstrap", .fn = op_bootstrap, .goal = 10,
		 .reps = cfg->reps_boot},
		{.key = "mannwhitney", .fn = op_mann_whitney, .goal = 10,
		 .reps = cfg->reps_mw},
	};
	size_t n_ops = sizeof ops / sizeof ops[0];
	snprintf(ops[0].label, sizeof ops[0].label, "median, n=%zu", cfg->n_med);
	snprintf(ops[1].label, sizeof ops[1].label, "p99, n=%zu", cfg->n_med);
	snprintf(ops[2].label, sizeof ops[2].label,
	         "bootstrap CI of median, n=%zu, B=%zu", cfg->n_boot,
	         cfg->resamples);
	snprintf(ops[3].label, sizeof ops[3].label, "Mann-Whitney U, 2 x %zu",
	         cfg->n_mw);

	int status = 0;
	for (size_t i = 0; i < n_ops && status == 0; i++) {
		int rc = time_op(&d, &ops[i]);
		if (rc != 0) {
			fprintf(stderr, "bench_stats: %s: %s\n", ops[i].key,
			        tach_strerror(rc));
			status = 1;
		}
	}
	char versions[128] = "the peer";
	if (status == 0)
		status = run_peer(path, cfg, ops, n_ops, versions, sizeof versions);
	if (status == 0) {
		print_table(cfg, ops, n_ops, versions);
		status = print_agreement(ops);
	}
	unlink(path);
	free(all);
	if (fflush(stdout) != 0 || ferror(stdout))
		status = 1;
	return status;
}
