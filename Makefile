# A thin wrapper over Meson: the build lives in build/, the CLI at
# build/tach.  Each target first runs scripts/install-deps with the group
# of packages it needs: as root that installs what is missing, as anyone
# else it names what is missing and stops.  So `make build` works as a
# normal user once the build group is there (compilers, meson, ninja and
# the libraries), and `make demo` and `make test` set up a fresh Debian 12
# machine when run as root.

.PHONY: all deps build demo test bench fuzz install clean

all: build

# build, demo and test by default (what `make demo` and `make test` need);
# DEPS="bench fuzz" for other groups (scripts/install-deps --list)
DEPS ?=
deps:
	@scripts/install-deps $(DEPS)

# set up build/ once, then compile what changed
BUILD = { test -f build/build.ninja || meson setup build; } && ninja -C build

build:
	@scripts/install-deps build
	@$(BUILD)

# The main job: four workloads measured, saved to .tach/history.db,
# compared with the previous demo run, gated, reported in tach-report.html
# (scripts/demo; QUICK=1 for a short run, FULL=1 for the seed documents'
# own sizes).
QUICK ?=
# FULL=1: the seed documents' own sizes and durations (issue 22)
FULL ?=
demo:
	@scripts/install-deps demo
	@$(BUILD)
	@QUICK=$(QUICK) FULL=$(FULL) scripts/demo

# Every test, in a normal and in an ASan+UBSan build; names the skipped
# tests with their reasons and ends with "N passed, N failed, N skipped".
test:
	@scripts/install-deps test
	@scripts/run-tests

# Speed figures against NumPy/SciPy and Python's json (needs
# python3-numpy and python3-scipy).
bench:
	@scripts/install-deps bench
	@$(BUILD)
	./build/bench/bench_stats
	./build/bench/bench_format

# The libFuzzer targets (clang): the results reader, every importer,
# tach.conf, the history's JSON lines, the duration and size parsers;
# FUZZ_TIME seconds each (default 60), FUZZ_JOBS side by side;
# scripts/fuzz prints executions and crashes per target.
FUZZ_TIME ?= 60
FUZZ_JOBS ?= 1
fuzz:
	@scripts/install-deps fuzz
	@FUZZ_TIME=$(FUZZ_TIME) FUZZ_JOBS=$(FUZZ_JOBS) scripts/fuzz

install: build
	meson install -C build

clean:
	rm -rf build build-asan build-fuzz
