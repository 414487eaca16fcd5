#!/usr/bin/env bash
# compare.sh run N times in a row, then each goal of issue 16 as the median of the runs and their spread (min-max):
# on a machine that is not quiet, one run is one sample of whatever else the machine was doing.
#
#   src/bench/repeat.sh [runs] [compare.sh arguments...]
#
# Defaults: 3 runs of compare.sh's defaults. Each run's Markdown and raw output stay in target/compare-runs/run-N*;
# MODES, RUNNER and MODELSWAP_JAVA_OPTS pass through to compare.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
shift || true
BASE=target/compare-runs
rm -rf "$BASE"; mkdir -p "$BASE"
for i in $(seq 1 "$RUNS"); do
  echo "run $i of $RUNS, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  OUT="$BASE/run-$i" src/bench/compare.sh "$@" > "$BASE/run-$i.md"
done
python3 src/bench/repeat_summary.py "$BASE"/run-*/
