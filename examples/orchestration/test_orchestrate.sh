#!/bin/sh
# test_orchestrate.sh - correctness of `orchestrate` (run by meson test with
# the binary as $1): every orchestration completes exactly once with several
# workers, and after SIGKILL of one worker process, of the whole program at a
# chosen point and of the whole program at a random moment, a --resume
# finishes the rest with no activity result lost or duplicated.  Every check
# is --verify: counts per instance plus a recomputation of every checksum.
set -u
exe=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/orchestrate-test.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM
fails=0

# expect NAME STATUS PATTERN COMMAND...: COMMAND exits with STATUS and its
# output (stdout and stderr) matches the extended regex PATTERN.
expect() {
	name=$1 want=$2 pattern=$3
	shift 3
	"$@" >"$dir/out" 2>&1
	got=$?
	if [ "$got" -eq "$want" ] && grep -Eq -- "$pattern" "$dir/out"; then
		echo "ok   $name"
	else
		echo "FAIL $name (exit $got, wanted $want and /$pattern/)"
		sed 's/^/     | /' "$dir/out"
		fails=$((fails + 1))
	fi
}

# holds NAME COMMAND...: COMMAND succeeds.
holds() {
	name=$1
	shift
	if "$@"; then
		echo "ok   $name"
	else
		echo "FAIL $name"
		fails=$((fails + 1))
	fi
}

ok='verify: .* each completed exactly once'

# 1. Exactly once with several workers, in each configuration.
expect "threads, wal" 0 "$ok" \
	"$exe" --db "$dir/a.db" --orchestrations 200 --activities 6 --workers 4 --verify
expect "threads, delete journal" 0 "$ok" \
	"$exe" --db "$dir/b.db" --orchestrations 100 --activities 5 --workers 3 \
	--journal delete --sync off --verify
expect "processes, batch 3" 0 "$ok" \
	"$exe" --db "$dir/c.db" --orchestrations 100 --activities 7 --workers 3 \
	--processes --batch 3 --verify
expect "large payloads" 0 "$ok" \
	"$exe" --db "$dir/d.db" --orchestrations 4 --activities 4 --payload 100K-1M \
	--workers 2 --sync normal --verify
expect "results file" 0 "orchestrations/s" \
	"$exe" --db "$dir/e-%p.db" --orchestrations 20 --out "$dir/e.json"
expect "results file, second run" 0 "orchestrations/s" \
	"$exe" --db "$dir/e-%p.db" --orchestrations 20 --out "$dir/e.json"
samples=$(grep -A1 -e '"orchestrations_per_second"' -e '"latency_p999"' "$dir/e.json" |
	grep -Ec 'samples": \[[^],]+, [^],]+\]')
holds "results file has two samples of each metric" [ "$samples" = 2 ]
holds "%p database removed at exit" [ -z "$(ls "$dir" | grep '^e-')" ]
expect "usage error" 2 "--journal wants wal or delete" \
	"$exe" --journal fast

# 2. One worker process killed mid-orchestration: the others take its
#    instance over when the lease expires; the run still completes.
expect "SIGKILL of one worker process" 0 "killed by signal 9" \
	"$exe" --db "$dir/f.db" --orchestrations 60 --activities 8 --workers 3 \
	--processes --lease 300ms --kill-after 5 --verify
holds "its instance taken over" grep -Eq ' [1-9][0-9]* takeovers' "$dir/out"

# 3. The whole program killed at a chosen point (one worker holds a lease
#    and unpersisted work, the other threads are anywhere, maybe mid-commit),
#    in both journal modes; then --resume on the kept database.  A process
#    kill needs no fsync to be survived, so --sync off keeps this quick.
for j in wal delete; do
	db=$dir/g-$j.db
	expect "SIGKILL of the program ($j)" 137 "" \
		"$exe" --db "$db" --orchestrations 80 \
		--activities 6 --workers 4 --journal $j --sync off --lease 300ms \
		--kill-after 100 --keep
	expect "left unfinished ($j)" 0 "status: 80 instances: ([0-9]|[1-7][0-9]) done" \
		"$exe" --db "$db" --status
	expect "verify fails on it ($j)" 1 "not done" \
		"$exe" --db "$db" --status --verify
	expect "resume completes exactly once ($j)" 0 " [1-9][0-9]* takeovers" \
		"$exe" --db "$db" --resume --workers 2 --sync off --verify --keep
	holds "resume verified ($j)" grep -Eq "$ok" "$dir/out"
	expect "nothing duplicated ($j)" 0 "80 done, 0 running, 0 pending; 480 activity results" \
		"$exe" --db "$db" --status
done

# 4. The whole program killed from outside at an arbitrary moment: WAL
#    with an fsync per commit is slow enough to be caught mid-run, and lets
#    --status read while it runs.  (If the run was already over, the resume
#    has nothing to do.)  The resume switches the file to the rollback journal.
db=$dir/h.db
"$exe" --db "$db" --orchestrations 200 --activities 5 --workers 3 \
	--journal wal --sync full --lease 300ms --keep >/dev/null 2>&1 &
pid=$!
i=0 # wait until its workers have claimed something (at most 10 s)
until "$exe" --db "$db" --status 2>/dev/null | grep -Eq ' [1-9][0-9]* claims'; do
	i=$((i + 1))
	[ $i -lt 200 ] || break
	sleep 0.05
done
sleep 0.1
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
echo "     killed: $("$exe" --db "$db" --status)"
expect "resume after an outside SIGKILL" 0 "$ok" \
	"$exe" --db "$db" --resume --journal delete --sync off --workers 3 --verify

echo "$fails failed"
[ "$fails" -eq 0 ]
