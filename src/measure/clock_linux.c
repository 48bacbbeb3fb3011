/* clock_linux.c - chooses the benchmark timer once per process: the TSC when
 * it is invariant and calibrates stably against CLOCK_MONOTONIC, else
 * CLOCK_MONOTONIC; then measures the chosen timer's overhead.  The reading
 * itself is inline in tach/clock.h; this file only decides and converts.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tach/clock.h"

#define CAL_ROUNDS 7
#define CAL_ROUND_NS 5000000    /* 5 ms a round, 35 ms in all */
#define CAL_MAX_SPREAD 0.001    /* rounds may disagree by 0.1 % */
#define OVERHEAD_SAMPLES 2001

TACH_API int tach__clock_tsc;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static tach_clock_info info;
static double sec_per_tick = 1e-9;
static char why_buf[128];

uint64_t tach__clock_monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

#if defined(__x86_64__) && defined(__GNUC__)

static uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/* 1 when the first "flags" line of /proc/cpuinfo has `flag` as a word. */
static int cpu_has_flag(const char *line, const char *flag)
{
	size_t n = strlen(flag);
	for (const char *p = strstr(line, flag); p; p = strstr(p + 1, flag))
		if ((p == line || p[-1] == ' ' || p[-1] == '\t') &&
		    (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return 1;
	return 0;
}

/* NULL when the TSC is invariant (runs at a constant rate in every P- and
 * C-state, Intel SDM vol. 3B 18.17.1), else why not. */
static const char *tsc_invariant(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return "cannot read /proc/cpuinfo";
	char *line = NULL;
	size_t cap = 0;
	const char *why = "no flags line in /proc/cpuinfo";
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, "flags", 5) != 0 || !strchr(line, ':'))
			continue;
		const char *flags = strchr(line, ':') + 1;
		if (!cpu_has_flag(flags, "constant_tsc"))
			why = "the CPU lacks constant_tsc: the TSC rate follows the core frequency";
		else if (!cpu_has_flag(flags, "nonstop_tsc"))
			why = "the CPU lacks nonstop_tsc: the TSC may stop in deep C-states";
		else
			why = NULL;
		break;
	}
	free(line);
	fclose(f);
	return why;
}

/* A simultaneous (tsc, ns) pair: the CLOCK_MONOTONIC reading bracketed by
 * two TSC readings, the tightest of five tries, so a preemption or an
 * interrupt in between cannot skew it. */
static void pair(uint64_t *tsc, uint64_t *ns)
{
	uint64_t best = UINT64_MAX;
	for (int i = 0; i < 5; i++) {
		uint64_t a = rdtsc_ordered();
		uint64_t t = tach__clock_monotonic_ns();
		uint64_t b = rdtsc_ordered();
		if (b - a < best) {
			best = b - a;
			*tsc = a + (b - a) / 2;
			*ns = t;
		}
	}
}

/* Calibrates TSC ticks per second; NULL when the rounds agree, else why
 * not.  *hz is the median round either way.  Spinning, not sleeping: a
 * sleep invites a migration, and a TSC that differs between CPUs should
 * show up as disagreeing rounds, not be hidden by luck of scheduling. */
static const char *tsc_calibrate(double *hz)
{
	double r[CAL_ROUNDS];
	for (int i = 0; i < CAL_ROUNDS; i++) {
		uint64_t t0, n0, t1, n1;
		pair(&t0, &n0);
		while (tach__clock_monotonic_ns() - n0 < CAL_ROUND_NS)
			;
		pair(&t1, &n1);
		r[i] = (double)(t1 - t0) * 1e9 / (double)(n1 - n0);
	}
	qsort(r, CAL_ROUNDS, sizeof *r, cmp_double);
	*hz = r[CAL_ROUNDS / 2];
	if (!(*hz > 0))
		return "the TSC does not advance";
	double spread = (r[CAL_ROUNDS - 1] - r[0]) / *hz;
	if (spread > CAL_MAX_SPREAD) {
		snprintf(why_buf, sizeof why_buf,
		         "TSC calibration rounds disagree by %.3g %% (limit %g %%)", spread * 100,
		         CAL_MAX_SPREAD * 100);
		return why_buf;
	}
	return NULL;
}

#endif /* x86-64 */

/* Median ticks between two back-to-back readings: what one reading adds to
 * a timed region.  `ordered` picks tach_clock_ticks_ordered(). */
static double median_gap(int ordered)
{
	static uint64_t d[OVERHEAD_SAMPLES];
	for (int i = -100; i < OVERHEAD_SAMPLES; i++) {  /* 100 to warm up */
		uint64_t a, b;
		if (ordered) {
			a = tach_clock_ticks_ordered();
			b = tach_clock_ticks_ordered();
		} else {
			a = tach_clock_ticks();
			b = tach_clock_ticks();
		}
		if (i >= 0)
			d[i] = b - a;
	}
	qsort(d, OVERHEAD_SAMPLES, sizeof *d, cmp_u64);
	return (double)d[OVERHEAD_SAMPLES / 2];
}

static void choose(void)
{
	const char *why;
	double hz = 0;
	const char *env = getenv("TACH_CLOCK");
	if (env && strcmp(env, "monotonic") == 0) {
		why = "TACH_CLOCK=monotonic";
	} else {
#if defined(__x86_64__) && defined(__GNUC__)
		why = tsc_invariant();
		if (!why)
			why = tsc_calibrate(&hz);
#else
		why = "the CPU is not x86-64";
#endif
	}
	info.tsc_hz = hz;
	info.why = why;
	if (!why) {
		info.source = "tsc";
		sec_per_tick = 1 / hz;
		info.resolution = sec_per_tick;
		tach__clock_tsc = 1;
	} else {
		struct timespec res = {0, 1};
		clock_getres(CLOCK_MONOTONIC, &res);
		info.source = "clock_monotonic";
		sec_per_tick = 1e-9;
		info.resolution = (double)res.tv_sec + (double)res.tv_nsec * 1e-9;
	}
	info.overhead = median_gap(0) * sec_per_tick;
	info.overhead_ordered = median_gap(1) * sec_per_tick;
}

int tach_clock_init(void)
{
	pthread_once(&once, choose);
	return 0;
}

const tach_clock_info *tach_clock_get(void)
{
	pthread_once(&once, choose);
	return &info;
}

double tach_clock_seconds(uint64_t ticks)
{
	pthread_once(&once, choose);
	return (double)ticks * sec_per_tick;
}
