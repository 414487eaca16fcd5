#!/usr/bin/env bash
# Proxy overhead benchmark: latency a client sees talking to the demo upstream directly and through modelswap,
# side by side in one run on loopback (non-streaming chat completions, 1 and 32 concurrent connections), plus
# modelswap's start time and idle RSS. Prints a Markdown table for docs/benchmarks.md.
#
#   src/bench/latency.sh [jvm|native] [seconds-per-run]
#
# Needs wrk (Debian: apt-get install wrk). Builds the jar through the Maven wrapper if it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
MODE=${1:-jvm}
DURATION=${2:-10}
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }

if [ "$MODE" = native ]; then
  APP=(target/modelswap-0.1.0-SNAPSHOT-runner)
  [ -x "${APP[0]}" ] || { echo "build the native executable first: ./mvnw package -Dnative" >&2; exit 1; }
else
  [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -B -DskipTests package
  APP=(java -jar target/quarkus-app/quarkus-run.jar)
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

mkdir -p target/demo-classes
javac -nowarn -d target/demo-classes src/demo/DemoUpstream.java
FAKE="java -XX:TieredStopAtLevel=1 -cp $PWD/target/demo-classes DemoUpstream --tokens 8 --token-delay-ms 0"
DIRECT_PORT=18601; PROXIED_PORT=18602; SWAP_PORT=18600

$FAKE --port $DIRECT_PORT --model-name direct >/dev/null 2>&1 &
PIDS+=($!)
cat > "$WORK/config.yaml" <<YAML
healthCheckTimeout: 30
models:
  bench:
    cmd: $FAKE --port $PROXIED_PORT --model-name bench
    proxy: http://127.0.0.1:$PROXIED_PORT
YAML

start_ns=$(date +%s%N)
"${APP[@]}" -config "$WORK/config.yaml" -listen 127.0.0.1:$SWAP_PORT >"$WORK/modelswap.log" 2>&1 &
APP_PID=$!
PIDS+=($APP_PID)
until curl -sf http://127.0.0.1:$SWAP_PORT/health >/dev/null; do sleep 0.01; done
start_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
sleep 5
idle_rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$APP_PID/status)

BODY='{"model":"bench","messages":[{"role":"user","content":"hi"}]}'
cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["Content-Type"] = "application/json"
LUA
until curl -sf -H 'Content-Type: application/json' -d "$BODY" http://127.0.0.1:$SWAP_PORT/v1/chat/completions >/dev/null; do sleep 0.1; done
until curl -sf -H 'Content-Type: application/json' -d "$BODY" http://127.0.0.1:$DIRECT_PORT/v1/chat/completions >/dev/null; do sleep 0.1; done

# percentile NAME FILE -> milliseconds
percentile() { awk -v p="$1%" '$1 == p { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v=v/1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v=v*1000 }; printf "%.3f", v }' "$2"; }
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }

run() { # name port connections threads
  wrk -t"$4" -c"$3" -d2s -s "$WORK/post.lua" "http://127.0.0.1:$2/v1/chat/completions" >/dev/null  # warm-up
  wrk -t"$4" -c"$3" -d"${DURATION}s" --latency -s "$WORK/post.lua" "http://127.0.0.1:$2/v1/chat/completions" > "$WORK/$1.txt"
}
run direct1 $DIRECT_PORT 1 1
run proxied1 $SWAP_PORT 1 1
run direct32 $DIRECT_PORT 32 2
run proxied32 $SWAP_PORT 32 2
busy_rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$APP_PID/status)

echo "modelswap ($MODE) on $(nproc) cores, $(date -u +%Y-%m-%d), ${DURATION}s per run"
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
  echo "| $c | ratio proxied/direct | $(awk -v a="$p50" -v b="$d50" 'BEGIN{printf "%.2f", a/b}') | $(awk -v a="$p99" -v b="$d99" 'BEGIN{printf "%.2f", a/b}') | |"
done
echo
echo "- start to first /health 200: ${start_ms} ms"
echo "- idle RSS 5 s after start (model running): $((idle_rss_kb / 1024)) MiB"
echo "- RSS after the runs above: $((busy_rss_kb / 1024)) MiB"
