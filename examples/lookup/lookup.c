/* lookup.c - the regression-testing seed's address lookup, in two ways:
 * a linear scan over the segments (O(n), the seed's original design) and
 * arithmetic on fixed-size segments (O(1), its arena), over the seed's
 * 10 ... 10,000 segments, each fitted against the segment count with
 * .complexity = TACH_COMPLEXITY_AUTO.  `tach report` draws both against
 * n with their fitted curves (docs/bench-library.md, "Complexity").  The
 * seed's metrics lookup_linear_scan_time and lookup_arithmetic_time (ns)
 * are `time` of lookup_linear_scan/N and lookup_arithmetic/N
 * (examples/shm/README.md, examples/shm/tach.conf).
 */
#include <stdint.h>
#include <stdlib.h>

#include <tach/bench.h>

#define SEGMENT 4096

typedef struct segment {
	uintptr_t base, size;
} segment;

/* n segments of SEGMENT bytes from address 0, and the addresses to look
 * up, spread over all of them (from the run's seed). */
static segment *make(size_t n, uintptr_t *addr, size_t n_addr, uint64_t seed)
{
	segment *v = malloc(n * sizeof *v);
	for (size_t i = 0; v && i < n; i++)
		v[i] = (segment){i * SEGMENT, SEGMENT};
	for (size_t i = 0; i < n_addr; i++) {
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		addr[i] = (uintptr_t)((seed >> 33) % (n * SEGMENT));
	}
	return v;
}

static size_t find_linear(const segment *v, size_t n, uintptr_t a)
{
	for (size_t i = 0; i < n; i++)
		if (a - v[i].base < v[i].size)
			return i;
	return n;
}

static size_t find_arithmetic(const segment *v, size_t n, uintptr_t a)
{
	size_t i = a / SEGMENT;
	return i < n && a - v[i].base < v[i].size ? i : n;
}

#define N_ADDR 1024

/* One benchmark call: look up addresses spread over n segments with
 * `find`, round robin. */
static void lookups(tach_state *s, size_t (*find)(const segment *, size_t, uintptr_t))
{
	size_t n = (size_t)tach_arg(s, 0), k = 0;
	uintptr_t addr[N_ADDR];
	segment *v = make(n, addr, N_ADDR, tach_seed(s));
	if (!v) {
		tach_skip_with_error(s, "out of memory");
		return;
	}
	TACH_LOOP(s) {
		size_t i = find(v, n, addr[k++ % N_ADDR]);
		tach_do_not_optimize(i);
	}
	free(v);
}

/* 10 ... 10,000 segments, two points per decade for the fit */
#define SEGMENTS TACH_ARGS(10, 30, 100, 300, 1000, 3000, 10000)

TACH_BENCH(lookup_linear_scan, .args = SEGMENTS, .arg_names = "segments",
           .complexity = TACH_COMPLEXITY_AUTO)
{
	lookups(s, find_linear);
}

TACH_BENCH(lookup_arithmetic, .args = SEGMENTS, .arg_names = "segments",
           .complexity = TACH_COMPLEXITY_AUTO)
{
	lookups(s, find_arithmetic);
}

TACH_MAIN()
