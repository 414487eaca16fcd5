#!/usr/bin/env bash
# Proxy overhead and footprint, on loopback, in one run: the latency a client sees talking to the demo upstream
# directly and through modelswap (non-streaming chat completions, 1 and 32 concurrent connections; the ratio
# proxied/direct is the number to compare across machines), modelswap's time to its first served request, idle RSS,
# RSS after 10,000 proxied requests, and the size of what it runs from. Prints Markdown for docs/benchmarks.md.
#
#   src/bench/latency.sh [jvm|native] [seconds-per-run]
#
# Needs wrk (Debian: apt-get install wrk). The jar is built through the Maven wrapper when missing; the native
# executable must be built first (./mvnw package -Dnative, see README).
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=${1:-jvm}
DURATION=${2:-10}
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }

if [ "$MODE" = native ]; then
  RUNNER=$(ls target/*-runner 2>/dev/null | head -1 || true)
  [ -n "$RUNNER" ] || { echo "build the native executable first: ./mvnw package -Dnative" >&2; exit 1; }
  APP=("$RUNNER")
  SIZE_BYTES=$(stat -c %s "$RUNNER")
  SIZE_WHAT="native executable"
else
  [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -B -DskipTests package
  APP=(java -jar target/quarkus-app/quarkus-run.jar)
  SIZE_BYTES=$(du -sb target/quarkus-app | cut -f1)
  SIZE_WHAT="target/quarkus-app (plus a JRE)"
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

# modelswap's demo upstream (modelswap demo-upstream), straight from the compiled classes: JDK only
FAKE="java -XX:TieredStopAtLevel=1 -cp $PWD/target/classes io.modelswap.demo.DemoUpstream --tokens 8 --token-delay-ms 0"
DIRECT_PORT=18601; PROXIED_PORT=18602; SWAP_PORT=18600
BODY='{"model":"bench","messages":[{"role":"user","content":"hi"}]}'

$FAKE --port $DIRECT_PORT --model-name direct >/dev/null 2>&1 &
PIDS+=($!)
cat > "$WORK/config.yaml" <<YAML
healthCheckTimeout: 30
models:
  bench:
    cmd: $FAKE --port $PROXIED_PORT --model-name bench
    proxy: http://127.0.0.1:$PROXIED_PORT
    concurrencyLimit: 64
YAML

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
rss_mib() { awk '/VmRSS/ {printf "%d", $2 / 1024}' /proc/$1/status; }

start_ns=$(date +%s%N)
"${APP[@]}" -config "$WORK/config.yaml" -listen 127.0.0.1:$SWAP_PORT -Dmodelswap.processes.state-file=off \
  >"$WORK/modelswap.log" 2>&1 &
APP_PID=$!
PIDS+=($APP_PID)
until curl -sf http://127.0.0.1:$SWAP_PORT/health >/dev/null; do sleep 0.005; done
health_ms=$(ms_since "$start_ns")
# the first request also starts the demo upstream (a JVM of its own): reported beside, not as, modelswap's start
first_ns=$(date +%s%N)
curl -sf -H 'Content-Type: application/json' -d "$BODY" http://127.0.0.1:$SWAP_PORT/v1/chat/completions >/dev/null
first_ms=$(ms_since "$first_ns")
until curl -sf -H 'Content-Type: application/json' -d "$BODY" http://127.0.0.1:$DIRECT_PORT/v1/chat/completions >/dev/null; do sleep 0.1; done
sleep 5
idle_rss=$(rss_mib $APP_PID)

# shellcheck source=src/bench/wrk_post.sh
. src/bench/wrk_post.sh  # every script here runs from the repository root
wrk_post "$WORK/post.lua" "$BODY"
cat "$WORK/post.lua" > "$WORK/count.lua"
cat >> "$WORK/count.lua" <<'LUA'
local served = 0
function response(status, headers, body)
  served = served + 1
  if served >= 10000 then wrk.thread:stop() end
end
LUA
# exactly 10,000 proxied requests (one wrk thread), then the RSS
wrk -t1 -c8 -d120s -s "$WORK/count.lua" "http://127.0.0.1:$SWAP_PORT/v1/chat/completions" > "$WORK/count.txt"
rss_10k=$(rss_mib $APP_PID)

# percentile P FILE -> milliseconds
percentile() { awk -v p="$1%" '$1 == p { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v=v/1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v=v*1000 }; printf "%.3f", v }' "$2"; }
rps() { awk '/Requests\/sec/ {printf "%d", $2}' "$1"; }
# a run with any non-2xx answer or socket error measures something else: refuse to report it
check() { if grep -qE "Non-2xx|Socket errors" "$1"; then echo "errors in $1:" >&2; cat "$1" >&2; exit 1; fi; }
run() { # name port connections threads
  wrk -t"$4" -c"$3" -d2s -s "$WORK/post.lua" "http://127.0.0.1:$2/v1/chat/completions" >/dev/null  # warm-up
  wrk -t"$4" -c"$3" -d"${DURATION}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$2/v1/chat/completions" > "$WORK/$1.txt"
}
wrk_check_all() { for f in "$WORK"/direct*.txt "$WORK"/proxied*.txt "$WORK/count.txt"; do check "$f"; done; }
run direct1 $DIRECT_PORT 1 1
run proxied1 $SWAP_PORT 1 1
run direct32 $DIRECT_PORT 32 2
run proxied32 $SWAP_PORT 32 2
rss_end=$(rss_mib $APP_PID)
wrk_check_all

echo "### modelswap $MODE, $(nproc) cores, $(date -u +%Y-%m-%d), ${DURATION}s per latency run"
echo
echo "| clients | path | p50 ms | p99 ms | req/s |"
echo "|---|---|---|---|---|"
for c in 1 32; do
  for path in direct proxied; do
    f="$WORK/$path$c.txt"
    echo "| $c | $path | $(percentile 50 "$f") | $(percentile 99 "$f") | $(rps "$f") |"
  done
  d50=$(percentile 50 "$WORK/direct$c.txt"); p50=$(percentile 50 "$WORK/proxied$c.txt")
  d99=$(percentile 99 "$WORK/direct$c.txt"); p99=$(percentile 99 "$WORK/proxied$c.txt")
  echo "| $c | **proxied/direct** | **$(awk -v a="$p50" -v b="$d50" 'BEGIN{printf "%.2f", a/b}')** | **$(awk -v a="$p99" -v b="$d99" 'BEGIN{printf "%.2f", a/b}')** | |"
done
echo
echo "| footprint | $MODE |"
echo "|---|---|"
echo "| spawn to first \`/health\` 200 | ${health_ms} ms |"
echo "| first proxied answer (includes starting the demo upstream) | ${first_ms} ms |"
echo "| idle RSS (5 s after start, one model running) | ${idle_rss} MiB |"
echo "| RSS after 10,000 proxied requests | ${rss_10k} MiB |"
echo "| RSS after the latency runs | ${rss_end} MiB |"
echo "| $SIZE_WHAT | $((SIZE_BYTES / 1024 / 1024)) MiB |"
