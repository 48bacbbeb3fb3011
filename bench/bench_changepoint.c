/* bench_changepoint.c - what tach's change-point detection
 * (tach/changepoint.h) finds in synthetic history series: log-normal noise
 * at CV 1 % with known steps, flat series, flat series with outliers; how
 * close it puts a step compared with the best any method could (the
 * least-squares position, told that there is exactly one step); and how
 * long it takes.  Prints Markdown tables and asserts nothing.
 * Usage: bench_changepoint [--quick] [--trials N] [--seed S]
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "bench_util.h"

#define DEFAULT_SEED 20261123u
#define CV 0.01
#define TOL 10        /* a step is found if a change lies within +-TOL */
#define REPS 5        /* timing repetitions, median reported */
#define SUITE 100     /* series per timed run */
#define SUITE_N 1000  /* points per series */

typedef struct config {
	uint64_t trials; /* series per row of the step tables */
	uint64_t flat;   /* flat 1,000-point series */
	uint64_t seed;
} config;

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_changepoint: %s: %s\n", what, tach_strerror(rc));
	exit(1);
}

/* splitmix64's finalizer: nearby keys give unrelated streams. */
static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Series `trial` of case `key`: CV 1 % log-normal noise, times (1 +
 * step[j]) from at[j] on, and with probability `outliers` a point is a
 * run on a disturbed machine, 1.2 to 2 times slower. */
static void series(double *x, size_t n, uint64_t seed, uint64_t key,
                   uint64_t trial, const size_t *at, const double *step,
                   size_t k, double outliers)
{
	double sigma = sqrt(log1p(CV * CV));
	tach_rng g;

	tach_rng_seed(&g, mix(seed ^ mix(key * 0x10000 + trial + 1)));
	for (size_t i = 0; i < n; i++) {
		x[i] = bench_lognormal(&g, sigma);
		for (size_t j = 0; j < k; j++)
			if (i >= at[j])
				x[i] *= 1 + step[j];
		if (outliers > 0 && tach_rng_uniform(&g) < outliers)
			x[i] *= 1.2 + 0.8 * tach_rng_uniform(&g);
	}
}

static size_t detect(const double *x, size_t n, tach_changepoint **cp)
{
	size_t m;
	int rc = tach_changepoints(x, n, NULL, cp, &m);

	if (rc != 0)
		die("tach_changepoints", rc);
	return m;
}

/* The least-squares position of a single step in log x over [5, n - 5]:
 * the maximum-likelihood estimate when it is known that there is exactly
 * one step, a bound on how well any method can place it. */
static size_t oracle_position(const double *x, size_t n)
{
	double total = 0, left = 0, top = -1;
	size_t best = 5;

	for (size_t i = 0; i < n; i++)
		total += log(x[i]);
	for (size_t u = 1; u < n; u++) {
		double nl, nr, d, between;

		left += log(x[u - 1]);
		if (u < 5 || u > n - 5)
			continue;
		nl = (double)u;
		nr = (double)(n - u);
		d = left / nl - (total - left) / nr;
		between = d * d * nl * nr / (nl + nr);
		if (between > top) {
			top = between;
			best = u;
		}
	}
	return best;
}

/* Position errors |found - true| counted as exact, <= 1, <= 3, <= 10. */
typedef struct hits {
	uint64_t le[4];
} hits;

static const long HIT_TOL[4] = {0, 1, 3, TOL};

static void hit(hits *h, long err)
{
	for (int k = 0; k < 4; k++)
		h->le[k] += labs(err) <= HIT_TOL[k];
}

static double pct(uint64_t k, uint64_t n)
{
	return n ? 100.0 * (double)k / (double)n : 0;
}

/* ---------------------------------------------------------------------
 * One step of 1, 2, 5 % at index 120 of 200 points.
 */
static void print_steps(const config *cfg)
{
	static const double STEPS[] = {0.01, 0.02, 0.05};
	size_t n = 200, at = 120;
	double x[200];

	printf("\n## One step at index 120 of 200 points, CV 1 %%, %" PRIu64
	       " series per row\n\n", cfg->trials);
	printf("**found**: exactly one change, within +-%d of the step. "
	       "Position columns: share of all series with a change at that "
	       "distance, tach / least-squares oracle told there is one step. "
	       "**extra**: changes not within +-%d, per 100 series.\n\n",
	       TOL, TOL);
	printf("| step | found | none | exact | +-1 | +-3 | +-10 | extra | "
	       "median change ratio |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (size_t s = 0; s < sizeof STEPS / sizeof *STEPS; s++) {
		uint64_t found = 0, none = 0, extra = 0;
		hits t = {{0}}, o = {{0}};
		double *ratios = malloc(cfg->trials * sizeof *ratios);
		size_t nr = 0;

		if (!ratios)
			die("malloc", TACH_ENOMEM);
		for (uint64_t trial = 0; trial < cfg->trials; trial++) {
			tach_changepoint *cp;
			size_t m, near = 0;

			series(x, n, cfg->seed, 1 + s, trial, &at, &STEPS[s], 1, 0);
			m = detect(x, n, &cp);
			hit(&o, (long)oracle_position(x, n) - (long)at);
			for (size_t i = 0; i < m; i++) {
				long err = (long)cp[i].index - (long)at;

				if (labs(err) <= TOL && near++ == 0) {
					hit(&t, err);
					ratios[nr++] = cp[i].change;
				}
			}
			extra += m - near;
			found += m == 1 && near == 1;
			none += m == 0;
			free(cp);
		}
		printf("| %g %% | %.1f %% | %.1f %% | %.1f / %.1f | %.1f / %.1f | "
		       "%.1f / %.1f | %.1f / %.1f | %.1f | %.4f |\n",
		       100 * STEPS[s], pct(found, cfg->trials),
		       pct(none, cfg->trials),
		       pct(t.le[0], cfg->trials), pct(o.le[0], cfg->trials),
		       pct(t.le[1], cfg->trials), pct(o.le[1], cfg->trials),
		       pct(t.le[2], cfg->trials), pct(o.le[2], cfg->trials),
		       pct(t.le[3], cfg->trials), pct(o.le[3], cfg->trials),
		       pct(extra, cfg->trials), bench_median(ratios, nr));
		free(ratios);
	}
}

/* Two steps: +2 % at 100 and +5 % at 200 of 300 points. */
static void print_two_steps(const config *cfg)
{
	size_t at[] = {100, 200}, n = 300;
	double step[] = {0.02, 0.05}, x[300];
	uint64_t both = 0, both_close = 0, exactly_two = 0;

	for (uint64_t trial = 0; trial < cfg->trials; trial++) {
		tach_changepoint *cp;
		size_t m;
		int a = 0, b = 0, a3 = 0, b1 = 0;

		series(x, n, cfg->seed, 10, trial, at, step, 2, 0);
		m = detect(x, n, &cp);
		for (size_t i = 0; i < m; i++) {
			long ea = labs((long)cp[i].index - 100);
			long eb = labs((long)cp[i].index - 200);

			a |= ea <= TOL;
			b |= eb <= TOL;
			a3 |= ea <= 3;
			b1 |= eb <= 1;
		}
		both += a && b;
		both_close += a3 && b1;
		exactly_two += m == 2;
		free(cp);
	}
	printf("\n## Two steps: +2 %% at 100, +5 %% at 200 of 300 points, "
	       "%" PRIu64 " series\n\n", cfg->trials);
	printf("| both within +-%d | 2 %% within +-3 and 5 %% within +-1 | "
	       "exactly two changes |\n|---:|---:|---:|\n", TOL);
	printf("| %.1f %% | %.1f %% | %.1f %% |\n", pct(both, cfg->trials),
	       pct(both_close, cfg->trials), pct(exactly_two, cfg->trials));
}

/* ---------------------------------------------------------------------
 * False change points.
 */
static void print_false(const config *cfg)
{
	static const struct {
		size_t n;
		int div;         /* trials = flat / div */
		double outliers; /* share of disturbed runs */
	} ROWS[] = {{200, 1, 0}, {1000, 1, 0}, {5000, 10, 0},
	            {1000, 1, 0.01}};

	printf("\n## False change points: series without any change\n\n");
	printf("| series | count | with a false change | false changes |\n");
	printf("|---|---:|---:|---:|\n");
	for (size_t r = 0; r < sizeof ROWS / sizeof *ROWS; r++) {
		size_t n = ROWS[r].n;
		uint64_t count = cfg->flat / (uint64_t)ROWS[r].div, with = 0, total = 0;
		double *x = malloc(n * sizeof *x);

		if (!x)
			die("malloc", TACH_ENOMEM);
		if (count == 0)
			count = 1;
		for (uint64_t trial = 0; trial < count; trial++) {
			tach_changepoint *cp;
			size_t m;

			series(x, n, cfg->seed, 20 + r, trial, NULL, NULL, 0,
			       ROWS[r].outliers);
			m = detect(x, n, &cp);
			with += m > 0;
			total += m;
			free(cp);
		}
		printf("| %zu points, CV 1 %%%s | %" PRIu64 " | %" PRIu64
		       " (%.2f %%) | %" PRIu64 " |\n", n,
		       ROWS[r].outliers > 0 ? ", 1 % of runs 1.2-2x slower" : "",
		       count, with, pct(with, count), total);
		free(x);
	}
}

/* ---------------------------------------------------------------------
 * Speed.
 */
static void print_timing(const config *cfg)
{
	static const size_t LONG_N[] = {10000, 100000, 1000000};
	double *x = malloc(SUITE * SUITE_N * sizeof *x);
	double t[REPS];
	size_t found = 0;

	if (!x)
		die("malloc", TACH_ENOMEM);
	/* Half flat, half with a 2 % step somewhere. */
	for (size_t s = 0; s < SUITE; s++) {
		size_t at = 100 + (size_t)(mix(cfg->seed + s) % 800);
		double step = 0.02;

		series(x + s * SUITE_N, SUITE_N, cfg->seed, 30, s, &at, &step,
		       s % 2, 0);
	}
	for (int r = 0; r < REPS; r++) {
		double t0 = bench_now();

		found = 0;
		for (size_t s = 0; s < SUITE; s++) {
			tach_changepoint *cp;

			found += detect(x + s * SUITE_N, SUITE_N, &cp);
			free(cp);
		}
		t[r] = bench_now() - t0;
	}
	printf("\n## Speed (median of %d)\n\n", REPS);
	printf("| input | changes found | time | per point | goal |\n");
	printf("|---|---:|---:|---:|---|\n");
	{
		double med = bench_median(t, REPS);

		printf("| %d series of %d points (half with a 2 %% step) | %zu | "
		       "%.3f s | %.0f ns | < 1 s: %s |\n", SUITE, SUITE_N, found,
		       med, 1e9 * med / (SUITE * SUITE_N),
		       med < 1 ? "met" : "MISSED");
	}
	free(x);
	for (size_t k = 0; k < sizeof LONG_N / sizeof *LONG_N; k++) {
		size_t n = LONG_N[k], at[8];
		double step[8];

		x = malloc(n * sizeof *x);
		if (!x)
			die("malloc", TACH_ENOMEM);
		/* Eight steps of +-2 % spread over the series. */
		for (size_t j = 0; j < 8; j++) {
			at[j] = (j + 1) * n / 9;
			step[j] = j % 2 ? -0.02 / 1.02 : 0.02;
		}
		series(x, n, cfg->seed, 40 + k, 0, at, step, 8, 0);
		for (int r = 0; r < REPS; r++) {
			double t0 = bench_now();
			tach_changepoint *cp;

			found = detect(x, n, &cp);
			free(cp);
			t[r] = bench_now() - t0;
		}
		{
			double med = bench_median(t, REPS);

			printf("| 1 series of %zu points, 8 steps of 2 %% | %zu | "
			       "%.3f s | %.0f ns | |\n", n, found, med,
			       1e9 * med / (double)n);
		}
		free(x);
	}
}

static int parse_count(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		return -1;
	*out = v;
	return 0;
}

static int usage(const char *why, const char *arg)
{
	fprintf(stderr, "bench_changepoint: %s '%s'\n"
	        "usage: bench_changepoint [--quick] [--trials N] [--seed S]\n",
	        why, arg);
	return 1;
}

int main(int argc, char **argv)
{
	config cfg = {.trials = 2000, .flat = 10000, .seed = DEFAULT_SEED};
	double t0 = bench_now();

	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		uint64_t v = 0;

		if (strcmp(opt, "--quick") == 0) {
			cfg.trials /= 10;
			cfg.flat /= 10;
			continue;
		}
		if (strcmp(opt, "--trials") && strcmp(opt, "--seed"))
			return usage("unknown option", opt);
		if (++i == argc)
			return usage("missing value after", opt);
		if (parse_count(argv[i], &v) ||
		    (strcmp(opt, "--trials") == 0 && v == 0))
			return usage("invalid value", argv[i]);
		if (strcmp(opt, "--seed") == 0) {
			cfg.seed = v;
		} else {
			/* N series per step row; flat series in the default
			 * proportion */
			cfg.trials = v;
			cfg.flat = 5 * v;
		}
	}

	printf("# tach change points: simulated detection, false alarms, speed\n\n");
	printf("Series: exp(N(0, sigma)) with CV 1 %% (sigma = sqrt(log(1 + "
	       "0.01^2))), so a 1 %% step is about 1 standard deviation. "
	       "Defaults: max_p 0.001, window 50, min_segment 5. Seed %" PRIu64
	       ".\n", cfg.seed);
	print_steps(&cfg);
	print_two_steps(&cfg);
	print_false(&cfg);
	print_timing(&cfg);
	printf("\n%s, %.0f s in all.\n", tach_version(), bench_now() - t0);
	return fflush(stdout) != 0 || ferror(stdout);
}
