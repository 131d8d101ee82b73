#!/usr/bin/env bash
# Submissions and cached story pages on one PostgreSQL database, through
# one "chorus serve" node, then two (the load spread over both), then one
# again; and the same targets on one SQLite node for comparison.
#
#   CHORUS_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' bash scripts/bench-nodes.sh
#   (or: make bench-nodes)
#
# It creates a fresh schema (chorus_bench_nodes_<random>) and a temporary
# data folder that both nodes share (secret.key, media), starts the nodes on
# free 127.0.0.1 ports, runs cmd/chorus-load against them, then stops the
# nodes by their process ids and drops the schema and the folder.
#
# Environment:
#   CHORUS_TEST_POSTGRES_URL  the PostgreSQL server (required)
#   ONLY        chorus-load targets (default story,submit)
#   DURATION    measured time per target (default 5s)
#   CONNS       connections in total (default 64)
#   STORIES     first add this many synthetic stories (chorus seed; default 0)
#   SQLITE=0    skip the SQLite run
#   NODE_GOMAXPROCS  GOMAXPROCS of each node (default: the Go default, every CPU)
#   POOL_MAX_CONNS   connections of each node's pool (pool_max_conns in the
#               nodes' database URL; default: the driver's, max(4, CPUs))
set -euo pipefail
cd "$(dirname "$0")/.."

: "${CHORUS_TEST_POSTGRES_URL:?set CHORUS_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)}"
ONLY="${ONLY:-story,submit}"
DURATION="${DURATION:-5s}"
CONNS="${CONNS:-64}"
STORIES="${STORIES:-0}"
SQLITE="${SQLITE:-1}"
GO="${GO:-go}"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/chorus-nodes.XXXXXX")"
schema="chorus_bench_nodes_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
case "$CHORUS_TEST_POSTGRES_URL" in
*\?*) db_url="$CHORUS_TEST_POSTGRES_URL&search_path=$schema" ;;
*) db_url="$CHORUS_TEST_POSTGRES_URL?search_path=$schema" ;;
esac
if [ -n "${POOL_MAX_CONNS:-}" ]; then
	db_url="$db_url&pool_max_conns=$POOL_MAX_CONNS"
fi
pids=()

psql_base() { psql "$CHORUS_TEST_POSTGRES_URL" -v ON_ERROR_STOP=1 -qAtc "$1"; }

cleanup() {
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	psql_base "DROP SCHEMA IF EXISTS $schema CASCADE" || echo "could not drop schema $schema" >&2
	rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_healthy() {
	for _ in $(seq 1 300); do
		curl -fs "$1/healthz" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "node $1 did not become healthy; its log:" >&2
	cat "$2" >&2
	return 1
}

# start_node N: starts node N on the shared schema and data folder.
start_node() {
	local port log
	port="$(free_port)"
	log="$tmp/node$1.log"
	env CHORUS_DATABASE_URL="$db_url" ${NODE_GOMAXPROCS:+GOMAXPROCS=$NODE_GOMAXPROCS} "$tmp/chorus" serve --addr "127.0.0.1:$port" --data "$tmp/data" \
		--log-level warn --submissions-per-hour 1000000000 --edits-per-hour-per-address 1000000000 --max-connections-per-address 0 >"$log" 2>&1 &
	pids+=("$!")
	node_pid="$!"
	node_url="http://127.0.0.1:$port"
	wait_healthy "$node_url" "$log"
	echo "node $1: pid $node_pid on $node_url"
}

load() {
	"$tmp/chorus-load" --only "$ONLY" --duration "$DURATION" -c "$CONNS" "$@"
}

echo "building ..."
"$GO" build -o "$tmp/chorus" ./cmd/chorus
"$GO" build -o "$tmp/chorus-load" ./cmd/chorus-load
psql_base "CREATE SCHEMA $schema"
mkdir "$tmp/data"

# Node 1 creates the schema and adds the demo stories; seeding comes after.
start_node 1
url1="$node_url" pid1="$node_pid"

if [ "$STORIES" -gt 0 ]; then
	echo "seeding $STORIES stories ..."
	start=$(date +%s)
	CHORUS_DATABASE_URL="$db_url" "$tmp/chorus" seed --data "$tmp/data" --stories "$STORIES" --log-level warn >/dev/null
	echo "seeded in $(($(date +%s) - start)) s"
fi

echo
echo "=== PostgreSQL, one node"
load --url "$url1" --pid "$pid1"

start_node 2
url2="$node_url"
echo
echo "=== PostgreSQL, two nodes (the load alternates between them)"
load --url "$url1,$url2" --pid "$pid1"

echo
echo "=== PostgreSQL, one node again (node 2 idle)"
load --url "$url1" --pid "$pid1"

echo
echo "stories in the schema: $(psql_base "SELECT status || ' ' || count(*) FROM $schema.stories GROUP BY status ORDER BY 1" | tr '\n' ' ')"
for n in 1 2; do
	if grep -qiE 'level=(warn|error)|panic' "$tmp/node$n.log"; then
		echo "node $n logged warnings or errors:"
		head -20 "$tmp/node$n.log"
	fi
done

if [ "$SQLITE" = 1 ]; then
	echo
	echo "=== SQLite, one node (fresh temporary server)"
	"$tmp/chorus-load" --chorus "$tmp/chorus" --only "$ONLY" --duration "$DURATION" -c "$CONNS"
fi
