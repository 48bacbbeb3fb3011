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

# The libFuzzer target for the results reader (clang), 60 seconds.
fuzz: deps
	@test -f build-fuzz/build.ninja || CC=clang meson setup build-fuzz -Dfuzz=true -Db_lundef=false
	@ninja -C build-fuzz tests/fuzz/fuzz_results
	./build-fuzz/tests/fuzz/fuzz_results -max_total_time=60 build-fuzz/fuzz-corpus tests/fuzz/corpus

install: build
	meson install -C build

clean:
	rm -rf build build-asan build-fuzz
