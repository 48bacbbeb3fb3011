/* alloc_pass.h - the benchmark binary's allocation counting (allocs_per_op,
 * bytes_per_op) in a separate process with the counting malloc preloaded,
 * so that the timed process has no interposer.  Part of libtach_main. */
#ifndef TACH_BENCH_ALLOC_PASS_H
#define TACH_BENCH_ALLOC_PASS_H

#include "tach/bench.h"
#include "tach/result.h"

/* The environment variable that makes the binary the counting process
 * ("PLAN,OUT,SO": the descriptors of the plan, the results file and the
 * preloaded object).  An environment variable, not an option, so that a
 * main() of the user's own that handles its options first passes it on. */
#define TACH__ALLOC_CHILD_ENV "TACH_ALLOC_CHILD"

/* After the timed run: starts this executable again as the counting
 * process (with the command line this process started with) for every
 * benchmark of r that has
 * timed samples, at the iteration count of its first sample, and adds
 * allocs_per_op and bytes_per_op to those benchmarks.  Always sets the
 * context key "allocs" of r: how they were counted, or "not counted:
 * WHY" when the counting process could not run or count (then also a
 * warning on stderr naming prog, except in a sanitizer build, which never
 * counts); the timed results stay as they are. */
void tach__alloc_pass(const char *prog, int argc, char **argv, tach_result *r);

/* The counting process, when TACH__ALLOC_CHILD_ENV is set: removes it and
 * the counting object's LD_PRELOAD entry from the environment (the
 * processes the benchmarks start see the user's environment), runs the
 * counting pass with the selection options in o and writes the results
 * file to OUT.  Returns the exit status: 0; 3 when the counting malloc is
 * not in place (the reason on stderr); 2 on other errors; -1 when this is
 * not the counting process. */
int tach__alloc_child(const char *prog, tach_bench_run_opts *o);

#endif
