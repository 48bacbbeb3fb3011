/* components_bench.c - the seed's benchmarks of the components around
 * the bus, in the same program (example_eventbus) and with the same
 * design switch (EVENTBUS_DESIGN: thread = the seed's "before", pool and
 * inline = "after"; ebench.h):
 *
 *   procmgr/start            start a process (posix_spawn of /bin/true)
 *   procmgr/status_check     10 processes' status, 10 parallel readers
 *   procmgr/list             listing 50 processes (a copied snapshot)
 *   procmgr/status_update    status writes, 10 threads on 10 processes
 *   status/mutex, status/atomic   the lock model: 10 reads and 1 write per
 *                            op, 1 and 2 threads, both variants in every run
 *   logstore/add_async       AddLog through the 1000-line queue
 *   logstore/add_sync        the fallback path alone
 *   logstore/search/substring, logstore/search/regex   10,000 lines
 *   logstore/saturation      a full 1000-line queue drained: the rate above
 *                            which the queue fills, and the recovery time
 *   proxy/request            the proxy's request-processing path
 *   realistic/...            the realistic workload at the seed's rates
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tach/bench.h>

#include "ebench.h"
#include "logstore.h"
#include "procmgr.h"
#include "proxy.h"
#include "realistic.h"
#include "workload.h"

static procmgr_lock status_lock(void)
{
	return ebench_after() ? PROCMGR_ATOMIC : PROCMGR_MUTEX;
}

static logstore_entries log_entries(void)
{
	return ebench_after() ? LOGSTORE_RING : LOGSTORE_MALLOC;
}

/* ---- the process manager ---- */

/* Shared by the threads of one multi-thread benchmark: made by .setup,
 * freed by .teardown. */
static procmgr *shared_mgr;
static procmgr_proc *shared_procs[50];

static void make_procs(size_t n)
{
	if (procmgr_new(status_lock(), &shared_mgr))
		return;
	for (size_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof name, "proc-%zu", i);
		if (procmgr_add(shared_mgr, name, &shared_procs[i])) {
			procmgr_free(shared_mgr);
			shared_mgr = NULL;
			return;
		}
		procmgr_set_status(shared_procs[i], PROC_RUNNING);
	}
}
static void setup_10(tach_state *s)
{
	(void)s;
	make_procs(10);
}
static void setup_50(tach_state *s)
{
	(void)s;
	make_procs(50);
}
static void teardown_procs(tach_state *s)
{
	(void)s;
	procmgr_free(shared_mgr);
	shared_mgr = NULL;
}

/* b.Run("StartProcess"): one process started (timed: posix_spawn and the
 * registration), then reaped untimed.  A small, fixed environment: the
 * child must not inherit the allocation counter's LD_PRELOAD. */
static void bm_start(tach_state *s)
{
	procmgr *m;
	if (procmgr_new(status_lock(), &m)) {
		tach_skip_with_error(s, "out of memory");
		return;
	}
	char *argv[] = {"/bin/true", NULL};
	char *envp[] = {"PATH=/usr/bin:/bin", NULL};
	while (tach_loop(s)) {
		procmgr_proc *p;
		int rc = procmgr_start(m, "true", argv, envp, &p);
		tach_pause(s);
		if (rc || procmgr_wait(m, p) || procmgr_get_status(p) != PROC_EXITED) {
			tach_skip_with_error(s, "cannot start /bin/true");
			break;
		}
		tach_resume(s);
	}
	procmgr_free(m);
}

/* b.Run("StatusCheck") under b.RunParallel: every op reads the status of
 * all 10 processes; 10 threads at once. */
static void bm_status_check(tach_state *s)
{
	if (!shared_mgr) {
		tach_skip_with_error(s, "cannot make the processes");
		return;
	}
	unsigned running = 0;
	while (tach_loop(s))
		for (int i = 0; i < 10; i++)
			running += procmgr_get_status(shared_procs[i]) == PROC_RUNNING;
	if (running != tach_iterations(s) * 10)
		tach_skip_with_error(s, "a status read back wrong");
	tach_set_items(s, tach_iterations(s) * 10);
}

/* b.Run("ProcessListing"): the snapshot of 50 processes, copied. */
static void bm_list(tach_state *s)
{
	if (!shared_mgr) {
		tach_skip_with_error(s, "cannot make the processes");
		return;
	}
	while (tach_loop(s)) {
		procmgr_info *all;
		size_t n;
		if (procmgr_list(shared_mgr, &all, &n) || n != 50) {
			tach_skip_with_error(s, "the listing lost processes");
			free(all);
			break;
		}
		tach_do_not_optimize(all);
		free(all);
	}
}

/* b.Run("StatusUpdate") under b.RunParallel: 10 threads set the status of
 * the 10 processes in turn, colliding on the same ones. */
static void bm_status_update(tach_state *s)
{
	if (!shared_mgr) {
		tach_skip_with_error(s, "cannot make the processes");
		return;
	}
	unsigned i = (unsigned)tach_thread_index(s);
	while (tach_loop(s)) {
		procmgr_set_status(shared_procs[i % 10], PROC_RUNNING);
		i++;
	}
}

/* Ten threads on two cores start and end a call at different times; a
 * 50 ms call keeps that skew (a few ms) from being the measurement. */
static tach_bench_opts opts_check = {.threads = TACH_THREADS(10), .setup = setup_10,
                                     .teardown = teardown_procs, .min_time = 0.05};
static tach_bench_opts opts_list = {.setup = setup_50, .teardown = teardown_procs};
static tach_bench_opts opts_update = {.threads = TACH_THREADS(10), .setup = setup_10,
                                      .teardown = teardown_procs, .min_time = 0.05};

/* ---- mutex against atomic: the seed's LockPerformanceModel ---- */

/* One op = 10 status reads and 1 write on one process (the seed's 50
 * reads to 5 writes per second), on a process per thread (1 thread) or
 * one process for all (2 threads: the contention). */
static procmgr *lock_mgr[2];
static procmgr_proc *lock_proc[2];
static void lock_setup(tach_state *s, procmgr_lock l)
{
	(void)s;
	if (procmgr_new(l, &lock_mgr[l]) || procmgr_add(lock_mgr[l], "p", &lock_proc[l])) {
		procmgr_free(lock_mgr[l]);
		lock_mgr[l] = NULL;
	}
}
static void setup_mutex(tach_state *s)
{
	lock_setup(s, PROCMGR_MUTEX);
}
static void setup_atomic(tach_state *s)
{
	lock_setup(s, PROCMGR_ATOMIC);
}
static void lock_teardown(tach_state *s)
{
	(void)s;
	for (int l = 0; l < 2; l++) {
		procmgr_free(lock_mgr[l]);
		lock_mgr[l] = NULL;
	}
}
static void lock_ops(tach_state *s, procmgr_lock l)
{
	procmgr_proc *p = lock_proc[l];
	if (!lock_mgr[l]) {
		tach_skip_with_error(s, "out of memory");
		return;
	}
	unsigned seen = 0;
	while (tach_loop(s)) {
		for (int i = 0; i < 10; i++)
			seen += procmgr_get_status(p);
		procmgr_set_status(p, PROC_RUNNING);
	}
	tach_do_not_optimize(seen);
}
static void bm_lock_mutex(tach_state *s)
{
	lock_ops(s, PROCMGR_MUTEX);
}
static void bm_lock_atomic(tach_state *s)
{
	lock_ops(s, PROCMGR_ATOMIC);
}
static tach_bench_opts opts_mutex = {.threads = TACH_THREADS(1, 2), .setup = setup_mutex,
                                     .teardown = lock_teardown, .min_time = 0.02};
static tach_bench_opts opts_atomic = {.threads = TACH_THREADS(1, 2), .setup = setup_atomic,
                                      .teardown = lock_teardown, .min_time = 0.02};

/* ---- the log store ---- */

/* A log line of about 100 bytes; one in 20 reports an error, one in 10
 * names a URL (what the searches below find). */
static void log_line(char *buf, size_t n, uint64_t i)
{
	snprintf(buf, n, "%s compiled module %llu of build %llu in %llu ms%s",
	         i % 20 == 0 ? "error: " : "info: ", (unsigned long long)(i % 977),
	         (unsigned long long)(i / 977), (unsigned long long)(i * 7 % 300),
	         i % 10 == 0 ? " (see http://localhost:8080/status)" : "");
}

static logstore *new_store(tach_state *s)
{
	logstore_opts o = {.entries = log_entries()};
	logstore *ls;
	if (logstore_new(&o, &ls)) {
		tach_skip_with_error(s, "cannot make the log store");
		return NULL;
	}
	return ls;
}

/* The store's own heap bytes per second of the benchmark (what the
 * seed's "LogStore-bytes/sec" gate watches), and the share of adds that
 * the queue took. */
static void store_metrics(tach_state *s, logstore *ls)
{
	logstore_stats st;
	logstore_get_stats(ls, &st);
	tach_set_metric(s, "alloc_bytes_per_second", (double)st.bytes, "B", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_RATE);
	double adds = (double)(st.queued + st.fallbacks);
	if (adds > 0)
		tach_set_metric(s, "async_share", 100.0 * (double)st.queued / adds, "%",
		                TACH_HIGHER_IS_BETTER, TACH_COUNTER_TOTAL);
}

static void log_add(tach_state *s, int async)
{
	logstore *ls = new_store(s);
	if (!ls)
		return;
	char line[160];
	uint64_t i = 0;
	while (tach_loop(s)) {
		log_line(line, sizeof line, i++);
		int rc = async ? logstore_add_async(ls, (uint32_t)(i & 7), line)
		               : logstore_add_sync(ls, (uint32_t)(i & 7), line);
		if (rc < 0) {
			tach_skip_with_error(s, "out of memory");
			break;
		}
	}
	tach_pause(s);
	logstore_flush(ls);
	logstore_stats st;
	logstore_get_stats(ls, &st);
	if (st.stored != tach_iterations(s))
		tach_skip_with_error(s, "the store lost lines");
	tach_resume(s);
	store_metrics(s, ls);
	logstore_free(ls);
}

/* b.Run("AddLogAsync"): the queue, with the writer draining it. */
static void bm_add_async(tach_state *s)
{
	log_add(s, 1);
}

/* b.Run("AddLogSync"): the mutex path the async add falls back to. */
static void bm_add_sync(tach_state *s)
{
	log_add(s, 0);
}

/* b.Run("SearchLogs"): 10,000 stored lines, searched by substring and by
 * regex; the matches (500 of them) are returned as a copied list. */
static void log_search(tach_state *s, int regex)
{
	logstore *ls = new_store(s);
	if (!ls)
		return;
	char line[160];
	for (uint64_t i = 0; i < 10000; i++) {
		log_line(line, sizeof line, i);
		logstore_add_sync(ls, (uint32_t)(i & 7), line);
	}
	const char *pattern = regex ? "^error: .* module [0-9]+ of build [0-9]+" : "error: ";
	size_t want = 500, found = 0;
	while (tach_loop(s)) {
		uint64_t *seqs;
		size_t n;
		if (logstore_search(ls, pattern, regex, &seqs, &n)) {
			tach_skip_with_error(s, "the search failed");
			break;
		}
		found = n;
		free(seqs);
	}
	if (found != want)
		tach_skip_with_error(s, "the search found a wrong number of lines");
	tach_set_items(s, tach_iterations(s) * 10000);
	logstore_free(ls);
}
static void bm_search_substring(tach_state *s)
{
	log_search(s, 0);
}
static void bm_search_regex(tach_state *s)
{
	log_search(s, 1);
}

/* TestLogStoreChannelSaturation: the writer is held while 1000 lines fill
 * the queue (the 1001st must fall back to the sync path), then let go;
 * the time to drain the full queue is the iteration's time (manual
 * timing), so items_per_second = lines drained per second = the arrival
 * rate above which a 1000-line queue fills (the saturation point), and
 * `time` = the recovery time after a burst. */
static void bm_saturation(tach_state *s)
{
	logstore *ls = new_store(s);
	if (!ls)
		return;
	char line[160];
	uint64_t i = 0;
	while (tach_loop(s)) {
		logstore_hold(ls, 1);
		int fell = 0;
		for (int k = 0; k <= 1000; k++) {
			log_line(line, sizeof line, i++);
			int rc = logstore_add_async(ls, 0, line);
			fell += rc == 1;
		}
		if (fell != 1 || logstore_queue_length(ls) != 1000) {
			tach_skip_with_error(s, "the queue did not hold exactly 1000 lines");
			logstore_hold(ls, 0);
			break;
		}
		uint64_t t0 = eventbus_now_ns();
		logstore_hold(ls, 0);
		logstore_flush(ls);
		tach_set_iteration_time(s, (double)(eventbus_now_ns() - t0) * 1e-9);
	}
	tach_set_items(s, tach_iterations(s) * 1000);
	logstore_free(ls);
}

/* ---- the proxy ---- */

static atomic_uint_fast64_t proxy_seen;
static void proxy_handler(const eventbus_event *ev, void *arg)
{
	(void)arg;
	atomic_fetch_add_explicit(&proxy_seen, ev->type == PROXY_EVENT_TYPE,
	                          memory_order_relaxed);
}

/* b.Run("RequestProcessing"): one request per op through the proxy's
 * path; the bus's one subscriber (the TUI's activity view) counts. */
static void bm_proxy(tach_state *s)
{
	eventbus_opts o = {.design = ebench_design, .thread_stack = ebench_thread_stack};
	eventbus *bus;
	proxy *px = NULL;
	if (eventbus_new(&o, &bus) || proxy_new(bus, 1000, &px)) {
		tach_skip_with_error(s, "cannot set up the proxy");
		eventbus_free(bus);
		return;
	}
	eventbus_subscribe(bus, proxy_handler, NULL);
	atomic_store(&proxy_seen, 0);
	uint64_t i = 0;
	char url[64];
	while (tach_loop(s)) {
		snprintf(url, sizeof url, "/api/items/%llu", (unsigned long long)i++);
		if (proxy_process_request(px, "GET", url, "Accept: application/json", 200, 1000000,
		                          2048)) {
			tach_skip_with_error(s, "a request failed");
			break;
		}
	}
	tach_pause(s);
	eventbus_drain(bus);
	if (atomic_load(&proxy_seen) != proxy_requests(px))
		tach_skip_with_error(s, "the bus lost request events");
	tach_resume(s);
	proxy_free(px);
	eventbus_free(bus);
}

/* ---- the realistic workload ---- */

/* Its duration: EVENTBUS_REALISTIC_SECONDS, default 1 s scaled and 10 s
 * with the document's sizes (the seed runs 5 minutes: 300). */
static double realistic_seconds(void)
{
	const char *v = getenv("EVENTBUS_REALISTIC_SECONDS");
	double d = v && *v ? strtod(v, NULL) : 0;
	return d > 0 ? d : ebench_doc ? 10 : 1;
}

static void realistic_handler(const eventbus_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	workload_sleep(WORKLOAD_HANDLER_NS);
}

/* TestRealisticWorkload: one iteration is one whole run.  The rates are
 * the benchmark's parameters (logs, events, status per process,
 * requests; 8 processes). */
static void bm_realistic(tach_state *s)
{
	realistic_params p = {
		.seconds = realistic_seconds(),
		.log_rate = (double)tach_arg(s, 0),
		.event_rate = (double)tach_arg(s, 1),
		.status_rate = (double)tach_arg(s, 2),
		.request_rate = (double)tach_arg(s, 3),
	};
	eventbus_opts o = {.design = ebench_design, .thread_stack = ebench_thread_stack};
	eventbus *bus = NULL;
	logstore *ls = new_store(s);
	proxy *px = NULL;
	procmgr *m = NULL;
	procmgr_proc *procs[REALISTIC_SEED_PROCESSES];
	if (!ls || eventbus_new(&o, &bus) || proxy_new(bus, 1000, &px) ||
	    procmgr_new(status_lock(), &m)) {
		tach_skip_with_error(s, "cannot set up the system");
		goto out;
	}
	/* LogLine's five handlers in the seed; here the bus carries the
	 * generated events with three (TUI, logger, process manager) */
	for (int h = 0; h < 3; h++)
		eventbus_subscribe(bus, realistic_handler, NULL);
	for (int k = 0; k < REALISTIC_SEED_PROCESSES; k++) {
		procmgr_add(m, "dev", &procs[k]);
		procmgr_set_status(procs[k], PROC_RUNNING);
	}
	realistic_result r = {0};
	double lat[REALISTIC_STREAMS][2] = {{0}}, achieved[REALISTIC_STREAMS] = {0};
	double late = 0;
	while (tach_loop(s)) {
		if (realistic_run(&p, bus, ls, px, procs, REALISTIC_SEED_PROCESSES, &r)) {
			tach_skip_with_error(s, "the workload failed to start");
			break;
		}
		tach_pause(s);
		eventbus_drain(bus);
		logstore_flush(ls);
		for (int k = 0; k < REALISTIC_STREAMS; k++) {
			lat[k][0] += r.streams[k].p50;
			lat[k][1] += r.streams[k].p99;
			achieved[k] += r.streams[k].achieved;
			late += (double)r.streams[k].late;
			if (r.streams[k].failed || r.streams[k].done != r.streams[k].scheduled)
				tach_skip_with_error(s, "an operation of the workload failed");
		}
		tach_resume(s);
	}
	for (int k = 0; k < REALISTIC_STREAMS; k++) {
		char name[48];
		snprintf(name, sizeof name, "%s_latency_p50", r.streams[k].name);
		tach_set_metric(s, name, lat[k][0], "s", TACH_LOWER_IS_BETTER,
		                TACH_COUNTER_PER_ITERATION);
		snprintf(name, sizeof name, "%s_latency_p99", r.streams[k].name);
		tach_set_metric(s, name, lat[k][1], "s", TACH_LOWER_IS_BETTER,
		                TACH_COUNTER_PER_ITERATION);
		snprintf(name, sizeof name, "%s_achieved_rate", r.streams[k].name);
		tach_set_metric(s, name, achieved[k], "/s", TACH_HIGHER_IS_BETTER,
		                TACH_COUNTER_PER_ITERATION);
	}
	tach_set_metric(s, "late_starts", late, "count", TACH_LOWER_IS_BETTER,
	                TACH_COUNTER_PER_ITERATION);
	if (ls)
		store_metrics(s, ls);
out:
	procmgr_free(m);
	proxy_free(px);
	eventbus_free(bus);
	logstore_free(ls);
}

static tach_bench_opts plain;
static tach_bench_opts opts_start = {.min_time = 0.05};
static tach_bench_opts opts_saturation = {.manual_time = 1, .min_time = 0.02};
static tach_bench_opts opts_realistic = {
	.args_product = TACH_PRODUCT(TACH_ARGS(200), TACH_ARGS(50), TACH_ARGS(10), TACH_ARGS(25)),
	.arg_names = "logs,events,status,requests",
	.repetitions = 3,
};

__attribute__((constructor)) static void register_components(void)
{
	ebench_doc = ebench_sizes_from_env() == 1;
	/* three runs, then stop: the budget ends the repetitions that a
	 * --max-repetitions 10 on the command line would otherwise allow */
	opts_realistic.max_time = 3.5 * realistic_seconds() + 2;
	/* scaled: at most 0.5 s each, 1.5 s for the multi-thread ones (50 ms
	 * calls), for the demo's budget */
	tach_bench_opts *scaled[] = {&opts_start, &opts_list, &opts_saturation, &plain};
	tach_bench_opts *threaded[] = {&opts_check, &opts_update, &opts_mutex, &opts_atomic};
	for (size_t i = 0; !ebench_doc && i < 4; i++) {
		scaled[i]->max_time = 0.5;
		threaded[i]->max_time = 1.5;
	}
	tach_bench_register("procmgr/start", bm_start, &opts_start);
	tach_bench_register("procmgr/status_check", bm_status_check, &opts_check);
	tach_bench_register("procmgr/list", bm_list, &opts_list);
	tach_bench_register("procmgr/status_update", bm_status_update, &opts_update);
	tach_bench_register("status/mutex", bm_lock_mutex, &opts_mutex);
	tach_bench_register("status/atomic", bm_lock_atomic, &opts_atomic);
	tach_bench_register("logstore/add_async", bm_add_async, &plain);
	tach_bench_register("logstore/add_sync", bm_add_sync, &plain);
	tach_bench_register("logstore/search/substring", bm_search_substring, &plain);
	tach_bench_register("logstore/search/regex", bm_search_regex, &plain);
	tach_bench_register("logstore/saturation", bm_saturation, &opts_saturation);
	tach_bench_register("proxy/request", bm_proxy, &plain);
	tach_bench_register("realistic", bm_realistic, &opts_realistic);
}
