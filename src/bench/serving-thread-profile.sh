#!/usr/bin/env bash
# Where the serving thread of a hand-off spends its CPU: runs the trivial SHARED round trip and the
# raw single-thread executor round trips (untimed and timed wait) from CALLERS threads under
# async-profiler (tools.profiler:async-profiler from Maven Central, CPU sampled by itimer, per thread),
# then prints, for the loop thread and the raw executor's thread, the share of their samples spent
# waking a caller (LockSupport.unpark and below it) and their top other frames. With every serving
# thread busy all the time (many callers), the time per call is that thread's CPU per call, so the share
# outside the wake-up is the distance from the raw floor. Linux x64 only.
#
#   src/bench/serving-thread-profile.sh          # 16 callers
#   src/bench/serving-thread-profile.sh 64       # 64 callers
#   SKIP_BUILD=1 src/bench/serving-thread-profile.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
CALLERS=${1:-16}
PROFILER_VERSION=4.0
OUT=bridge/core/target/serving-thread-profile
AP=bridge/core/target/async-profiler

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    mvn -B -ntp -q -Pjmh -pl bridge/core -DskipTests package
fi
if [[ ! -f "$AP/linux-x64/libasyncProfiler.so" ]]; then
    mvn -B -ntp -q dependency:copy -Dartifact="tools.profiler:async-profiler:$PROFILER_VERSION:jar:linux-x64" \
        -DoutputDirectory="$AP"
    (cd "$AP" && unzip -oq "async-profiler-$PROFILER_VERSION-linux-x64.jar" 'linux-x64/*')
fi
rm -rf "$OUT"
java -jar bridge/core/target/benchmarks.jar \
    'BridgeLatencyBenchmark\.(trivial|rawSingleThreadSubmitGet|rawSingleThreadSubmitTimedGet)$' \
    -p mode=SHARED -t "$CALLERS" -wi 2 -i 3 -w 1s -r 2s -f 1 \
    -prof "async:libPath=$PWD/$AP/linux-x64/libasyncProfiler.so;output=collapsed;event=itimer;threads=true;dir=$PWD/$OUT" \
    | grep -E '^Bridge.*ns/op'

# collapsed stacks: "[thread tid=N];frame;frame... samples"; the serving threads are the bridge's loop
# thread and the raw executor's worker
for run in "$OUT"/*/; do
    stacks=$(grep -hE '^\[(loopbridge-bench-latency-SHARED-loop|bench-raw-single)' "$run"collapsed-itimer.csv || true)
    echo
    echo "== $(basename "$run") ($CALLERS callers): serving thread"
    awk '{ n = $NF; total += n; if ($0 ~ /LockSupport\.unpark/) wake += n }
         END { if (total == 0) print "  no samples"
               else printf "  samples %d: waking a caller %.0f%%, the rest %.0f%%; top frames of the rest:\n",
                           total, 100 * wake / total, 100 * (total - wake) / total }' <<<"$stacks"
    awk '!/LockSupport\.unpark/ { n = $NF; k = split($0, f, ";"); sub(/ [0-9]+$/, "", f[k]); leaf[f[k]] += n }
         END { for (x in leaf) printf "  %6d  %s\n", leaf[x], x }' <<<"$stacks" | sort -rn | head -10
done
