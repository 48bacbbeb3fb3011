#!/bin/sh
# test_gate.sh TACH - examples/shm/tach.conf and examples/channels/tach.conf
# on made-up results (no timing): the shm gate passes a candidate 1000x
# faster than its base and fails the same pair swapped (a 10 % rule
# with its sign taken from each metric's direction); a rate 5 % lower is
# within +-10 % and passes; every metric the seed names is judged.  The
# channel config loads (exit 1 for missed targets, never 2 for a bad
# config).
set -eu
tach=$1
conf=$(cd "$(dirname "$0")" && pwd)/tach.conf
chconf=$(cd "$(dirname "$0")/../channels" && pwd)/tach.conf
dir=$(mktemp -d /tmp/tach-shm-gate-XXXXXX)
trap 'rm -rf "$dir"' EXIT

# metric NAME UNIT DIRECTION VALUE: seven samples around VALUE
metric() {
	awk -v n="$1" -v u="$2" -v d="$3" -v v="$4" 'BEGIN {
		printf "{\"name\": \"%s\", \"unit\": \"%s\", \"direction\": \"%s\", \"samples\": [", n, u, d
		for (i = 0; i < 7; i++) printf "%s%.6g", i ? ", " : "", v * (1 + (i - 3) * 0.001)
		printf "]}" }'
}
# results FILE ALLOC_TIME TRANSFER_BPS: the five seed metrics
results() {
	{
		printf '{"format": 1, "meta": {"tool": "tach"}, "benchmarks": [\n'
		printf '{"name": "shm_alloc/4096", "metrics": [%s, %s]},\n' \
			"$(metric time s lower "$2")" \
			"$(metric items_per_second /s higher "$(awk -v t="$2" 'BEGIN { print 1 / t }')")"
		printf '{"name": "lookup_linear_scan/100", "metrics": [%s]},\n' "$(metric time s lower 5e-7)"
		printf '{"name": "lookup_arithmetic/100", "metrics": [%s]},\n' "$(metric time s lower 5e-9)"
		printf '{"name": "shm_transfer/1048576", "metrics": [%s]}\n' \
			"$(metric bytes_per_second B/s higher "$3")"
		printf ']}\n'
	} >"$1"
}
results "$dir/mmap.json" 1e-5 4e10
results "$dir/arena.json" 1e-8 3.8e10   # transfer 5 % lower: inside +-10 %
results "$dir/slow.json" 1e-8 3e10      # transfer 25 % lower: a regression

fail=0
check() { # WANT-STATUS WHAT ARGS...
	want=$1 what=$2
	shift 2
	set +e
	"$tach" gate "$@" >"$dir/out" 2>&1
	got=$?
	set -e
	if [ "$got" != "$want" ]; then
		echo "test_gate: $what: exit $got, expected $want" >&2
		cat "$dir/out" >&2
		fail=1
	fi
}
check 0 "mmap -> arena" --config "$conf" "$dir/mmap.json" "$dir/arena.json"
check 1 "arena -> mmap (sides swapped)" --config "$conf" "$dir/arena.json" "$dir/mmap.json"
grep -q 'FAIL  time regressed.*shm_alloc/4096' "$dir/out" || { echo "test_gate: no time row" >&2; fail=1; }
grep -q 'FAIL  items_per_second regressed.*shm_alloc/4096' "$dir/out" || { echo "test_gate: no rate row" >&2; fail=1; }
# the transfer rule warns (it meets the machine's run-to-run offsets);
# made required, as on a steady machine, it fails the gate
check 0 "transfer 25 % lower (a warning)" --config "$conf" "$dir/arena.json" "$dir/slow.json"
grep -q 'warn  bytes_per_second regressed.*shm_transfer' "$dir/out" || { echo "test_gate: no transfer warning" >&2; fail=1; }
sed '/^[[:space:]]*required = false$/d' "$conf" >"$dir/required.conf"
check 1 "transfer 25 % lower, required" --config "$dir/required.conf" "$dir/arena.json" "$dir/slow.json"
grep -q 'FAIL  bytes_per_second regressed.*shm_transfer' "$dir/out" || { echo "test_gate: no transfer row" >&2; fail=1; }
check 1 "channel targets on shm results" --config "$chconf" "$dir/arena.json"
[ $fail = 0 ] && echo "test_gate: all checks passed"
exit $fail
