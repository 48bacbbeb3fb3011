/* instructions.h - the benchmark binary's --instructions: re-run itself
 * under Valgrind's callgrind and turn the profile parts into deterministic
 * metrics per iteration.  Part of libtach_main. */
#ifndef TACH_BENCH_INSTRUCTIONS_H
#define TACH_BENCH_INSTRUCTIONS_H

#include "tach/result.h"

/* Runs argv[0] again under callgrind with the same selection options
 * (--filter, --repetitions, --iterations, --seed, --label) and adds to r
 * one benchmark per instance with the metrics of tach/sim.h per
 * iteration.  Prints what went wrong (Valgrind missing, the program
 * failing under it and why) and returns 2; 0 on success. */
int tach__instr_parent(const char *prog, int argc, char **argv, tach_result *r);

#endif
