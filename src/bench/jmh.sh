#!/usr/bin/env bash
# Runs the JMH benchmarks (src/test/java/io/modelswap/bench) with short settings.
# Extra arguments go to JMH, e.g.: src/bench/jmh.sh -f 1 -wi 5 -i 10 SwapDecisionBenchmark.matrixEviction
set -euo pipefail
cd "$(dirname "$0")/../.."
cp_file=target/bench-classpath.txt
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(-f 1 -wi 3 -w 1s -i 5 -r 1s io.modelswap.bench)
fi
exec java -cp "target/test-classes:target/classes:$(cat "$cp_file")" org.openjdk.jmh.Main "${args[@]}"
