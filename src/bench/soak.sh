#!/usr/bin/env bash
# Soak test: a long run of requests through the packaged modelswap with swaps across three models of one swap group
# and clients that hang up mid-stream. Reports modelswap's RSS, threads and open files after a warm-up and at the
# end, and the upstream processes left after its shutdown. Goal: RSS growth < 5 % after warm-up, no thread, file or
# process growth. Numbers go to docs/reliability.md.
#
#   src/bench/soak.sh [requests] [swap-every] [abort-every] [concurrency]
#
# Defaults: 100000 requests, a swap every 2000th, a mid-stream disconnect every 50th, 8 concurrent clients.
set -euo pipefail
cd "$(dirname "$0")/../.."
REQUESTS=${1:-100000}
SWAP_EVERY=${2:-2000}
ABORT_EVERY=${3:-50}
CONCURRENCY=${4:-8}

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -B -DskipTests package
WORK=$(mktemp -d)
APP_PID=
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true; wait 2>/dev/null || true
  cp "$WORK/modelswap.log" target/soak-modelswap.log 2>/dev/null || true; rm -rf "$WORK"
}
trap cleanup EXIT

# modelswap's demo upstream (modelswap demo-upstream), straight from the compiled classes: JDK only
FAKE="java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m -cp $PWD/target/classes io.modelswap.demo.DemoUpstream --tokens 20 --token-delay-ms 5"
PORT=18700; A=18701; B=18702; C=18703
cat > "$WORK/config.yaml" <<YAML
healthCheckTimeout: 60
groups:
  soak:
    swap: true
    members: [main, other1, other2]
models:
  main:
    cmd: $FAKE --port $A --model-name main
    proxy: http://127.0.0.1:$A
    unloadTimeout: 2
    concurrencyLimit: 32
  other1:
    cmd: $FAKE --port $B --model-name other1
    proxy: http://127.0.0.1:$B
    unloadTimeout: 2
  other2:
    cmd: $FAKE --port $C --model-name other2
    proxy: http://127.0.0.1:$C
    unloadTimeout: 2
YAML

java -Xmx256m -jar target/quarkus-app/quarkus-run.jar -config "$WORK/config.yaml" -listen 127.0.0.1:$PORT \
  >"$WORK/modelswap.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done
echo "modelswap pid $APP_PID on port $PORT; $REQUESTS requests, swap every $SWAP_EVERY, abort every $ABORT_EVERY," \
  "$CONCURRENCY clients"

java src/test/java/io/modelswap/bench/SoakClient.java "http://127.0.0.1:$PORT" "$APP_PID" "$REQUESTS" \
  "$SWAP_EVERY" "$ABORT_EVERY" "$CONCURRENCY" main,other1,other2

upstreams() {
  local n=0 f
  for f in /proc/[0-9]*/cmdline; do
    { tr '\0' ' ' <"$f"; } 2>/dev/null | grep -qE -- "DemoUpstream --tokens 20 .*--port ($A|$B|$C) " && n=$((n + 1))
  done
  echo "$n"
}
echo "upstream processes while modelswap runs: $(upstreams) (one model loaded: 1 expected)"
# what modelswap's open files are, to tell pooled sockets from leaked pipes or files
echo "open files by kind: $(ls -l /proc/$APP_PID/fd 2>/dev/null | awk 'NR>1 {split($NF,a,":"); k=a[1]; if (k ~ /^\//) k="file"; c[k]++} END {for (k in c) printf "%s=%d ", k, c[k]}')"
echo "tcp connections of modelswap by state and peer port: $(ss -tanp 2>/dev/null | grep "pid=$APP_PID," | awk '{print $1, $5}' | sed 's/.*://; s/^/ /' | sort | uniq -c | sort -rn | head -8 | tr '\n' ';')"
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=
sleep 1
echo "upstream processes after modelswap stopped: $(upstreams)"
echo "starts: $(grep -c 'stopped -> starting' "$WORK/modelswap.log"); errors logged: $(grep -c ' ERROR ' "$WORK/modelswap.log" || true)"
