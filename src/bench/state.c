/* state.c - what a benchmark function sees: the loop's edges (start and
 * stop of the clock), pause/resume, arguments, and the counts it reports.
 *
 * The hot path, tach_loop(), is inline in bench.h and touches only
 * s->left; everything here runs twice per call (first and last edge) or
 * when the benchmark asks.  With threads, every thread waits at a barrier
 * on its first edge, so all start their loops together, and records when
 * its loop began (t_begin): run.c counts every thread from the earliest.
 * With a CPU clock, the timed region is also measured on the thread's CPU
 * clock (cpu_time), read outside the wall-clock readings so that neither
 * clock times the other's read.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "tach/bench.h"
#include "bench/internal.h"
#include "bench/load.h"

/* The loop's end on the CPU clock: `cpu` (pauses included, for
 * calibration) and the last stretch of `cpu_timed` when the timed region
 * was running (issue 19 item 1). */
static void cpu_stop(tach__state_priv *p, int running)
{
	double now = p->cpu_clock(p->cpu_ctx);
	p->cpu = now - p->cpu_begin;
	if (running)
		p->cpu_timed += now - p->cpu_mark;
}

/* A load benchmark's edge (issue 21 item 3): past the barrier, every
 * edge ends the call in progress and starts the next at its scheduled
 * time (load.c), until the window is over or the function failed. */
static int load_edge(tach_state *s, tach__state_priv *p)
{
	s->left = 0;
	if (p->finished)
		return 0;
	if (!p->error && tach__load_step(p->load))
		return 1;
	if (p->error) /* the benchmark failed: no worker starts another call */
		atomic_store(&p->load->sched->stop, 1);
	tach__load_finish(p->load); /* skipped with an error: end the call */
	p->finished = 1;
	return 0;
}

/* After a load benchmark's function returned without the loop's last
 * edge (it never looped, or left the loop with break): pass the barrier
 * the other threads wait at, end the call in progress, start no other. */
void tach__loop_close_load(tach_state *s)
{
	tach__state_priv *p = s->priv;
	if (!p->started) {
		p->started = 1;
		if (p->barrier)
			pthread_barrier_wait(p->barrier);
	}
	tach__load_finish(p->load);
	p->finished = 1;
	s->left = 0;
}

int tach__loop_edge(tach_state *s)
{
	tach__state_priv *p = s->priv;
	if (p->load && p->started)
		return load_edge(s, p);
	if (!p->started) {
		p->started = 1;
		/* a thread that failed still passes the barrier: the others
		 * wait there for every thread of the call */
		if (p->barrier)
			pthread_barrier_wait(p->barrier);
		if (p->error) {
			s->left = 0;
			p->finished = 1;
			return 0;
		}
		if (p->load) {
			p->began = 1;
			return load_edge(s, p);
		}
		if (p->cpu_clock)
			p->cpu_begin = p->cpu_mark = p->cpu_clock(p->cpu_ctx);
		p->running = 1;
		p->t_start = p->clock(p->clock_ctx);
		p->t_begin = p->t_start;
		p->began = 1;
		if (p->iterations == 0) {
			p->finished = 1;
			return 0;
		}
		if (p->hist) {
			/* latency mode: come back here after every iteration */
			p->t_last = p->t_start;
			s->left = 0;
			p->lat_left = p->iterations - 1;
			return 1;
		}
		s->left = p->iterations - 1;
		return 1;
	}
	if (p->hist && !p->finished) {
		double t = p->clock(p->clock_ctx);
		double d = t - p->t_last;
		tach_histogram_record(p->hist, d > 0 ? (uint64_t)(d * 1e9 + 0.5) : 0);
		p->t_last = t;
		if (p->lat_left) {
			p->lat_left--;
			return 1;
		}
		p->elapsed += t - p->t_start;
		p->running = 0;
		p->finished = 1;
		if (p->cpu_clock)
			cpu_stop(p, 1);
		return 0;
	}
	if (!p->finished) {
		double t = p->clock(p->clock_ctx);
		int was_running = p->running;
		if (p->running)
			p->elapsed += t - p->t_start;
		p->running = 0;
		p->finished = 1;
		if (p->cpu_clock && p->began)
			cpu_stop(p, was_running);
	}
	return 0;
}

/* TACH_LOOP: the first edge, then the whole count in one batch (or one
 * iteration at a time in latency mode, where every edge is a reading). */
uint64_t tach__loop_begin(tach_state *s)
{
	tach__state_priv *p = s->priv;
	if (!tach__loop_edge(s))
		return 0;
	if (p->hist || p->load)
		return 1;
	uint64_t n = s->left + 1; /* the edge counted this iteration */
	s->left = 0;
	return n;
}

uint64_t tach__loop_next(tach_state *s)
{
	/* s->left is 0: this is the closing edge, or in latency mode the
	 * edge between two iterations */
	return tach__loop_edge(s) ? 1 : 0;
}

void tach_pause(tach_state *s)
{
	tach__state_priv *p = s->priv;
	if (p->running) {
		p->t_pause = p->clock(p->clock_ctx);
		p->elapsed += p->t_pause - p->t_start;
		p->running = 0;
		/* after the wall clock: the CPU clock's read stays out of it */
		if (p->cpu_clock)
			p->cpu_timed += p->cpu_clock(p->cpu_ctx) - p->cpu_mark;
	}
}

void tach_resume(tach_state *s)
{
	tach__state_priv *p = s->priv;
	if (!p->running && p->started && !p->finished) {
		if (p->cpu_clock)
			p->cpu_mark = p->cpu_clock(p->cpu_ctx);
		p->t_start = p->clock(p->clock_ctx);
		p->t_last += p->t_start - p->t_pause; /* latency: skip the pause */
		p->running = 1;
	}
}

int64_t tach_arg(const tach_state *s, int which)
{
	return which >= 0 && which < TACH_MAX_ARGS ? s->priv->arg[which] : 0;
}

uint64_t tach_seed(const tach_state *s)
{
	return s->priv->seed ? s->priv->seed : 1;
}

uint64_t tach_iterations(const tach_state *s)
{
	/* a load benchmark: the calls this thread started */
	return s->priv->load ? s->priv->load->started : s->priv->iterations;
}

void tach_fail_call(tach_state *s)
{
	if (s->priv->load && s->priv->load->in_call)
		s->priv->load->failed = 1;
}

int tach_thread_index(const tach_state *s)
{
	return s->priv->thread;
}

int tach_threads(const tach_state *s)
{
	return s->priv->threads;
}

void tach_set_items(tach_state *s, uint64_t items)
{
	s->priv->items = items;
	s->priv->items_set = 1;
}

void tach_set_bytes(tach_state *s, uint64_t bytes)
{
	s->priv->bytes = bytes;
	s->priv->bytes_set = 1;
}

void tach_set_metric(tach_state *s, const char *name, double value, const char *unit,
                     tach_direction dir, tach_counter_kind kind)
{
	tach__state_priv *p = s->priv;
	size_t i = 0;
	while (i < p->n_metrics && strcmp(p->metrics[i].name, name))
		i++;
	if (i == TACH__MAX_METRICS)
		return; /* documented limit: the rest are dropped */
	tach__user_metric *m = &p->metrics[i];
	snprintf(m->name, sizeof m->name, "%s", name);
	snprintf(m->unit, sizeof m->unit, "%s", unit ? unit : "count");
	m->value = value;
	m->dir = dir;
	m->kind = kind;
	if (i == p->n_metrics)
		p->n_metrics++;
}

void tach_set_iteration_time(tach_state *s, double seconds)
{
	tach__state_priv *p = s->priv;
	if (!(seconds >= 0) || isinf(seconds)) { /* NaN fails the first test */
		char why[96];
		snprintf(why, sizeof why, "tach_set_iteration_time(%g): expected finite seconds >= 0",
		         seconds);
		tach_skip_with_error(s, why);
		return;
	}
	p->manual += seconds;
	p->manual_set = 1;
}

void tach_skip_with_error(tach_state *s, const char *reason)
{
	tach__state_priv *p = s->priv;
	snprintf(p->error_buf, sizeof p->error_buf, "%s", reason ? reason : "skipped");
	p->error = p->error_buf;
	s->left = 0; /* the next tach_loop() reaches the edge and stops */
}
