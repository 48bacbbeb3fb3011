#!/bin/sh
# test_demo.sh - `make demo QUICK=1` end to end, twice, in a temporary
# history: both runs saved, the second compared with the first, the gate
# and the report produced, exit 0; then a step that cannot succeed (the
# history cannot be written) makes the demo exit non-zero.
# usage: test_demo.sh SOURCE_ROOT BUILD_DIR
set -u
root=$1
build=$2
tmp=$(mktemp -d /tmp/tach-demo-test-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export QUICK=1 DEMO_BUILD="$build" TACH_DB="$tmp/history.db" DEMO_REPORT="$tmp/report.html" \
	DEMO_SITE="$tmp/site"
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

"$root/scripts/demo" >"$tmp/out1" 2>&1
s1=$?
check "first run exits 0 (got $s1)" test "$s1" = 0
check "first run says it is the baseline" grep -q "first demo run" "$tmp/out1"
check "first run writes the report" grep -q "<!doctype html>" "$tmp/report.html"
rm -f "$tmp/report.html"

"$root/scripts/demo" >"$tmp/out2" 2>&1
s2=$?
check "second run exits 0 (got $s2)" test "$s2" = 0
check "second run compares with the first" grep -q "compared with the previous demo run (#1)" "$tmp/out2"
check "the summary line, all four counts in order" grep -Eq "^  [0-9]+ regressed, [0-9]+ improved, [0-9]+ same, [0-9]+ inconclusive" "$tmp/out2"
check "the gate ran" grep -q "^gate (examples/eventbus/tach.conf" "$tmp/out2"
check "the report compares #1 with #2" grep -q "#1 → #2" "$tmp/report.html"
check "the report has a comparison" grep -q "class=cards" "$tmp/report.html"
check "the site's index lists the workloads" grep -q "orchestration/journal/wal" "$tmp/site/index.html"
runs=$("$build/tach" history list 2>/dev/null | grep -c '^#')
check "the history holds both runs (got $runs)" test "$runs" = 2
check "each run holds every workload" sh -c "'$build/tach' history show '#2' | grep -q orchestration/journal/wal && '$build/tach' history show '#2' | grep -q shm/arena/shm_alloc"

# a step that fails: the history cannot be written
TACH_DB=/proc/tach-demo-test/history.db "$root/scripts/demo" >"$tmp/out3" 2>&1
s3=$?
check "a failing step exits non-zero (got $s3)" test "$s3" != 0
check "and says which step" grep -q "saving to the history failed" "$tmp/out3"

if [ $failures != 0 ]; then
	echo "--- first run:"; cat "$tmp/out1"
	echo "--- second run:"; cat "$tmp/out2"
	exit 1
fi
