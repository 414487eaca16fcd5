#!/usr/bin/env bash
# modelswap beside nginx, in one run, on loopback: the latency each adds to a non-streaming chat completion at 1, 32
# and 256 connections (wrk), the throughput, and an SSE load of N concurrent streams (per-event delay and first-event
# time, src/test/java/io/modelswap/bench/SseLoad.java); then modelswap's footprint. Every number is read against a
# baseline of the same run: "direct" (the upstream alone) for added latency, nginx for the goals of issue 16.
#
#   src/bench/compare.sh [seconds-per-run] [sse-streams] [events-per-stream] [settle-seconds]
#
# Defaults: 5 s per wrk run (after a 2 s warm-up; modelswap first gets WARMUP=30 s of load at 32 connections, so that
# the JVM is measured compiled), 200 streams of 20 events 100 ms apart, 60 s of rest before the
# RSS that must be back within 10 % of its level before the SSE load. Runs the JVM build (target/quarkus-app, built
# when missing) and, when target/*-runner exists (or RUNNER=/path/to/runner), the native executable; MODES="jvm" or
# MODES="native" picks one. OUT=dir keeps the raw output elsewhere than target/compare (for repetitions).
# Each mode gets its own phase: modelswap starts the upstream (src/test/java/io/modelswap/bench/BenchUpstream.java,
# Vert.x, about 0.02 ms per answer) as its model, and direct, nginx and modelswap are measured against that same
# upstream process, interleaved per connection count.
#
# nginx (Debian's nginx-light) and wrk are installed with apt-get when missing. With 8 cores or more, the upstream,
# the proxy and the load generator are pinned with taskset (a quarter, a quarter, half); with fewer everything
# shares the cores, and only the ratios mean anything. JVM options for modelswap: MODELSWAP_JAVA_OPTS; a JFR
# recording of the JVM phase: JFR=/path/to/file.jfr. Prints Markdown for docs/benchmarks.md; the raw wrk and SseLoad
# output stays in target/compare/.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-5}
STREAMS=${2:-200}
EVENTS=${3:-20}
SETTLE=${4:-60}
INTERVAL_MS=100
WARMUP=${WARMUP:-30}

need() { # command package
  command -v "$1" >/dev/null && return
  if [ "$(id -u)" = 0 ]; then
    echo "installing $2" >&2
    apt-get install -y -qq "$2" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }
  else
    echo "$1 is required: apt-get install $2" >&2; exit 1
  fi
}
need wrk wrk
need nginx nginx-light
NGINX=$(command -v nginx)

# ---------------------------------------------------------------- builds
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -B -ntp -DskipTests package
CP_FILE=target/bench-classpath.txt
if [ ! -f target/test-classes/io/modelswap/bench/SseLoad.class ] || [ ! -f "$CP_FILE" ]; then
  ./mvnw -B -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test
fi
BENCH_CP="$PWD/target/test-classes:$PWD/target/classes:$(cat "$CP_FILE")"
RUNNER=${RUNNER:-$(ls target/*-runner 2>/dev/null | head -1 || true)}
if [ -z "${MODES:-}" ]; then
  MODES=jvm
  [ -n "$RUNNER" ] && MODES="jvm native"
fi

# ---------------------------------------------------------------- cores
CORES=$(nproc)
if [ "$CORES" -ge 8 ]; then
  Q=$((CORES / 4))
  UP_CPUS="0-$((Q - 1))"; PROXY_CPUS="$Q-$((2 * Q - 1))"; LOAD_CPUS="$((2 * Q))-$((CORES - 1))"
  UP_THREADS=$Q; PROXY_CORES=$Q; LOAD_THREADS=$((CORES - 2 * Q))
  PINNING="upstream on cores $UP_CPUS, proxy on $PROXY_CPUS, load generator on $LOAD_CPUS"
else
  UP_CPUS=""; PROXY_CPUS=""; LOAD_CPUS=""
  UP_THREADS=1; PROXY_CORES=$CORES; LOAD_THREADS=$CORES
  PINNING="no pinning ($CORES cores): upstream, proxy and load generator share every core"
fi
pin() { local cpus=$1; shift; if [ -n "$cpus" ]; then taskset -c "$cpus" "$@"; else "$@"; fi; }
# for `pin_exec CPUS cmd &`: the background job becomes the command itself, so $! is its pid (RSS, kill)
pin_exec() { local cpus=$1; shift; if [ -n "$cpus" ]; then exec taskset -c "$cpus" "$@"; else exec "$@"; fi; }
pin_prefix() { [ -n "$1" ] && echo "taskset -c $1 " || true; }

OUT=${OUT:-target/compare}
rm -rf "$OUT"; mkdir -p "$OUT"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

SWAP_PORT=18800; UP_PORT=18801; NGINX_PORT=18802
BODY='{"model":"bench","messages":[{"role":"user","content":"hi"}]}'
# Well above the connections: a request counts against concurrencyLimit until the router has its serveDone, which
# comes after the client has its answer, so a client that keeps N connections busy holds up to 2N slots at moments
# (docs/benchmarks.md, "next"); the limit is not what this measures.
LIMIT=$(( (STREAMS > 256 ? STREAMS : 256) * 4 + 64 ))

# shellcheck source=src/bench/wrk_post.sh
. src/bench/wrk_post.sh  # every script here runs from the repository root
wrk_post "$WORK/post.lua" "$BODY"

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
rss_mib() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
wait_http() { for _ in $(seq 1 2000); do curl -sf -o /dev/null "$1" && return 0; sleep 0.005; done; return 1; }

start_nginx() {
  mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
  cat > "$WORK/nginx/nginx.conf" <<NGINX
daemon off;
worker_processes $PROXY_CORES;
worker_rlimit_nofile 65536;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/tmp/body;
  proxy_temp_path $WORK/nginx/tmp/proxy;
  fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
  uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
  scgi_temp_path $WORK/nginx/tmp/scgi;
  keepalive_requests 1000000;
  upstream bench { server 127.0.0.1:$UP_PORT; keepalive 1024; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location / {
      proxy_pass http://bench;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 300s;
    }
  }
}
NGINX
  pin_exec "$PROXY_CPUS" "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/logs/error.log" &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  wait_http "http://127.0.0.1:$NGINX_PORT/health" || { echo "nginx did not start" >&2; cat "$WORK/nginx/logs/error.log" >&2; exit 1; }
}

# a run with any non-2xx answer or socket error measures something else: refuse to report it
# errors (non-2xx answers, socket errors: wrk counts a request without an answer after 2 s as a timeout) are shown
# in the tables, not fatal: on an overloaded machine a stall is a result too
check() { if grep -qE "Non-2xx|Socket errors" "$1"; then echo "errors in $1:" >&2; grep -E "Non-2xx|Socket errors" "$1" >&2; fi; }
errors() { awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$1"; }
# CPU time (user + system, clock ticks) of the given processes: nginx's master and workers; modelswap alone (its child,
# the upstream, is not counted)
cpu_ticks() { for p in $1; do awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null; done | awk '{n += $1} END {print n + 0}'; }
wrk_run() { # file port connections [pids of the proxy: its CPU per request goes to file.cpu]
  local threads=$(( $3 < LOAD_THREADS ? $3 : LOAD_THREADS ))
  pin "$LOAD_CPUS" wrk -t"$threads" -c"$3" -d2s -s "$WORK/post.lua" "http://127.0.0.1:$2/v1/chat/completions" >/dev/null
  local before=0; [ -n "${4:-}" ] && before=$(cpu_ticks "$4")
  pin "$LOAD_CPUS" wrk -t"$threads" -c"$3" -d"${DURATION}s" --latency -s "$WORK/post.lua" \
    "http://127.0.0.1:$2/v1/chat/completions" > "$1"
  if [ -n "${4:-}" ]; then
    awk -v t="$(( $(cpu_ticks "$4") - before ))" -v hz="$(getconf CLK_TCK)" '/requests in/ {printf "%.1f", t * 1e6 / hz / $1}' "$1" > "$1.cpu"
  fi
  check "$1"
}
cpu_per_request() { cat "$1.cpu" 2>/dev/null || echo "?"; }
sse_run() { # file port
  pin "$LOAD_CPUS" java -XX:+UseSerialGC -cp "$BENCH_CP" io.modelswap.bench.SseLoad \
    "http://127.0.0.1:$2/v1/chat/completions" "$STREAMS" "$EVENTS" > "$1"
}

# percentile P FILE -> milliseconds
percentile() { awk -v p="$1%" '$1 == p { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v=v/1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v=v*1000 }; printf "%.3f", v }' "$2"; }
rps() { awk '/Requests\/sec/ {printf "%d", $2}' "$1"; }
field() { tr ' ' '\n' < "$2" | awk -F= -v k="$1" '$1 == k {print $2}'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
# modelswap's added time as a multiple of nginx's: "n/a" when nginx added nothing measurable (under 1 us)
ratio() { awk -v m="$1" -v n="$2" 'BEGIN { if (n < 0.001) print "n/a (nginx adds " sprintf("%.3f", n) " ms)"; else printf "%.2f", m / n }'; }

for MODE in $MODES; do
  if [ "$MODE" = native ]; then
    [ -n "$RUNNER" ] || { echo "no native executable: ./mvnw package -Dnative (README)" >&2; exit 1; }
    APP=("$RUNNER")
  else
    # shellcheck disable=SC2206
    APP=(java ${MODELSWAP_JAVA_OPTS:-} ${JFR:+-XX:StartFlightRecording=filename=$JFR,settings=profile}
      -jar target/quarkus-app/quarkus-run.jar)
  fi
  cat > "$WORK/config.yaml" <<YAML
healthCheckTimeout: 60
models:
  bench:
    cmd: $(pin_prefix "$UP_CPUS")java -XX:+UseSerialGC -cp $BENCH_CP io.modelswap.bench.BenchUpstream --port $UP_PORT --threads $UP_THREADS --events $EVENTS --interval-ms $INTERVAL_MS
    proxy: http://127.0.0.1:$UP_PORT
    concurrencyLimit: $LIMIT
YAML
  LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
  start_ns=$(date +%s%N)
  pin_exec "$PROXY_CPUS" "${APP[@]}" -config "$WORK/config.yaml" -listen "127.0.0.1:$SWAP_PORT" \
    -Dmodelswap.processes.state-file=off >"$OUT/modelswap-$MODE.log" 2>&1 &
  APP_PID=$!
  PIDS+=("$APP_PID")
  wait_http "http://127.0.0.1:$SWAP_PORT/health" || { echo "modelswap did not start" >&2; exit 1; }
  health_ms=$(ms_since "$start_ns")
  first_ns=$(date +%s%N)
  curl -sf -H 'Content-Type: application/json' -d "$BODY" "http://127.0.0.1:$SWAP_PORT/v1/chat/completions" >/dev/null
  first_ms=$(ms_since "$first_ns")
  start_nginx
  sleep 5
  idle_rss=$(rss_mib "$APP_PID")
  # the JVM compiles its hot paths during the first tens of thousands of requests: measured before that, the first
  # (1-connection) run timed the JIT compiler as much as modelswap (2026-11-29: 0.84 ms added cold, 0.13 to 0.30 ms
  # after 45 s of load)
  pin "$LOAD_CPUS" wrk -t"$LOAD_THREADS" -c32 -d"${WARMUP}s" -s "$WORK/post.lua" \
    "http://127.0.0.1:$SWAP_PORT/v1/chat/completions" >/dev/null

  for c in 1 32 256; do
    wrk_run "$OUT/$MODE-direct-$c.txt" $UP_PORT "$c"
    wrk_run "$OUT/$MODE-nginx-$c.txt" $NGINX_PORT "$c" "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"
    wrk_run "$OUT/$MODE-modelswap-$c.txt" $SWAP_PORT "$c" "$APP_PID"
  done
  wrk_rss=$(rss_mib "$APP_PID")
  sse_run "$OUT/$MODE-direct-sse.txt" $UP_PORT
  sse_run "$OUT/$MODE-nginx-sse.txt" $NGINX_PORT
  pre_sse_rss=$(rss_mib "$APP_PID")
  sse_run "$OUT/$MODE-modelswap-sse.txt" $SWAP_PORT
  sse_rss=$(rss_mib "$APP_PID")
  sleep "$SETTLE"
  settled_rss=$(rss_mib "$APP_PID")

  echo "### modelswap $MODE: $(date -u +%Y-%m-%d), $CORES cores, load average at the start of the phase: $LOAD_AT_START"
  echo
  echo "$PINNING; nginx $("$NGINX" -v 2>&1 | sed 's/.*nginx\///') with $PROXY_CORES workers; ${DURATION} s per wrk run after 2 s of warm-up."
  echo
  echo "| conns | path | p50 ms | p99 ms | req/s | errors | added p50 ms | added p99 ms |"
  echo "|---|---|---|---|---|---|---|---|"
  for c in 1 32 256; do
    d50=$(percentile 50 "$OUT/$MODE-direct-$c.txt"); d99=$(percentile 99 "$OUT/$MODE-direct-$c.txt")
    for path in direct nginx modelswap; do
      f="$OUT/$MODE-$path-$c.txt"
      p50=$(percentile 50 "$f"); p99=$(percentile 99 "$f")
      if [ $path = direct ]; then added="| |"; else
        added="| $(calc %.3f "$p50 - $d50") | $(calc %.3f "$p99 - $d99") |"; fi
      echo "| $c | $path | $p50 | $p99 | $(rps "$f") | $(errors "$f") $added"
    done
  done
  echo
  echo "| conns | added p50, modelswap / nginx (goal <= 2) | added p99, modelswap / nginx (goal <= 3) | req/s, modelswap / nginx (JVM goal >= 0.5) | proxy CPU per request, us: nginx / modelswap |"
  echo "|---|---|---|---|---|"
  for c in 1 32 256; do
    d50=$(percentile 50 "$OUT/$MODE-direct-$c.txt"); d99=$(percentile 99 "$OUT/$MODE-direct-$c.txt")
    n50=$(percentile 50 "$OUT/$MODE-nginx-$c.txt"); n99=$(percentile 99 "$OUT/$MODE-nginx-$c.txt")
    m50=$(percentile 50 "$OUT/$MODE-modelswap-$c.txt"); m99=$(percentile 99 "$OUT/$MODE-modelswap-$c.txt")
    echo "| $c | **$(ratio "$(calc %.3f "$m50 - $d50")" "$(calc %.3f "$n50 - $d50")")** | **$(ratio "$(calc %.3f "$m99 - $d99")" "$(calc %.3f "$n99 - $d99")")** | **$(calc %.2f "$(rps "$OUT/$MODE-modelswap-$c.txt") / $(rps "$OUT/$MODE-nginx-$c.txt")")** | $(cpu_per_request "$OUT/$MODE-nginx-$c.txt") / $(cpu_per_request "$OUT/$MODE-modelswap-$c.txt") |"
  done
  echo
  echo "SSE: $STREAMS concurrent streams of $EVENTS events ${INTERVAL_MS} ms apart; delays in ms; \"added\" is over direct."
  echo
  echo "| path | errors | first event p50 | first event p99 | per-event p50 | per-event p99 | per-event max | added first p99 | added per-event p99 |"
  echo "|---|---|---|---|---|---|---|---|---|"
  df99=$(field first_p99_ms "$OUT/$MODE-direct-sse.txt"); dd99=$(field delay_p99_ms "$OUT/$MODE-direct-sse.txt")
  for path in direct nginx modelswap; do
    f="$OUT/$MODE-$path-sse.txt"
    if [ $path = direct ]; then added="| |"; else
      added="| $(calc %.3f "$(field first_p99_ms "$f") - $df99") | $(calc %.3f "$(field delay_p99_ms "$f") - $dd99") |"; fi
    echo "| $path | $(field errors "$f") | $(field first_p50_ms "$f") | $(field first_p99_ms "$f") | $(field delay_p50_ms "$f") | $(field delay_p99_ms "$f") | $(field delay_max_ms "$f") $added"
  done
  echo
  echo "health_ms=$health_ms first_ms=$first_ms idle_rss=$idle_rss wrk_rss=$wrk_rss pre_sse_rss=$pre_sse_rss sse_rss=$sse_rss settled_rss=$settled_rss load=${LOAD_AT_START// //}" \
    > "$OUT/$MODE-footprint.txt"
  echo "| footprint, $MODE | |"
  echo "|---|---|"
  echo "| spawn to first \`/health\` 200 | ${health_ms} ms |"
  echo "| first proxied answer (includes starting the upstream, a JVM) | ${first_ms} ms |"
  echo "| idle RSS (5 s after start, one model running) | ${idle_rss} MiB |"
  echo "| RSS after the wrk runs | ${wrk_rss} MiB |"
  echo "| RSS before the SSE load / right after it / ${SETTLE} s later | ${pre_sse_rss} / ${sse_rss} / ${settled_rss} MiB ($(calc %+.1f "($settled_rss - $pre_sse_rss) * 100 / $pre_sse_rss") %) |"
  echo

  kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
done
