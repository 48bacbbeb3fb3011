/* bootstrap.c - percentile bootstrap confidence intervals (Efron &
 * Tibshirani, An Introduction to the Bootstrap, 1993, ch. 13) of a median
 * and of a ratio of medians.
 *
 * The definition (stats.h) is naive: draw n indices, take the median of
 * the drawn values.  Computing it that way sorts every resample.  Instead
 * the sample is sorted once, remembering which index went where; a
 * resample is then fully described by how often each index was drawn, and
 * its median is read off the running sum of those counts, taken in sorted
 * order, at the middle rank(s).  Values and interpolation are the same as
 * on the sorted resample, so the result is bit-identical to the naive
 * definition, in O(n) per resample.
 *
 * The draws dominate: xoshiro256** is a serial chain of about 1 ns per
 * number, and the stream must stay one stream in order.  The draw loop
 * therefore only increments a counter per index; the sorted order is
 * applied by the walk, which stops at the middle.  (A second thread taking
 * the walks was measured slower: the counters then bounce between cores.)
 */
#include <stdlib.h>

#include "stats_internal.h"

/* One sample prepared for resampling. */
typedef struct sample {
	double *sorted;  /* the values in ascending order */
	uint32_t *order; /* order[p] = the index in x of sorted[p] */
	size_t n;
	size_t lo;       /* the median's position and weight, as */
	double gamma;    /* tach__stats_position(n, 50) gives them */
} sample;

/* Counts are 32-bit: a sample of 2^32 values would need 32 GiB of
 * doubles before it got here, so larger ones report TACH_ENOMEM. */
static int sample_init(sample *s, const double *x, size_t n)
{
	s->n = n;
	s->sorted = NULL;
	s->order = NULL;
	if (n > UINT32_MAX)
		return TACH_ENOMEM;
	s->order = malloc(n * sizeof *s->order);
	s->sorted = malloc(n * sizeof *s->sorted);
	if (!s->order || !s->sorted || tach__stats_order(x, n, s->order)) {
		free(s->order);
		free(s->sorted);
		s->sorted = NULL;
		s->order = NULL;
		return TACH_ENOMEM;
	}
	for (size_t p = 0; p < n; p++)
		s->sorted[p] = x[s->order[p]];
	tach__stats_position(n, 50, &s->lo, &s->gamma);
	return 0;
}

static void sample_free(sample *s)
{
	free(s->sorted);
	free(s->order);
}

/* The sorted position holding 0-based rank r of the resample whose draw
 * counts per index are count[], walking from position pos with *below
 * draws before it.  Eight positions at a time while they all lie below r:
 * the loads are independent, so they overlap. */
static size_t rank_position(const uint32_t *count, const uint32_t *order,
                            size_t n, size_t r, size_t pos, size_t *below)
{
	size_t cum = *below;

	while (pos + 8 <= n) {
		size_t s = (size_t)count[order[pos]] + count[order[pos + 1]] +
		           count[order[pos + 2]] + count[order[pos + 3]] +
		           count[order[pos + 4]] + count[order[pos + 5]] +
		           count[order[pos + 6]] + count[order[pos + 7]];
		if (cum + s > r)
			break;
		cum += s;
		pos += 8;
	}
	while (cum + count[order[pos]] <= r)
		cum += count[order[pos++]];
	*below = cum;
	return pos;
}

/* One resample of s: n draws of tach_rng_below(rng, n), in order, counted
 * per index into count[] (all zero on entry). */
static void draw(uint32_t *count, const sample *s, tach_rng *rng)
{
	tach_rng g = *rng; /* a local copy stays in registers */
	size_t n = s->n;

	for (size_t k = 0; k < n; k++)
		count[tach__rng_below(&g, n)]++;
	*rng = g;
}

/* The resample's median, tach_stats_percentile_sorted(drawn values, n,
 * 50); leaves count[] all zero again. */
static double walk_median(uint32_t *count, const sample *s)
{
	size_t pos, below = 0;
	double a, m;

	pos = rank_position(count, s->order, s->n, s->lo, 0, &below);
	a = s->sorted[pos];
	m = a;
	if (s->gamma != 0) {
		/* Rank lo + 1 is at the same position if that was drawn
		 * again, else at the next position drawn at all. */
		if (below + count[s->order[pos]] <= s->lo + 1) {
			below += count[s->order[pos]];
			pos = rank_position(count, s->order, s->n, s->lo + 1,
			                    pos + 1, &below);
		}
		m = tach__stats_interp(a, s->sorted[pos], s->gamma);
	}
	memset(count, 0, s->n * sizeof *count);
	return m;
}

/* Job j resamples samples[j % ns] and leaves its median in med[j]; one
 * generator seeded with `seed` for all jobs, in order. */
static int run_medians(const sample *samples, size_t ns, size_t jobs,
                       uint64_t seed, double *med)
{
	size_t cap = 0;
	uint32_t *count;
	tach_rng rng;

	for (size_t i = 0; i < ns; i++)
		if (samples[i].n > cap)
			cap = samples[i].n;
	count = calloc(cap, sizeof *count);
	if (!count)
		return TACH_ENOMEM;
	tach_rng_seed(&rng, seed);
	for (size_t j = 0; j < jobs; j++) {
		draw(count, &samples[j % ns], &rng);
		med[j] = walk_median(count, &samples[j % ns]);
	}
	free(count);
	return 0;
}

static int check_args(double level, size_t resamples)
{
	if (!(level > 0 && level < 1) || resamples < 1)
		return TACH_EINVAL;
	return 0;
}

/* The interval: NumPy-linear percentiles 100(1-level)/2 and
 * 100(1+level)/2 of the m resample statistics in v (rearranged). */
static int interval(const double *v, size_t m, double level, tach_ci *out)
{
	double qs[2], lim[2];
	int rc;

	qs[0] = 100 * (1 - level) / 2;
	qs[1] = 100 * (1 + level) / 2;
	rc = tach_stats_percentiles(v, m, qs, 2, lim);
	if (rc != 0)
		return rc;
	out->lo = lim[0];
	out->hi = lim[1];
	return 0;
}

int tach_stats_bootstrap_median_ci(const double *x, size_t n, double level,
                                   size_t resamples, uint64_t seed,
                                   tach_ci *out)
{
	double *meds = NULL;
	sample s;
	int rc;

	memset(out, 0, sizeof *out);
	rc = check_args(level, resamples);
	if (rc != 0 || n == 0)
		return rc;
	rc = sample_init(&s, x, n);
	if (rc != 0)
		return rc;
	out->estimate = tach_stats_percentile_sorted(s.sorted, n, 50);
	out->level = level;
	if (n == 1) {
		/* Every resample is the sample itself. */
		out->lo = out->hi = out->estimate;
		goto done;
	}
	if (resamples > SIZE_MAX / sizeof *meds ||
	    !(meds = malloc(resamples * sizeof *meds))) {
		rc = TACH_ENOMEM;
		goto done;
	}
	rc = run_medians(&s, 1, resamples, seed, meds);
	if (rc == 0)
		rc = interval(meds, resamples, level, out);
done:
	free(meds);
	sample_free(&s);
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}

int tach_stats_bootstrap_ratio_ci(const double *base, size_t n_base,
                                  const double *cand, size_t n_cand,
                                  double level, size_t resamples,
                                  uint64_t seed, tach_ci *out)
{
	double *meds = NULL, mb;
	sample s[2] = {{NULL, NULL, 0, 0, 0}, {NULL, NULL, 0, 0, 0}};
	size_t m = 0;
	int rc;

	memset(out, 0, sizeof *out);
	rc = check_args(level, resamples);
	if (rc != 0)
		return rc;
	if (n_base == 0 || n_cand == 0)
		return TACH_EDOMAIN;
	rc = sample_init(&s[0], base, n_base);
	if (rc == 0)
		rc = sample_init(&s[1], cand, n_cand);
	if (rc != 0)
		goto done;
	mb = tach_stats_percentile_sorted(s[0].sorted, n_base, 50);
	if (mb == 0) {
		rc = TACH_EDOMAIN;
		goto done;
	}
	out->estimate = tach_stats_percentile_sorted(s[1].sorted, n_cand, 50) /
	                mb;
	out->level = level;

	/* Jobs alternate base, candidate: the draw order of stats.h. */
	if (resamples > SIZE_MAX / (2 * sizeof *meds) ||
	    !(meds = malloc(2 * resamples * sizeof *meds))) {
		rc = TACH_ENOMEM;
		goto done;
	}
	rc = run_medians(s, 2, 2 * resamples, seed, meds);
	if (rc != 0)
		goto done;
	for (size_t r = 0; r < resamples; r++)
		if (meds[2 * r] != 0)
			meds[m++] = meds[2 * r + 1] / meds[2 * r];
	if (m == 0)
		out->lo = out->hi = out->estimate;
	else
		rc = interval(meds, m, level, out);
done:
	free(meds);
	sample_free(&s[0]);
	sample_free(&s[1]);
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}
