#!/usr/bin/env bash
# Starts a throwaway S3-compatible server (versitygw, posix backend, in a new
# temporary folder) on a free loopback port for the media store tests, and
# prints shell lines for the caller to eval:
#
#   eval "$(scripts/start-s3.sh)"
#   go test ./internal/media/          # uses CHORUS_TEST_S3_URL
#   kill "$CHORUS_TEST_S3_PID"; rm -rf "$CHORUS_TEST_S3_DIR"
#
# versitygw is installed with `go install` when it is not on PATH or in
# $(go env GOPATH)/bin. Everything but the export lines goes to stderr.
set -euo pipefail

VERSITYGW_MODULE="github.com/versity/versitygw/cmd/versitygw"
VERSITYGW_VERSION="v1.8.0"

gobin="$(go env GOBIN)"
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
vgw="$(command -v versitygw || true)"
[ -n "$vgw" ] || vgw="$gobin/versitygw"
if [ ! -x "$vgw" ]; then
	echo "start-s3: installing versitygw $VERSITYGW_VERSION (about a minute)" >&2
	go install "$VERSITYGW_MODULE@$VERSITYGW_VERSION" >&2
	vgw="$gobin/versitygw"
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/chorus-s3.XXXXXX")"
mkdir -p "$dir/data" "$dir/meta"
access="chorus-test-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
secret="$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + RANDOM % 20000))
}

answers() {
	if command -v curl >/dev/null; then
		# Any HTTP status will do: an unsigned request is refused.
		curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/"
	else
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
	fi
}

# A port may be taken between asking and binding: then try another.
ready=
for attempt in 1 2 3; do
	port="$(free_port)"
	# Metadata (content types) in a sidecar folder: works whether or not the
	# temporary filesystem keeps extended attributes.
	"$vgw" --access "$access" --secret "$secret" --port "127.0.0.1:$port" --quiet \
		posix --sidecar "$dir/meta" "$dir/data" >"$dir/versitygw.log" 2>&1 </dev/null &
	pid=$!
	for _ in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		if answers "$port"; then
			ready=1
			break
		fi
		sleep 0.1
	done
	[ -z "$ready" ] || break
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	echo "start-s3: attempt $attempt failed; versitygw said:" >&2
	cat "$dir/versitygw.log" >&2 || true
done
if [ -z "$ready" ]; then
	rm -rf "$dir"
	exit 1
fi
echo "start-s3: versitygw pid $pid on 127.0.0.1:$port, data in $dir" >&2

echo "export CHORUS_TEST_S3_URL='s3://$access:$secret@chorus-test?endpoint=127.0.0.1:$port&secure=false'"
echo "export CHORUS_TEST_S3_PID=$pid"
echo "export CHORUS_TEST_S3_DIR='$dir'"
