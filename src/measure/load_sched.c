/* load_sched.c - the open-loop scheduler of tach/loadgen.h: when each run
 * is due, whether a slot is free, and what each measured run adds to the
 * histograms.  No system calls: the clock and the runs come from
 * tach_load_ops, so tests drive it with a fake clock.
 *
 * State of the schedule: `next` is the scheduled start of the next run
 * (origin + k / rate, or the running sum of exponential gaps); a run is
 * started once next <= now and a slot is free, so a start that waits for a
 * slot keeps its scheduled time and the wait lands in its latency.  After
 * the window no new run is scheduled; the backlog of due starts is worked
 * off until window end + backlog, then dropped.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tach/loadgen.h"
#include "tach/stats.h"

typedef struct slot_rec {
	double scheduled, started;
	int measured;
} slot_rec;

typedef struct sched {
	tach_load_stats *out;
	slot_rec *rec;
	size_t *free_slots; /* a stack of the free slot numbers */
	size_t n_free;
	size_t in_flight;
} sched;

static uint64_t to_ns(double s)
{
	return s > 0 ? (uint64_t)llround(s * 1e9) : 0;
}

static void on_done(void *ctx, size_t slot, double ended, int failed)
{
	sched *s = ctx;
	slot_rec *r = &s->rec[slot];
	if (r->measured) {
		tach_histogram_record(s->out->latency, to_ns(ended - r->scheduled));
		tach_histogram_record(s->out->service, to_ns(ended - r->started));
		if (failed)
			s->out->failures++;
	}
	s->free_slots[s->n_free++] = slot;
	s->in_flight--;
}

const char *tach_load_arrivals_name(tach_load_arrivals a)
{
	return a == TACH_LOAD_POISSON ? "poisson" : "constant";
}

int tach_load_stats_init(tach_load_stats *s)
{
	memset(s, 0, sizeof *s);
	s->latency = tach_histogram_new();
	s->service = tach_histogram_new();
	s->lateness = tach_histogram_new();
	if (!s->latency || !s->service || !s->lateness) {
		tach_load_stats_release(s);
		return TACH_ENOMEM;
	}
	return 0;
}

void tach_load_stats_release(tach_load_stats *s)
{
	tach_histogram_free(s->latency);
	tach_histogram_free(s->service);
	tach_histogram_free(s->lateness);
	memset(s, 0, sizeof *s);
}

/* The scheduled start of run k + 1 after `prev` (run k's). */
static double next_arrival(const tach_loadgen_opts *o, double origin, uint64_t k, double prev,
                           tach_rng *rng)
{
	if (o->arrivals == TACH_LOAD_POISSON)
		/* inverse transform of the exponential distribution; 1 - U is in
		 * (0, 1], so the logarithm is finite */
		return prev - log1p(-tach_rng_uniform(rng)) / o->rate;
	/* from k, not by adding 1 / rate k times: no drift by rounding */
	return origin + (double)(k + 1) / o->rate;
}

int tach_load_run(const tach_loadgen_opts *o, const tach_load_ops *ops, tach_load_stats *out)
{
	if (!(o->rate > 0) || !isfinite(o->rate) || !(o->duration > 0) || !isfinite(o->duration) ||
	    !(o->warmup >= 0) || !isfinite(o->warmup))
		return TACH_EINVAL;
	size_t max = o->max_in_flight ? o->max_in_flight : 1;
	double late = o->late > 0 ? o->late : TACH_LOAD_LATE_DEFAULT;
	double backlog = o->backlog > 0 ? o->backlog : o->duration;
	sched s = {out, calloc(max, sizeof *s.rec), calloc(max, sizeof *s.free_slots), 0, 0};
	if (!s.rec || !s.free_slots) {
		free(s.rec);
		free(s.free_slots);
		return TACH_ENOMEM;
	}
	for (size_t i = 0; i < max; i++)
		s.free_slots[s.n_free++] = max - 1 - i; /* slot 0 on top */
	tach_rng rng;
	tach_rng_seed(&rng, o->seed);

	double origin = ops->now(ops->ctx);
	double wstart = origin + o->warmup, wend = wstart + o->duration;
	double give_up = wend + backlog, next = origin, last_start = wstart, t = origin;
	uint64_t k = 0;
	int rc = 0, starting = 1;
	for (;;) {
		if (o->stop && *o->stop && starting) {
			starting = 0;
			out->stopped = 1;
		}
		t = ops->now(ops->ctx);
		if (starting && next < wend && t >= give_up)
			starting = 0; /* the backlog is given up */
		while (starting && next < wend && next <= t && t < give_up && s.n_free) {
			size_t slot = s.free_slots[--s.n_free];
			slot_rec *r = &s.rec[slot];
			r->scheduled = next;
			r->measured = next >= wstart;
			int e = ops->start(ops->ctx, slot, &r->started);
			if (e) {
				s.free_slots[s.n_free++] = slot;
				rc = e;
				starting = 0;
				break;
			}
			s.in_flight++;
			if (r->measured) {
				out->scheduled++;
				out->started++;
				double lateness = r->started - r->scheduled;
				tach_histogram_record(out->lateness, to_ns(lateness));
				if (lateness > late)
					out->late_starts++;
				if (s.in_flight > out->peak_in_flight)
					out->peak_in_flight = s.in_flight;
				if (r->started > last_start)
					last_start = r->started;
			}
			next = next_arrival(o, origin, k++, next, &rng);
			t = ops->now(ops->ctx);
			/* a burst of due starts (a backlog) must not leave ended runs
			 * unseen: their end would be read late, inflating service
			 * time and latency; look without waiting */
			if (starting && next < wend && next <= t && s.in_flight > 1) {
				int w = ops->wait(ops->ctx, t, on_done, &s);
				if (w) {
					rc = w;
					starting = 0;
					break;
				}
				t = ops->now(ops->ctx);
			}
		}
		int more = starting && next < wend;
		if (!more && !s.in_flight)
			break;
		/* the next start when a slot is free; else the end of a run, or
		 * the moment the backlog is given up */
		double until = !more ? INFINITY : s.n_free ? next : give_up;
		int e = ops->wait(ops->ctx, until, on_done, &s);
		if (e) {
			if (!rc)
				rc = e;
			break; /* runs cannot be reaped: nothing more to wait for */
		}
	}
	/* the starts of the window that were never made */
	for (; next < wend; next = next_arrival(o, origin, k++, next, &rng))
		if (next >= wstart) {
			out->scheduled++;
			out->dropped++;
		}
	double window = o->duration;
	if (out->stopped)
		window = t > wstart ? (t < wend ? t - wstart : o->duration) : 0;
	if (last_start - wstart > window)
		window = last_start - wstart;
	out->window = window;
	out->achieved_rate = window > 0 ? (double)out->started / window : 0;
	free(s.rec);
	free(s.free_slots);
	return rc;
}
