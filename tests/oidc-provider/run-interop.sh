#!/usr/bin/env bash
# Starts the local oidc-provider on 127.0.0.1, runs the netid-ciba interop tests against it, stops it.
# Usage (from anywhere): tests/oidc-provider/run-interop.sh
# Needs node (20+) and npm; installs the locked dependencies with `npm ci` when node_modules is absent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
[ -d node_modules ] || npm ci --no-audit --no-fund
out="$(mktemp)"
node server.mjs >"$out" 2>"$out.err" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$out" "$out.err"' EXIT
for _ in $(seq 1 100); do
  grep -q '^NETID_OIDC_PROVIDER_URL=' "$out" && break
  kill -0 "$pid" 2>/dev/null || { cat "$out.err" >&2; exit 1; }
  sleep 0.1
done
url="$(sed -n 's/^NETID_OIDC_PROVIDER_URL=//p' "$out")"
[ -n "$url" ] || { echo "oidc-provider did not start" >&2; cat "$out.err" >&2; exit 1; }
echo "oidc-provider at $url"
cd "$root"
NETID_OIDC_PROVIDER_URL="$url" cargo test -p netid-ciba --features __interop --test interop "$@"
