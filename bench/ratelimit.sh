#!/usr/bin/env bash
# Cost of the rate limiter: the same gateway jar and WireMock backend, the same route with a limit it never reaches,
# counters in memory vs. in Redis (127.0.0.1:6379, or REDIS_PORT), next to an unlimited route. Loopback only, bounded:
# per store 40 s of warm-up and 6 runs of DURATION (default 10 s). Usage: bench/ratelimit.sh   (needs wrk; builds the jars if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-10s} redis_port=${REDIS_PORT:-6379}
gateway=$(ls gateway/target/gateway-*.jar 2>/dev/null | grep -v original | head -1 || true)
[ -n "$gateway" ] || { ./mvnw -q -DskipTests package; gateway=$(ls gateway/target/gateway-*.jar | grep -v original | head -1); }
wiremock=$(find ~/.m2/repository/org/wiremock/wiremock-standalone -name 'wiremock-standalone-*.jar' | head -1)
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/mappings"
echo '{"request":{"method":"GET","urlPattern":"/.*"},"response":{"status":200,"body":"ok"}}' > "$work/mappings/ok.json"
java -jar "$wiremock" --port 19100 --root-dir "$work" --disable-banner --no-request-journal --async-response-enabled=false >"$work/wiremock.log" 2>&1 &
pids+=($!)
run_gateway() {
  java -jar "$gateway" --server.port=18080 --management.server.port=18081 \
    --spring.config.additional-location=file:bench/ratelimit-routes.yml \
    --gatehouse.gateway.rate-limit.store="$1" --spring.data.redis.host=127.0.0.1 --spring.data.redis.port="$redis_port" \
    >"$work/gateway-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 90); do curl -sf http://127.0.0.1:18081/actuator/health >/dev/null && return; sleep 1; done
  echo "gateway did not start"; cat "$work/gateway-$1.log"; exit 1
}
for store in memory redis; do
  run_gateway "$store"
  # JIT warm-up of both paths, then the two routes alternately, three times: warm-up drift shows as a difference between rounds
  wrk -t2 -c16 -d25s http://127.0.0.1:18080/limited/warmup >/dev/null
  wrk -t2 -c16 -d15s http://127.0.0.1:18080/open/warmup >/dev/null
  for round in 1 2 3; do
    for path in open limited; do
      echo "== store=$store route=$path round=$round"
      wrk -t2 -c16 -d"$duration" --latency "http://127.0.0.1:18080/$path/x" | grep -E "^Requests/sec|^ +50% |^ +99% |Non-2xx"
    done
  done
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'
done
