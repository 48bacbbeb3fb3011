/* memcpy.c - memcpy over a range of sizes, reporting bytes/s: the
 * argument range gives one benchmark per size, tach_set_bytes the
 * throughput. */
#include <stdlib.h>
#include <string.h>

#include <tach/bench.h>

TACH_BENCH(bm_memcpy, .range_lo = 64, .range_hi = 1 << 20, .range_mult = 16,
           .arg_names = "size")
{
	size_t n = (size_t)tach_arg(s, 0);
	char *src = malloc(n), *dst = malloc(n);
	if (!src || !dst) {
		tach_skip_with_error(s, "out of memory");
	} else {
		memset(src, 'x', n);
		TACH_LOOP(s) {
			memcpy(dst, src, n);
			tach_clobber();
		}
		tach_set_bytes(s, tach_iterations(s) * n);
	}
	free(src);
	free(dst);
}

TACH_MAIN()
