#!/usr/bin/env bash
# List, search and story reads at one million stories, on SQLite and (when
# CHORUS_TEST_POSTGRES_URL is set) on PostgreSQL: seeds each backend with
# "chorus seed", timed, notes the size on disk, runs the Go benchmarks of
# internal/storage/{sqlite,postgres} one call at a time against it, then a
# short HTTP load run on the seeded SQLite folder.
#
#   CHORUS_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' bash scripts/bench-1m.sh
#   (or: make bench-1m; STORIES=300000 make bench-1m for a smaller run)
#
# Everything lives in a temporary folder and a fresh schema
# (chorus_bench_1m_<random>), both removed at the end.
#
# Environment:
#   STORIES     how many synthetic stories (default 1000000)
#   BENCHTIME   calls per benchmark (default 200x)
#   LOAD=0      skip the HTTP load run
set -euo pipefail
cd "$(dirname "$0")/.."

STORIES="${STORIES:-1000000}"
BENCHTIME="${BENCHTIME:-200x}"
LOAD="${LOAD:-1}"
GO="${GO:-go}"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/chorus-1m.XXXXXX")"
schema=""
cleanup() {
	if [ -n "$schema" ]; then
		psql "$CHORUS_TEST_POSTGRES_URL" -qAtc "DROP SCHEMA IF EXISTS $schema CASCADE" || echo "could not drop schema $schema" >&2
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

"$GO" build -o "$tmp/chorus" ./cmd/chorus
"$GO" build -o "$tmp/chorus-load" ./cmd/chorus-load

echo "=== SQLite: chorus seed --stories $STORIES"
mkdir "$tmp/sqlite"
start=$(date +%s)
"$tmp/chorus" seed --data "$tmp/sqlite" --stories "$STORIES" --log-level warn >/dev/null
echo "seeded in $(($(date +%s) - start)) s; on disk: $(du -sh "$tmp/sqlite" | cut -f1)"
# Lists and search BENCHTIME calls each; the proposed rewrites (some take
# a second a call) 20; the withdrawal, which rewrites the search index, 2
# (after the load run).
sqlite_bench() {
	CHORUS_BENCH_STORIES="$STORIES" CHORUS_BENCH_DB="$tmp/sqlite/chorus.db" \
		"$GO" test -run '^$' -bench "$1" -benchtime "$2" -timeout 60m ./internal/storage/sqlite/
}
sqlite_bench 'PublishedStories|Countries|Story$' "$BENCHTIME"
sqlite_bench 'Proposed' 20x

if [ "$LOAD" = 1 ]; then
	echo "=== SQLite: HTTP load on the seeded folder"
	"$tmp/chorus-load" --chorus "$tmp/chorus" --data "$tmp/sqlite" --synthetic "$STORIES" --story syn000000000 \
		--only story,list-filtered,search,story-uncached,submit
fi
# Last: it withdraws the two newest stories, which the load run reads.
sqlite_bench 'WithdrawAndPurge' 2x

if [ -n "${CHORUS_TEST_POSTGRES_URL:-}" ]; then
	schema="chorus_bench_1m_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	case "$CHORUS_TEST_POSTGRES_URL" in
	*\?*) db_url="$CHORUS_TEST_POSTGRES_URL&search_path=$schema" ;;
	*) db_url="$CHORUS_TEST_POSTGRES_URL?search_path=$schema" ;;
	esac
	psql "$CHORUS_TEST_POSTGRES_URL" -v ON_ERROR_STOP=1 -qAtc "CREATE SCHEMA $schema"
	echo "=== PostgreSQL: chorus seed --stories $STORIES"
	mkdir "$tmp/pg"
	start=$(date +%s)
	CHORUS_DATABASE_URL="$db_url" "$tmp/chorus" seed --data "$tmp/pg" --stories "$STORIES" --log-level warn >/dev/null
	PGOPTIONS="-c search_path=$schema" psql "$CHORUS_TEST_POSTGRES_URL" -qAtc "ANALYZE"
	echo "seeded in $(($(date +%s) - start)) s; on disk: $(psql "$CHORUS_TEST_POSTGRES_URL" -qAtc "SELECT pg_size_pretty(sum(pg_total_relation_size(oid))) FROM pg_class WHERE relnamespace = '$schema'::regnamespace AND relkind IN ('r', 'm')")"
	# Search 30 calls each (a rare word takes most of a second today); the
	# withdrawal, which rewrites the whole table, once and last.
	pg_bench() {
		CHORUS_BENCH_STORIES="$STORIES" CHORUS_BENCH_POSTGRES_URL="$db_url" \
			"$GO" test -run '^$' -bench "$1" -benchtime "$2" -timeout 60m ./internal/storage/postgres/
	}
	pg_bench 'Filtered|Countries$|Story$' "$BENCHTIME"
	pg_bench 'Search|Proposed_Countries' 30x
	pg_bench 'WithdrawAndPurge' 1x
else
	echo "CHORUS_TEST_POSTGRES_URL is not set: PostgreSQL skipped"
fi
