/* sim.h - deterministic mode: counts of executed instructions and
 * simulated cache misses from Valgrind's callgrind, which do not move with
 * the machine's noise (docs/deterministic.md).
 *
 * tach runs the program under `valgrind --tool=callgrind --cache-sim=yes`
 * with fixed cache geometries (so that two machines simulate the same
 * caches), reads the profile files callgrind writes, and records per run
 * (or per benchmark iteration) the metrics below, flagged
 * TACH_METRIC_DETERMINISTIC so that comparisons use a threshold instead of
 * a significance test.
 */
#ifndef TACH_SIM_H
#define TACH_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "tach/error.h"
#include "tach/result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Metric names of this mode (all "count", lower is better). */
#define TACH_M_INSTRUCTIONS "instructions" /* instructions executed (Ir) */
#define TACH_M_L1_MISSES "l1_misses"       /* I1 + D1 read and write misses */
#define TACH_M_LL_MISSES "ll_misses"       /* last-level misses (to memory) */
#define TACH_M_EST_CYCLES "est_cycles"     /* see tach_sim_cycles() */

/* The events of one callgrind profile part (cache simulation on). */
typedef struct tach_sim_counts {
	uint64_t ir, dr, dw;       /* instructions, data reads, data writes */
	uint64_t i1mr, d1mr, d1mw; /* first-level misses */
	uint64_t ilmr, dlmr, dlmw; /* last-level misses */
} tach_sim_counts;

/* Finds `valgrind` on PATH: its path into buf and 0, or TACH_EINVAL with
 * err->message saying how to install it. */
TACH_API int tach_sim_find(char *buf, size_t size, tach_error *err);

/* The words to put before a command to run it under callgrind: valgrind
 * path, tool and cache options, `--callgrind-out-file=OUT` (may hold %p),
 * `--log-file=LOG` (may hold %p); with `children`, child processes are
 * traced too; with `atstart` 0, collection starts off (a benchmark binary
 * switches it on around its loop).  A NULL-terminated, malloc'd array of
 * malloc'd strings, freed with tach_words_free (tach/run.h); NULL when out
 * of memory.  *n is the number of words. */
TACH_API char **tach_sim_prefix(const char *valgrind, const char *out, const char *log,
                                int children, int atstart, size_t *n);

/* Reads one callgrind profile file: its events (missing trailing fields
 * are 0) into *c and, when tag is not NULL, the client-request trigger
 * that dumped it ("tach:3:0" from "desc: Trigger: Client Request:
 * tach:3:0"; "" for other triggers) into tag.  0, or TACH_EPARSE with
 * file and line in err, or -errno when it cannot be read. */
TACH_API int tach_sim_read(const char *path, tach_sim_counts *c, char *tag, size_t tag_size,
                           tach_error *err);

/* Adds b to a. */
TACH_API void tach_sim_add(tach_sim_counts *a, const tach_sim_counts *b);

/* An estimate of CPU cycles from the counts, the formula of Itamar
 * Turner-Trauring's "consistent benchmarking in CI" (pythonspeed.com):
 * an access that hits L1 costs 1, one served by the last level 5, one
 * that goes to memory 35:
 *   accesses = Ir + Dr + Dw, ram = ILmr + DLmr + DLmw,
 *   ll_hits = (I1mr + D1mr + D1mw) - ram, l1_hits = accesses - ll_hits - ram,
 *   cycles = l1_hits + 5 ll_hits + 35 ram. */
TACH_API double tach_sim_cycles(const tach_sim_counts *c);

/* Appends one sample of each metric of this mode to b (adding the metrics,
 * flagged deterministic, on first use): the counts divided by `per` (the
 * iterations of a benchmark call; 1 for a whole run).  0 or TACH_ENOMEM. */
TACH_API int tach_sim_add_samples(tach_benchmark *b, const tach_sim_counts *c, double per);

/* What went wrong from a valgrind log: "Valgrind cannot simulate an
 * instruction this program uses (...)" and the like, into buf; 0 when the
 * log says nothing known. */
TACH_API int tach_sim_diagnose(const char *log_path, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
