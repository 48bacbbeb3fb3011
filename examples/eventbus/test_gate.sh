#!/bin/sh
# test_gate.sh - examples/eventbus/tach.conf holds the seed document's
# four gates: fixed results shaped like this machine's (before = the
# thread design, after = the pool; 10 samples each, no timing involved)
# pass it, and the same files with their sides swapped fail it, once per
# gate.  usage: test_gate.sh TACH CONFIG WORKDIR
set -u
tach=$1
conf=$2
tmp=$(mktemp -d "${3:-/tmp}/tach-eventbus-gate-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
py=/usr/bin/python3
[ -x $py ] || py=python3
# NAME METRIC UNIT DIRECTION BEFORE AFTER, each value spread by +-2 % over
# ten samples
"$py" - "$tmp" <<'PY'
import json, sys
rows = [
    ("scenario/light", "time_per_event", "s", "lower", 155e-6, 57e-6),
    ("scenario/heavy", "peak_threads", "count", "lower", 98, 2),
    ("procmgr/status_check/threads:10", "time", "s", "lower", 1.1e-6, 0.5e-6),
    ("logstore/add_async", "alloc_bytes_per_second", "B/s", "lower", 1.9e9, 0),
]
for side, col in (("before", 4), ("after", 5)):
    benches = {}
    for r in rows:
        v = r[col]
        samples = [v * (1 + 0.02 * ((i * 7) % 10 - 4.5) / 4.5) for i in range(10)]
        benches.setdefault(r[0], []).append(
            {"name": r[1], "unit": r[2], "direction": r[3], "samples": samples})
    doc = {"format": 1, "meta": {"tool": "tach", "labels": {"side": side}},
           "benchmarks": [{"name": n, "source": {"kind": "library", "tool": "tach"},
                           "metrics": m} for n, m in benches.items()]}
    json.dump(doc, open("%s/%s.json" % (sys.argv[1], side), "w"))
PY
failures=0
"$tach" gate --config "$conf" "$tmp/before.json" "$tmp/after.json" >"$tmp/pass" 2>&1
rc=$?
if [ $rc != 0 ]; then
	echo "FAIL: before -> after exits $rc, want 0"
	failures=$((failures + 1))
fi
"$tach" gate --config "$conf" "$tmp/after.json" "$tmp/before.json" >"$tmp/fail" 2>&1
rc=$?
if [ $rc != 1 ]; then
	echo "FAIL: swapped sides exit $rc, want 1"
	failures=$((failures + 1))
fi
for want in "FAIL  time_per_event regressed" "FAIL  time regressed" \
	"FAIL  alloc_bytes_per_second improvement not shown" "FAIL  peak_threads improvement not shown"; do
	if ! grep -q "^$want" "$tmp/fail"; then
		echo "FAIL: the swapped gate does not say '$want'"
		failures=$((failures + 1))
	fi
done
echo "--- before -> after:"
cat "$tmp/pass"
echo "--- after -> before:"
cat "$tmp/fail"
[ $failures = 0 ] && echo "ok: 0 failures" || echo "FAIL: $failures failures"
[ $failures = 0 ]
