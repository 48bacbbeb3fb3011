/* instr_bench.c - a benchmark binary for the deterministic-mode tests:
 * loops of a known length, so that instruction counts can be checked
 * for exact linearity, and one whose work grows by the percentage in
 * $TACH_TEST_EXTRA_PERCENT (a 1 % change must read as a regression). */
#include <stdlib.h>

#include "tach/bench.h"

/* `steps` steps of a loop the compiler must keep. */
static void steps(long n)
{
	volatile unsigned long x = 0;
	for (long i = 0; i < n; i++)
		x = x + (unsigned long)i;
}

TACH_BENCH(bm_loop, .args = TACH_ARGS(100, 200, 300), .arg_names = "steps")
{
	long n = (long)tach_arg(s, 0);
	TACH_LOOP(s) {
		steps(n);
	}
}

TACH_BENCH(bm_work)
{
	const char *extra = getenv("TACH_TEST_EXTRA_PERCENT");
	long n = 1000 + (extra ? atol(extra) * 10 : 0); /* +1 % = 10 more steps */
	TACH_LOOP(s) {
		steps(n);
	}
}

/* Paused work is not counted: the same as bm_loop/100 plus a constant. */
TACH_BENCH(bm_paused)
{
	TACH_LOOP(s) {
		steps(100);
		tach_pause(s);
		steps(5000);
		tach_resume(s);
	}
}

TACH_MAIN()
