/* load_bench.c - a tiny benchmark program with load benchmarks (issue 21
 * item 3), run by tests/unit/test_bench_load.c to check the command line
 * (--rate, --duration, --arrivals, --list) and the JSON results'
 * structure end to end, never their timing. */
#include <stdatomic.h>

#include <tach/bench.h>

/* An empty call, at two rates on two workers. */
TACH_BENCH(load_empty, .threads = TACH_THREADS(2),
           .load = {.rates = TACH_RATES(200, 400), .duration = 0.05})
{
	TACH_LOOP(s) {
		tach_clobber();
	}
}

/* Every other call fails. */
static atomic_uint calls;
TACH_BENCH(load_failing, .load = {.rates = TACH_RATES(300), .duration = 0.05,
                                  .arrivals = TACH_ARRIVALS_POISSON})
{
	TACH_LOOP(s) {
		if (atomic_fetch_add(&calls, 1) % 2)
			tach_fail_call(s);
	}
}

/* A closed-loop benchmark beside them runs as before. */
TACH_BENCH(closed_loop)
{
	TACH_LOOP(s) {
		tach_clobber();
	}
}

TACH_MAIN()
