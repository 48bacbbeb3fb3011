/* realistic.c - the realistic workload of realistic.h: one thread per
 * stream, each running its operation at the scheduled starts t0 + i/rate
 * for i = 0, 1, ... while t0 + i/rate < t0 + seconds.  A start that falls
 * behind runs at once (it is never skipped), and its latency counts from
 * the schedule.  Latencies are kept per operation and sorted at the end.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "realistic.h"
#include "workload.h"

realistic_params realistic_seed_params(double seconds)
{
	realistic_params p = {
		.seconds = seconds,
		.log_rate = 200,
		.event_rate = 50,
		.status_rate = 10,
		.request_rate = 25,
	};
	return p;
}

typedef struct stream_ctx {
	int kind;
	double rate, seconds;
	uint64_t t0;
	eventbus *bus;
	logstore *logs;
	proxy *px;
	procmgr_proc *const *procs;
	size_t n_procs;
	double *lat; /* one per scheduled start */
	realistic_stream *out;
	uint64_t last_end;
} stream_ctx;

/* The operation of one start. */
static int operate(stream_ctx *c, uint64_t i)
{
	char line[160];
	switch (c->kind) {
	case REALISTIC_LOGS:
		/* one line in 20 reports an error, one in 10 names a URL */
		snprintf(line, sizeof line, "[%s] build step %llu finished %s",
		         i % 20 == 0 ? "error" : "info", (unsigned long long)i,
		         i % 10 == 0 ? "see http://localhost:3000/" : "in 12ms");
		return logstore_add_async(c->logs, (uint32_t)(i % REALISTIC_SEED_PROCESSES), line) < 0;
	case REALISTIC_EVENTS: {
		eventbus_event e = workload_event(i, 0, 0x5eed);
		return eventbus_publish(c->bus, &e) != 0;
	}
	case REALISTIC_STATUS: {
		procmgr_status st = procmgr_get_status(c->procs[i % c->n_procs]);
		return st > PROC_FAILED;
	}
	case REALISTIC_REQUESTS:
		snprintf(line, sizeof line, "/api/items/%llu", (unsigned long long)i);
		return proxy_process_request(c->px, "GET", line, "Accept: application/json", 200,
		                             1000000, 2048) != 0;
	}
	return 1;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The q-th percentile of sorted x[0..n-1], linear between ranks (NumPy's
 * default, as tach_stats_percentile_sorted; this module does not link
 * libtach). */
static double percentile(const double *x, size_t n, double q)
{
	double r = q / 100 * (double)(n - 1);
	size_t lo = (size_t)r;
	if (lo + 1 >= n)
		return x[n - 1];
	return x[lo] + (r - (double)lo) * (x[lo + 1] - x[lo]);
}

static void *stream_main(void *p)
{
	stream_ctx *c = p;
	uint64_t n = c->out->scheduled;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t at = c->t0 + (uint64_t)((double)i * 1e9 / c->rate);
		struct timespec ts = {(time_t)(at / 1000000000u), (long)(at % 1000000000u)};
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		uint64_t start = eventbus_now_ns();
		if (start > at + 1000000)
			c->out->late++;
		c->out->failed += operate(c, i) != 0;
		uint64_t end = eventbus_now_ns();
		c->lat[i] = (double)(end - at) * 1e-9;
		c->out->done++;
		c->last_end = end;
	}
	return NULL;
}

int realistic_run(const realistic_params *p, eventbus *bus, logstore *logs, proxy *px,
                  procmgr_proc *const *procs, size_t n_procs, realistic_result *out)
{
	static const char *const names[REALISTIC_STREAMS] = {"logs", "events", "status",
	                                                     "requests"};
	double rates[REALISTIC_STREAMS] = {p->log_rate, p->event_rate,
	                                   p->status_rate * (double)n_procs, p->request_rate};
	if (!(p->seconds > 0) || n_procs == 0)
		return -EINVAL;
	for (int k = 0; k < REALISTIC_STREAMS; k++)
		if (!(rates[k] > 0))
			return -EINVAL;
	stream_ctx ctx[REALISTIC_STREAMS] = {{0}};
	pthread_t tid[REALISTIC_STREAMS];
	int started = 0, rc = 0;
	/* the first starts a little ahead, so that every thread is waiting */
	uint64_t t0 = eventbus_now_ns() + 5000000;
	for (int k = 0; k < REALISTIC_STREAMS; k++) {
		realistic_stream *s = &out->streams[k];
		*s = (realistic_stream){.name = names[k], .rate = rates[k]};
		/* the starts i / rate < seconds; the epsilon keeps an exact
		 * product (0.2 s x 60/s) from gaining a start by rounding */
		s->scheduled = (uint64_t)ceil(p->seconds * rates[k] - 1e-9);
		ctx[k] = (stream_ctx){.kind = k, .rate = rates[k], .seconds = p->seconds, .t0 = t0,
		                      .bus = bus, .logs = logs, .px = px, .procs = procs,
		                      .n_procs = n_procs, .out = s};
		ctx[k].lat = malloc((s->scheduled ? s->scheduled : 1) * sizeof *ctx[k].lat);
		if (!ctx[k].lat)
			rc = -ENOMEM;
	}
	for (int k = 0; k < REALISTIC_STREAMS && !rc; k++) {
		int e = pthread_create(&tid[k], NULL, stream_main, &ctx[k]);
		if (e)
			rc = -e;
		else
			started++;
	}
	uint64_t last = t0;
	for (int k = 0; k < started; k++) {
		pthread_join(tid[k], NULL);
		if (ctx[k].last_end > last)
			last = ctx[k].last_end;
	}
	out->seconds = (double)(last - t0) * 1e-9;
	for (int k = 0; k < REALISTIC_STREAMS && !rc; k++) {
		realistic_stream *s = &out->streams[k];
		size_t n = s->done;
		if (n) {
			qsort(ctx[k].lat, n, sizeof *ctx[k].lat, by_value);
			s->p50 = percentile(ctx[k].lat, n, 50);
			s->p99 = percentile(ctx[k].lat, n, 99);
			s->max = ctx[k].lat[n - 1];
		}
		s->achieved = out->seconds > 0 ? (double)s->done / out->seconds : 0;
	}
	for (int k = 0; k < REALISTIC_STREAMS; k++)
		free(ctx[k].lat);
	return rc;
}
