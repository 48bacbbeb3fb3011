# bench.mk - benchmark targets for your own project's Makefile, the way
# projects usually wire a benchmark suite into make.  Copy it next to your
# Makefile and `include bench.mk`, then set the variables below (or pass
# them on the command line: make bench-compare BASE=@main).
#
#   make bench            run the benchmarks, save them to the history (.tach/history.db)
#   make bench-compare    compare the latest run with BASE (default: the baseline @main)
#   make bench-gate       fail (exit 1) when the latest run breaks tach.conf's rules
#   make bench-baseline   make the latest run the baseline @main
#   make bench-report     write bench-report.html (the comparison and the history)
#   make bench-instructions  instruction counts of the suite (deterministic, needs valgrind)
#
# docs/tutorial.md walks through them; docs/gate.md describes tach.conf.

TACH ?= tach
# Your benchmark program(s), built with tach/bench.h (or Google Benchmark).
BENCH_PROGRAM ?= ./build/bench/suite
# Options for it: short repetitions keep `make bench` quick.
BENCH_FLAGS ?= --min-time 20ms --repetitions 10
# What bench-compare compares against.
BASE ?= @main
BENCH_OUT ?= .tach/latest.json

.PHONY: bench bench-compare bench-gate bench-baseline bench-report bench-instructions

bench: $(BENCH_PROGRAM)
	@mkdir -p $(dir $(BENCH_OUT))
	$(BENCH_PROGRAM) $(BENCH_FLAGS) --out $(BENCH_OUT)
	$(TACH) history add $(BENCH_OUT)

# Exit status 1 means a regression: the target fails, as CI wants.
bench-compare:
	$(TACH) compare $(BASE) @latest

bench-gate:
	$(TACH) gate $(BASE) @latest

bench-baseline:
	$(TACH) baseline set main @latest

bench-report:
	$(TACH) report --base $(BASE) --cand @latest --history -o bench-report.html

bench-instructions: $(BENCH_PROGRAM)
	$(BENCH_PROGRAM) --instructions --out .tach/instructions.json
