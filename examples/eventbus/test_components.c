/* test_components.c - correctness of the components around the bus:
 * the process manager in both status variants (start, wait, exit codes,
 * listing, status under concurrent readers and writers), the log store in
 * both entry variants (queue, fallback when full, flush, eviction,
 * substring and regex search, allocation counts, concurrent adds), the
 * proxy's request path, the realistic workload's schedule, and the
 * document's scenario sizes.  Part of test_eventbus.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "logstore.h"
#include "procmgr.h"
#include "proxy.h"
#include "realistic.h"
#include "test_check.h"
#include "workload.h"

/* ---- process manager ---- */

typedef struct status_job {
	procmgr_proc **procs;
	int writer;
	atomic_uint *bad;
} status_job;

static void *status_worker(void *p)
{
	status_job *j = p;
	for (int i = 0; i < 20000; i++) {
		procmgr_proc *pr = j->procs[i % 10];
		if (j->writer)
			procmgr_set_status(pr, (i & 1) ? PROC_RUNNING : PROC_STOPPED);
		else {
			procmgr_status st = procmgr_get_status(pr);
			if (st != PROC_RUNNING && st != PROC_STOPPED)
				atomic_fetch_add(j->bad, 1);
		}
	}
	return NULL;
}

static void test_procmgr(procmgr_lock l)
{
	const char *name = procmgr_lock_name(l);
	procmgr *m;
	CHECK(procmgr_new(l, &m) == 0, "%s: procmgr_new", name);
	procmgr_proc *procs[50];
	for (int i = 0; i < 50; i++) {
		char n[16];
		snprintf(n, sizeof n, "p%d", i);
		CHECK(procmgr_add(m, n, &procs[i]) == 0, "%s: add %d", name, i);
		CHECK(procmgr_get_status(procs[i]) == PROC_PENDING, "%s: a new process is pending",
		      name);
		procmgr_set_status(procs[i], PROC_RUNNING);
	}
	procmgr_info *all;
	size_t n;
	CHECK(procmgr_list(m, &all, &n) == 0 && n == 50, "%s: list of 50: %zu", name, n);
	for (size_t i = 0; i < n; i++) {
		char want[32];
		snprintf(want, sizeof want, "p%zu", i);
		CHECK(all[i].id == i && !strcmp(all[i].name, want) && all[i].status == PROC_RUNNING,
		      "%s: listing line %zu is %u %s %d", name, i, all[i].id, all[i].name,
		      all[i].status);
	}
	free(all);

	/* 4 writers flip the first 10 between two states while 4 readers
	 * check that they only ever see one of the two */
	atomic_uint bad = 0;
	pthread_t t[8];
	status_job jobs[8];
	for (int i = 0; i < 8; i++) {
		jobs[i] = (status_job){procs, i < 4, &bad};
		pthread_create(&t[i], NULL, status_worker, &jobs[i]);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	CHECK(bad == 0, "%s: %u reads saw a status nobody wrote", name, bad);

	/* real processes: exit codes, and a path that does not exist */
	char *env[] = {"PATH=/usr/bin:/bin", NULL};
	char *ok[] = {"/bin/true", NULL}, *no[] = {"/bin/false", NULL},
	     *none[] = {"/nonexistent/tach-test", NULL};
	procmgr_proc *p;
	CHECK(procmgr_start(m, "true", ok, env, &p) == 0 &&
	              procmgr_get_status(p) == PROC_RUNNING,
	      "%s: start /bin/true", name);
	CHECK(procmgr_wait(m, p) == 0 && procmgr_get_status(p) == PROC_EXITED, "%s: wait", name);
	CHECK(procmgr_start(m, "false", no, env, &p) == 0 && procmgr_wait(m, p) == 0, "%s: false",
	      name);
	CHECK(procmgr_list(m, &all, &n) == 0 && n == 52 && all[51].exit_code == 1 &&
	              all[50].exit_code == 0 && all[51].pid > 0,
	      "%s: exit codes in the listing", name);
	free(all);
	CHECK(procmgr_start(m, "none", none, env, &p) == -ENOENT &&
	              procmgr_get_status(p) == PROC_FAILED,
	      "%s: a missing program fails and is listed as failed", name);
	CHECK(procmgr_wait(m, p) == -ECHILD, "%s: waiting for a process never started", name);
	CHECK(procmgr_count(m) == 53, "%s: count", name);
	procmgr_free(m);
	procmgr_free(NULL);
}

/* ---- log store ---- */

typedef struct add_job {
	logstore *ls;
	uint32_t proc;
} add_job;

static void *adder(void *p)
{
	add_job *j = p;
	char line[64];
	for (int i = 0; i < 1000; i++) {
		snprintf(line, sizeof line, "proc %u line %d", j->proc, i);
		logstore_add_async(j->ls, j->proc, line);
	}
	return NULL;
}

static void test_logstore(logstore_entries e)
{
	const char *name = logstore_entries_name(e);
	logstore_opts o = {.queue_capacity = 4, .max_entries = 10, .entries = e};
	logstore *ls;
	CHECK(logstore_new(&o, &ls) == 0, "%s: logstore_new", name);

	/* a held writer: 4 lines fill the queue, the 5th falls back */
	logstore_hold(ls, 1);
	int rc[5];
	char line[64];
	for (int i = 0; i < 5; i++) {
		snprintf(line, sizeof line, "%s line %d%s", i % 2 ? "error:" : "info:", i,
		         i == 3 ? " http://x/" : "");
		rc[i] = logstore_add_async(ls, 1, line);
	}
	CHECK(rc[0] == 0 && rc[3] == 0 && rc[4] == 1, "%s: queue of 4: %d %d %d", name, rc[0],
	      rc[3], rc[4]);
	CHECK(logstore_queue_length(ls) == 4 && logstore_count(ls) == 1,
	      "%s: 4 queued, 1 stored while held", name);
	logstore_hold(ls, 0);
	logstore_flush(ls);
	CHECK(logstore_queue_length(ls) == 0 && logstore_count(ls) == 5, "%s: flushed", name);
	logstore_stats st;
	logstore_get_stats(ls, &st);
	CHECK(st.queued == 4 && st.fallbacks == 1 && st.stored == 5, "%s: counts %llu %llu %llu",
	      name, (unsigned long long)st.queued, (unsigned long long)st.fallbacks,
	      (unsigned long long)st.stored);
	CHECK(st.errors == 2 && st.urls == 1, "%s: detectors %llu %llu", name,
	      (unsigned long long)st.errors, (unsigned long long)st.urls);

	/* 20 more: the store keeps the newest 10 (seqs 16..25) */
	for (int i = 5; i < 25; i++) {
		snprintf(line, sizeof line, "%s line %d", i % 2 ? "error:" : "info:", i);
		logstore_add_sync(ls, 2, line);
	}
	uint64_t *seqs;
	size_t n;
	CHECK(logstore_search(ls, "line", 0, &seqs, &n) == 0 && n == 10 && seqs[0] == 16 &&
	              seqs[9] == 25,
	      "%s: the newest 10 are kept, oldest first", name);
	free(seqs);
	CHECK(logstore_search(ls, "error:", 0, &seqs, &n) == 0 && n == 5, "%s: substring: %zu",
	      name, n);
	free(seqs);
	/* the kept lines are 15..24: the odd ones of 20..24 */
	CHECK(logstore_search(ls, "^error: line 2[0-9]$", 1, &seqs, &n) == 0 && n == 2,
	      "%s: regex: %zu", name, n);
	free(seqs);
	CHECK(logstore_search(ls, "nothing", 0, &seqs, &n) == 0 && n == 0 && !seqs,
	      "%s: no match", name);
	CHECK(logstore_search(ls, "([", 1, &seqs, &n) == -EINVAL, "%s: a bad regex", name);
	logstore_get_stats(ls, &st);
	CHECK(st.evicted == 15, "%s: evicted %llu", name, (unsigned long long)st.evicted);
	if (e == LOGSTORE_MALLOC)
		CHECK(st.allocs == 25 && st.bytes == 25 * sizeof(logstore_entry),
		      "malloc: %llu allocations", (unsigned long long)st.allocs);
	else
		CHECK(st.allocs == 0 && st.bytes == 0, "ring: %llu allocations",
		      (unsigned long long)st.allocs);
	logstore_free(ls);

	/* 4 threads x 1000 async adds into a 1000-line queue: every line is
	 * stored once, by the queue or by the fallback */
	logstore_opts big = {.entries = e};
	CHECK(logstore_new(&big, &ls) == 0, "%s: logstore_new", name);
	pthread_t t[4];
	add_job jobs[4];
	for (uint32_t i = 0; i < 4; i++) {
		jobs[i] = (add_job){ls, i};
		pthread_create(&t[i], NULL, adder, &jobs[i]);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	logstore_flush(ls);
	logstore_get_stats(ls, &st);
	CHECK(st.stored == 4000 && st.queued + st.fallbacks == 4000 && logstore_count(ls) == 4000,
	      "%s: 4000 adds: stored %llu", name, (unsigned long long)st.stored);
	CHECK(logstore_search(ls, "line 999", 0, &seqs, &n) == 0 && n == 4,
	      "%s: each thread's last line: %zu", name, n);
	free(seqs);
	logstore_free(ls);
	logstore_free(NULL);
}

/* ---- proxy ---- */

static atomic_uint proxy_events;
static void count_event(const eventbus_event *ev, void *arg)
{
	(void)arg;
	if (ev->type == PROXY_EVENT_TYPE && ev->payload[0] == 200)
		atomic_fetch_add(&proxy_events, 1);
}

static void test_proxy(eventbus_design d)
{
	eventbus_opts o = {.design = d};
	eventbus *bus;
	proxy *px;
	CHECK(eventbus_new(&o, &bus) == 0 && proxy_new(bus, 5, &px) == 0, "proxy: setup");
	eventbus_subscribe(bus, count_event, NULL);
	atomic_store(&proxy_events, 0);
	for (int i = 0; i < 12; i++)
		CHECK(proxy_process_request(px, "GET", "/x", "Accept: */*", 200, 1000, 10) == 0,
		      "proxy: request %d", i);
	eventbus_drain(bus);
	CHECK(proxy_requests(px) == 12 && proxy_history_count(px) == 5 && proxy_events == 12,
	      "proxy (%s): %llu requests, %zu kept, %u events", eventbus_design_name(d),
	      (unsigned long long)proxy_requests(px), proxy_history_count(px),
	      (unsigned)proxy_events);
	proxy_free(px);
	eventbus_free(bus);
}

/* ---- realistic workload ---- */

static void test_realistic(void)
{
	eventbus_opts o = {.design = EVENTBUS_POOL, .workers = 2};
	eventbus *bus;
	logstore *ls;
	proxy *px;
	procmgr *m;
	procmgr_proc *procs[3];
	CHECK(eventbus_new(&o, &bus) == 0 && logstore_new(NULL, &ls) == 0 &&
	              proxy_new(bus, 0, &px) == 0 && procmgr_new(PROCMGR_ATOMIC, &m) == 0,
	      "realistic: setup");
	for (int i = 0; i < 3; i++) {
		procmgr_add(m, "p", &procs[i]);
		procmgr_set_status(procs[i], PROC_RUNNING);
	}
	/* 0.2 s at 100 logs, 50 events, 20 checks per process, 25 requests */
	realistic_params p = {.seconds = 0.2, .log_rate = 100, .event_rate = 50,
	                      .status_rate = 20, .request_rate = 25};
	realistic_result r;
	CHECK(realistic_run(&p, bus, ls, px, procs, 3, &r) == 0, "realistic: run");
	uint64_t want[REALISTIC_STREAMS] = {20, 10, 12, 5};
	for (int k = 0; k < REALISTIC_STREAMS; k++)
		CHECK(r.streams[k].scheduled == want[k] && r.streams[k].done == want[k] &&
		              r.streams[k].failed == 0 && r.streams[k].p50 > 0 &&
		              r.streams[k].p50 <= r.streams[k].p99 &&
		              r.streams[k].p99 <= r.streams[k].max,
		      "realistic: stream %s: %llu of %llu scheduled (want %llu), %llu failed",
		      r.streams[k].name, (unsigned long long)r.streams[k].done,
		      (unsigned long long)r.streams[k].scheduled, (unsigned long long)want[k],
		      (unsigned long long)r.streams[k].failed);
	eventbus_drain(bus);
	logstore_flush(ls);
	CHECK(logstore_count(ls) == 20 && proxy_requests(px) == 5, "realistic: %zu lines, %llu requests",
	      logstore_count(ls), (unsigned long long)proxy_requests(px));
	realistic_params bad = p;
	bad.event_rate = 0;
	CHECK(realistic_run(&bad, bus, ls, px, procs, 3, &r) == -EINVAL, "realistic: a zero rate");
	realistic_params seed = realistic_seed_params(300);
	CHECK(seed.log_rate == 200 && seed.event_rate == 50 && seed.status_rate == 10 &&
	              seed.request_rate == 25 && seed.seconds == 300,
	      "realistic: the seed's rates");
	procmgr_free(m);
	proxy_free(px);
	eventbus_free(bus);
	logstore_free(ls);
}

void test_components(void)
{
	/* the document's own sizes, as BenchmarkEventBusComparison has them */
	static const unsigned doc[4][3] = {{10, 1000, 3}, {50, 5000, 5}, {100, 10000, 8},
	                                   {500, 50000, 3}};
	for (int i = 0; i < 4; i++)
		CHECK(workload_doc_scenarios[i].publishers == doc[i][0] &&
		              workload_doc_scenarios[i].events == doc[i][1] &&
		              workload_doc_scenarios[i].handlers == doc[i][2] &&
		              !strcmp(workload_doc_scenarios[i].name, workload_scenarios[i].name),
		      "doc scenario %d", i);
	uint64_t t0 = eventbus_now_ns();
	workload_sleep(WORKLOAD_HANDLER_NS);
	CHECK(eventbus_now_ns() - t0 >= WORKLOAD_HANDLER_NS, "the sleep handler sleeps");

	test_procmgr(PROCMGR_MUTEX);
	test_procmgr(PROCMGR_ATOMIC);
	printf("procmgr: checked (mutex, atomic)\n");
	test_logstore(LOGSTORE_MALLOC);
	test_logstore(LOGSTORE_RING);
	printf("logstore: checked (malloc, ring)\n");
	for (int d = 0; d < 3; d++)
		test_proxy((eventbus_design)d);
	printf("proxy: checked\n");
	test_realistic();
	printf("realistic: checked\n");
}
