#!/usr/bin/env bash
# modelswap's footprint under run-time options, measured in turns: for each round and each variant (a string of
# options for the executable, "" for its defaults), start modelswap with BenchUpstream as its one model, proxy one
# request, read the RSS 5 s later with its breakdown (src/bench/smaps_breakdown.py: code, image heap, Java heap,
# stacks, malloc arenas, ...), run wrk at 8 connections and read the RSS again; then stop it. Prints one line per run
# and, per variant, the median of the rounds.
#
#   src/bench/footprint.sh [rounds] [wrk-seconds] [VARIANT...]
#   RUNNER=/path/to/modelswap-runner src/bench/footprint.sh 3 10 "" "-Xmn8m" "-Dio.netty.allocator.type=unpooled"
#   MODE=jvm src/bench/footprint.sh 3 10 "" "-Xmx64m"      # the packaged jar (no breakdown: that layout is native's)
#
# Defaults: 3 rounds, 10 s of wrk (after 2 s of warm-up), the variants "" and "-Xmn8m". The native executable is
# RUNNER or target/*-runner. Options go before modelswap's own arguments (for the JVM, before -jar). Keeps the load
# light on purpose (8 connections): this measures memory, and throughput only as a check that an option costs none.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
DURATION=${2:-10}
shift 2 || true
VARIANTS=("$@")
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=("" "-Xmn8m")
MODE=${MODE:-native}
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }

CP_FILE=target/bench-classpath.txt
if [ ! -f target/test-classes/io/modelswap/bench/BenchUpstream.class ] || [ ! -f "$CP_FILE" ]; then
  ./mvnw -B -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test
fi
BENCH_CP="$PWD/target/test-classes:$PWD/target/classes:$(cat "$CP_FILE")"
if [ "$MODE" = native ]; then
  RUNNER=${RUNNER:-$(ls target/*-runner 2>/dev/null | head -1 || true)}
  [ -n "$RUNNER" ] || { echo "no native executable: RUNNER=/path/to/runner, or ./mvnw package -Dnative" >&2; exit 1; }
  RUNNER=$(realpath "$RUNNER")
else
  [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -B -ntp -DskipTests package
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
SWAP_PORT=${SWAP_PORT:-18820}; UP_PORT=${UP_PORT:-18821}
BODY='{"model":"bench","messages":[{"role":"user","content":"hi"}]}'
# shellcheck source=src/bench/wrk_post.sh
. src/bench/wrk_post.sh  # every script here runs from the repository root
wrk_post "$WORK/post.lua" "$BODY"
cat > "$WORK/config.yaml" <<YAML
healthCheckTimeout: 60
models:
  bench:
    cmd: java -XX:+UseSerialGC -cp $BENCH_CP io.modelswap.bench.BenchUpstream --port $UP_PORT --threads 1
    proxy: http://127.0.0.1:$UP_PORT
    concurrencyLimit: 1088
YAML
wait_http() { for _ in $(seq 1 2000); do curl -sf -o /dev/null "$1" && return 0; sleep 0.005; done; return 1; }
mib() { awk -v k="$1" -F= '$1 == k {printf "%.1f", $2 / 1024}' "$2"; }

RESULTS="$WORK/results"
for round in $(seq 1 "$ROUNDS"); do
  for i in "${!VARIANTS[@]}"; do
    v=${VARIANTS[$i]}
    # shellcheck disable=SC2206
    opts=($v)
    if [ "$MODE" = native ]; then APP=("$RUNNER" "${opts[@]}"); else APP=(java "${opts[@]}" -jar target/quarkus-app/quarkus-run.jar); fi
    "${APP[@]}" -config "$WORK/config.yaml" -listen "127.0.0.1:$SWAP_PORT" -Dmodelswap.processes.state-file=off \
      > "$WORK/modelswap-$i.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    wait_http "http://127.0.0.1:$SWAP_PORT/health" || { echo "modelswap did not start:" >&2; cat "$WORK/modelswap-$i.log" >&2; exit 1; }
    curl -sf -H 'Content-Type: application/json' -d "$BODY" "http://127.0.0.1:$SWAP_PORT/v1/chat/completions" >/dev/null
    sleep 5
    idle=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
    parts=""
    if [ "$MODE" = native ]; then
      src/bench/smaps_breakdown.py "$pid" "$RUNNER" > "$WORK/smaps"
      parts="code=$(mib code "$WORK/smaps") image=$(mib image_heap "$WORK/smaps")+$(mib image_cow "$WORK/smaps")"
      parts="$parts heap=$(mib java_heap "$WORK/smaps") malloc=$(mib malloc "$WORK/smaps") stacks=$(mib stacks "$WORK/smaps")"
      parts="$parts threads=$(awk -F= '$1 == "threads" {print $2}' "$WORK/smaps")"
    fi
    wrk -t2 -c8 -d2s -s "$WORK/post.lua" "http://127.0.0.1:$SWAP_PORT/v1/chat/completions" >/dev/null
    wrk -t2 -c8 -d"${DURATION}s" -s "$WORK/post.lua" "http://127.0.0.1:$SWAP_PORT/v1/chat/completions" > "$WORK/wrk"
    rps=$(awk '/Requests\/sec/ {printf "%d", $2}' "$WORK/wrk")
    errs=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$WORK/wrk")
    loaded=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "round $round [${v:-defaults}] idle_rss=$idle $parts req_s=$rps errors=$errs rss_after_wrk=$loaded"
    printf '%s\t%s\t%s\t%s\n' "$i" "$idle" "$rps" "$loaded" >> "$RESULTS"
  done
done
echo
echo "| options ($MODE) | idle RSS, MiB | req/s at 8 conns | RSS after wrk, MiB |"
echo "|---|---|---|---|"
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
for i in "${!VARIANTS[@]}"; do
  col() { awk -F'\t' -v i="$i" -v c="$1" '$1 == i {print $c}' "$RESULTS" | median; }
  echo "| \`${VARIANTS[$i]:-defaults}\` | $(col 2) | $(col 3) | $(col 4) |"
done
