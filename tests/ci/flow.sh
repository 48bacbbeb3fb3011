#!/bin/sh
# flow.sh - the CI flow of docs/ci/ end to end on a local git repository:
# two commits on main measured on testbed bench-1, saved to the history,
# the baseline `main` moved to each, the history published; then a pull
# request three times slower compared with the stored baseline (the
# Markdown names both commits), reported as JUnit and failed by the gate;
# and a head measured on another testbed refused by the gate.  On SQLite,
# and again on a fresh database of the test PostgreSQL cluster when
# TACH_TEST_PG_URL is set.
#
#     flow.sh TACH TESTPROG
set -eu
tach=$1
prog=$2
fail() { echo "flow.sh: $*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tach-flow-XXXXXX")
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=ci GIT_AUTHOR_EMAIL=ci@example.org
export GIT_COMMITTER_NAME=ci GIT_COMMITTER_EMAIL=ci@example.org

# measure OUT [tach run options]: the "benchmark suite" of the repository
# is the test program sleeping as many ms as the file `work` says (a sleep,
# not a spin: a CI machine loaded by other jobs stretches CPU work by
# unequal amounts, and the pull request's 3x must stay a clear regression)
measure() {
	out=$1
	shift
	"$tach" run --runs 12 --warmup 1 --name suite "$@" --export-json "$out" \
		"$prog --sleep $(cat work)" >/dev/null
}

flow() {
	db=$1
	repo="$work/repo-$2"
	git init -q -b main "$repo"
	cd "$repo"
	export TACH_DB="$db"

	# main: two commits, each measured, saved, made the baseline, published
	for ms in 20 21; do
		echo "$ms" >work
		git add work && git commit -qm "main $ms"
		measure results.json --testbed bench-1
		"$tach" history add --testbed bench-1 results.json >/dev/null
		"$tach" baseline set main @latest >/dev/null
		"$tach" publish site --title "flow" >/dev/null
	done
	main_commit=$(git rev-parse HEAD)
	[ -f site/index.html ] || fail "$2: no site/index.html"
	grep -q "bench-1" site/index.html || fail "$2: the site does not name the testbed"
	runs=$("$tach" history list --format json | grep -c '"id"') || true
	[ "$runs" -eq 2 ] || fail "$2: $runs runs in the history, expected 2"

	# a pull request: three times the work
	git checkout -qb slower
	echo 60 >work
	git commit -qam "slower"
	pr_commit=$(git rev-parse HEAD)
	measure head.json --testbed bench-1
	st=0
	"$tach" compare @main head.json -f markdown -o comparison.md || st=$?
	[ "$st" -eq 1 ] || fail "$2: compare exited $st, expected 1 (a regression)"
	grep -q "^\*\*base\*\* commit \`$main_commit\` (main), measured .* on bench-1  $" comparison.md ||
		fail "$2: the comment does not name the base: $(cat comparison.md)"
	grep -q "^\*\*cand\*\* commit \`$pr_commit\` (slower), measured .* on bench-1  $" comparison.md ||
		fail "$2: the comment does not name the candidate: $(cat comparison.md)"
	grep -q "regressed" comparison.md || fail "$2: no regression in the comment"
	"$tach" compare @main head.json -f junit -o compare.xml || true
	grep -q "<failure" compare.xml || fail "$2: no failure in the JUnit report"
	st=0
	"$tach" gate --no-config @main head.json >gate.txt || st=$?
	[ "$st" -eq 1 ] || fail "$2: gate exited $st, expected 1: $(cat gate.txt)"
	st=0
	"$tach" gate --no-config @main head.json -f junit -o gate.xml || st=$?
	[ "$st" -eq 1 ] || fail "$2: gate -f junit exited $st, expected 1"
	grep -q '<testsuite name="tach gate".*failures="[1-9]' gate.xml &&
		grep -q 'regressed.*<failure' gate.xml || fail "$2: the gate's JUnit: $(cat gate.xml)"

	# a head measured on another machine (its host name changed: one
	# machine under two testbed names is still one machine): the gate
	# refuses to decide
	git checkout -q main
	measure other.json --testbed bench-2
	sed 's/"host\(name\)\{0,1\}": "[^"]*"/"host\1": "another-machine"/' other.json >o.json
	mv o.json other.json
	st=0
	"$tach" gate --no-config @main other.json >gate.txt 2>&1 || st=$?
	[ "$st" -eq 1 ] || fail "$2: gate across testbeds exited $st, expected 1"
	grep -q "^FAIL  testbeds differ: base 'bench-1', candidate 'bench-2'" gate.txt ||
		fail "$2: the mismatch is not a failure: $(cat gate.txt)"
	# allowed, the mismatch only warns (the rows may still fail on the
	# machine's noise: the same work measured twice is not asserted equal)
	"$tach" gate --no-config --allow-testbed-mismatch @main other.json >gate.txt 2>&1 || true
	grep -q "^warn  testbeds differ: base 'bench-1', candidate 'bench-2'" gate.txt ||
		fail "$2: --allow-testbed-mismatch did not make it a warning: $(cat gate.txt)"
	! grep -q "^FAIL  testbeds differ" gate.txt || fail "$2: $(cat gate.txt)"
	cd "$work"
	echo "flow.sh: $2: ok"
}

flow "$work/history.db" sqlite

if [ -n "${TACH_TEST_PG_URL:-}" ]; then
	command -v psql >/dev/null || fail "TACH_TEST_PG_URL is set but psql is missing"
	name="tach_flow_$$"
	psql -q "$TACH_TEST_PG_URL" -c "CREATE DATABASE $name" >/dev/null
	url=$(printf '%s' "$TACH_TEST_PG_URL" | sed "s|/[^/?]*\(?.*\)\{0,1\}\$|/$name\1|")
	st=0
	(flow "$url" postgresql) || st=$?
	psql -q "$TACH_TEST_PG_URL" -c "DROP DATABASE $name" >/dev/null || true
	[ "$st" -eq 0 ] || exit "$st"
else
	echo "flow.sh: TACH_TEST_PG_URL not set: PostgreSQL not tried"
fi
