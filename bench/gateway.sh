#!/usr/bin/env bash
# Gatehouse gateway against reference proxies, same session, alternating runs (README "Performance").
#
#   bench/gateway.sh                 full run: 60 s JIT warm-up per Java contender, 3 rounds of 10 s runs
#   BENCH_QUICK=1 bench/gateway.sh   smoke run: 5 s warm-up, 1 round of 3 s runs, 10 s cold start
#   BENCH_ACCESS_LOG=off bench/gateway.sh                 Gatehouse without its access log (default: on)
#   BENCH_CDS=on bench/gateway.sh    Gatehouse started as gateway/Dockerfile starts it: from the extracted jar with a
#                                    class data sharing archive trained first (not timed); default: off (the Boot jar)
#   BENCH_IMAGE_JVM=on bench/gateway.sh
#                                    Gatehouse also with gateway/Dockerfile's JVM settings (its ENV JAVA_TOOL_OPTIONS,
#                                    before the fixed flags, which win, and its MALLOC_* variables); default: off
#   BENCH_PROFILE=async bench/gateway.sh
#                                    also profiles every JVM contender over the measured rounds with async-profiler
#                                    (CPU samples, Java and kernel frames, interface-dispatch stubs included: what
#                                    JFR does not show), attached after the warm-up: bench/results/<ts>/profile-<name>.html
#                                    (flame graph) and .collapsed (one line per stack); fetched from Maven Central
#                                    (tools.profiler:async-profiler, Linux x64); default: off
#   BENCH_PROFILE=alloc bench/gateway.sh
#                                    the same with allocation samples: .collapsed counts bytes (estimated from TLAB
#                                    samples), so a stack's bytes over the requests served in the rounds is its
#                                    allocation per request
#   BENCH_TRACING=on BENCH_CONTENDERS=gatehouse bench/gateway.sh
#                                    Gatehouse tracing every request (sampling BENCH_TRACING_SAMPLING, default 1.0),
#                                    spans sent with OTLP/HTTP to a local sink (the backend's nginx answers
#                                    POST /v1/traces with 200); default: off, as shipped
#
# Layout (needs 2+ CPUs): the backend (nginx, small JSON body) and the load generator (wrk -t1 -c64) on CPU 0,
# each proxy under test on CPU 1 with the same JVM flags. Contenders (BENCH_CONTENDERS, in this order):
#   gatehouse         the Gatehouse jar, route roles [user] + in-memory rate limit + identity headers, RS256 issuer
#                     from a PEM public key, default logging (one access-log line per request)
#   gatehouse-public  the same process, a public route (no token check)
#   gatehouse-claims  the same process, the full chain plus a claims policy: 3 claim conditions (a path variable, one
#                     of, a pattern), a claim header and a plan (a limit with when:) next to the default limit
#   scg               stock Spring Cloud Gateway, one route, no checks (bench/stock-scg, profile stock)
#   scg-security      the same + Spring Security's reactive OAuth2 resource server (Nimbus RS256 on every request,
#                     RFC 9068 at+jwt validation, role check, identity headers; profile security)
#   haproxy           HAProxy 2.6+ jwt_verify RS256 on every request + iss/aud/exp/typ + role check, identity header
#   nginx             nginx as a plain reverse proxy (floor)
#   gatehouse-baseline  another Gatehouse jar (BENCH_BASELINE_JAR, e.g. built from the previous commit), same routes
#                     and flags as gatehouse: an A/B of a change, alternating in one run (not in the default list)
# Every request carries one of 1,000 RS256 access tokens (typ at+jwt), rotated by bench/gateway.lua.
# Per contender: req/s, CPU microseconds per request on its core (/proc/<pid>/stat utime+stime over the run),
# p50/p99 at c=64, and p99 at a paced ~4,000 req/s (64 connections, 16 ms think time); for Gatehouse also the
# throughput per 5 s bucket over the first 60 s after readiness (cold start). Runs rotate contender by contender,
# round after round (even rounds in reverse order), and the table shows medians over the rounds; the ratios to
# Gatehouse follow, of the medians and (more than one round) paired by round.
#
# Settings (environment): BENCH_QUICK=1, BENCH_WARMUP (s, default 60), BENCH_ROUNDS (3), BENCH_RUN (s, 10),
# BENCH_COLD (s, 60; 0 skips), BENCH_BUCKET (s, 5), BENCH_CONNECTIONS (64), BENCH_PACED_DELAY_MS (16; 0 skips the
# paced runs), BENCH_CONTENDERS, BENCH_PORT_BASE (28100: ports base..base+50), BENCH_CPU_LOAD (0), BENCH_CPU_PROXY
# (1), BENCH_START_TIMEOUT (s, 180), BENCH_JAVA_OPTS (appended to the fixed JVM flags), BENCH_GATEHOUSE_ARGS (extra
# Gatehouse arguments, e.g. --gatehouse.gateway.token-cache.enabled=false to verify every token, or
# --logging.level.dev.gatehouse.gateway.access=WARN without the access log), BENCH_ACCESS_LOG (on|off), BENCH_TRACING
# (off|on), BENCH_TRACING_SAMPLING (0.0 to 1.0), BENCH_PROFILE (off|async|alloc), BENCH_CDS (off|on), BENCH_IMAGE_JVM (off|on), BENCH_REBUILD=1 (rebuild both jars first), BENCH_BASELINE_JAR
# (the jar of the gatehouse-baseline contender), BENCH_BASELINE_JAVA_OPTS (JVM options for gatehouse-baseline only, after
# the others), BENCH_BASELINE_ARGS (extra arguments for gatehouse-baseline only: with
# BENCH_BASELINE_JAR set to the same jar, an A/B of one setting). The other JVMs' warm-up is BENCH_WARMUP + BENCH_COLD: Gatehouse's cold start warms it up too.
# Everything listens on 127.0.0.1 only; every process started here is stopped on exit; logs and results go to
# bench/results/<UTC timestamp>/ (gitignored). Exit status 1 when a contender fails to start, fails its
# functional check, or answers anything but 2xx under load.
set -Eeuo pipefail
trap 'echo "bench: FAILED: unexpected error at line $LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."
root=$PWD

# --- settings -------------------------------------------------------------------------------------------------
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  d_warmup=5 d_rounds=1 d_run=3 d_cold=10
else
  d_warmup=60 d_rounds=3 d_run=10 d_cold=60
fi
warmup=${BENCH_WARMUP:-$d_warmup}
rounds=${BENCH_ROUNDS:-$d_rounds}
run=${BENCH_RUN:-$d_run}
cold=${BENCH_COLD:-$d_cold}
bucket=${BENCH_BUCKET:-5}
conns=${BENCH_CONNECTIONS:-64}
paced_delay=${BENCH_PACED_DELAY_MS:-16}
contenders=(${BENCH_CONTENDERS:-gatehouse gatehouse-public scg scg-security haproxy nginx})
port_base=${BENCH_PORT_BASE:-28100}
cpu_load=${BENCH_CPU_LOAD:-0}
cpu_proxy=${BENCH_CPU_PROXY:-1}
start_timeout=${BENCH_START_TIMEOUT:-180}
token_count=1000
token_ttl=$((23 * 3600))   # covers any run; Gatehouse refuses lifetimes over 24 h (max-token-lifetime)
issuer=https://issuer.bench.example
audience=gatehouse
jvm_flags=(-XX:ActiveProcessorCount=1 -XX:+UseParallelGC -Xms512m -Xmx512m -Dreactor.netty.ioWorkerCount=1)
read -r -a extra_java_opts <<<"${BENCH_JAVA_OPTS:-}"
read -r -a gatehouse_args <<<"${BENCH_GATEHOUSE_ARGS:-}"
read -r -a baseline_args <<<"${BENCH_BASELINE_ARGS:-}"
read -r -a baseline_java_opts <<<"${BENCH_BASELINE_JAVA_OPTS:-}"
access_log=${BENCH_ACCESS_LOG:-on}
profile=${BENCH_PROFILE:-off}
cds=${BENCH_CDS:-off}
image_jvm=${BENCH_IMAGE_JVM:-off}
async_profiler_version=4.1
tracing=${BENCH_TRACING:-off}
tracing_sampling=${BENCH_TRACING_SAMPLING:-1.0}

port_backend=$port_base
port_gatehouse=$((port_base + 10)) port_gatehouse_mgmt=$((port_base + 11))
port_scg=$((port_base + 20)) port_scg_security=$((port_base + 30))
port_haproxy=$((port_base + 40)) port_nginx=$((port_base + 50))
port_baseline=$((port_base + 15)) port_baseline_mgmt=$((port_base + 16))
baseline_jar=${BENCH_BASELINE_JAR:-}

for n in "$warmup" "$rounds" "$run" "$cold" "$bucket" "$conns" "$paced_delay" "$port_base" "$start_timeout"; do
  [[ $n =~ ^[0-9]+$ ]] || { echo "bench: settings must be whole numbers (got '$n')" >&2; exit 2; }
done
[ "$rounds" -ge 1 ] && [ "$run" -ge 1 ] && [ "$bucket" -ge 1 ] || { echo "bench: BENCH_ROUNDS, BENCH_RUN, BENCH_BUCKET must be >= 1" >&2; exit 2; }
for c in "${contenders[@]}"; do
  case $c in gatehouse|gatehouse-public|gatehouse-claims|scg|scg-security|haproxy|nginx) ;;
    gatehouse-baseline) [ -f "$baseline_jar" ] || { echo "bench: gatehouse-baseline needs BENCH_BASELINE_JAR, a Gatehouse jar (got '$baseline_jar')" >&2; exit 2; } ;;
    *) echo "bench: unknown contender '$c'" >&2; exit 2 ;; esac
done
case $access_log in on|off) ;; *) echo "bench: BENCH_ACCESS_LOG must be on or off (got '$access_log')" >&2; exit 2 ;; esac
case $tracing in on|off) ;; *) echo "bench: BENCH_TRACING must be on or off (got '$tracing')" >&2; exit 2 ;; esac
case $profile in off|async|alloc) ;; *) echo "bench: BENCH_PROFILE must be off, async or alloc (got '$profile')" >&2; exit 2 ;; esac
case $cds in on|off) ;; *) echo "bench: BENCH_CDS must be on or off (got '$cds')" >&2; exit 2 ;; esac
case $image_jvm in on|off) ;; *) echo "bench: BENCH_IMAGE_JVM must be on or off (got '$image_jvm')" >&2; exit 2 ;; esac
# gateway/Dockerfile's JVM settings, read from the file so the benchmark measures what the image ships
image_java_opts=() image_env=()
if [ "$image_jvm" = on ]; then
  read -r -a image_java_opts <<<"$(sed -n 's/^ENV JAVA_TOOL_OPTIONS="\(.*\)"$/\1/p' gateway/Dockerfile)"
  read -r -a image_env <<<"$(sed -n 's/^ENV \(MALLOC_[A-Z_]*\)="\{0,1\}\([0-9]*\)"\{0,1\}$/\1=\2/p' gateway/Dockerfile | tr '\n' ' ')"
  [ ${#image_java_opts[@]} -gt 0 ] || { echo "bench: BENCH_IMAGE_JVM=on: no ENV JAVA_TOOL_OPTIONS=\"...\" in gateway/Dockerfile" >&2; exit 2; }
fi
# exact frames for inlined methods in the profiles; the same flags for every JVM
if [ "$profile" != off ]; then jvm_flags+=(-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints); fi
[[ $tracing_sampling =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]] \
  || { echo "bench: BENCH_TRACING_SAMPLING must be a number from 0.0 to 1.0 (got '$tracing_sampling')" >&2; exit 2; }
# Gatehouse's switches: its own property for the access log, Spring Boot's own for tracing (docs/tracing-and-monitoring.md)
gatehouse_switches=()
if [ "$access_log" = off ]; then gatehouse_switches+=(--gatehouse.gateway.access-log.enabled=false); fi
if [ "$tracing" = on ]; then
  gatehouse_switches+=(--management.tracing.export.enabled=true
    --management.tracing.sampling.probability="$tracing_sampling"
    --management.opentelemetry.tracing.export.otlp.endpoint="http://127.0.0.1:$port_backend/v1/traces")
fi
if [ "$(nproc --all)" -lt 2 ] || ! taskset -c "$cpu_load,$cpu_proxy" true 2>/dev/null; then
  echo "bench: needs CPUs $cpu_load and $cpu_proxy (BENCH_CPU_LOAD / BENCH_CPU_PROXY); this machine has $(nproc --all)" >&2
  exit 2
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$root/bench/results/$stamp
mkdir -p "$out/wrk"
work=$(mktemp -d)   # key pair and tokens: thrown away on exit
echo "bench: results and logs in ${out#"$root"/}"

# --- processes: every one started here is stopped on exit -----------------------------------------------------
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 40); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.25
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
  trim_log "$out/gatehouse.log" || true
  trim_log "$out/gatehouse-baseline.log" || true
}
trim_log() {   # the access log writes a line per request: keep a large log's beginning and end only
  local f=$1 lines
  [ -f "$f" ] && [ "$(stat -c %s "$f")" -gt 20000000 ] || return 0
  lines=$(wc -l <"$f")
  { head -n 2000 "$f"; echo "[bench: $((lines - 4000)) lines cut to bound the size]"; tail -n 2000 "$f"; } >"$f.cut"
  mv "$f.cut" "$f"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM

fail() {
  echo "bench: FAILED: $*" >&2
  exit 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_ports() {
  local port
  for port in "$@"; do
    ! port_in_use "$port" || fail "port $port on 127.0.0.1 is taken (set BENCH_PORT_BASE to move all ports)"
  done
}

# --- tools ----------------------------------------------------------------------------------------------------
apt_updated=0
install_pkg() {   # install_pkg <command> <package>: 0 when the command is (now) there
  command -v "$1" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bench: installing $2 with apt-get"
    if [ $apt_updated = 0 ]; then apt-get update -qq >"$out/apt.log" 2>&1 || true; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >>"$out/apt.log" 2>&1 || true
  fi
  command -v "$1" >/dev/null || { echo "bench: $1 is not installed and could not be installed (apt-get install $2 as root)"; return 1; }
}
install_pkg wrk wrk || fail "wrk is required"
install_pkg java openjdk-17-jdk-headless || fail "java is required"
install_pkg openssl openssl || fail "openssl is required"
install_pkg curl curl || fail "curl is required"
have_nginx=1; install_pkg nginx nginx || have_nginx=0
have_haproxy=1; install_pkg haproxy haproxy || have_haproxy=0
if [ $have_haproxy = 1 ]; then
  hv=$(haproxy -v 2>/dev/null | sed -nE '1s/.*version ([0-9]+)\.([0-9]+).*/\1 \2/p')
  read -r hmaj hmin <<<"${hv:-0 0}"
  if [ "$hmaj" -lt 2 ] || { [ "$hmaj" = 2 ] && [ "$hmin" -lt 6 ]; }; then
    echo "bench: HAProxy $hmaj.$hmin has no usable jwt_verify (needs 2.6+): skipping it"; have_haproxy=0
  fi
fi
selected=()
for c in "${contenders[@]}"; do
  if [ "$c" = haproxy ] && [ $have_haproxy = 0 ]; then echo "bench: skipping contender haproxy"; continue; fi
  if [ "$c" = nginx ] && [ $have_nginx = 0 ]; then echo "bench: skipping contender nginx"; continue; fi
  selected+=("$c")
done
contenders=("${selected[@]}")
[ ${#contenders[@]} -gt 0 ] || fail "no contender left"
has() { local c; for c in "${contenders[@]}"; do [ "$c" = "$1" ] && return 0; done; return 1; }

# --- jars -----------------------------------------------------------------------------------------------------
gatehouse_jar=$(ls gateway/target/gateway-*.jar 2>/dev/null | sed -n 1p || true)
if { has gatehouse || has gatehouse-public || has gatehouse-claims; } && { [ -z "$gatehouse_jar" ] || [ "${BENCH_REBUILD:-0}" = 1 ]; }; then
  echo "bench: building the gateway jar"
  ./mvnw -B -ntp -q -pl gateway -am package -DskipTests >"$out/build-gateway.log" 2>&1 || fail "gateway build, see $out/build-gateway.log"
  gatehouse_jar=$(ls gateway/target/gateway-*.jar | sed -n 1p)
fi
scg_jar=$(ls bench/stock-scg/target/stock-scg-*.jar 2>/dev/null | sed -n 1p || true)
if { has scg || has scg-security; } && { [ -z "$scg_jar" ] || [ "${BENCH_REBUILD:-0}" = 1 ] \
    || [ -n "$(find bench/stock-scg/pom.xml bench/stock-scg/src -newer "$scg_jar" -type f 2>/dev/null | sed -n 1p)" ]; }; then
  echo "bench: building bench/stock-scg"
  ./mvnw -B -ntp -q -f bench/stock-scg/pom.xml package -DskipTests >"$out/build-stock-scg.log" 2>&1 || fail "stock-scg build, see $out/build-stock-scg.log"
  scg_jar=$(ls bench/stock-scg/target/stock-scg-*.jar | sed -n 1p)
fi

profiler_lib=""
if [ "$profile" != off ]; then
  [ "$(uname -m)" = x86_64 ] || fail "BENCH_PROFILE=$profile: this script fetches async-profiler for Linux x64 only"
  echo "bench: fetching async-profiler $async_profiler_version"
  ./mvnw -B -ntp -q -N dependency:copy -Dartifact="tools.profiler:async-profiler:$async_profiler_version:jar:linux-x64" \
    -DoutputDirectory="$work/async-profiler" >"$out/fetch-async-profiler.log" 2>&1 \
    || fail "fetching async-profiler, see $out/fetch-async-profiler.log"
  (cd "$work/async-profiler" && unzip -q -o ./*.jar 'linux-x64/*') || fail "unpacking async-profiler"
  profiler_lib=$work/async-profiler/linux-x64/libasyncProfiler.so
fi

# --- keys and tokens ------------------------------------------------------------------------------------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/key.pem" 2>/dev/null
openssl pkey -in "$work/key.pem" -pubout -out "$work/public.pem"
java bench/TokenGen.java "$work/key.pem" "$work" "$token_count" "$issuer" "$audience" "$token_ttl" \
  || fail "token generation"
token=$(head -1 "$work/tokens.txt")
subject0=bench-user-0

{
  echo "date: $stamp"; echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo n/a)"; uname -a; nproc --all
  echo "loadavg at start: $(cat /proc/loadavg)"; java -version 2>&1 | sed -n 1p; wrk -v 2>&1 | sed -n 1p || true
  [ $have_nginx = 1 ] && nginx -v 2>&1; [ $have_haproxy = 1 ] && haproxy -v 2>&1 | sed -n 1p
  echo "gatehouse jar: ${gatehouse_jar:-none} $( [ -n "$gatehouse_jar" ] && date -u -r "$gatehouse_jar" +%FT%TZ)"
  echo "stock-scg jar: ${scg_jar:-none}"
  echo "JVM flags: ${jvm_flags[*]} ${extra_java_opts[*]}"
  echo "gatehouse arguments: ${gatehouse_switches[*]} ${gatehouse_args[*]}"
  [ ${#baseline_args[@]} -eq 0 ] || echo "gatehouse-baseline arguments (in addition): ${baseline_args[*]}"
  [ ${#baseline_java_opts[@]} -eq 0 ] || echo "gatehouse-baseline JVM options (in addition): ${baseline_java_opts[*]}"
  echo "gatehouse access log: $access_log; tracing: $tracing$( [ "$tracing" = on ] && echo " (sampling $tracing_sampling, OTLP to the backend's /v1/traces)"); class data sharing: $cds; image JVM settings: $image_jvm${image_java_opts[*]:+ (${image_env[*]} ${image_java_opts[*]})}"
  echo "warmup=$warmup rounds=$rounds run=$run cold=$cold bucket=$bucket connections=$conns paced_delay_ms=$paced_delay"
  echo "contenders: ${contenders[*]}"
} >"$out/env.txt"
load1=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }'; then
  echo "bench: WARNING: load average $load1 before the run: other work on this machine makes the numbers noisy"
fi

# --- backend on the load CPU ----------------------------------------------------------------------------------
check_ports "$port_backend"
if [ $have_nginx = 1 ]; then
  mkdir -p "$out/backend/tmp"
  cat >"$out/backend/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $out/backend/nginx.pid;
error_log $out/backend/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $out/backend/tmp; proxy_temp_path $out/backend/tmp; fastcgi_temp_path $out/backend/tmp;
  uwsgi_temp_path $out/backend/tmp; scgi_temp_path $out/backend/tmp;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:$port_backend;
    default_type application/json;
    # the OTLP/HTTP sink for BENCH_TRACING=on: takes the spans, answers 200, keeps nothing
    location = /v1/traces { client_max_body_size 64m; return 200; }
    location ~ /echo\$ { return 200 '{"subject":"\$http_x_auth_subject","roles":"\$http_x_auth_roles","authorization":"\$http_authorization"}'; }
    location / { return 200 '{"id":1,"name":"bench","ok":true}'; }
  }
}
EOF
  taskset -c "$cpu_load" nginx -p "$out/backend" -c "$out/backend/nginx.conf" -e "$out/backend/error.log" \
    >"$out/backend/stdout.log" 2>&1 &
  pids+=($!)
else
  echo "bench: backend: nginx unavailable, falling back to bench/Backend.java (JDK HttpServer; slower)"
  mkdir -p "$out/backend"
  taskset -c "$cpu_load" java -Xmx256m bench/Backend.java "$port_backend" >"$out/backend/stdout.log" 2>&1 &
  pids+=($!)
fi
backend_ready=0
for _ in $(seq 120); do
  curl -sf "http://127.0.0.1:$port_backend/api/items" >/dev/null && { backend_ready=1; break; }
  sleep 0.5
done
[ $backend_ready = 1 ] || fail "backend did not start, see $out/backend/"

# --- contenders -----------------------------------------------------------------------------------------------
declare -A pid_of url_of log_of started_at ready_after
url_of[gatehouse]=http://127.0.0.1:$port_gatehouse/api/items
url_of[gatehouse-public]=http://127.0.0.1:$port_gatehouse/public/items
url_of[gatehouse-claims]=http://127.0.0.1:$port_gatehouse/claims/acme/items
url_of[gatehouse-baseline]=http://127.0.0.1:$port_baseline/api/items
url_of[scg]=http://127.0.0.1:$port_scg/api/items
url_of[scg-security]=http://127.0.0.1:$port_scg_security/api/items
url_of[haproxy]=http://127.0.0.1:$port_haproxy/api/items
url_of[nginx]=http://127.0.0.1:$port_nginx/api/items
is_java() { case $1 in gatehouse|gatehouse-public|gatehouse-claims|gatehouse-baseline|scg|scg-security) return 0 ;; *) return 1 ;; esac; }
enforces() { case $1 in gatehouse|gatehouse-claims|gatehouse-baseline|scg-security|haproxy) return 0 ;; *) return 1 ;; esac; }

status_of() {   # status_of <url> [token]
  if [ -n "${2:-}" ]; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Authorization: Bearer $2" "$1" || true
  else
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" || true
  fi
}

wait_ready() {   # wait_ready <name> <probe url> [token]: polls until 200, bounded by BENCH_START_TIMEOUT
  local name=$1 deadline=$((SECONDS + start_timeout))
  while [ $SECONDS -lt $deadline ]; do
    kill -0 "${pid_of[$name]}" 2>/dev/null || { tail -40 "${log_of[$name]}" >&2; fail "$name exited during start-up, log: ${log_of[$name]}"; }
    [ "$(status_of "$2" "${3:-}")" = 200 ] && { ready_after[$name]=$(awk -v a="${started_at[$name]}" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'); return 0; }
    sleep 0.2
  done
  tail -40 "${log_of[$name]}" >&2
  fail "$name not ready within ${start_timeout}s, log: ${log_of[$name]}"
}

start_gatehouse() {
  start_gatehouse_jar gatehouse "$gatehouse_jar" "$port_gatehouse" "$port_gatehouse_mgmt"
  pid_of[gatehouse-public]=${pid_of[gatehouse]}; log_of[gatehouse-public]=${log_of[gatehouse]}
  pid_of[gatehouse-claims]=${pid_of[gatehouse]}; log_of[gatehouse-claims]=${log_of[gatehouse]}
}

start_gatehouse_jar() {   # start_gatehouse_jar <name> <jar> <port> <management port>
  local name=$1 jar=$2 port=$3 mgmt=$4
  check_ports "$port" "$mgmt"
  if [ "$tracing" = on ]; then
    local sink
    sink=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST -H 'Content-Type: application/x-protobuf' \
      --data-binary x "http://127.0.0.1:$port_backend/v1/traces" || true)
    [ "$sink" = 200 ] || fail "the OTLP sink (backend /v1/traces) answered $sink (expected 200)"
  fi
  cat >"$out/gatehouse-routes.yml" <<EOF
spring:
  cloud:
    gateway:
      server:
        webflux:
          routes:
            - id: api
              uri: http://127.0.0.1:$port_backend
              predicates:
                - Path=/api/**
              metadata:
                roles: [user]
                rate-limit: { requests: 1000000000, period: 60s, key: subject }
            - id: public
              uri: http://127.0.0.1:$port_backend
              predicates:
                - Path=/public/**
              metadata:
                auth: public
            - id: claims
              uri: http://127.0.0.1:$port_backend
              predicates:
                - Path=/claims/{tenant}/**
              metadata:
                roles: [user]
                claims:
                  tenant: "{tenant}"
                  plan: [gold, silver]
                  email: { matches: '.*@example\.com' }
                headers: { X-Tenant: tenant }
                rate-limit:
                  - { name: standard, requests: 1000000000, period: 60s, key: subject }
                  - { name: gold, requests: 1000000000, period: 60s, key: "claim:tenant", when: { plan: gold } }
gatehouse:
  gateway:
    issuers:
      - issuer: $issuer
        audiences: [$audience]
        algorithms: [RS256]
        require-typ: at+jwt
        public-key-file: $work/public.pem
EOF
  local own_args=() own_java_opts=() cds_opts=()
  [ "$name" != gatehouse-baseline ] || { own_args=("${baseline_args[@]}"); own_java_opts=("${baseline_java_opts[@]}"); }
  local app_args=(--server.address=127.0.0.1 --server.port="$port"
    --management.server.address=127.0.0.1 --management.server.port="$mgmt"
    --spring.config.additional-location="file:$out/gatehouse-routes.yml" "${gatehouse_switches[@]}" "${gatehouse_args[@]}"
    "${own_args[@]}")
  if [ "$cds" = on ]; then
    # as gateway/Dockerfile does: the extracted jar, a class archive from a training run that exits once the context
    # is refreshed (Spring Boot's spring.context.exit=onRefresh), then -Xshare:on so an unusable archive fails the start
    local dir=$work/cds-$name
    echo "bench: $name: extracting the jar and training its class archive (CDS, not timed)"
    java -Djarmode=tools -jar "$jar" extract --destination "$dir" >"$out/$name-cds-training.log" 2>&1 \
      || fail "extracting $jar, log: $out/$name-cds-training.log"
    jar=$dir/$(basename "$jar")
    env "${image_env[@]}" taskset -c "$cpu_proxy" java "${image_java_opts[@]}" "${jvm_flags[@]}" "${extra_java_opts[@]}" "${own_java_opts[@]}" \
      -XX:ArchiveClassesAtExit="$dir/application.jsa" -Dspring.context.exit=onRefresh -jar "$jar" "${app_args[@]}" \
      >>"$out/$name-cds-training.log" 2>&1 && [ -f "$dir/application.jsa" ] \
      || fail "the CDS training run of $name failed, log: $out/$name-cds-training.log"
    cds_opts=(-Xshare:on -XX:SharedArchiveFile="$dir/application.jsa")
  fi
  log_of[$name]=$out/$name.log
  started_at[$name]=$(date +%s.%N)
  env "${image_env[@]}" taskset -c "$cpu_proxy" java "${image_java_opts[@]}" "${jvm_flags[@]}" "${extra_java_opts[@]}" \
    "${own_java_opts[@]}" "${cds_opts[@]}" -jar "$jar" "${app_args[@]}" >"${log_of[$name]}" 2>&1 &
  pid_of[$name]=$!; pids+=($!)
  wait_ready "$name" "http://127.0.0.1:$mgmt/actuator/health/readiness"
}

start_scg() {   # start_scg <name> <port> <profile>
  local name=$1
  check_ports "$2"
  log_of[$name]=$out/$name.log
  started_at[$name]=$(date +%s.%N)
  taskset -c "$cpu_proxy" java "${jvm_flags[@]}" "${extra_java_opts[@]}" -jar "$scg_jar" \
    --spring.profiles.active="$3" --server.address=127.0.0.1 --server.port="$2" \
    --bench.backend-uri="http://127.0.0.1:$port_backend" --bench.public-key="file:$work/public.pem" \
    --bench.issuer="$issuer" --bench.audience="$audience" >"${log_of[$name]}" 2>&1 &
  pid_of[$name]=$!; pids+=($!)
  wait_ready "$name" "${url_of[$name]}" "$token"
}

start_haproxy() {
  check_ports "$port_haproxy"
  cat >"$out/haproxy.cfg" <<EOF
# jwt_verify (HAProxy 2.5+) on every request. HAProxy 2.6's JSON path cannot read an array, so the role check is a
# regular expression on the verified payload.
global
  nbthread 1
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 30s
frontend api
  bind 127.0.0.1:$port_haproxy
  http-request deny status 401 unless { req.hdr(authorization) -m beg "Bearer " }
  http-request set-var(txn.bearer) http_auth_bearer
  http-request set-var(txn.alg) var(txn.bearer),jwt_header_query('\$.alg')
  http-request set-var(txn.typ) var(txn.bearer),jwt_header_query('\$.typ')
  http-request set-var(txn.iss) var(txn.bearer),jwt_payload_query('\$.iss')
  http-request set-var(txn.aud) var(txn.bearer),jwt_payload_query('\$.aud')
  http-request set-var(txn.exp) var(txn.bearer),jwt_payload_query('\$.exp','int')
  http-request set-var(txn.sub) var(txn.bearer),jwt_payload_query('\$.sub')
  http-request set-var(txn.payload) var(txn.bearer),field(2,.),ub64dec
  http-request deny status 401 unless { var(txn.alg) -m str RS256 }
  http-request deny status 401 unless { var(txn.typ) -m str at+jwt }
  http-request deny status 401 unless { var(txn.bearer),jwt_verify(txn.alg,"$work/public.pem") -m int 1 }
  http-request deny status 401 unless { var(txn.iss) -m str $issuer }
  http-request deny status 401 unless { var(txn.aud) -m str $audience }
  http-request set-var(txn.now) date()
  http-request deny status 401 if { var(txn.exp),sub(txn.now) -m int lt 0 }
  http-request deny status 403 unless { var(txn.payload) -m reg "\\"roles\\":\\[([^]]*,)?\\"user\\"" }
  http-request del-header Authorization
  http-request set-header X-Auth-Subject %[var(txn.sub)]
  default_backend backend
backend backend
  http-reuse always
  server backend 127.0.0.1:$port_backend
EOF
  haproxy -c -q -f "$out/haproxy.cfg" >"$out/haproxy.log" 2>&1 || { cat "$out/haproxy.log" >&2; fail "haproxy configuration"; }
  log_of[haproxy]=$out/haproxy.log
  started_at[haproxy]=$(date +%s.%N)
  taskset -c "$cpu_proxy" haproxy -db -f "$out/haproxy.cfg" >>"${log_of[haproxy]}" 2>&1 &
  pid_of[haproxy]=$!; pids+=($!)
  wait_ready haproxy "${url_of[haproxy]}" "$token"
}

start_nginx_proxy() {
  check_ports "$port_nginx"
  mkdir -p "$out/nginx-proxy/tmp"
  cat >"$out/nginx-proxy/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $out/nginx-proxy/nginx.pid;
error_log $out/nginx-proxy/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $out/nginx-proxy/tmp; proxy_temp_path $out/nginx-proxy/tmp; fastcgi_temp_path $out/nginx-proxy/tmp;
  uwsgi_temp_path $out/nginx-proxy/tmp; scgi_temp_path $out/nginx-proxy/tmp;
  keepalive_requests 10000000;
  upstream backend { server 127.0.0.1:$port_backend; keepalive 128; keepalive_requests 10000000; }
  server {
    listen 127.0.0.1:$port_nginx;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
EOF
  log_of[nginx]=$out/nginx-proxy/error.log
  started_at[nginx]=$(date +%s.%N)
  taskset -c "$cpu_proxy" nginx -p "$out/nginx-proxy" -c "$out/nginx-proxy/nginx.conf" -e "$out/nginx-proxy/error.log" \
    >"$out/nginx-proxy/stdout.log" 2>&1 &
  pid_of[nginx]=$!; pids+=($!)
  wait_ready nginx "${url_of[nginx]}" "$token"
}

# Proves that a contender does what it is compared for: 200 with a token; the plain proxies 200 without one too;
# the enforcing ones 401 without a token and with a forged signature, 403 without the role, the subject forwarded
# to the backend and the token not.
functional_check() {
  local name=$1 url=${url_of[$1]} s body
  s=$(status_of "$url" "$token"); [ "$s" = 200 ] || fail "$name: $url with a valid token answered $s (expected 200)"
  if ! enforces "$name"; then
    s=$(status_of "$url"); [ "$s" = 200 ] || fail "$name: $url without a token answered $s (expected 200: no checks)"
    return 0
  fi
  s=$(status_of "$url"); [ "$s" = 401 ] || fail "$name: no token answered $s (expected 401)"
  s=$(status_of "$url" "$(cat "$work/badsig.txt")"); [ "$s" = 401 ] || fail "$name: forged signature answered $s (expected 401)"
  s=$(status_of "$url" "$(cat "$work/norole.txt")"); [ "$s" = 403 ] || fail "$name: token without role user answered $s (expected 403)"
  body=$(curl -s --max-time 5 -H "Authorization: Bearer $token" "${url%/items}/echo")
  [[ $body == *"\"subject\":\"$subject0\""* ]] || fail "$name: the backend did not receive X-Auth-Subject: $subject0 ($body)"
  [[ $body == *'"authorization":""'* ]] || fail "$name: the backend received the Authorization header"
}

# --- measurement ----------------------------------------------------------------------------------------------
clk_tck=$(getconf CLK_TCK)
cpu_ticks() {   # utime+stime of a process and its direct children (nginx workers), in clock ticks
  local pid=$1 total=0 p t
  for p in "$pid" $(pgrep -P "$pid" 2>/dev/null || true); do
    t=$(sed -E 's/^.*\) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }') || t=0
    total=$((total + ${t:-0}))
  done
  echo "$total"
}

cpu_jiffies() {   # cpu_jiffies <cpu>: "busy total" jiffies of one CPU from /proc/stat (busy = all but idle and iowait)
  awk -v c="cpu$1" '$1 == c { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat
}

to_ms() {   # wrk latency (e.g. 812.00us, 2.31ms, 1.02s) to milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}

# run_wrk <contender> <seconds> <delay ms> <output file>: sets res=(requests req/s p50 p99 non2xx errors cpu_us core%
# load-cpu-busy% other%), other% being what the rest of the machine took of the proxy's CPU meanwhile.
# Called directly, never in a subshell, so that fail() ends the whole benchmark.
run_wrk() {
  local name=$1 secs=$2 delay=$3 file=$4 url=${url_of[$1]} path t0 t1 w0 w1 l0 l1 p0 p1
  path=/${url#http://*/}
  l0=$(cpu_jiffies "$cpu_load"); p0=$(cpu_jiffies "$cpu_proxy")
  t0=$(cpu_ticks "${pid_of[$name]}"); w0=$(date +%s.%N)
  BENCH_TOKENS=$work/tokens.txt BENCH_PATH=$path BENCH_DELAY_MS=$delay \
    timeout $((secs + 60)) taskset -c "$cpu_load" wrk -t1 -c"$conns" -d"${secs}s" --timeout 5s --latency \
    -s bench/gateway.lua "$url" >"$file" 2>&1 || { cat "$file" >&2; fail "$name: wrk failed"; }
  w1=$(date +%s.%N); t1=$(cpu_ticks "${pid_of[$name]}")
  l1=$(cpu_jiffies "$cpu_load"); p1=$(cpu_jiffies "$cpu_proxy")
  local requests rps p50 p99 non2xx errors
  requests=$(awk '/requests in/ { print $1; exit }' "$file")
  rps=$(awk '/^Requests\/sec:/ { print $2; exit }' "$file")
  p50=$(to_ms "$(awk '$1 == "50%" { print $2; exit }' "$file")")
  p99=$(to_ms "$(awk '$1 == "99%" { print $2; exit }' "$file")")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF; exit }' "$file"); non2xx=${non2xx:-0}
  errors=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10; exit }' "$file"); errors=${errors:-0}
  [ -n "$requests" ] && [ "$requests" -gt 0 ] || { cat "$file" >&2; fail "$name: no request completed ($file)"; }
  if [ "$non2xx" != 0 ]; then
    cat "$file" >&2; tail -20 "${log_of[$name]}" >&2
    fail "$name answered $non2xx non-2xx responses under load ($file)"
  fi
  [ "$errors" = 0 ] || echo "bench: WARNING: $name: socket errors under load: $(grep 'Socket errors' "$file")" >&2
  read -r -a res < <(awk -v r="$requests" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v n="$non2xx" -v e="$errors" \
    -v dt=$((t1 - t0)) -v hz="$clk_tck" -v w0="$w0" -v w1="$w1" -v l0="$l0" -v l1="$l1" -v p0="$p0" -v p1="$p1" \
    'BEGIN {
      cpu = dt / hz; core = 100 * cpu / (w1 - w0)
      split(l0, a, " "); split(l1, b, " "); load = b[2] > a[2] ? 100 * (b[1] - a[1]) / (b[2] - a[2]) : 0
      split(p0, a, " "); split(p1, b, " "); busy = b[2] > a[2] ? 100 * (b[1] - a[1]) / (b[2] - a[2]) : 0
      other = busy - core; if (other < 0) other = 0
      printf "%d %.0f %s %s %d %d %.1f %.0f %.0f %.0f\n", r, rps, p50, p99, n, e, cpu * 1e6 / r, core, load, other
    }')
}
res=()

# --- start everything -----------------------------------------------------------------------------------------
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' round contender mode requests rps p50_ms p99_ms non2xx \
  socket_errors cpu_us_per_req core_pct load_cpu_busy_pct other_on_proxy_cpu_pct >"$out/runs.tsv"

if has gatehouse || has gatehouse-public || has gatehouse-claims; then
  echo "bench: starting gatehouse on CPU $cpu_proxy"
  start_gatehouse
  echo "bench: gatehouse ready after ${ready_after[gatehouse]} s"
  for c in gatehouse gatehouse-public gatehouse-claims; do has "$c" && functional_check "$c"; done
  if [ "$cold" -gt 0 ] && has gatehouse; then
    echo "bench: gatehouse cold start: ${bucket} s buckets over the first ${cold} s after readiness"
    printf 'bucket_end_s\treq_s\tp99_ms\n' >"$out/cold-start.tsv"
    elapsed=0 b=0
    while [ $elapsed -lt "$cold" ]; do
      b=$((b + 1))
      run_wrk gatehouse "$bucket" 0 "$out/wrk/cold-$b.txt"
      elapsed=$((elapsed + bucket))
      printf '%s\t%s\t%s\n' "$elapsed" "${res[1]}" "${res[3]}" >>"$out/cold-start.tsv"
      printf '  %3d s  %7s req/s  p99 %s ms  CPU %s us/req\n' "$elapsed" "${res[1]}" "${res[3]}" "${res[6]}"
    done
  fi
fi
if has gatehouse-baseline; then
  echo "bench: starting gatehouse-baseline ($baseline_jar)"
  start_gatehouse_jar gatehouse-baseline "$baseline_jar" "$port_baseline" "$port_baseline_mgmt"
  functional_check gatehouse-baseline
fi
if has scg; then echo "bench: starting stock Spring Cloud Gateway"; start_scg scg "$port_scg" stock; functional_check scg; fi
if has scg-security; then echo "bench: starting Spring Cloud Gateway + Spring Security resource server"; start_scg scg-security "$port_scg_security" security; functional_check scg-security; fi
if has haproxy; then echo "bench: starting HAProxy"; start_haproxy; functional_check haproxy; fi
if has nginx; then echo "bench: starting nginx reverse proxy"; start_nginx_proxy; functional_check nginx; fi
for c in "${contenders[@]}"; do
  if is_java "$c" && [ "$c" != gatehouse-public ] && [ "$c" != gatehouse-claims ]; then echo "  $c: ready ${ready_after[$c]} s after launch"; fi
done

# --- warm-up, then rounds -------------------------------------------------------------------------------------
for c in "${contenders[@]}"; do
  # Every JVM gets the same load before its first measured run: Gatehouse's cold-start window is part of its
  # warm-up, so the other JVMs get that much more.
  w=2; is_java "$c" && w=$warmup
  case $c in scg|scg-security|gatehouse-baseline) [ -f "$out/cold-start.tsv" ] && w=$((warmup + cold)) ;; esac
  [ "$w" -gt 0 ] || continue
  echo "bench: warm-up $c ${w} s"
  run_wrk "$c" "$w" 0 "$out/wrk/warmup-$c.txt"
done
profiled=()   # JVM contenders with the profiler running (Gatehouse's route variants share its process)
profile_agent() {   # profile_agent <contender> <async-profiler command>
  java bench/Attach.java "${pid_of[$1]}" "$profiler_lib" "$2" >>"$out/profile-$1.log" 2>&1
}
if [ "$profile" != off ]; then
  for c in "${contenders[@]}"; do
    is_java "$c" || continue
    case $c in gatehouse-public|gatehouse-claims) continue ;; esac
    if [ "$profile" = alloc ]; then
      started() { profile_agent "$c" "start,event=alloc"; }
    else
      # perf events where the kernel allows them, else the interval timer (user frames only)
      started() { profile_agent "$c" "start,event=cpu,interval=1ms" || profile_agent "$c" "start,event=itimer,interval=1ms"; }
    fi
    if started; then
      profiled+=("$c")
    else
      echo "bench: WARNING: could not start async-profiler in $c (see $out/profile-$c.log)"
    fi
  done
fi
for r in $(seq "$rounds"); do
  order=("${contenders[@]}")
  if [ $((r % 2)) = 0 ]; then
    order=(); for ((i = ${#contenders[@]} - 1; i >= 0; i--)); do order+=("${contenders[$i]}"); done
  fi
  for c in "${order[@]}"; do
    run_wrk "$c" "$run" 0 "$out/wrk/round$r-$c-c$conns.txt"
    read -r n rps p50 p99 non2xx errs cpu core load other <<<"${res[*]}"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$c" "c$conns" "$n" "$rps" "$p50" "$p99" "$non2xx" "$errs" "$cpu" "$core" "$load" "$other" >>"$out/runs.tsv"
    printf 'round %d  %-16s c=%-3s %7s req/s  %6s us/req  core %3s%% (others %s%%, CPU %s %s%%)  p50 %s ms  p99 %s ms\n' \
      "$r" "$c" "$conns" "$rps" "$cpu" "$core" "$other" "$cpu_load" "$load" "$p50" "$p99"
    if [ "$paced_delay" -gt 0 ]; then
      run_wrk "$c" "$run" "$paced_delay" "$out/wrk/round$r-$c-paced.txt"
      read -r n rps p50 p99 non2xx errs cpu core load other <<<"${res[*]}"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$c" paced "$n" "$rps" "$p50" "$p99" "$non2xx" "$errs" "$cpu" "$core" "$load" "$other" >>"$out/runs.tsv"
      printf 'round %d  %-16s paced %7s req/s  %6s us/req  core %3s%%  p99 %s ms\n' "$r" "$c" "$rps" "$cpu" "$core" "$p99"
    fi
  done
done
for c in "${profiled[@]}"; do
  profile_agent "$c" "dump,file=$out/profile-$c.collapsed,collapsed$( [ "$profile" = alloc ] && echo ,total)" \
    && profile_agent "$c" "stop,file=$out/profile-$c.html" \
    || echo "bench: WARNING: could not write $c's profile (see $out/profile-$c.log)"
done
echo "loadavg at end: $(cat /proc/loadavg)" >>"$out/env.txt"
# peak resident memory of each contender's process over the whole run (VmHWM; Gatehouse's variants share one process)
peak_rss=""
for c in "${contenders[@]}"; do
  case $c in gatehouse-public|gatehouse-claims) continue ;; esac
  peak_rss+=" $c $(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/${pid_of[$c]}/status" 2>/dev/null || echo -) MiB;"
done

# --- summary: medians over the rounds -------------------------------------------------------------------------
median() {   # median <contender> <mode> <column>
  awk -F'\t' -v c="$1" -v m="$2" -v col="$3" 'NR > 1 && $2 == c && $3 == m { print $col }' "$out/runs.tsv" | sort -g \
    | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
{
  echo
  echo "Medians over $rounds round(s) of ${run} s; wrk -t1 -c$conns on CPU $cpu_load with the backend, each proxy alone on CPU $cpu_proxy."
  echo "Gatehouse access log: $access_log; tracing: $tracing$( [ "$tracing" = on ] && echo " (sampling $tracing_sampling)"); class data sharing: $cds; image JVM settings: $image_jvm."
  echo "core%: the proxy's use of CPU $cpu_proxy; others%: what other processes took of it meanwhile (should be ~0);"
  echo "cpu$cpu_load%: CPU $cpu_load busy (backend + wrk). At c=$conns core% well below 100 means the proxy was not the limit."
  printf '%-16s %9s %10s %6s %7s %6s %9s %9s | %11s %12s\n' contender "req/s" "CPU us/req" "core%" "others%" "cpu$cpu_load%" \
    "p50 ms" "p99 ms" "paced req/s" "paced p99 ms"
  for c in "${contenders[@]}"; do
    printf '%-16s %9s %10s %6s %7s %6s %9s %9s | %11s %12s\n' "$c" "$(median "$c" "c$conns" 5)" "$(median "$c" "c$conns" 10)" \
      "$(median "$c" "c$conns" 11)" "$(median "$c" "c$conns" 13)" "$(median "$c" "c$conns" 12)" \
      "$(median "$c" "c$conns" 6)" "$(median "$c" "c$conns" 7)" "$(median "$c" paced 5)" "$(median "$c" paced 7)"
  done
  if has gatehouse && [ ${#contenders[@]} -gt 1 ]; then
    echo
    echo "Ratios of the medians, Gatehouse / reference (req/s above 1, CPU and p99 below 1: Gatehouse ahead):"
    printf '%-28s %9s %11s %8s %13s\n' ratio "req/s" "CPU us/req" "p99" "paced p99"
    for ref in scg scg-security haproxy nginx gatehouse-public gatehouse-claims gatehouse-baseline; do
      has "$ref" || continue
      printf '%-28s %9s %11s %8s %13s\n' "gatehouse / $ref" \
        "$(awk -v a="$(median gatehouse "c$conns" 5)" -v b="$(median "$ref" "c$conns" 5)" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')" \
        "$(awk -v a="$(median gatehouse "c$conns" 10)" -v b="$(median "$ref" "c$conns" 10)" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')" \
        "$(awk -v a="$(median gatehouse "c$conns" 7)" -v b="$(median "$ref" "c$conns" 7)" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')" \
        "$(awk -v a="$(median gatehouse paced 7)" -v b="$(median "$ref" paced 7)" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
    done
    if [ "$rounds" -gt 1 ]; then
      echo
      echo "Paired by round (Gatehouse's req/s / the reference's in the same round; drift that moves both cancels):"
      printf '%-28s %9s %9s %9s %7s\n' ratio median lowest highest ahead
      for ref in scg scg-security haproxy nginx gatehouse-public gatehouse-claims gatehouse-baseline; do
        has "$ref" || continue
        awk -F'\t' -v ref="$ref" -v m="c$conns" 'NR > 1 && $3 == m && $2 == "gatehouse" { g[$1] = $5 }
          NR > 1 && $3 == m && $2 == ref { r[$1] = $5 }
          END {
            for (k in g) if ((k in r) && r[k] > 0) { v[++n] = g[k] / r[k]; if (g[k] > r[k]) ahead++ }
            if (n == 0) exit
            for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
            med = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
            printf "%-28s %9.2f %9.2f %9.2f %7s\n", "gatehouse / " ref, med, v[1], v[n], (ahead + 0) "/" n
          }' "$out/runs.tsv"
      done
    fi
  fi
  if [ -f "$out/cold-start.tsv" ]; then
    echo
    steady=$(median gatehouse "c$conns" 5)
    awk -F'\t' -v steady="$steady" -v cold="$cold" 'NR > 1 { t[++n] = $1; v[n] = $2; if ($2 > peak) peak = $2 }
      END {
        printf "gatehouse cold start (req/s per bucket after readiness):"
        for (i = 1; i <= n; i++) printf " %ss:%s", t[i], v[i]
        printf "\n"
        for (i = 1; i <= n && v[i] < 0.8 * peak; i++) ;
        printf "  80%% of the cold-window peak (%d req/s) by the bucket ending at %s s\n", peak, t[i]
        if (steady > 0) {
          for (i = 1; i <= n && v[i] < 0.8 * steady; i++) ;
          if (i <= n) printf "  80%% of the warm median (%d req/s) by the bucket ending at %s s\n", steady, t[i]
          else printf "  80%% of the warm median (%d req/s) not reached within %s s\n", steady, cold
        }
      }' "$out/cold-start.tsv"
  fi
  echo
  echo "Peak RSS (VmHWM of the main process; JVM flags ${jvm_flags[*]} ${extra_java_opts[*]}):${peak_rss%;}"
  worst=$(awk -F'\t' 'NR > 1 && $13 > m { m = $13 } END { print m + 0 }' "$out/runs.tsv")
  if [ "$worst" -gt 10 ]; then
    echo
    echo "WARNING: other processes took up to $worst % of CPU $cpu_proxy during measured runs: these numbers are not comparable."
  fi
  echo
  echo "Load average at start / end: $(sed -n 's/^loadavg at start: //p' "$out/env.txt" | cut -d' ' -f1-3) / $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/summary.txt"
echo "bench: done; every run's wrk output is in ${out#"$root"/}/wrk/, per-run numbers in runs.tsv"
