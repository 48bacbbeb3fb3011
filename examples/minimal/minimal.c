/* minimal.c - the smallest tach benchmark: time one function call.
 * Build: cc -O2 minimal.c $(pkg-config --cflags --libs tach-main) */
#include <stdint.h>

#include <tach/bench.h>

static uint64_t fib(unsigned n)
{
	uint64_t a = 0, b = 1;
	for (unsigned i = 0; i < n; i++) {
		uint64_t t = a + b;
		a = b;
		b = t;
		tach_do_not_optimize(b);
	}
	return a;
}

TACH_BENCH(bm_fib)
{
	TACH_LOOP(s) {
		uint64_t v = fib(30);
		tach_do_not_optimize(v);
	}
}

TACH_MAIN()
