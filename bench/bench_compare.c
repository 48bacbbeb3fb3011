/* bench_compare.c - how often `tach compare`'s decision rule (tach/compare.h,
 * src/compare/rule.c) raises a false alarm and how often it catches a real
 * regression, simulated on log-normal timings and set against a plain
 * Mann-Whitney U test at 0.05 as benchstat uses it; then the rule's
 * acceptance checks and the time to compare two 10,000-benchmark result
 * sets.  Prints Markdown tables and asserts nothing.
 * Usage: bench_compare [--quick] [--trials N] [--seed S]
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>

#include "tach/tach.h"
#include "bench_util.h"

#define DEFAULT_SEED 20260301u
#define SUITE 100        /* benchmarks in one suite, one tach_compare call */
#define MW_ALPHA 0.05    /* benchstat's default */
#define TIMING_BENCH 10000

static const double CVS[] = {0.005, 0.01, 0.02, 0.03, 0.05};
static const double OFFSETS[] = {0, 0.01, 0.03};
static const size_t NS[] = {5, 10, 20, 30};
static const double CHANGES[] = {0.01, 0.02, 0.05, 0.10};
#define N_CVS (sizeof CVS / sizeof CVS[0])
#define N_OFFSETS (sizeof OFFSETS / sizeof OFFSETS[0])
#define N_NS (sizeof NS / sizeof NS[0])
#define N_CHANGES (sizeof CHANGES / sizeof CHANGES[0])
#define CHANGE_2 1 /* CHANGES[CHANGE_2] = 2 %, where "inconclusive" is counted */

/* (a) tach compare --run: both sides in one interleaved session, changes
 * confirmed on fresh samples; (b) tach compare on two files measured at
 * different times; (c) a two-sided U test at 0.05 on the files of (b). */
enum { RULE_SAME_JOB, RULE_TWO_FILES, RULE_MW, N_RULES };

static const char *const RULE_TITLE[N_RULES] = {
	"(a) tach, interleaved (`--run`), changes confirmed on fresh samples",
	"(b) tach, two files measured at different times, no confirmation",
	"(c) two-sided Mann-Whitney U at 0.05 (benchstat), the files of (b)",
};

typedef struct config {
	size_t aa;     /* single-benchmark A/A trials per cell */
	size_t suites; /* A/A trials of a SUITE-benchmark suite per cell */
	size_t power;  /* trials per cell and true change */
	uint64_t seed;
} config;

/* m benchmarks of n "time" samples on each side, built once and refilled
 * in place for every trial: tach_compare only borrows the sets, and
 * building them anew would cost more than the comparison. */
typedef struct pairset {
	size_t m, n;
	tach_result *base, *cand;
	tach_metric **mb, **mk; /* benchmark i's metric on each side */
} pairset;

/* One simulated condition: noise, offsets and samples per side.  The
 * streams are separate so that the within-run noise is the same draw at
 * every offset (common random numbers): rows differing only in the offset
 * differ only by what the offset does. */
typedef struct sim {
	double sigma;  /* within-run sd of log time: log(1 + CV) */
	double offset; /* sd of a session's log offset */
	size_t n;
	tach_rng noise, offs, again; /* again: the confirmation's samples */
	pairset sets[SUITE + 1];     /* sets[k]: k benchmarks, built on first use */
	double *eb, *ek;             /* SUITE x n noise factors per side */
	double *cb, *ck;             /* the same for the confirmation */
	/* session offset factors: shared (a), each side's (b, c), confirmation */
	double off_shared[SUITE], off_base[SUITE], off_cand[SUITE], off_again[SUITE];
} sim;

/* What one trial found: per rule, the benchmarks that alarmed (A/A: a
 * change either way; otherwise a regression) and the verdict of the first
 * benchmark (tach rules only). */
typedef struct outcome {
	size_t alarms[N_RULES];
	tach_verdict verdict[N_RULES];
} outcome;

/* Per rule and cell, in percent. */
typedef struct rates {
	double aa_bench, aa_suite, power[N_CHANGES], inconclusive;
} rates;

static void die(const char *what, int rc)
{
	fprintf(stderr, "bench_compare: %s: %s\n", what, tach_strerror(rc));
	exit(1);
}

/* splitmix64's finalizer: nearby keys give unrelated seeds.  (Seeding
 * with seed + k * gamma would not: tach_rng_seed steps by gamma, so such
 * streams would share three of their four state words.) */
static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void seed_stream(tach_rng *rng, uint64_t seed, uint64_t key)
{
	tach_rng_seed(rng, mix(seed ^ mix(key + 1)));
}

static void pairset_free(pairset *p)
{
	tach_result_free(p->base);
	tach_result_free(p->cand);
	free(p->mb);
	p->base = p->cand = NULL;
	p->mb = p->mk = NULL;
}

static int pairset_init(pairset *p, size_t m, size_t n)
{
	*p = (pairset){.m = m, .n = n, .base = tach_result_new(), .cand = tach_result_new(),
	               .mb = calloc(2 * m, sizeof *p->mb)};
	if (!p->base || !p->cand || !p->mb)
		goto nomem;
	p->mk = p->mb + m;
	for (size_t i = 0; i < m; i++) {
		char name[32];
		snprintf(name, sizeof name, "bench%zu", i);
		tach_benchmark *b = tach_result_add_benchmark(p->base, name);
		tach_benchmark *k = tach_result_add_benchmark(p->cand, name);
		if (!b || !k)
			goto nomem;
		p->mb[i] = tach_benchmark_add_metric(b, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER);
		p->mk[i] = tach_benchmark_add_metric(k, TACH_M_TIME, "s", TACH_LOWER_IS_BETTER);
		if (!p->mb[i] || !p->mk[i])
			goto nomem;
		for (size_t j = 0; j < n; j++)
			if (tach_metric_add_sample(p->mb[i], 1) || tach_metric_add_sample(p->mk[i], 1))
				goto nomem;
	}
	return 0;
nomem:
	pairset_free(p);
	return TACH_ENOMEM;
}

static pairset *sim_set(sim *s, size_t m)
{
	pairset *p = &s->sets[m];
	int rc;
	if (!p->base && (rc = pairset_init(p, m, s->n)))
		die("building result sets", rc);
	return p;
}

static void sim_init(sim *s, double cv, double offset, size_t n)
{
	memset(s, 0, sizeof *s);
	s->sigma = log1p(cv);
	s->offset = offset;
	s->n = n;
	s->eb = malloc(4 * SUITE * n * sizeof *s->eb);
	if (!s->eb)
		die("simulation", TACH_ENOMEM);
	s->ek = s->eb + SUITE * n;
	s->cb = s->ek + SUITE * n;
	s->ck = s->cb + SUITE * n;
}

/* Keys the streams by what the trials are, so that a cell's figures do
 * not depend on how many trials of another kind ran before them; the
 * offsets' stream alone depends on the offset. */
static void sim_seed(sim *s, uint64_t seed, uint64_t cell, unsigned kind, unsigned off)
{
	uint64_t key = (cell * 16 + kind) * 16;
	seed_stream(&s->noise, seed, key);
	seed_stream(&s->again, seed, key + 1);
	seed_stream(&s->offs, seed, key + 2 + off);
}

static void sim_free(sim *s)
{
	for (size_t m = 0; m <= SUITE; m++)
		pairset_free(&s->sets[m]);
	free(s->eb);
}

/* Sample j of benchmark i: 1 ms times the session's offset factor times
 * the within-run noise factor, the change applied on the candidate. */
static void fill(pairset *p, const double *eb, const double *ek, const double *fb,
                 const double *fk, double change)
{
	for (size_t i = 0; i < p->m; i++) {
		for (size_t j = 0; j < p->n; j++) {
			p->mb[i]->samples[j] = 1e-3 * fb[i] * eb[i * p->n + j];
			p->mk[i]->samples[j] = 1e-3 * fk[i] * ek[i * p->n + j] * (1 + change);
		}
	}
}

static tach_comparison *compare(const pairset *p)
{
	tach_comparison *c;
	int rc = tach_compare(p->base, p->cand, NULL, &c);
	if (rc)
		die("tach_compare", rc);
	if (c->n_rows != p->m)
		die("tach_compare: rows do not line up with benchmarks", TACH_EINVAL);
	return c;
}

static int is_alarm(tach_verdict v, double change)
{
	return v == TACH_REGRESSED || (change == 0 && v == TACH_IMPROVED);
}

/* What tach_comparison_confirm does to one row: a change stands only if
 * the fresh samples show it again; otherwise the row takes their verdict,
 * and an unconfirmed change that is not "same" becomes inconclusive. */
static tach_verdict confirmed(tach_verdict first, tach_verdict again)
{
	if ((first != TACH_REGRESSED && first != TACH_IMPROVED) || again == first)
		return first;
	return again == TACH_SAME ? TACH_SAME : TACH_INCONCLUSIVE;
}

/* Re-measures the k changed rows idx[] of a same-job comparison on fresh
 * samples, in a fresh shared session, and compares them again as one
 * suite of k.  Only the flagged benchmarks are run again, so the second
 * Holm family is k, not the suite: the lenient choice, which errs towards
 * more false alarms, never fewer. */
static void confirm(sim *s, const size_t *idx, size_t k, double change, tach_verdict *v)
{
	pairset *p = sim_set(s, k);
	size_t n = s->n;
	for (size_t i = 0; i < k; i++) {
		for (size_t j = 0; j < n; j++) {
			s->cb[i * n + j] = bench_lognormal(&s->again, s->sigma);
			s->ck[i * n + j] = bench_lognormal(&s->again, s->sigma);
		}
		s->off_again[i] = bench_lognormal(&s->again, s->offset);
	}
	fill(p, s->cb, s->ck, s->off_again, s->off_again, change);
	tach_comparison *c = compare(p);
	for (size_t i = 0; i < k; i++)
		v[idx[i]] = confirmed(v[idx[i]], c->rows[i].verdict);
	tach_comparison_free(c);
}

/* Rule (c): alarm when the two-sided p is below 0.05 and, unless A/A,
 * the candidate tends to be the slower (its U above the null mean). */
static int mw_alarm(const pairset *p, size_t i, double change)
{
	tach_test t;
	int rc = tach_stats_mann_whitney(p->mk[i]->samples, p->n, p->mb[i]->samples, p->n,
	                                 TACH_TWO_SIDED, &t);
	if (rc)
		die("tach_stats_mann_whitney", rc);
	return t.pvalue < MW_ALPHA && (change == 0 || t.statistic > (double)(p->n * p->n) / 2);
}

/* One trial: m benchmarks with a true change on the candidate, judged by
 * every rule on the same within-run noise. */
static void trial(sim *s, size_t m, double change, outcome *out)
{
	size_t n = s->n;
	for (size_t i = 0; i < m * n; i++) {
		s->eb[i] = bench_lognormal(&s->noise, s->sigma);
		s->ek[i] = bench_lognormal(&s->noise, s->sigma);
	}
	for (size_t i = 0; i < m; i++) {
		s->off_shared[i] = bench_lognormal(&s->offs, s->offset);
		s->off_base[i] = bench_lognormal(&s->offs, s->offset);
		s->off_cand[i] = bench_lognormal(&s->offs, s->offset);
	}
	pairset *p = sim_set(s, m);
	memset(out, 0, sizeof *out);

	/* (a): one session for both sides, so its offset multiplies both */
	fill(p, s->eb, s->ek, s->off_shared, s->off_shared, change);
	tach_comparison *c = compare(p);
	tach_verdict v[SUITE];
	size_t idx[SUITE], k = 0;
	for (size_t i = 0; i < m; i++) {
		v[i] = c->rows[i].verdict;
		if (v[i] == TACH_REGRESSED || v[i] == TACH_IMPROVED)
			idx[k++] = i;
	}
	tach_comparison_free(c);
	if (k)
		confirm(s, idx, k, change, v);
	for (size_t i = 0; i < m; i++)
		out->alarms[RULE_SAME_JOB] += is_alarm(v[i], change);
	out->verdict[RULE_SAME_JOB] = v[0];

	/* (b) and (c): the same noise, each side in its own session */
	fill(p, s->eb, s->ek, s->off_base, s->off_cand, change);
	c = compare(p);
	for (size_t i = 0; i < m; i++) {
		out->alarms[RULE_TWO_FILES] += is_alarm(c->rows[i].verdict, change);
		out->alarms[RULE_MW] += mw_alarm(p, i, change);
	}
	out->verdict[RULE_TWO_FILES] = c->rows[0].verdict;
	tach_comparison_free(c);
}

/* Every trial of one cell: CVS[ci], OFFSETS[oi], NS[ni]. */
static void run_cell(const config *cfg, size_t ci, size_t oi, size_t ni, rates r[N_RULES])
{
	sim s;
	sim_init(&s, CVS[ci], OFFSETS[oi], NS[ni]);
	uint64_t cell = ci * N_NS + ni;
	size_t aa[N_RULES] = {0}, suites[N_RULES] = {0}, inconclusive[N_RULES] = {0};
	size_t power[N_RULES][N_CHANGES] = {{0}};
	outcome o;

	sim_seed(&s, cfg->seed, cell, 0, (unsigned)oi);
	for (size_t t = 0; t < cfg->aa; t++) {
		trial(&s, 1, 0, &o);
		for (int k = 0; k < N_RULES; k++)
			aa[k] += o.alarms[k];
	}
	sim_seed(&s, cfg->seed, cell, 1, (unsigned)oi);
	for (size_t t = 0; t < cfg->suites; t++) {
		trial(&s, SUITE, 0, &o);
		for (int k = 0; k < N_RULES; k++)
			suites[k] += o.alarms[k] > 0;
	}
	for (size_t c = 0; c < N_CHANGES; c++) {
		sim_seed(&s, cfg->seed, cell, 2 + (unsigned)c, (unsigned)oi);
		for (size_t t = 0; t < cfg->power; t++) {
			trial(&s, 1, CHANGES[c], &o);
			for (int k = 0; k < N_RULES; k++) {
				power[k][c] += o.alarms[k];
				if (c == CHANGE_2 && k != RULE_MW)
					inconclusive[k] += o.verdict[k] == TACH_INCONCLUSIVE;
			}
		}
	}
	sim_free(&s);

	for (int k = 0; k < N_RULES; k++) {
		r[k].aa_bench = 100.0 * (double)aa[k] / (double)cfg->aa;
		r[k].aa_suite = 100.0 * (double)suites[k] / (double)cfg->suites;
		for (size_t c = 0; c < N_CHANGES; c++)
			r[k].power[c] = 100.0 * (double)power[k][c] / (double)cfg->power;
		/* a U test has no "inconclusive": only significant or not */
		r[k].inconclusive = k == RULE_MW ? NAN
		                                 : 100.0 * (double)inconclusive[k] / (double)cfg->power;
	}
}

static void print_header(const config *cfg)
{
	printf("# tach compare: simulated error rates\n\n"
	       "Seed %" PRIu64 " (`--seed`).  Per cell: %zu single-benchmark A/A trials, %zu A/A "
	       "suites of %d benchmarks, %zu trials per true regression.\n\n",
	       cfg->seed, cfg->aa, cfg->suites, SUITE, cfg->power);
	printf("Samples: 1 ms x exp(session offset + N(0, log(1 + CV))) x (1 + change) on the "
	       "candidate.  Each side of a benchmark gets its own session offset, N(0, offset) "
	       "in log space, except in (a), where `--run` interleaves both sides in one session "
	       "(and the confirmation in another), so it cancels.  tach: the default rule "
	       "(alpha 0.01 one-sided in the observed direction, Holm over every row of a "
	       "comparison, minimum effect 1 %%).\n\n");
	printf("Columns, in percent: **A/A bench**, a single A/A pair called regressed or "
	       "improved (for (c): p < 0.05 either way); **A/A suite**, a suite of %d A/A pairs "
	       "compared in one call (Holm over %d; (c) uncorrected, as benchstat) with any such "
	       "row; **power**, a true regression of that size called regressed (for (c): "
	       "p < 0.05 and the candidate slower); **inc. 2 %%**, the verdict inconclusive at a "
	       "true 2 %% regression.  (a) re-measures a changed row on fresh samples (only "
	       "the changed rows, compared as one suite) and keeps the change only if it "
	       "shows again.  A rate p over T trials has a standard error of sqrt(p(1-p)/T): "
	       "about 2.2 points at 50 %% over 500 trials.\n",
	       SUITE, SUITE);
}

static void print_table(int k, rates r[N_CVS][N_OFFSETS][N_NS][N_RULES])
{
	printf("\n## %s\n\n", RULE_TITLE[k]);
	printf("| CV | offset | n | A/A bench | A/A suite | power 1 %% | power 2 %% | power 5 %% | "
	       "power 10 %% | inc. 2 %% |\n");
	printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (size_t ci = 0; ci < N_CVS; ci++) {
		for (size_t oi = 0; oi < N_OFFSETS; oi++) {
			for (size_t ni = 0; ni < N_NS; ni++) {
				const rates *x = &r[ci][oi][ni][k];
				char inc[16] = "-";
				if (!isnan(x->inconclusive))
					snprintf(inc, sizeof inc, "%.1f", x->inconclusive);
				printf("| %g %% | %g %% | %zu | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f | %s |\n",
				       100 * CVS[ci], 100 * OFFSETS[oi], NS[ni], x->aa_bench, x->aa_suite,
				       x->power[0], x->power[1], x->power[2], x->power[3], inc);
			}
		}
	}
}

/* The acceptance checks of rule (a), n = 20 per side, CV 1 %, no offset,
 * with exactly the trial counts the goals are stated for. */
static void print_acceptance(uint64_t seed)
{
	enum { AA = 100, POWER = 50, SUITES = 20, RUNS = 5 };
	const size_t n20 = 2, cv1 = 1; /* NS[2] = 20, CVS[1] = 1 % */
	printf("\n## Acceptance checks: (a), n = 20 per side, CV 1 %%, no offset\n\n");
	printf("| seed | A/A false alarms of %d (goal <= 2) | 2 %% regressions caught of %d "
	       "(goal >= 42) | A/A %d-benchmark suites alarmed of %d (goal <= 1) |\n",
	       AA, POWER, SUITE, SUITES);
	printf("|---:|---:|---:|---:|\n");
	for (uint64_t run = 1; run <= RUNS; run++) {
		sim s;
		sim_init(&s, CVS[cv1], 0, NS[n20]);
		uint64_t cell = cv1 * N_NS + n20;
		size_t aa = 0, caught = 0, suites = 0;
		outcome o;
		sim_seed(&s, seed + run, cell, 0, 0);
		for (int t = 0; t < AA; t++) {
			trial(&s, 1, 0, &o);
			aa += o.alarms[RULE_SAME_JOB];
		}
		sim_seed(&s, seed + run, cell, 2 + CHANGE_2, 0);
		for (int t = 0; t < POWER; t++) {
			trial(&s, 1, CHANGES[CHANGE_2], &o);
			caught += o.alarms[RULE_SAME_JOB];
		}
		sim_seed(&s, seed + run, cell, 1, 0);
		for (int t = 0; t < SUITES; t++) {
			trial(&s, SUITE, 0, &o);
			suites += o.alarms[RULE_SAME_JOB] > 0;
		}
		sim_free(&s);
		printf("| %" PRIu64 " | %zu %s | %zu %s | %zu %s |\n", seed + run, aa,
		       aa <= 2 ? "met" : "MISSED", caught, caught >= 42 ? "met" : "MISSED", suites,
		       suites <= 1 ? "met" : "MISSED");
	}
}

/* Two result sets of TIMING_BENCH benchmarks, 3 metrics of 20 samples each;
 * one benchmark in a hundred 5 % slower in the candidate. */
static int timing_sets(tach_result **base, tach_result **cand)
{
	static const struct {
		const char *name, *unit;
		tach_direction dir;
	} metrics[] = {{TACH_M_TIME, "s", TACH_LOWER_IS_BETTER},
	               {TACH_M_CPU_TIME, "s", TACH_LOWER_IS_BETTER},
	               {TACH_M_ITEMS_PER_SECOND, "/s", TACH_HIGHER_IS_BETTER}};
	tach_rng rng;
	tach_rng_seed(&rng, DEFAULT_SEED);
	*base = tach_result_new();
	*cand = tach_result_new();
	if (!*base || !*cand)
		return TACH_ENOMEM;
	for (size_t i = 0; i < TIMING_BENCH; i++) {
		char name[32];
		snprintf(name, sizeof name, "suite/bench%05zu", i);
		tach_benchmark *b = tach_result_add_benchmark(*base, name);
		tach_benchmark *k = tach_result_add_benchmark(*cand, name);
		if (!b || !k)
			return TACH_ENOMEM;
		double slower = i % 100 == 0 ? 1.05 : 1;
		for (size_t m = 0; m < 3; m++) {
			tach_metric *mb = tach_benchmark_add_metric(b, metrics[m].name, metrics[m].unit,
			                                            metrics[m].dir);
			tach_metric *mk = tach_benchmark_add_metric(k, metrics[m].name, metrics[m].unit,
			                                            metrics[m].dir);
			if (!mb || !mk)
				return TACH_ENOMEM;
			double f = metrics[m].dir == TACH_HIGHER_IS_BETTER ? 1 / slower : slower;
			for (size_t j = 0; j < 20; j++)
				if (tach_metric_add_sample(mb, 1e-3 * bench_lognormal(&rng, 0.01)) ||
				    tach_metric_add_sample(mk, 1e-3 * f * bench_lognormal(&rng, 0.01)))
					return TACH_ENOMEM;
		}
	}
	return 0;
}

static void print_timing(void)
{
	enum { REPS = 5 };
	tach_result *base = NULL, *cand = NULL;
	int rc = timing_sets(&base, &cand);
	if (rc)
		die("building the timing sets", rc);
	double t[REPS];
	size_t rows = 0, regressed = 0;
	for (int r = 0; r < REPS; r++) {
		tach_comparison *c;
		double t0 = bench_now();
		rc = tach_compare(base, cand, NULL, &c);
		t[r] = bench_now() - t0;
		if (rc)
			die("tach_compare", rc);
		rows = c->n_rows;
		regressed = c->counts[TACH_REGRESSED];
		tach_comparison_free(c);
	}
	double med = bench_median(t, REPS);
	/* the peer: the same comparison as a Python script does it (SciPy's
	 * U test and NumPy medians per row), on data of the same shape */
	char n_arg[32], *out = NULL;
	snprintf(n_arg, sizeof n_arg, "%d", TIMING_BENCH);
	char *argv[] = {BENCH_PYTHON, PEER_DIR "/peer_compare.py", n_arg, "1", NULL};
	size_t len = 0;
	int status = 0;
	double peer_s = 0;
	long peer_rows = 0, peer_flagged = 0;
	if (bench_run_capture(argv, &out, &len, &status) == 0 && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0 && out)
		sscanf(out, "compare %lf %ld %ld", &peer_s, &peer_rows, &peer_flagged);
	free(out);
	printf("\n## Speed\n\n");
	printf("| comparison | rows | regressed | median of %d | goal |\n", REPS);
	printf("|---|---:|---:|---:|---|\n");
	printf("| %d benchmarks x 3 metrics x 20 samples per side | %zu | %zu | %.3f s | "
	       "< 1 s %s |\n",
	       TIMING_BENCH, rows, regressed, med, med < 1 ? "met" : "MISSED");
	if (peer_s > 0)
		printf("| the same in Python (SciPy mannwhitneyu + NumPy medians per row, no "
		       "correction) | %ld | %ld | %.3f s | ratio peer/tach %.1fx |\n",
		       peer_rows, peer_flagged, peer_s, peer_s / med);
	else
		printf("\n(peer not run: needs " BENCH_PYTHON " with NumPy and SciPy)\n");
	tach_result_free(base);
	tach_result_free(cand);
}

static int parse_count(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		return -1;
	*out = v;
	return 0;
}

static int usage(const char *why, const char *arg)
{
	fprintf(stderr, "bench_compare: %s '%s'\n"
	        "usage: bench_compare [--quick] [--trials N] [--seed S]\n", why, arg);
	return 1;
}

int main(int argc, char **argv)
{
	config cfg = {.aa = 2000, .suites = 200, .power = 500, .seed = DEFAULT_SEED};
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		uint64_t v = 0;
		if (strcmp(opt, "--quick") == 0) {
			cfg.aa /= 10;
			cfg.suites /= 10;
			cfg.power /= 10;
			continue;
		}
		if (strcmp(opt, "--trials") && strcmp(opt, "--seed"))
			return usage("unknown option", opt);
		if (++i == argc)
			return usage("missing value after", opt);
		if (parse_count(argv[i], &v) || (strcmp(opt, "--trials") == 0 && v == 0))
			return usage("invalid value", argv[i]);
		if (strcmp(opt, "--seed") == 0) {
			cfg.seed = v;
		} else {
			/* N single A/A trials; suites and power in the default proportion */
			cfg.aa = v;
			cfg.suites = v / 10 ? v / 10 : 1;
			cfg.power = v / 4 ? v / 4 : 1;
		}
	}

	double t0 = bench_now();
	static rates r[N_CVS][N_OFFSETS][N_NS][N_RULES];
	for (size_t ci = 0; ci < N_CVS; ci++)
		for (size_t oi = 0; oi < N_OFFSETS; oi++)
			for (size_t ni = 0; ni < N_NS; ni++)
				run_cell(&cfg, ci, oi, ni, r[ci][oi][ni]);
	print_header(&cfg);
	for (int k = 0; k < N_RULES; k++)
		print_table(k, r);
	print_acceptance(cfg.seed);
	print_timing();
	printf("\n%s, %.0f s in all.\n", tach_version(), bench_now() - t0);
	return fflush(stdout) != 0 || ferror(stdout);
}
