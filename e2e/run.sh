#!/usr/bin/env bash
# End-to-end tests of the demo: starts the demo stack (a 5 s access-token TTL, a throw-away data directory), runs
# `node --test e2e/` against it (the demo page in Debian's Chromium driven by Playwright, with and without DPoP;
# DPoP interop with the npm client oauth4webapi), stops the stack whatever happens and exits with the test status.
# Screenshots and service logs: e2e/artifacts/.
# Needs: JDK 17+, Node.js 20+, npm; installs Debian's chromium with apt-get when /usr/bin/chromium is missing.
# Set E2E_REQUIRE_GATEWAY_REVOCATION=false to only report (not fail on) a revoked token the gateway still accepts.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
artifacts="$here/artifacts"
cd "$root"

if [ ! -x /usr/bin/chromium ]; then
  echo "[e2e] installing Debian's chromium"
  apt-get update -qq && apt-get install -y -qq chromium
fi

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

have_jar() { compgen -G "$1" > /dev/null; }
if ! have_jar 'demo/target/demo-*.jar' || ! have_jar 'auth-service/target/auth-service-*.jar' \
    || ! have_jar 'gateway/target/gateway-*.jar'; then
  echo "[e2e] building the jars"
  ./mvnw -q -DskipTests package
fi
jar=$(ls -t demo/target/demo-*.jar | head -n 1)

mkdir -p "$artifacts"
data_dir=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-e2e.XXXXXX")
stack_log="$artifacts/demo-stack.log"
ttl_seconds=5
stack_pid=

stop_stack() {
  if [ -n "$stack_pid" ] && kill -0 "$stack_pid" 2> /dev/null; then
    echo "[e2e] stopping the demo stack"
    kill -TERM "$stack_pid" 2> /dev/null || true
    wait "$stack_pid" 2> /dev/null || true
  fi
  cp "$data_dir"/logs/*.log "$artifacts"/ 2> /dev/null || true
  rm -rf "$data_dir"
}
trap stop_stack EXIT
trap 'exit 130' INT TERM

echo "[e2e] starting the demo stack (data: $data_dir, log: $stack_log)"
# the gateway's clock skew is 0 s so that the 5 s token really expires after 5 s
DEMO_DATA_DIR="$data_dir" \
DEMO_AUTH_ARGS="--gatehouse.auth.access-token-ttl=${ttl_seconds}s" \
DEMO_GATEWAY_ARGS="--gatehouse.gateway.clock-skew=0s" \
  java -jar "$jar" > "$stack_log" 2>&1 &
stack_pid=$!

deadline=$((SECONDS + 400))
until grep -q 'Gatehouse demo is up' "$stack_log"; do
  if ! kill -0 "$stack_pid" 2> /dev/null; then
    echo "[e2e] the demo stack did not start:"
    cat "$stack_log"
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "[e2e] the demo stack was not up after 400 s:"
    cat "$stack_log"
    exit 1
  fi
  sleep 1
done
echo "[e2e] demo stack up; running the browser test"

status=0
E2E_ACCESS_TOKEN_TTL_SECONDS=$ttl_seconds node --test e2e/ || status=$?
echo "[e2e] browser test exit status $status; artifacts in $artifacts"
exit "$status"
