#!/usr/bin/env bash
# Installs what the real-browser tests in internal/browsertest need:
# Debian's headless Chromium and axe-core (pinned in
# internal/browsertest/package-lock.json). Safe to run again: it does only
# what is missing. Needs root (or sudo) for apt-get.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tests="$root/internal/browsertest"

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

have_chromium() {
	[ -x /usr/bin/chromium-headless-shell ] || [ -x /usr/bin/chromium ]
}

if have_chromium; then
	echo "browser tools: Chromium already installed"
else
	echo "browser tools: installing Chromium"
	as_root apt-get update -qq
	if ! DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends chromium-headless-shell; then
		echo "browser tools: chromium-headless-shell unavailable, trying chromium"
		DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends chromium
	fi
fi

if ! command -v npm >/dev/null 2>&1; then
	echo "browser tools: installing npm"
	as_root apt-get update -qq
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends npm
fi

if [ -f "$tests/node_modules/axe-core/axe.min.js" ] &&
	[ "$(node -p "require('$tests/node_modules/axe-core/package.json').version")" = \
	  "$(node -p "require('$tests/package-lock.json').packages['node_modules/axe-core'].version")" ]; then
	echo "browser tools: axe-core already installed"
else
	echo "browser tools: installing axe-core"
	npm ci --prefix "$tests" --no-audit --no-fund --loglevel=error
fi

for bin in /usr/bin/chromium-headless-shell /usr/bin/chromium; do
	if [ -x "$bin" ]; then
		echo "browser tools: $("$bin" --version 2>/dev/null || echo "$bin")"
		break
	fi
done
echo "browser tools: axe-core $(node -p "require('$tests/node_modules/axe-core/package.json').version")"
