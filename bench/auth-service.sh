#!/usr/bin/env bash
# Measures the auth-service's refresh and login throughput with wrk on loopback (bounded: 20 s + 10 s).
# Usage: bench/auth-service.sh   (needs wrk: apt-get install wrk; builds the jar if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
port=19000 threads=${THREADS:-4}
jar=auth-service/target/auth-service-0.1.0-SNAPSHOT.jar
[ -f "$jar" ] || ./mvnw -q -pl auth-service -DskipTests package
data=$(mktemp -d)
java -jar "$jar" --spring.profiles.active=demo --server.port=$port --management.server.port=$((port + 1)) --gatehouse.auth.data-dir="$data" \
  --logging.level.root=WARN >"$data/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$((port + 1))/actuator/health" >/dev/null && break; sleep 1; done
login() { curl -sf -d grant_type=password -d username=johndoe -d password=secret "http://127.0.0.1:$port/token"; }
for _ in $(seq 200); do login >/dev/null; done   # warm-up
tokens=""
for _ in $(seq "$threads"); do
  tokens+="$(login | sed -E 's/.*"refresh_token":"([^"]+)".*/\1/'),"
done
echo "== refresh_token grants: $threads chains, 20 s"
TOKENS="$tokens" wrk -t"$threads" -c"$threads" -d20s -s bench/refresh.lua "http://127.0.0.1:$port/token"
echo "== password grants (BCrypt cost 10): 2 connections, 10 s"
wrk -t2 -c2 -d10s -s bench/login.lua "http://127.0.0.1:$port/token"
