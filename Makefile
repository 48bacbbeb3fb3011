# A thin wrapper over Meson: the build lives in build/, the CLI at
# build/tach.  `make demo` and `make test` set up a fresh Debian 12
# machine first (scripts/install-deps installs only what is missing).

.PHONY: all deps build demo test bench fuzz install clean

all: build

deps:
	@scripts/install-deps

build: deps
	@test -f build/build.ninja || meson setup build
	@ninja -C build

# The main job: four workloads measured, saved to .tach/history.db,
# compared with the previous demo run, gated, reported in tach-report.html
# (scripts/demo; QUICK=1 for a short run).
QUICK ?=
demo: build
	@QUICK=$(QUICK) scripts/demo

# Every test, in a normal and in an ASan+UBSan build; ends with
# "N passed, N failed".
test: deps
	@scripts/run-tests

# Speed figures against NumPy/SciPy and Python's json (needs
# python3-numpy and python3-scipy).
bench: build
	@scripts/install-deps bench
	./build/bench/bench_stats
	./build/bench/bench_format

# The libFuzzer targets (clang): the results reader, every importer,
# tach.conf, the history's JSON lines, the duration and size parsers;
# FUZZ_TIME seconds each (default 60), FUZZ_JOBS side by side;
# scripts/fuzz prints executions and crashes per target.
FUZZ_TIME ?= 60
FUZZ_JOBS ?= 1
fuzz: deps
	@FUZZ_TIME=$(FUZZ_TIME) FUZZ_JOBS=$(FUZZ_JOBS) scripts/fuzz

install: build
	meson install -C build

clean:
	rm -rf build build-asan build-fuzz
