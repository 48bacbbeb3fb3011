/* orch.h - the pieces of `orchestrate`, a small durable workflow engine on
 * SQLite: the activities (payload work), the store (every SQL statement),
 * the workers (claim, run, persist) and the checks.  The engine's invariants
 * are written once, at the top of store.c.
 */
#ifndef ORCH_H
#define ORCH_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* What one database holds; stored in its `config` row so that --resume and
 * the checks use the values the orchestrations were enqueued with. */
typedef struct orch_shape {
	int64_t orchestrations; /* N */
	int64_t activities;     /* M, the length of every chain */
	int64_t payload_min;    /* bytes; each instance's size is drawn from */
	int64_t payload_max;    /* [min, max] with the seed */
	int64_t seed;
} orch_shape;

/* How one invocation runs; never stored. */
typedef struct orch_options {
	const char *db_path; /* with %p already replaced */
	int wal;             /* journal_mode WAL, else DELETE */
	int sync;            /* PRAGMA synchronous: 0 off, 1 normal, 2 full */
	int workers;
	int processes;       /* workers are processes, else threads */
	int batch;           /* activities persisted per transaction */
	int64_t lease_ms;    /* how long a claim (or a persist) holds an instance */
	long kill_after;     /* test hook: the worker making persist number
	                      * kill_after + 1 of the run SIGKILLs its process
	                      * just before that COMMIT (-1: never) */
} orch_options;

/* ---- activity.c: the real work, a pure function of its inputs ---- */

/* The payload size of instance `id` (1-based) under `shape`. */
size_t orch_payload_size(const orch_shape *shape, int64_t id);
/* Fills buf[0..n) with instance id's input bytes. */
void orch_payload_fill(uint8_t *buf, size_t n, int64_t seed, int64_t id);
/* Activity `step` of instance `id`: transforms buf in place (each byte
 * depends on every earlier one, so it cannot be skipped or reordered) and
 * returns a 63-bit checksum of the output, the activity's result. */
int64_t orch_activity(uint8_t *buf, size_t n, int64_t seed, int64_t id,
                      int64_t step);

/* ---- store.c: the database; every function returns 0 or -1 after
 * printing the SQLite error on stderr ---- */

typedef struct orch_store orch_store;

/* Opens (creating if needed) the database with the options' journal mode,
 * synchronous level and a busy timeout.  NULL after printing the reason. */
orch_store *orch_store_open(const orch_options *o);
void orch_store_close(orch_store *s);
/* Deletes the database and its -wal, -shm and -journal files. */
void orch_store_remove(const char *path);

/* Sets the journal mode of the file (WAL, else DELETE) and checks that
 * SQLite took it. */
int orch_store_journal(orch_store *s, int wal);
/* 1 if the file is in WAL mode, 0 if not, -1 on error. */
int orch_store_is_wal(orch_store *s);
/* Creates the tables in a fresh database and enqueues shape->orchestrations
 * instances, their inputs generated from the seed, in one transaction. */
int orch_store_create(orch_store *s, const orch_shape *shape);
/* Reads the config row of an existing database. */
int orch_store_load_shape(orch_store *s, orch_shape *shape);

/* One claimed instance: its next step, its durable payload and the lease. */
typedef struct orch_claim {
	int64_t id;
	int64_t step;
	uint8_t *payload; /* owned; malloc'd by orch_store_claim */
	size_t size;
	int takeover;     /* its previous lease had expired */
} orch_claim;

/* Claims the lowest open instance whose lease is free or expired, for
 * `owner` until now + lease.  Returns 1 with *c filled, or 0 when none is
 * claimable and then *open (instances not done) and *next_expiry_ms (the
 * earliest lease expiry among them, 0 if none), or -1. */
int orch_store_claim(orch_store *s, const char *owner, int64_t lease_ms,
                     orch_claim *c, int64_t *open, int64_t *next_expiry_ms);

/* Persists results[0..k) of steps c->step .. c->step + k - 1, the payload
 * after them, and the advanced step, finishing the instance when it reaches
 * `activities`; renews the lease.  All of it or none: returns 1 when
 * committed, 0 when the lease was lost (another worker took the instance
 * over: nothing is written), -1 on error.  With `crash` set the process
 * SIGKILLs itself just before COMMIT (the crash tests). */
int orch_store_persist(orch_store *s, const char *owner, int64_t lease_ms,
                       const orch_claim *c, const int64_t *results, int k,
                       int64_t activities, int64_t done_ns, int crash);

/* Counts for --status and the summary. */
typedef struct orch_counts {
	int64_t instances, done, running, pending, results, claims;
} orch_counts;
int orch_store_counts(orch_store *s, orch_counts *n);

/* The completion latencies (seconds) of instances completed at or after
 * since_ns (CLOCK_MONOTONIC).  *lat is malloc'd; the caller frees it. */
int orch_store_latencies(orch_store *s, int64_t since_ns, double **lat,
                         size_t *n);

/* The connection, for verify.c's read-only queries. */
sqlite3 *orch_store_db(orch_store *s);

/* ---- worker.c ---- */

/* What each worker did; one slot per worker in memory shared with worker
 * processes (written only by its worker, read after it ended). */
typedef struct orch_worker_stats {
	int64_t claims;      /* instances claimed */
	int64_t takeovers;   /* ... of them with an expired lease of another */
	int64_t executed;    /* activities run */
	int64_t recorded;    /* activity results persisted */
	int64_t persisted;   /* persist transactions committed */
	int64_t lost_leases; /* persists refused: the instance was taken over */
	int64_t completed;   /* instances this worker finished */
	int failed;          /* 0, 1 after an error, 2 killed by a signal */
} orch_worker_stats;

/* Runs opt->workers workers (threads, or processes) on the database until
 * no instance is open; stats[opt->workers] receives what each did.
 * Returns the number of workers that failed with an error, or -1 when no
 * worker could be started.  A worker process killed by a signal is not an
 * error of the engine: it is reported on stderr and in its stats, and the
 * others take its instances over once its leases expire. */
int orch_run_workers(const orch_options *opt, const orch_shape *shape,
                     orch_worker_stats *stats);

/* ---- verify.c ---- */

/* Checks every orchestration completed exactly once: state done, one
 * completion, step = M, exactly M activity rows with steps 0..M-1, and
 * every result and final payload equal to a recomputation from the seed.
 * Prints what fails; returns 0 when all holds, 1 otherwise, -1 on error. */
int orch_verify(orch_store *s, const orch_shape *shape);

/* ---- clocks ---- */
int64_t orch_now_ns(void);      /* CLOCK_MONOTONIC: latencies */
int64_t orch_wall_ms(void);     /* CLOCK_REALTIME: leases, which must mean
                                  * the same in a later process */

#endif
