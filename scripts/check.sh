#!/usr/bin/env bash
# Every check of Chorus in one command, with a summary table.
#
#   bash scripts/check.sh        (or: make check)
#
# Runs, in order, and times each step: gofmt, go vet, staticcheck, the
# README's test command, the race detector on the packages with shared
# state, short fuzzing of every Fuzz* target found in the repository, the
# short load run, (with CHECK_SOAK=1) the one-minute soak, and that the
# work tree is unchanged afterwards. Every step runs even when an earlier
# one failed; the exit status is non-zero if any failed.
#
# Environment:
#   FUZZTIME      fuzzing time per target (default 10s)
#   FUZZMINIMIZE  how much to minimise each new input (default 100x, runs;
#                 Go's own default, 60s, spent a short run minimising the
#                 first inputs of targets fed kilobyte-long recordings)
#   CHECK_SOAK=1  also run make soak-short (about a minute)
#   CHECK_REPORT  where to write the Markdown table (default: a new
#                 temporary folder, printed at the end, with every step's log)
set -u
set -o pipefail
cd "$(dirname "$0")/.."

FUZZTIME="${FUZZTIME:-10s}"
FUZZMINIMIZE="${FUZZMINIMIZE:-100x}"
GO="${GO:-go}"
logdir="$(mktemp -d "${TMPDIR:-/tmp}/chorus-check.XXXXXX")"
report="${CHECK_REPORT:-$logdir/check-report.md}"

names=() results=() times=() notes=()
failed=0

# What git says of the work tree before any step, so that step 8 blames
# the run only for what it changed, not for edits not yet committed.
tree_before="$(git status --porcelain --untracked-files=all 2>/dev/null)"

now_ms() { date +%s%3N; }

# record NAME RESULT START_MS NOTES
record() {
	local secs
	secs="$(awk -v a="$3" -v b="$(now_ms)" 'BEGIN { printf "%.1f s", (b - a) / 1000 }')"
	names+=("$1") results+=("$2") times+=("$secs") notes+=("$4")
	[ "$2" = FAIL ] && failed=1
	printf '== %s: %s (%s)%s\n\n' "$1" "$2" "$secs" "${4:+, $4}"
}

# show_tail LOG: the end of a failed step's output.
show_tail() {
	echo "-- last lines of $1:"
	tail -n 40 "$1"
}

# json_count FILE ACTION: test events (not package events) with this action.
json_count() { grep -c "\"Action\":\"$2\",\"Package\":\"[^\"]*\",\"Test\"" "$1"; }

# 1. formatting
step() { echo "== $1"; }
step "gofmt"
t0="$(now_ms)"
log="$logdir/gofmt.log"
gofmt -l . >"$log" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$log" ]; then
	record "gofmt -l ." pass "$t0" ""
else
	cat "$log"
	record "gofmt -l ." FAIL "$t0" "$(grep -c . "$log") files not formatted"
fi

# 2. vet
step "go vet ./..."
t0="$(now_ms)"
log="$logdir/vet.log"
if $GO vet ./... >"$log" 2>&1; then
	record "go vet ./..." pass "$t0" ""
else
	show_tail "$log"
	record "go vet ./..." FAIL "$t0" "$(grep -c '\.go:' "$log") findings"
fi

# 2b. staticcheck: from PATH, else where go install puts it
step "staticcheck ./..."
t0="$(now_ms)"
log="$logdir/staticcheck.log"
staticcheck="$(command -v staticcheck || echo "$($GO env GOPATH)/bin/staticcheck")"
if [ ! -x "$staticcheck" ]; then
	echo "staticcheck not found: go install honnef.co/go/tools/cmd/staticcheck@v0.8.2"
	record "staticcheck ./..." FAIL "$t0" "not installed"
elif "$staticcheck" ./... >"$log" 2>&1; then
	record "staticcheck ./..." pass "$t0" ""
else
	show_tail "$log"
	record "staticcheck ./..." FAIL "$t0" "$(grep -c '\.go:' "$log") findings"
fi

# 3. the README's test command, as JSON events so tests can be counted
step "go test ./..."
t0="$(now_ms)"
json="$logdir/test.json"
$GO test -json ./... >"$json" 2>"$logdir/test.stderr"
rc=$?
# One line per package, like the plain output.
grep -o '"Action":"\(pass\|fail\|skip\)","Package":"[^"]*","Elapsed":[0-9.]*' "$json" |
	sed 's/"Action":"\([a-z]*\)","Package":"\([^"]*\)","Elapsed":\(.*\)/  \1\t\2\t\3s/' |
	sed 's/^  pass/  ok  /; s/^  fail/  FAIL/; s/^  skip/  none/'
cat "$logdir/test.stderr"
passed="$(json_count "$json" pass)" skipped="$(json_count "$json" skip)" tfailed="$(json_count "$json" fail)"
note="tests and subtests: $passed passed, $tfailed failed, $skipped skipped"
if [ "$skipped" -gt 0 ]; then
	note="$note ($(grep -o "\"Action\":\"skip\",\"Package\":\"[^\"]*\",\"Test\":\"[^\"]*\"" "$json" |
		sed 's/.*"Test":"\([^"]*\)"/\1/' | head -n 4 | paste -sd, -)$([ "$skipped" -gt 4 ] && echo ', ...'))"
fi
if [ $rc -eq 0 ]; then
	record "go test ./..." pass "$t0" "$note"
else
	# The output of the failed tests, unescaped enough to read.
	grep "\"Action\":\"output\"" "$json" | grep -F -f <(grep -o "\"Action\":\"fail\",\"Package\":\"[^\"]*\",\"Test\":\"[^\"]*\"" "$json" |
		sed 's/.*"Package":"\([^"]*\)","Test":"\([^"]*\)"/"Package":"\1","Test":"\2"/') |
		sed 's/.*"Output":"\(.*\)"}$/\1/; s/\\n$//; s/\\t/\t/g; s/\\"/"/g' | tail -n 60
	record "go test ./..." FAIL "$t0" "$note"
fi

# 3b. browser tests: they skip themselves when no browser is installed.
t0="$(now_ms)"
if [ -d internal/browsertest ]; then
	pkg="$(grep -o '"Package":"[^"]*internal/browsertest"' "$json" | head -n 1 | sed 's/"Package":"\(.*\)"/\1/')"
	bpass="$(grep -c "\"Action\":\"pass\",\"Package\":\"$pkg\",\"Test\"" "$json")"
	bskip="$(grep -c "\"Action\":\"skip\",\"Package\":\"$pkg\",\"Test\"" "$json")"
	bfail="$(grep -c "\"Action\":\"fail\",\"Package\":\"$pkg\",\"Test\"" "$json")"
	reason="$(grep "\"Package\":\"$pkg\"" "$json" | grep '"Action":"output"' | grep -o 'SKIP[^"]*\|[a-z_]*\.go:[0-9]*: [^"]*' | head -n 1 | sed 's/\\n//; s/|/\//g')"
	if [ "$bfail" -gt 0 ]; then
		record "browser tests (in go test)" FAIL "$t0" "$bfail failed"
	elif [ "$bpass" -eq 0 ] && [ "$bskip" -gt 0 ]; then
		record "browser tests (in go test)" skipped "$t0" "$bskip skipped${reason:+: $reason}"
	else
		record "browser tests (in go test)" pass "$t0" "$bpass passed, $bskip skipped"
	fi
else
	record "browser tests (in go test)" skipped "$t0" "no internal/browsertest package in this tree"
fi

# 4. race detector
step "go test -race"
t0="$(now_ms)"
log="$logdir/race.log"
race_pkgs=(./internal/web/ ./internal/app/ ./internal/storage/... ./internal/media/ ./internal/federation/)
if $GO test -race "${race_pkgs[@]}" >"$log" 2>&1; then
	cat "$log"
	record "go test -race (web, app, storage, media, federation)" pass "$t0" "$(grep -c '^ok' "$log") packages"
else
	show_tail "$log"
	record "go test -race (web, app, storage, media, federation)" FAIL "$t0" "$(grep -c 'WARNING: DATA RACE' "$log") data races"
fi

# 5. short fuzzing of every Fuzz* target in the repository
fuzz_targets="$(grep -rEo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*\(' . |
	sed 's|^\./||; s|/[^/]*_test\.go:func | |; s|($||' | sort -u)"
if [ -z "$fuzz_targets" ]; then
	record "fuzz" skipped "$(now_ms)" "no Fuzz* functions found"
fi
while read -r dir name; do
	[ -n "$name" ] || continue
	step "fuzz $name ($dir, $FUZZTIME)"
	t0="$(now_ms)"
	log="$logdir/fuzz-$name.log"
	fuzz_once() { $GO test "./$dir" -run '^$' -fuzz "^$name\$" -fuzztime "$FUZZTIME" -fuzzminimizetime "$FUZZMINIMIZE" >"$log" 2>&1; }
	# The go command can stop a run with "context deadline exceeded" when
	# the time is up while it minimises a new interesting input: no input
	# failed, the fuzzer was cut short. Such a run is tried again (twice at
	# most); a real finding always writes its failing input and fails.
	fuzz_cut_short() { grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written to' "$log"; }
	fuzz_ok=0
	for attempt in 1 2 3; do
		if fuzz_once; then
			fuzz_ok=1
			break
		fi
		if ! fuzz_cut_short || [ "$attempt" = 3 ]; then
			break
		fi
		echo "fuzz $name: cut short by the go command's deadline while minimising; running it again"
	done
	if [ "$fuzz_ok" = 1 ]; then
		tail -n 2 "$log"
		execs="$(grep -o 'execs: [0-9]*' "$log" | tail -n 1 | sed 's/execs: //')"
		record "fuzz $name ($dir)" pass "$t0" "${execs:-?} execs in $FUZZTIME"
	else
		show_tail "$log"
		record "fuzz $name ($dir)" FAIL "$t0" "$(grep -m 1 -o 'Failing input written to [^ ]*' "$log" || echo 'see log')"
	fi
done <<<"$fuzz_targets"

# 6. the short load run
step "make bench-short"
t0="$(now_ms)"
log="$logdir/bench-short.log"
make --no-print-directory bench-short 2>&1 | tee "$log"
rc=$?
story="$(awk '$1 == "story" && /req\/s/ { for (i = 1; i < NF; i++) if ($(i+1) == "req/s,") { print $i; exit } }' "$log")"
bare="$(awk '$1 == "bare" && /req\/s/ { for (i = 1; i < NF; i++) if ($(i+1) == "req/s,") { print $i; exit } }' "$log")"
errs="$(grep -E '^[a-z-]+: [0-9]+ errors; first:' "$log" | head -n 3 | paste -sd';' -)"
note="story ${story:-?} req/s (bare ${bare:-?})"
if [ $rc -eq 0 ] && [ -z "$errs" ]; then
	record "make bench-short" pass "$t0" "$note"
else
	record "make bench-short" FAIL "$t0" "$note${errs:+; $errs}"
fi

# 7. the one-minute soak, on request
if [ "${CHECK_SOAK:-0}" = 1 ]; then
	step "make soak-short"
	t0="$(now_ms)"
	log="$logdir/soak-short.log"
	make --no-print-directory soak-short 2>&1 | tee "$log"
	rc=$?
	total="$(awk '$1 == "all" { print $2 " requests, " $3 " req/s, " $4 " expected conflicts, " $5 " errors" }' "$log")"
	mem="$(grep -o 'last vs baseline [^(]*' "$log" | sed 's/last vs baseline/RSS/; s/ *$//')"
	if [ $rc -eq 0 ]; then
		record "make soak-short" pass "$t0" "$total; $mem"
	else
		record "make soak-short" FAIL "$t0" "${total:-no summary}${mem:+; $mem}"
	fi
else
	record "make soak-short" skipped "$(now_ms)" "set CHECK_SOAK=1 to run it"
fi

# 8. nothing run-time left behind: the tests, fuzzing and load runs must
# leave the work tree as they found it (no database, key, media or
# benchmark output); only checked where git knows the tree. Edits made
# before the run are not the run's: only paths whose status changed count
# (a file already modified that the run modifies again goes unseen).
step "work tree unchanged"
t0="$(now_ms)"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	changed="$(comm -13 <(echo "$tree_before" | sort) <(git status --porcelain --untracked-files=all | sort) | grep .)"
	if [ -z "$changed" ]; then
		record "work tree unchanged" pass "$t0" ""
	else
		echo "$changed" | head -n 20
		record "work tree unchanged" FAIL "$t0" "$(echo "$changed" | grep -c .) paths changed or left behind"
	fi
else
	record "work tree unchanged" skipped "$t0" "not a git work tree"
fi

# Summary: a plain table here, Markdown in the report.
echo
echo "== summary"
{
	printf 'step\tresult\ttime\tnotes\n'
	for i in "${!names[@]}"; do
		printf '%s\t%s\t%s\t%s\n' "${names[$i]}" "${results[$i]}" "${times[$i]}" "${notes[$i]}"
	done
} | awk -F'\t' '{ for (i = 1; i <= NF; i++) { cell[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR }
	END { for (r = 1; r <= n; r++) { line = ""; for (i = 1; i <= 4; i++) line = line sprintf("%-" w[i] "s  ", cell[r, i]); sub(/ +$/, "", line); print line } }'
{
	echo "# Chorus checks"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $($GO version | sed 's/^go version //'), FUZZTIME=$FUZZTIME"
	echo
	echo "| step | result | time | notes |"
	echo "|---|---|---:|---|"
	for i in "${!names[@]}"; do
		r="${results[$i]}"
		[ "$r" = FAIL ] && r="**FAIL**"
		printf '| %s | %s | %s | %s |\n' "${names[$i]}" "$r" "${times[$i]}" "$(printf '%s' "${notes[$i]}" | sed 's/|/\\|/g')"
	done
} >"$report"
echo
echo "Markdown report: $report"
echo "step logs: $logdir"
if [ $failed -ne 0 ]; then
	echo "== some checks FAILED"
	exit 1
fi
echo "== all checks passed"
