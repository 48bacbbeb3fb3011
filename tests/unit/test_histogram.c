/* test_histogram.c - the latency histogram (include/tach/histogram.h):
 * bucket layout, percentile accuracy against exact order statistics and
 * NumPy-linear percentiles on 1e6 values from several distributions,
 * exact count/min/max/mean/stddev, merging, saturation and empty input.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tach/histogram.h"
#include "tach/stats.h"

#define N 1000000

static const double QS[] = {50, 90, 95, 99, 99.9, 100};

static tach_histogram *hist_new(void)
{
	tach_histogram *h = tach_histogram_new();
	cr_assert(h);
	return h;
}

/* ---------------------------------------------------------------------
 * Data: integer nanoseconds from the library's reproducible generator.
 */

static double std_normal(tach_rng *g)
{
	/* Box-Muller; 1 - u keeps the log finite. */
	double u = 1 - tach_rng_uniform(g), v = tach_rng_uniform(g);
	return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

static uint64_t ns_of(double x)
{
	return x < 1 ? 1 : (uint64_t)llround(x);
}

enum dist { UNIFORM, LOGNORMAL, BIMODAL, LOGUNIFORM };

static void fill(uint64_t *v, size_t n, enum dist d, uint64_t seed)
{
	tach_rng g;

	tach_rng_seed(&g, seed);
	for (size_t i = 0; i < n; i++) {
		switch (d) {
		case UNIFORM: /* 1 .. 1e6 ns */
			v[i] = 1 + tach_rng_below(&g, 1000000);
			break;
		case LOGNORMAL: /* median 100 us, sigma 1 */
			v[i] = ns_of(exp(log(1e5) + std_normal(&g)));
			break;
		case BIMODAL: /* 98 % near 1 us, 2 % near 1 ms: a 1000x tail */
			if (tach_rng_below(&g, 100) < 2)
				v[i] = ns_of(1e6 * exp(0.2 * std_normal(&g)));
			else
				v[i] = ns_of(1e3 * exp(0.1 * std_normal(&g)));
			break;
		case LOGUNIFORM: /* 1 ns .. 2^42 ns, every octave */
			v[i] = ns_of(exp(tach_rng_uniform(&g) * 42 * log(2.0)));
			if (v[i] >= TACH_HISTOGRAM_TOP)
				v[i] = TACH_HISTOGRAM_TOP - 1;
			break;
		}
	}
}

/* ---------------------------------------------------------------------
 * Empty input, layout.
 */

Test(histogram, empty_gives_zeros)
{
	tach_histogram *h = hist_new();
	tach_histogram_bucket b;
	size_t it = 0;

	cr_expect_eq(tach_histogram_count(h), 0);
	cr_expect_eq(tach_histogram_saturated(h), 0);
	cr_expect_eq(tach_histogram_min(h), 0);
	cr_expect_eq(tach_histogram_max(h), 0);
	cr_expect_eq(tach_histogram_mean(h), 0);
	cr_expect_eq(tach_histogram_stddev(h), 0);
	for (size_t i = 0; i < sizeof QS / sizeof *QS; i++)
		cr_expect_eq(tach_histogram_percentile(h, QS[i]), 0);
	cr_expect_eq(tach_histogram_percentile(h, 0), 0);
	cr_expect_eq(tach_histogram_next(h, &it, &b), 0);
	/* record_n with n = 0 keeps it empty (min/max untouched) */
	tach_histogram_record_n(h, 42, 0);
	cr_expect_eq(tach_histogram_count(h), 0);
	cr_expect_eq(tach_histogram_min(h), 0);
	cr_expect_eq(tach_histogram_max(h), 0);
	tach_histogram_free(h);
	tach_histogram_free(NULL);
}

Test(histogram, init_on_caller_memory_and_reset)
{
	static tach_histogram h; /* caller-owned, static storage */

	tach_histogram_init(&h);
	tach_histogram_record(&h, 7);
	tach_histogram_record(&h, 70000);
	cr_expect_eq(tach_histogram_count(&h), 2);
	tach_histogram_reset(&h);
	cr_expect_eq(tach_histogram_count(&h), 0);
	cr_expect_eq(tach_histogram_max(&h), 0);
	size_t it = 0;
	tach_histogram_bucket b;
	cr_expect_eq(tach_histogram_next(&h, &it, &b), 0);
}

Test(histogram, buckets_tile_the_range_with_bounded_width)
{
	/* Every value 0 .. 2^21 - 1 once: the buckets must be contiguous, of
	 * power-of-two width, exact below 256 and at most lo / 128 wide. */
	tach_histogram *h = hist_new();
	uint64_t top = UINT64_C(1) << 21;

	for (uint64_t v = 0; v < top; v++)
		tach_histogram_record(h, v);
	size_t it = 0, nb = 0;
	tach_histogram_bucket b;
	uint64_t next_lo = 0, total = 0;
	while (tach_histogram_next(h, &it, &b)) {
		uint64_t w = b.hi - b.lo + 1;
		cr_assert_eq(b.lo, next_lo, "gap before bucket %zu", nb);
		cr_assert_eq(w & (w - 1), 0, "width %llu", (unsigned long long)w);
		cr_assert_eq(b.count, w);
		if (b.lo < 256)
			cr_assert_eq(w, 1);
		else
			cr_assert_leq(w * 128, b.lo);
		next_lo = b.hi + 1;
		total += b.count;
		nb++;
	}
	cr_expect_eq(next_lo, top);
	cr_expect_eq(total, top);
	/* 256 exact buckets, then 128 per octave from 2^8 to 2^21 */
	cr_expect_eq(nb, 256 + 13 * 128);
	tach_histogram_free(h);
}

Test(histogram, midpoint_error_at_every_octave)
{
	/* In each octave up to the top, take the first and last bucket: the
	 * percentile reported from inside it is its midpoint, within the
	 * bound of both edges. */
	tach_histogram *h = hist_new();
	double bound = tach_histogram_relative_error();

	cr_expect_eq(bound, 1.0 / 256);
	for (unsigned e = 8; e < TACH_HISTOGRAM_TOP_BITS; e++) {
		uint64_t w = UINT64_C(1) << (e - 7);
		uint64_t los[2] = {UINT64_C(1) << e, (UINT64_C(2) << e) - w};
		for (int k = 0; k < 2; k++) {
			uint64_t lo = los[k], hi = lo + w - 1;
			tach_histogram_reset(h);
			tach_histogram_record(h, lo);
			tach_histogram_record(h, lo + w / 2);
			tach_histogram_record(h, hi);
			/* rank 2 is neither min nor max: the midpoint */
			double mid = tach_histogram_percentile(h, 50);
			cr_assert_eq(mid, (double)lo + (double)(hi - lo) / 2,
			             "e=%u", e);
			cr_assert_leq((mid - (double)lo) / (double)lo, bound);
			cr_assert_leq(((double)hi - mid) / (double)hi, bound);
			size_t it = 0;
			tach_histogram_bucket b;
			cr_assert(tach_histogram_next(h, &it, &b));
			cr_assert_eq(b.lo, lo);
			cr_assert_eq(b.hi, hi);
			cr_assert_eq(b.count, 3);
			cr_assert_not(tach_histogram_next(h, &it, &b));
		}
	}
	tach_histogram_free(h);
}

/* ---------------------------------------------------------------------
 * Accuracy on 1e6 values.
 */

/* Records v[0..n) and checks every percentile in QS against
 *  (a) the exact order statistic x(r), r = ceil(q n / 100), computed here
 *      in integers from q in tenths: |p - x(r)| <= bound * x(r);
 *  (b) NumPy's linear percentile (tach_stats_percentile): it lies between
 *      the two order statistics around h = (n - 1) q / 100, one of which
 *      is x(r), so |p - lin| <= bound * x(r) + (gap between them). */
static void check_accuracy(const uint64_t *v, size_t n, const char *name)
{
	tach_histogram *h = hist_new();
	double *x = malloc(n * sizeof *x);
	double bound = tach_histogram_relative_error(), worst = 0;

	cr_assert(x);
	for (size_t i = 0; i < n; i++) {
		tach_histogram_record(h, v[i]);
		x[i] = (double)v[i];
	}
	cr_assert_eq(tach_stats_sort(x, n), 0);
	for (size_t i = 0; i < sizeof QS / sizeof *QS; i++) {
		uint64_t tenths = (uint64_t)llround(QS[i] * 10);
		uint64_t r = (tenths * n + 999) / 1000;
		double exact = x[r - 1];
		double p = tach_histogram_percentile(h, QS[i]);
		double rel = fabs(p - exact) / exact;
		cr_expect_leq(rel, bound, "%s p%g: histogram %.17g, x(%llu) %.17g",
		              name, QS[i], p, (unsigned long long)r, exact);
		if (rel > worst)
			worst = rel;

		double lin, hpos = (double)(n - 1) * QS[i] / 100;
		size_t f = (size_t)floor(hpos);
		size_t c = f + 1 < n ? f + 1 : f;
		double gap = x[c] - x[f];
		cr_assert_eq(tach_stats_percentile(x, n, QS[i], &lin), 0);
		cr_expect_leq(fabs(p - lin), bound * exact + gap,
		              "%s p%g: histogram %.17g, linear %.17g", name, QS[i],
		              p, lin);
	}
	cr_expect_eq(tach_histogram_percentile(h, 100), x[n - 1]);
	cr_expect_eq(tach_histogram_percentile(h, 0), x[0]);
	cr_log_info("%s: worst relative error %.3g%% (bound %.3g%%)", name,
	            100 * worst, 100 * bound);
	free(x);
	tach_histogram_free(h);
}

static void accuracy(enum dist d, const char *name)
{
	uint64_t *v = malloc(N * sizeof *v);

	cr_assert(v);
	fill(v, N, d, 20240601 + (uint64_t)d);
	check_accuracy(v, N, name);
	free(v);
}

Test(histogram, accuracy_uniform) { accuracy(UNIFORM, "uniform"); }
Test(histogram, accuracy_lognormal) { accuracy(LOGNORMAL, "lognormal"); }
Test(histogram, accuracy_bimodal) { accuracy(BIMODAL, "bimodal"); }
Test(histogram, accuracy_loguniform) { accuracy(LOGUNIFORM, "loguniform"); }

Test(histogram, rank_of_decimal_percentiles_is_exact)
{
	/* 0 .. 249 once each: all in the exact region, so percentile q must be
	 * x(r) = r - 1 with r = ceil(q n / 100) for q in tenths exactly, even
	 * where the double q lies above the decimal (99.2 -> rank 248). */
	tach_histogram *h = hist_new();
	uint64_t n = 250;

	for (uint64_t v = 0; v < n; v++)
		tach_histogram_record(h, v);
	for (uint64_t t = 0; t <= 1000; t++) {
		uint64_t r = (t * n + 999) / 1000;
		if (r == 0)
			r = 1;
		cr_expect_eq(tach_histogram_percentile(h, (double)t / 10),
		             (double)(r - 1), "q=%g", (double)t / 10);
	}
	/* out-of-range q is clamped, NaN is 0 */
	cr_expect_eq(tach_histogram_percentile(h, -5), 0);
	cr_expect_eq(tach_histogram_percentile(h, 200), 249);
	cr_expect_eq(tach_histogram_percentile(h, NAN), 0);
	tach_histogram_free(h);
}

/* ---------------------------------------------------------------------
 * Exact moments and extremes.
 */

Test(histogram, count_min_max_mean_stddev_exact)
{
	uint64_t *v = malloc(N * sizeof *v);
	double *x = malloc(N * sizeof *x);
	tach_histogram *h = hist_new();

	cr_assert(v && x);
	fill(v, N, LOGNORMAL, 7);
	uint64_t sum = 0, mn = UINT64_MAX, mx = 0;
	for (size_t i = 0; i < N; i++) {
		tach_histogram_record(h, v[i]);
		x[i] = (double)v[i];
		sum += v[i];
		mn = v[i] < mn ? v[i] : mn;
		mx = v[i] > mx ? v[i] : mx;
	}
	cr_expect_eq(tach_histogram_count(h), N);
	cr_expect_eq(tach_histogram_min(h), mn);
	cr_expect_eq(tach_histogram_max(h), mx);
	/* the exact mean sum / N, correctly rounded, is within 1 ulp */
	long double exact = (long double)sum / N;
	cr_expect_leq(fabsl(tach_histogram_mean(h) - exact), exact * 2.3e-16L);
	double sd = tach_stats_stddev(x, N);
	cr_expect_leq(fabs(tach_histogram_stddev(h) - sd), sd * 1e-12);
	free(v);
	free(x);
	tach_histogram_free(h);
}

Test(histogram, stddev_without_cancellation)
{
	/* 1e9 + {0, 1, 2}, each m times: M2 = 2m, variance 2m / (3m - 1).
	 * The naive S2/n - mean^2 in double loses every digit here. */
	tach_histogram *h = hist_new();
	uint64_t m = 100000;

	for (uint64_t k = 0; k < 3; k++)
		tach_histogram_record_n(h, 1000000000 + k, m);
	double want = sqrt(2.0 * m / (3.0 * m - 1));
	cr_expect_leq(fabs(tach_histogram_stddev(h) - want), want * 1e-15);
	cr_expect_eq(tach_histogram_mean(h), 1000000001.0);
	/* n = 1 and all-equal give exactly 0 */
	tach_histogram_reset(h);
	tach_histogram_record(h, 123456789);
	cr_expect_eq(tach_histogram_stddev(h), 0);
	tach_histogram_record_n(h, 123456789, 1000);
	cr_expect_eq(tach_histogram_stddev(h), 0);
	cr_expect_eq(tach_histogram_mean(h), 123456789.0);
	tach_histogram_free(h);
}

/* ---------------------------------------------------------------------
 * Merging, record_n, saturation.
 */

static void expect_same(const tach_histogram *a, const tach_histogram *b)
{
	cr_expect_eq(a->count, b->count);
	cr_expect_eq(a->min, b->min);
	cr_expect_eq(a->max, b->max);
	cr_expect(a->sum == b->sum);
	cr_expect(a->sum_sq == b->sum_sq);
	cr_expect_eq(memcmp(a->counts, b->counts, sizeof a->counts), 0);
	cr_expect_eq(tach_histogram_mean(a), tach_histogram_mean(b));
	cr_expect_eq(tach_histogram_stddev(a), tach_histogram_stddev(b));
	for (size_t i = 0; i < sizeof QS / sizeof *QS; i++)
		cr_expect_eq(tach_histogram_percentile(a, QS[i]),
		             tach_histogram_percentile(b, QS[i]));
}

#define THREADS 4
struct part {
	const uint64_t *v;
	size_t n;
	tach_histogram *h;
};

static void *record_part(void *arg)
{
	struct part *p = arg;

	for (size_t i = 0; i < p->n; i++)
		tach_histogram_record(p->h, p->v[i]);
	return NULL;
}

Test(histogram, merge_of_per_thread_histograms_equals_one)
{
	/* The documented pattern: one histogram per thread, merged after. */
	uint64_t *v = malloc(N * sizeof *v);
	tach_histogram *all = hist_new(), *sum = hist_new();
	struct part parts[THREADS];
	pthread_t th[THREADS];

	cr_assert(v);
	fill(v, N, BIMODAL, 99);
	for (size_t i = 0; i < N; i++)
		tach_histogram_record(all, v[i]);
	for (int t = 0; t < THREADS; t++) {
		parts[t].v = v + (size_t)t * (N / THREADS);
		parts[t].n = N / THREADS;
		parts[t].h = hist_new();
		cr_assert_eq(pthread_create(&th[t], NULL, record_part, &parts[t]), 0);
	}
	for (int t = 0; t < THREADS; t++) {
		cr_assert_eq(pthread_join(th[t], NULL), 0);
		tach_histogram_merge(sum, parts[t].h);
		tach_histogram_free(parts[t].h);
	}
	expect_same(sum, all);

	/* merging an empty one changes nothing; into an empty one copies */
	tach_histogram *empty = hist_new(), *copy = hist_new();
	tach_histogram_merge(sum, empty);
	expect_same(sum, all);
	tach_histogram_merge(copy, all);
	expect_same(copy, all);
	/* self-merge doubles every count */
	tach_histogram_merge(copy, copy);
	tach_histogram_merge(all, sum);
	expect_same(copy, all);
	tach_histogram_free(empty);
	tach_histogram_free(copy);
	tach_histogram_free(all);
	tach_histogram_free(sum);
	free(v);
}

Test(histogram, record_n_equals_repeated_record)
{
	tach_histogram *a = hist_new(), *b = hist_new();
	const uint64_t vals[] = {0, 1, 255, 256, 1000, 123456789,
	                         TACH_HISTOGRAM_TOP - 1, TACH_HISTOGRAM_TOP,
	                         UINT64_MAX};

	for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
		uint64_t n = 1 + i * 37;
		tach_histogram_record_n(a, vals[i], n);
		for (uint64_t k = 0; k < n; k++)
			tach_histogram_record(b, vals[i]);
	}
	expect_same(a, b);
	tach_histogram_free(a);
	tach_histogram_free(b);
}

Test(histogram, saturation)
{
	tach_histogram *h = hist_new();
	const uint64_t top = TACH_HISTOGRAM_TOP;

	tach_histogram_record(h, top - 1);
	tach_histogram_record(h, top);
	tach_histogram_record(h, top + 5);
	tach_histogram_record(h, UINT64_MAX);
	cr_expect_eq(tach_histogram_count(h), 4);
	cr_expect_eq(tach_histogram_saturated(h), 3);
	cr_expect_eq(tach_histogram_min(h), top - 1);
	cr_expect_eq(tach_histogram_max(h), UINT64_MAX);
	/* saturated values enter the mean as the top */
	cr_expect_eq(tach_histogram_mean(h), ((double)(top - 1) + 3.0 * top) / 4);
	/* rank 2 and 3 lie in the overflow bucket: the top, a lower bound;
	 * rank n is the exact max */
	cr_expect_eq(tach_histogram_percentile(h, 50), (double)top);
	cr_expect_eq(tach_histogram_percentile(h, 75), (double)top);
	cr_expect_eq(tach_histogram_percentile(h, 100), (double)UINT64_MAX);
	cr_expect_eq(tach_histogram_percentile(h, 0), (double)(top - 1));

	size_t it = 0;
	tach_histogram_bucket b;
	cr_assert(tach_histogram_next(h, &it, &b));
	cr_expect_eq(b.lo, top - (top >> 8));
	cr_expect_eq(b.hi, top - 1);
	cr_expect_eq(b.count, 1);
	cr_assert(tach_histogram_next(h, &it, &b));
	cr_expect_eq(b.lo, top);
	cr_expect_eq(b.hi, UINT64_MAX);
	cr_expect_eq(b.count, 3);
	cr_expect_not(tach_histogram_next(h, &it, &b));
	tach_histogram_free(h);
}

Test(histogram, record_does_not_allocate)
{
	/* By design: tach_histogram_record is static inline in the header and
	 * only indexes the fixed counts[] array, whose size is a compile-time
	 * constant; the largest index it can form is the overflow bucket. */
	cr_expect_eq(tach__histogram_index(TACH_HISTOGRAM_TOP),
	             TACH_HISTOGRAM_BUCKETS - 1);
	cr_expect_eq(tach__histogram_index(TACH_HISTOGRAM_TOP - 1),
	             TACH_HISTOGRAM_BUCKETS - 2);
	cr_expect_eq(tach__histogram_index(0), 0);
	cr_expect_lt(sizeof(tach_histogram), 40 * 1024);
}
