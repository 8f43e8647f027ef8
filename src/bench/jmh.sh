#!/usr/bin/env bash
# Builds the JMH jar (Maven profile jmh of bridge/core/pom.xml) and runs every JMH benchmark
# (EventLoopBenchmark, BridgeLatencyBenchmark, BridgeThroughputBenchmark) with the settings used for
# the numbers recorded in src/docs/benchmarks.md. Extra arguments go to JMH after those settings.
#
#   src/bench/jmh.sh                                  # build, then everything (about 5 minutes)
#   src/bench/jmh.sh -prof gc -rf json -rff jmh.json  # with the allocation profiler, JSON results
#   src/bench/jmh.sh 'BridgeLatencyBenchmark'         # one class (a JMH regex)
#   SKIP_BUILD=1 src/bench/jmh.sh ...                 # reuse bridge/core/target/benchmarks.jar
#   JMH_SETTINGS='-f 3' src/bench/jmh.sh ...          # other settings ('' = the defaults in the classes)
#
# JMH refuses an option given twice: to change -wi/-i/-w/-r/-f, set JMH_SETTINGS instead of passing them.
set -euo pipefail
cd "$(dirname "$0")/../.."

JMH_SETTINGS=${JMH_SETTINGS--wi 2 -i 3 -w 1s -r 1s -f 1}

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    mvn -B -ntp -Pjmh -pl bridge/core -DskipTests package
fi

# shellcheck disable=SC2086 # JMH_SETTINGS is a list of words on purpose
exec java -jar bridge/core/target/benchmarks.jar $JMH_SETTINGS "$@"
