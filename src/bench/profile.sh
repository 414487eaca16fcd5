#!/usr/bin/env bash
# Where modelswap's time and memory go per proxied request: the packaged jar in front of the bench upstream
# (src/test/java/io/modelswap/bench/BenchUpstream.java), warmed up with wrk, then a JFR recording (settings=profile:
# CPU samples every 10 ms, allocation samples) over a wrk run of the same non-streaming chat completion as
# compare.sh. Prints the requests served, bytes allocated per request (every thread's allocation counter, before and
# after), CPU samples by what they were doing, the hottest methods and the allocation sites (src/bench/jfr_summary.py);
# with perf installed, also a machine-wide profile by thread and library (native code and the kernel, which JFR cannot
# see). A profile shows proportions, not speed: it is valid on a busy machine.
#
#   src/bench/profile.sh [seconds] [connections] [stream]
#
# Defaults: 20 s at 32 connections, non-streaming; a third argument "stream" profiles SSE answers instead (20 events
# per stream, 5 ms apart). The recording stays in target/profile/modelswap.jfr for `jfr view` or JMC; MODELSWAP_JAVA_OPTS
# adds JVM options to modelswap; JAR=other/target/quarkus-app/quarkus-run.jar profiles another build (a before/after).
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=${1:-20}
CONNS=${2:-32}
STREAM=${3:-}
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }
JAR=${JAR:-target/quarkus-app/quarkus-run.jar}
[ -f "$JAR" ] || ./mvnw -q -B -ntp -DskipTests package
CP_FILE=target/bench-classpath.txt
if [ ! -f target/test-classes/io/modelswap/bench/BenchUpstream.class ] || [ ! -f "$CP_FILE" ]; then
  ./mvnw -B -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test
fi
BENCH_CP="$PWD/target/test-classes:$PWD/target/classes:$(cat "$CP_FILE")"
OUT=target/profile
mkdir -p "$OUT"; rm -f "$OUT/modelswap.jfr"
WORK=$(mktemp -d)
APP_PID=
cleanup() { [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

PORT=18900; UP=18901
STREAM_FIELD=""; [ "$STREAM" = stream ] && STREAM_FIELD='"stream":true,'
BODY="{\"model\":\"bench\",${STREAM_FIELD}\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
cat > "$WORK/config.yaml" <<YAML
healthCheckTimeout: 60
models:
  bench:
    cmd: java -XX:+UseSerialGC -cp $BENCH_CP io.modelswap.bench.BenchUpstream --port $UP --events 20 --interval-ms 5
    proxy: http://127.0.0.1:$UP
    concurrencyLimit: $((CONNS * 4 + 64))
YAML
# shellcheck source=src/bench/wrk_post.sh
. src/bench/wrk_post.sh  # every script here runs from the repository root
wrk_post "$WORK/post.lua" "$BODY"
# shellcheck disable=SC2086
java ${MODELSWAP_JAVA_OPTS:-} -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
  -jar "$JAR" -config "$WORK/config.yaml" -listen 127.0.0.1:$PORT \
  -Dmodelswap.processes.state-file=off >"$OUT/modelswap.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health" && break; sleep 0.1; done
curl -sf -o /dev/null -H 'Content-Type: application/json' -d "$BODY" "http://127.0.0.1:$PORT/v1/chat/completions"
wrk -t2 -c"$CONNS" -d10s -s "$WORK/post.lua" "http://127.0.0.1:$PORT/v1/chat/completions" >/dev/null  # warm-up (JIT)
jcmd "$APP_PID" JFR.start name=bench settings=profile >/dev/null
wrk -t2 -c"$CONNS" -d"${SECONDS_RUN}s" -s "$WORK/post.lua" "http://127.0.0.1:$PORT/v1/chat/completions" \
  > "$OUT/wrk.txt"
jcmd "$APP_PID" JFR.stop name=bench filename="$PWD/$OUT/modelswap.jfr" >/dev/null
cat "$OUT/wrk.txt" >&2
if grep -qE "Non-2xx|Socket errors" "$OUT/wrk.txt"; then echo "errors during the profiled run (the profile still shows where time and bytes went)" >&2; fi
REQUESTS=$(awk '/requests in/ {print $1}' "$OUT/wrk.txt")
python3 src/bench/jfr_summary.py "$OUT/modelswap.jfr" "$REQUESTS"

# JFR samples Java frames only: native code (zlib under the captures, the JDK's own native parts) and the kernel's
# network stack are invisible to it. Where perf is installed, a second run is sampled machine-wide by perf
# (cpu-clock, no hardware counters needed) and summarised by thread name and library ([JIT]: Java code).
if command -v perf >/dev/null; then
  wrk -t2 -c"$CONNS" -d12s -s "$WORK/post.lua" "http://127.0.0.1:$PORT/v1/chat/completions" >/dev/null &
  LOAD_PID=$!
  sleep 2
  if perf record -a -e cpu-clock -o "$OUT/perf.data" -- sleep 8 >/dev/null 2>&1; then
    echo
    echo "| CPU samples of the whole machine by thread and library (perf, 8 s; the 2 cores' idle time is 'swapper') | share |"
    echo "|---|---|"
    perf report -i "$OUT/perf.data" --no-children --sort comm,dso --stdio -g none 2>/dev/null \
      | awk '/%/ && !/^#/ && n++ < 14 { share = $1; $1 = ""; sub(/^ +/, ""); printf "| %s | %s |\n", $0, share }'
  else
    echo "perf could not record (perf_event_paranoid?): no machine-wide profile" >&2
  fi
  wait "$LOAD_PID"
fi
