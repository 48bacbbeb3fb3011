#!/bin/sh
# test_scripts.sh - the build and test scripts' own checks:
# scripts/test-summary on a meson log with every kind of entry (Criterion
# passes, skips, failures and crashes, a leak found at exit, a timeout,
# meson's own skip, a plain program), its closing line and exit status;
# scripts/install-deps's groups (the build group holds none of the test
# tools, an unknown group is refused).
# usage: test_scripts.sh SOURCE_ROOT
set -u
root=$1
tmp=$(mktemp -d /tmp/tach-scripts-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failures=0
check() { # description, then a command that must succeed
	what=$1
	shift
	if "$@"; then
		echo "ok: $what"
	else
		echo "FAILED: $what"
		failures=$((failures + 1))
	fi
}

mkdir -p "$tmp/b/meson-logs"
cp "$root/tests/scripts/testlog.json" "$tmp/b/meson-logs/"
(cd "$tmp" && "$root/scripts/test-summary" b) >"$tmp/out" 2>&1
s=$?
cat >"$tmp/want" <<'WANT'
skipped (4):
  b: store::pg_add: TACH_TEST_PG_URL not set: no PostgreSQL server for this run
  b: store::disabled: Test is disabled
  b: counters::pmu: no PMU: perf_event_open: ENOENT
  b: browser: chromium is not installed: browser test skipped
failed (5):
  b: counters::crash: CRASH!
  b: counters::cycles: (0.00s)
  b: alloc: FAIL (exit status 23) though every test passed: a leak found at exit, a timeout or a late crash
  b: alloc_fail: TIMEOUT (exit status -15)
  b: demo: FAIL (exit status 1)
7 passed, 5 failed, 4 skipped
WANT
check "test-summary names skips and failures and counts them" cmp -s "$tmp/want" "$tmp/out"
check "test-summary exits 1 on a failure (got $s)" test "$s" = 1

# one directory without a log (its build failed) and a reason from outside
(cd "$tmp" && "$root/scripts/test-summary" --fail "no PostgreSQL server" none) >"$tmp/out2" 2>&1
s=$?
check "a directory without a log is a failure, --fail another" \
	test "$(tail -1 "$tmp/out2")" = "0 passed, 2 failed, 0 skipped"
check "and says why" grep -q "^  none: no test log" "$tmp/out2"
check "exit 1 (got $s)" test "$s" = 1

# the passing entries alone: exit 0, unless meson test said otherwise
grep -e 'unit / store"' -e fuzz_corpus "$root/tests/scripts/testlog.json" >"$tmp/b/meson-logs/testlog.json"
(cd "$tmp" && "$root/scripts/test-summary" b) >"$tmp/out3" 2>&1
s=$?
check "nothing failed: exit 0 (got $s)" test "$s" = 0
check "nothing failed: the closing line" test "$(tail -1 "$tmp/out3")" = "2 passed, 0 failed, 2 skipped"
(cd "$tmp" && "$root/scripts/test-summary" --status 1 b) >"$tmp/out4" 2>&1
check "meson test failing with no failure logged counts one" \
	test "$(tail -1 "$tmp/out4")" = "2 passed, 1 failed, 2 skipped"
"$root/scripts/test-summary" >/dev/null 2>&1
s=$?
check "no directory: usage error (got $s)" test "$s" = 2

# install-deps: what compiling needs, and nothing of the tests'
"$root/scripts/install-deps" --list build >"$tmp/build" 2>&1
check "the build group names the compiler and the libraries" \
	grep -q "^build  libjansson-dev" "$tmp/build"
check "the build group installs none of the test tools" \
	sh -c "! grep -E 'chromium|postgresql|golang|hyperfine|valgrind' '$tmp/build'"
"$root/scripts/install-deps" --list test >"$tmp/test" 2>&1
check "the test group names its tools and builds first" \
	sh -c "grep -q '^test   chromium' '$tmp/test' && grep -q 'packages of: build' '$tmp/test'"
"$root/scripts/install-deps" nosuchgroup 2>"$tmp/err"
s=$?
check "an unknown group is refused (got $s)" test "$s" = 2
check "and named" grep -q "unknown group 'nosuchgroup'" "$tmp/err"

if [ $failures != 0 ]; then
	echo "--- test-summary printed:"; cat "$tmp/out"
	exit 1
fi
