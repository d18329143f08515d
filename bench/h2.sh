#!/usr/bin/env bash
# HTTP/2 next to HTTP/1.1 through a running Gatehouse gateway, with the same load tool for both (h2load, from
# Debian's nghttp2-client, installed here when missing and run as root).
#
#   bench/h2.sh URL [TOKEN]
#
# Start the gateway with --server.http2.enabled=true first (plain URL: h2c with prior knowledge; https URL: h2 by
# ALPN). TOKEN, when given, is sent as "Authorization: Bearer TOKEN" on every request (one token: the gateway's
# token cache makes this the cached-verification cost; bench/gateway.sh measures rotating tokens over HTTP/1.1).
# Settings (environment): BENCH_REQUESTS (200000), BENCH_CONNECTIONS (64), BENCH_STREAMS (10 concurrent streams
# per h2 connection), BENCH_CPU_LOAD (CPU for h2load, 0). Prints both h2load summaries; nothing is kept.
# Not run by CI: the numbers only mean something on a quiet machine (see docs/performance.md).
set -euo pipefail
url=${1:?usage: bench/h2.sh URL [TOKEN]}
token=${2:-}
requests=${BENCH_REQUESTS:-200000}
conns=${BENCH_CONNECTIONS:-64}
streams=${BENCH_STREAMS:-10}
cpu=${BENCH_CPU_LOAD:-0}
if ! command -v h2load >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nghttp2-client >/dev/null 2>&1 || true
  fi
  command -v h2load >/dev/null || { echo "bench: h2load is missing (apt-get install nghttp2-client)" >&2; exit 1; }
fi
headers=()
[ -n "$token" ] && headers=(-H "Authorization: Bearer $token")
status=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 5 "${headers[@]}" "$url" || true)
[[ $status == 2* ]] || { echo "bench: $url answers $status, expected 2xx (token? route?)" >&2; exit 1; }
for mode in h1 h2; do
  echo "== $mode: $requests requests, $conns connections$([ $mode = h2 ] && echo ", $streams streams each")"
  if [ $mode = h1 ]; then
    taskset -c "$cpu" h2load --h1 -n "$requests" -c "$conns" "${headers[@]}" "$url" | sed -n '/^finished/,/^$/p;/^requests:/p;/^status codes:/p;/time for request:/p;/^req\/s/p'
  else
    taskset -c "$cpu" h2load -n "$requests" -c "$conns" -m "$streams" "${headers[@]}" "$url" | sed -n '/^finished/,/^$/p;/^requests:/p;/^status codes:/p;/time for request:/p;/^req\/s/p'
  fi
done
