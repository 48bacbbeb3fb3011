/* realistic.h - the seed's TestRealisticWorkload: for a set duration,
 * four generators at fixed rates drive the whole system at once -- log
 * lines into the log store, events onto the bus, status checks of every
 * process, proxied requests -- and each operation's latency is taken
 * from its scheduled start (open loop: a late generator does not slow
 * its schedule down, so queueing shows in the latency).
 *
 * The generators pace themselves here (absolute clock_nanosleep to each
 * scheduled start).  When tach/bench.h's open-loop rate API lands, a
 * stream's pacing loop (realistic.c, stream_main) is what it replaces.
 */
#ifndef EVENTBUS_REALISTIC_H
#define EVENTBUS_REALISTIC_H

#include <stddef.h>
#include <stdint.h>

#include "eventbus.h"
#include "logstore.h"
#include "procmgr.h"
#include "proxy.h"

typedef struct realistic_params {
	double seconds;      /* the run's duration (the seed: 5 minutes) */
	double log_rate;     /* log lines per second (200) */
	double event_rate;   /* events per second (50) */
	double status_rate;  /* status checks per second per process (10) */
	double request_rate; /* proxied requests per second (25) */
} realistic_params;

/* The seed's values with its 8 processes, for `seconds`. */
realistic_params realistic_seed_params(double seconds);
#define REALISTIC_SEED_PROCESSES 8

enum { REALISTIC_LOGS, REALISTIC_EVENTS, REALISTIC_STATUS, REALISTIC_REQUESTS, REALISTIC_STREAMS };

/* What one stream did. */
typedef struct realistic_stream {
	const char *name;   /* "logs", "events", "status", "requests" */
	double rate;        /* set, per second */
	uint64_t scheduled; /* starts scheduled within the duration */
	uint64_t done;      /* completed (every scheduled start runs) */
	uint64_t late;      /* started more than 1 ms after its schedule */
	uint64_t failed;    /* operations that returned an error */
	double p50, p99, max; /* latency from scheduled start to end, s */
	double achieved;    /* completed starts per second of the run */
} realistic_stream;

typedef struct realistic_result {
	realistic_stream streams[REALISTIC_STREAMS];
	double seconds; /* the run's wall time, last completion included */
} realistic_result;

/* Runs the workload on the given components (borrowed; `procs` holds the
 * processes to check, `n_procs` of them).  The caller subscribes the
 * bus's handlers.  Returns 0, -EINVAL for a rate or duration that is not
 * positive, -ENOMEM or a pthread error negated. */
int realistic_run(const realistic_params *p, eventbus *bus, logstore *logs, proxy *px,
                  procmgr_proc *const *procs, size_t n_procs, realistic_result *out);

#endif
