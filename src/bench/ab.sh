#!/usr/bin/env bash
# Two or more builds of modelswap side by side, for a before/after on a machine that is not quiet: each build runs at
# once (its own bench upstream, its own port), and wrk measures them in turns, round after round, so that whatever
# else the machine does falls on all of them alike; prints the median of the rounds and their spread.
#
#   src/bench/ab.sh [rounds] [seconds] DIR [DIR...]
#
# Each DIR is a checkout of modelswap with target/quarkus-app built (./mvnw package -DskipTests); the bench upstream
# and the classpath come from this checkout (built when missing, as compare.sh does). Defaults: 5 rounds of 3 s per
# build and connection count (CONNS, default "1 32 256"), non-streaming chat completions. MODELSWAP_JAVA_OPTS: JVM
# options; WARMUP: seconds of load at 32 connections each build gets first (30).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-5}
DURATION=${2:-3}
CONNS=${CONNS:-1 32 256}
shift 2
[ $# -ge 1 ] || { echo "usage: src/bench/ab.sh ROUNDS SECONDS DIR [DIR...]" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }
CP_FILE=target/bench-classpath.txt
if [ ! -f target/test-classes/io/modelswap/bench/BenchUpstream.class ] || [ ! -f "$CP_FILE" ]; then
  ./mvnw -B -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test
fi
BENCH_CP="$PWD/target/test-classes:$PWD/target/classes:$(cat "$CP_FILE")"
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
BODY='{"model":"bench","messages":[{"role":"user","content":"hi"}]}'
# shellcheck source=src/bench/wrk_post.sh
. src/bench/wrk_post.sh  # every script here runs from the repository root
wrk_post "$WORK/post.lua" "$BODY"

i=0
for dir in "$@"; do
  jar="$dir/target/quarkus-app/quarkus-run.jar"
  [ -f "$jar" ] || { echo "no $jar: build it first" >&2; exit 1; }
  port=$((18950 + 2 * i)); up=$((port + 1))
  cat > "$WORK/config-$i.yaml" <<YAML
healthCheckTimeout: 60
models:
  bench:
    cmd: java -XX:+UseSerialGC -cp $BENCH_CP io.modelswap.bench.BenchUpstream --port $up
    proxy: http://127.0.0.1:$up
    concurrencyLimit: 1088
YAML
  # shellcheck disable=SC2086
  java ${MODELSWAP_JAVA_OPTS:-} -jar "$jar" -config "$WORK/config-$i.yaml" -listen "127.0.0.1:$port" \
    -Dmodelswap.processes.state-file=off >"$WORK/modelswap-$i.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.1; done
  curl -sf -o /dev/null -H 'Content-Type: application/json' -d "$BODY" "http://127.0.0.1:$port/v1/chat/completions"
  # JIT warm-up: measured sooner, the JVM is still compiling its hot paths (see compare.sh)
  wrk -t2 -c32 -d"${WARMUP:-30}s" -s "$WORK/post.lua" "http://127.0.0.1:$port/v1/chat/completions" >/dev/null
  i=$((i + 1))
done

ms() { awk -v p="$1%" '$1 == p { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v=v/1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v=v*1000 }; printf "%.3f", v }' "$2"; }
for round in $(seq 1 "$ROUNDS"); do
  for c in $CONNS; do
    for j in $(seq 0 $((i - 1))); do
      f="$WORK/r$round-c$c-b$j.txt"
      wrk -t$(( c < 2 ? c : 2 )) -c"$c" -d"${DURATION}s" --latency -s "$WORK/post.lua" \
        "http://127.0.0.1:$((18950 + 2 * j))/v1/chat/completions" > "$f"
      # errors (non-2xx, socket errors: wrk's 2 s timeout counts as one) are counted, not fatal: on an overloaded
      # machine every build gets them, and how many is part of the comparison
      errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$f")
      echo "$c $j $(ms 50 "$f") $(ms 99 "$f") $(awk '/Requests\/sec/ {print $2}' "$f") $errors" >> "$WORK/results.txt"
    done
  done
done

echo "$ROUNDS rounds of ${DURATION} s per build and connection count, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; median (min-max)"
echo
echo "| conns | build | p50 ms | p99 ms | req/s | errors (all rounds) |"
echo "|---|---|---|---|---|---|"
j=0
for dir in "$@"; do names[$j]=$dir; j=$((j + 1)); done
python3 - "$WORK/results.txt" "${names[@]}" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
names = sys.argv[2:]
for c in sorted({r[0] for r in rows}, key=int):
    for j, name in enumerate(names):
        picked = [r for r in rows if r[0] == c and r[1] == str(j)]
        cell = lambda k, fmt: f"{fmt.format(statistics.median(float(r[k]) for r in picked))} ({fmt.format(min(float(r[k]) for r in picked))}-{fmt.format(max(float(r[k]) for r in picked))})"
        print(f"| {c} | {name} | {cell(2, '{:.3f}')} | {cell(3, '{:.2f}')} | {cell(4, '{:.0f}')} | {sum(int(r[5]) for r in picked)} |")
PY
