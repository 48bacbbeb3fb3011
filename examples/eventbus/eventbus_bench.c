/* eventbus_bench.c - the seed's event-bus benchmarks in C, and the
 * program's main: BenchmarkEventBusComparison as one benchmark per
 * scenario with the document's sleeping handlers (scenario/light, /medium,
 * /heavy, /burst) and with busy-spinning ones (scenario_spin/...), and
 * BenchmarkEventBusPublish at 1, 10, 100 and 1000 concurrent publishers
 * (publish/publishers:N).  The design is named by
 * EVENTBUS_DESIGN=thread|pool|inline (default pool); names and parameters
 * are the same for every design, so two runs compare with `tach compare
 * thread.json pool.json`.  EVENTBUS_SIZES=doc runs the document's own
 * sizes (default: scaled to the demo's budget).  EVENTBUS_THREAD_STACK
 * (bytes) sets the thread design's stack size, for the experiment in
 * README.md.  components_bench.c holds the other components' benchmarks.
 *
 * A scenario's iteration is one whole scenario run: every publisher
 * publishes all its events and every handler call has completed
 * (eventbus_drain).  The bus and the publisher threads are made once per
 * call of the benchmark function, outside the timed loop, as the seed
 * does before b.ResetTimer.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tach/bench.h>
#include <tach/stats.h>

#include "ebench.h"
#include "eventbus.h"
#include "workload.h"

eventbus_design ebench_design = EVENTBUS_POOL;
size_t ebench_thread_stack;
int ebench_doc;

int ebench_sizes_from_env(void)
{
	const char *v = getenv("EVENTBUS_SIZES");
	if (!v || !*v || !strcmp(v, "scaled"))
		return 0;
	return strcmp(v, "doc") ? -1 : 1;
}

/* Publisher threads at most (EVENTBUS_MAX_PUBLISHERS): publishers past it
 * share threads, publisher p on thread p mod cap.  Scaled: 100, so that
 * the demo's publish/publishers:1000 (1000 publishes per op, 3000 handler
 * threads in the thread design) stays within its budget; doc: 1000, one
 * thread per publisher at every level of the document.  A thread is a
 * kernel task with its own stack (a goroutine is 2 KiB in user space): a
 * crew of 1000 costs 250 MiB of address space and ~30 ms to start. */
static unsigned max_publishers(void)
{
	const char *v = getenv("EVENTBUS_MAX_PUBLISHERS");
	long n = v && *v ? strtol(v, NULL, 10) : 0;
	return n > 0 ? (unsigned)n : ebench_doc ? 1000 : 100;
}

/* One subscriber's view: what it saw in the current run.  A line each,
 * so that handlers running at once do not share their counters' line. */
typedef struct handler_slot {
	_Alignas(64) atomic_uint_fast64_t calls, id_sum, work;
	unsigned index, handlers;
	int sleep; /* 1: the document's 10 us sleep, 0: a 10 us busy spin */
	double *latency; /* [event id * handlers + index], seconds; or NULL */
} handler_slot;

/* The subscriber: 10 us slept or spun, then the latency from publish to
 * here. */
static void bench_handler(const eventbus_event *ev, void *arg)
{
	handler_slot *h = arg;
	uint64_t x = ev->payload[0] + h->index;
	if (h->sleep)
		workload_sleep(WORKLOAD_HANDLER_NS);
	else
		x = workload_spin(WORKLOAD_HANDLER_NS, x);
	uint64_t done = eventbus_now_ns();
	/* each (event, handler) slot is written by exactly one call; the
	 * bus's drain orders these writes before the reader */
	if (h->latency)
		h->latency[ev->id * h->handlers + h->index] =
			(double)(done - ev->published_ns) * 1e-9;
	atomic_fetch_add_explicit(&h->calls, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->id_sum, ev->id, memory_order_relaxed);
	atomic_fetch_xor_explicit(&h->work, x, memory_order_relaxed);
}

/* What a call accumulates over its iterations. */
typedef struct totals {
	double seconds, p50, p95, p99;
	uint64_t allocs, bytes;
	unsigned peak;
} totals;

/* After a run (untimed): every handler saw every event once, then the
 * run's latency percentiles and the bus's counters.  NULL or the reason
 * the run is wrong. */
static const char *account(const scenario *sc, eventbus *bus, handler_slot *slots,
                           double *lat, totals *t)
{
	uint64_t e = sc->events;
	for (unsigned i = 0; i < sc->handlers; i++) {
		if (atomic_load(&slots[i].calls) != e)
			return "a handler missed or repeated an event (call count)";
		if (atomic_load(&slots[i].id_sum) != e * (e - 1) / 2)
			return "a handler missed or repeated an event (id checksum)";
	}
	eventbus_stats st;
	eventbus_get_stats(bus, &st);
	/* drained: no handler thread is left, only the pool's workers */
	unsigned want_live = ebench_design == EVENTBUS_POOL ? st.peak_threads : 0;
	if (st.calls != e * sc->handlers || st.published != e || st.live_threads != want_live)
		return "the bus's counters disagree with the handlers'";
	size_t n = (size_t)e * sc->handlers;
	if (tach_stats_sort(lat, n))
		return "out of memory";
	t->p50 += tach_stats_percentile_sorted(lat, n, 50);
	t->p95 += tach_stats_percentile_sorted(lat, n, 95);
	t->p99 += tach_stats_percentile_sorted(lat, n, 99);
	t->allocs += st.allocs;
	t->bytes += st.bytes;
	if (st.peak_threads > t->peak)
		t->peak = st.peak_threads;
	return NULL;
}

static void reset(const scenario *sc, eventbus *bus, handler_slot *slots)
{
	for (unsigned i = 0; i < sc->handlers; i++) {
		atomic_store(&slots[i].calls, 0);
		atomic_store(&slots[i].id_sum, 0);
	}
	eventbus_reset_stats(bus);
}

static void run_scenario(tach_state *s, const scenario *sc, int sleep)
{
	eventbus_opts o = {.design = ebench_design, .thread_stack = ebench_thread_stack};
	eventbus *bus = NULL;
	crew *pubs = NULL;
	handler_slot *slots = aligned_alloc(64, sc->handlers * sizeof *slots);
	double *lat = malloc((size_t)sc->events * sc->handlers * sizeof *lat);
	if (!slots || !lat || eventbus_new(&o, &bus)) {
		tach_skip_with_error(s, "cannot set up the bus");
		goto out;
	}
	for (unsigned i = 0; i < sc->handlers; i++) {
		memset(&slots[i], 0, sizeof slots[i]);
		slots[i].index = i;
		slots[i].handlers = sc->handlers;
		slots[i].sleep = sleep;
		slots[i].latency = lat;
		eventbus_subscribe(bus, bench_handler, &slots[i]);
	}
	if (crew_new(bus, sc->publishers, sc->events, tach_seed(s), &pubs)) {
		tach_skip_with_error(s, "cannot start the publishers");
		goto out;
	}

	totals t = {0};
	reset(sc, bus, slots);
	while (tach_loop(s)) {
		uint64_t t0 = eventbus_now_ns();
		int rc = crew_run(pubs);
		eventbus_drain(bus);
		uint64_t t1 = eventbus_now_ns();
		tach_pause(s);
		t.seconds += (double)(t1 - t0) * 1e-9;
		tach_set_iteration_time(s, (double)(t1 - t0) * 1e-9);
		const char *why = rc ? "a publish failed" : account(sc, bus, slots, lat, &t);
		if (why) {
			tach_skip_with_error(s, why);
			break;
		}
		reset(sc, bus, slots);
		tach_resume(s);
	}

	uint64_t n = tach_iterations(s);
	double e = sc->events;
	tach_set_items(s, n * sc->events);
	/* PER_ITERATION divides by the iterations: these are means per run */
	tach_set_metric(s, "time_per_event", t.seconds / e, "s", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_PER_ITERATION);
	tach_set_metric(s, "latency_p50", t.p50, "s", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_PER_ITERATION);
	tach_set_metric(s, "latency_p95", t.p95, "s", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_PER_ITERATION);
	tach_set_metric(s, "latency_p99", t.p99, "s", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_PER_ITERATION);
	tach_set_metric(s, "bytes_per_event", (double)t.bytes / e, "B", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_PER_ITERATION);
	tach_set_metric(s, "allocs_per_event", (double)t.allocs / e, "count",
	                TACH_LOWER_IS_BETTER, TACH_COUNTER_PER_ITERATION);
	/* a maximum, not a sum: TOTAL keeps it as is */
	tach_set_metric(s, "peak_threads", t.peak, "count", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_TOTAL);
	uint64_t work = 0;
	for (unsigned i = 0; i < sc->handlers; i++)
		work ^= atomic_load(&slots[i].work);
	tach_do_not_optimize(work);
out:
	crew_free(pubs);
	eventbus_free(bus);
	free(lat);
	free(slots);
}

/* BenchmarkEventBusPublish: one iteration is N publishers publishing
 * one event each at once (woken together, timed until every publish has
 * returned); the handlers (3, sleeping 10 us: LogLine's TUI, logger,
 * detector) finish untimed before the next iteration, so each op starts
 * from an idle bus, as the seed's ns/op, B/op and allocs/op per level. */
static void bm_publish(tach_state *s)
{
	unsigned n = (unsigned)tach_arg(s, 0), cap = max_publishers();
	unsigned threads = n < cap ? n : cap;
	enum { H = 3 };
	eventbus_opts o = {.design = ebench_design, .thread_stack = ebench_thread_stack};
	eventbus *bus = NULL;
	crew *pubs = NULL;
	handler_slot *slots = aligned_alloc(64, H * sizeof *slots);
	if (!slots || eventbus_new(&o, &bus)) {
		tach_skip_with_error(s, "cannot set up the bus");
		goto out;
	}
	for (unsigned i = 0; i < H; i++) {
		memset(&slots[i], 0, sizeof slots[i]);
		slots[i].index = i;
		slots[i].handlers = H;
		slots[i].sleep = 1;
		eventbus_subscribe(bus, bench_handler, &slots[i]);
	}
	if (crew_new(bus, threads, n, tach_seed(s), &pubs)) {
		tach_skip_with_error(s, "cannot start the publishers");
		goto out;
	}
	scenario sc = {"publish", threads, n, H};
	totals t = {0};
	reset(&sc, bus, slots);
	while (tach_loop(s)) {
		uint64_t t0 = eventbus_now_ns();
		int rc = crew_run(pubs);
		uint64_t t1 = eventbus_now_ns();
		tach_pause(s);
		tach_set_iteration_time(s, (double)(t1 - t0) * 1e-9);
		eventbus_drain(bus);
		/* the checks of a scenario run, without latencies */
		const char *why = rc ? "a publish failed" : NULL;
		for (unsigned i = 0; !why && i < H; i++)
			if (atomic_load(&slots[i].calls) != n)
				why = "a handler missed or repeated an event";
		eventbus_stats st;
		eventbus_get_stats(bus, &st);
		if (!why && (st.calls != (uint64_t)n * H || st.published != n))
			why = "the bus's counters disagree with the handlers'";
		if (why) {
			tach_skip_with_error(s, why);
			break;
		}
		if (st.peak_threads > t.peak)
			t.peak = st.peak_threads;
		t.allocs += st.allocs;
		t.bytes += st.bytes;
		reset(&sc, bus, slots);
		tach_resume(s);
	}
	tach_set_items(s, tach_iterations(s) * n);
	tach_set_metric(s, "peak_threads", t.peak, "count", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_TOTAL);
	tach_set_metric(s, "bus_bytes_per_op", (double)t.bytes, "B", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_PER_ITERATION);
	tach_set_metric(s, "publisher_threads", threads, "count", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_TOTAL);
out:
	crew_free(pubs);
	eventbus_free(bus);
	free(slots);
}

/* "scenario/light" is not a C identifier, so register by hand what
 * TACH_BENCH would: one function per scenario and handler kind.  Manual
 * time (the run's wall time, as the loop measures it) also drives the
 * calibration: the library's default judges a call by the calling
 * thread's CPU time, which here is a publisher crew's wake-up and wait,
 * ~1 % of the run, and would grow every repetition 100-fold past
 * --min-time. */
static const tach_bench_opts plain = {.manual_time = 1};
static const scenario *sizes(void)
{
	return ebench_doc ? workload_doc_scenarios : workload_scenarios;
}
#define SCENARIO(i)                                                           \
	static void bm_scenario_##i(tach_state *s)                            \
	{                                                                     \
		run_scenario(s, &sizes()[i], 1);                              \
	}                                                                     \
	static void bm_spin_##i(tach_state *s)                                \
	{                                                                     \
		run_scenario(s, &sizes()[i], 0);                              \
	}
SCENARIO(0)
SCENARIO(1)
SCENARIO(2)
SCENARIO(3)

/* scaled: 2 ms repetitions and at most 1 s per level, for the demo's
 * budget (a thread-design op at 1000 publishers takes ~0.1 s of wall) */
static const tach_bench_opts publish_scaled = {.args = TACH_ARGS(1, 10, 100, 1000),
                                               .arg_names = "publishers",
                                               .min_time = 0.002,
                                               .max_time = 1,
                                               .manual_time = 1};
static const tach_bench_opts publish_doc = {.args = TACH_ARGS(1, 10, 100, 1000),
                                            .arg_names = "publishers",
                                            .manual_time = 1};

__attribute__((constructor)) static void register_scenarios(void)
{
	static char names[8][32];
	tach_bench_fn fns[8] = {bm_scenario_0, bm_scenario_1, bm_scenario_2, bm_scenario_3,
	                        bm_spin_0,     bm_spin_1,     bm_spin_2,     bm_spin_3};
	ebench_doc = ebench_sizes_from_env() == 1;
	for (int i = 0; i < 8; i++) {
		snprintf(names[i], sizeof names[i], "%s/%s", i < 4 ? "scenario" : "scenario_spin",
		         workload_scenarios[i % 4].name);
		tach_bench_register(names[i], fns[i], &plain);
	}
	tach_bench_register("publish", bm_publish, ebench_doc ? &publish_doc : &publish_scaled);
}

/* The design comes from the environment, not the command line, so that
 * the benchmark names and options stay identical across designs; it is
 * recorded in the results as the label design=NAME. */
int main(int argc, char **argv)
{
	const char *d = getenv("EVENTBUS_DESIGN");
	if (d && *d && eventbus_design_parse(d, &ebench_design)) {
		fprintf(stderr, "EVENTBUS_DESIGN: unknown design '%s' (thread, pool or inline)\n", d);
		return 2;
	}
	const char *st = getenv("EVENTBUS_THREAD_STACK");
	char *end = NULL;
	if (st && *st && ((ebench_thread_stack = strtoull(st, &end, 10)) < 16384 || *end)) {
		fprintf(stderr, "EVENTBUS_THREAD_STACK: '%s' is not a byte count >= 16384\n", st);
		return 2;
	}
	if (ebench_sizes_from_env() < 0) {
		fprintf(stderr, "EVENTBUS_SIZES: unknown sizes '%s' (scaled or doc)\n",
		        getenv("EVENTBUS_SIZES"));
		return 2;
	}
	char label[32], stack_label[48];
	snprintf(label, sizeof label, "design=%s", eventbus_design_name(ebench_design));
	char *sizes_label = ebench_doc ? "sizes=doc" : "sizes=scaled";
	snprintf(stack_label, sizeof stack_label, "thread_stack=%zu", ebench_thread_stack);
	char **args = malloc(((size_t)argc + 7) * sizeof *args);
	if (!args)
		return 2;
	int n = 0;
	args[n++] = argv[0];
	args[n++] = "--label";
	args[n++] = label;
	args[n++] = "--label";
	args[n++] = sizes_label;
	if (ebench_thread_stack) {
		args[n++] = "--label";
		args[n++] = stack_label;
	}
	for (int i = 1; i <= argc; i++)
		args[n++] = argv[i]; /* argv[argc] is NULL */
	int rc = tach_main(n - 1, args);
	free(args);
	return rc;
}
