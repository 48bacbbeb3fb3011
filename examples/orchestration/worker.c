/* worker.c - the workers: each claims an instance, runs its activities in
 * order, persists their results (--batch of them per transaction) and moves
 * on, until no instance is open.  Workers are threads sharing nothing but
 * the database file, or processes (--processes) that can be killed one at a
 * time; either way each has its own SQLite connection.
 *
 * A worker's life: claim -> (run batch -> persist)* -> claim ... -> exit
 * when the database says nothing is open.  When everything open is leased
 * to others it waits until the earliest lease could expire, or until some
 * worker completes an instance (a shared counter), and asks again.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "orch.h"

/* Memory shared by all workers, also across fork (MAP_SHARED). */
typedef struct shared {
	atomic_llong completions; /* instances completed by any worker */
	atomic_llong persists;    /* persist attempts of all workers (--kill-after) */
	orch_worker_stats stats[]; /* one slot per worker, written only by it */
} shared;

typedef struct worker {
	const orch_options *opt;
	const orch_shape *shape;
	shared *sh;
	int index;
	pthread_t thread;
} worker;

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Nothing is claimable: wait until the earliest lease may have expired or
 * another worker completed something (which may mean nothing is open). */
static void wait_for_work(shared *sh, long long seen, int64_t expiry_ms)
{
	while (orch_wall_ms() < expiry_ms
	       && atomic_load_explicit(&sh->completions, memory_order_relaxed) == seen)
		sleep_ms(1);
}

/* Runs one claimed instance to its end, or until its lease is lost.
 * Returns 0, or -1 on a database error. */
static int drive(worker *w, orch_store *s, const char *owner, orch_claim *c,
                 int64_t *results, orch_worker_stats *st)
{
	const orch_options *opt = w->opt;
	const orch_shape *shp = w->shape;
	while (c->step < shp->activities) {
		int k = 0;
		for (; k < opt->batch && c->step + k < shp->activities; k++) {
			results[k] = orch_activity(c->payload, c->size, shp->seed, c->id,
			                           c->step + k);
			st->executed++;
		}
		/* The crash test's hook: the worker making persist number
		 * kill_after + 1 of the run dies in that transaction, holding
		 * its lease; with threads the whole program dies with it. */
		int crash = opt->kill_after >= 0
		            && atomic_fetch_add(&w->sh->persists, 1) == opt->kill_after;
		int done = c->step + k >= shp->activities;
		int rc = orch_store_persist(s, owner, opt->lease_ms, c, results, k,
		                            shp->activities, done ? orch_now_ns() : 0, crash);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			st->lost_leases++;
			return 0;
		}
		st->persisted++;
		st->recorded += k;
		c->step += k;
		if (done) {
			st->completed++;
			atomic_fetch_add_explicit(&w->sh->completions, 1, memory_order_relaxed);
		}
	}
	return 0;
}

static int work(worker *w)
{
	orch_worker_stats *st = &w->sh->stats[w->index];
	char owner[64];
	snprintf(owner, sizeof owner, "%ld/%d", (long)getpid(), w->index);
	int64_t *results = malloc((size_t)w->opt->batch * sizeof *results);
	orch_store *s = results ? orch_store_open(w->opt) : NULL;
	int rc = s ? 0 : -1;
	while (rc == 0) {
		orch_claim c = {0};
		int64_t open = 0, expiry = 0;
		long long seen = atomic_load_explicit(&w->sh->completions, memory_order_relaxed);
		int got = orch_store_claim(s, owner, w->opt->lease_ms, &c, &open, &expiry);
		if (got < 0) {
			rc = -1;
		} else if (got == 0) {
			if (open == 0)
				break;
			wait_for_work(w->sh, seen, expiry);
		} else {
			st->claims++;
			st->takeovers += c.takeover;
			rc = drive(w, s, owner, &c, results, st);
			free(c.payload);
		}
	}
	orch_store_close(s);
	free(results);
	st->failed = rc != 0;
	return rc;
}

static void *thread_main(void *arg)
{
	(void)work(arg);
	return NULL;
}

static int run_threads(worker *ws, int n)
{
	int failed = 0, started = 0;
	for (; started < n; started++) {
		int e = pthread_create(&ws[started].thread, NULL, thread_main, &ws[started]);
		if (e) {
			fprintf(stderr, "orchestrate: cannot start a worker thread: %s\n", strerror(e));
			break;
		}
	}
	for (int i = 0; i < started; i++) {
		pthread_join(ws[i].thread, NULL);
		failed += ws[i].sh->stats[i].failed != 0;
	}
	if (started == 0)
		return -1;
	return failed + (n - started);
}

static int run_processes(worker *ws, int n)
{
	pid_t *pids = calloc((size_t)n, sizeof *pids);
	int failed = 0, started = 0;
	if (!pids)
		return -1;
	fflush(NULL); /* children must not write the parent's buffers again */
	for (; started < n; started++) {
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "orchestrate: cannot start a worker process: %s\n",
			        strerror(errno));
			break;
		}
		if (pid == 0) {
			int rc = work(&ws[started]);
			free(pids);
			free(ws);
			exit(rc ? 1 : 0);
		}
		pids[started] = pid;
	}
	for (int i = 0; i < started; i++) {
		int status = 0;
		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
		if (WIFSIGNALED(status)) {
			fprintf(stderr, "orchestrate: worker %d (pid %ld) killed by signal %d;"
			        " the others take over its instances when its leases expire\n",
			        i, (long)pids[i], WTERMSIG(status));
			ws[i].sh->stats[i].failed = 2;
		} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			failed++;
		}
	}
	free(pids);
	if (started == 0)
		return -1;
	return failed + (n - started);
}

int orch_run_workers(const orch_options *opt, const orch_shape *shape,
                     orch_worker_stats *stats)
{
	int n = opt->workers;
	size_t bytes = sizeof(shared) + (size_t)n * sizeof(orch_worker_stats);
	shared *sh = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
	                  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	worker *ws = calloc((size_t)n, sizeof *ws);
	int rc = -1;
	if (sh == MAP_FAILED || !ws) {
		fprintf(stderr, "orchestrate: out of memory\n");
		goto out;
	}
	atomic_init(&sh->completions, 0);
	atomic_init(&sh->persists, 0);
	for (int i = 0; i < n; i++) {
		ws[i] = (worker){.opt = opt, .shape = shape, .sh = sh, .index = i};
		memset(&sh->stats[i], 0, sizeof sh->stats[i]);
	}
	rc = opt->processes ? run_processes(ws, n) : run_threads(ws, n);
	memcpy(stats, sh->stats, (size_t)n * sizeof *stats);
out:
	if (sh != MAP_FAILED)
		munmap(sh, bytes);
	free(ws);
	return rc;
}
