#!/usr/bin/env bash
# The mode comparison in one command (issue 5). From the repository root or anywhere:
#
#   src/bench/compare.sh            # full run, about 8-9 minutes on 2 cores
#   src/bench/compare.sh --quick    # short settings, under 2 minutes (numbers are rough)
#
# It builds what it needs (the demo WAR and the comparison classes, module src/bench; the JMH jar,
# profile `jmh` of bridge/core), then, in this order and one at a time:
#   1. JMH: the per-call benchmarks of the bridge (BridgeLatencyBenchmark), short settings in --quick;
#   2. Python anchors (src/bench/python_anchors.py, stdlib only), when python3 is present;
#   3. HTTP: starts the demo WAR on embedded Jetty 12 on 127.0.0.1 (ephemeral port) in its own JVM, warms up,
#      runs modes x scenarios x connections with a closed-loop load generator, stops Jetty (by its PID);
# and writes src/bench/results/<UTC timestamp>[-quick]/: results.md (tables, targets, machine, settings),
# results.csv, latency.hlog (HdrHistogram), PNG charts (XChart), python.json, jmh.json, logs.
#
# On JDK 21+ (the java of JAVA_HOME, else the one on PATH), a second server JVM runs each request on a
# virtual thread and the report adds the columns direct-vt and per-call-vt (hello, sleep, aggregate, to
# 1,024 connections, with direct and per-call on platform threads at 1,024 beside them):
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 src/bench/compare.sh
#
# Options: --quick, --no-build (reuse the built jars), --out DIR, --no-jmh, --no-python; anything else
# goes to the comparison (io.loopbridge.bench.Compare), e.g. --concurrency 1,16 --measure-ms 3000 or
# --no-virtual.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
COMMAND="${JAVA_HOME:+JAVA_HOME=$JAVA_HOME }src/bench/compare.sh${*:+ $*}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

QUICK=0; BUILD=1; JMH=1; PYTHON=1; OUT=""; PASS=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1; PASS+=(--quick) ;;
        --no-build) BUILD=0 ;;
        --no-jmh) JMH=0 ;;
        --no-python) PYTHON=0 ;;
        --out) OUT=$2; shift ;;
        *) PASS+=("$1") ;;
    esac
    shift
done
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
SUFFIX=""; [[ $QUICK == 1 ]] && SUFFIX=-quick
OUT=${OUT:-src/bench/results/$STAMP$SUFFIX}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
exec > >(tee "$OUT/compare.log") 2>&1
echo "[compare] $COMMAND -> $OUT"
T0=$SECONDS
TIMES=()
phase() { TIMES+=("$1 $(( SECONDS - PHASE_START )) s"); echo "[compare] phase $1: $(( SECONDS - PHASE_START )) s"; }

# ---- machine description ----
{
    echo "date (UTC):  $(date -u '+%Y-%m-%d %H:%M:%S')"
    echo "nproc:       $(nproc)"
    lscpu 2>/dev/null | grep -E '^(Model name|Architecture|CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|Socket\(s\)|CPU max MHz|Hypervisor vendor|L3 cache)' || true
    echo "memory:      $(free -m 2>/dev/null | awk '/^Mem:/ {print $2 " MiB total, " $7 " MiB available"}')"
    echo "kernel:      $(uname -srm)"
    echo "load avg:    $(cat /proc/loadavg 2>/dev/null || echo unknown) (at start)"
    echo "java:        $("$JAVA" -version 2>&1 | tr '\n' ' ')"
    echo "maven:       $(mvn -v 2>/dev/null | head -1 || echo unknown)"
    echo "python:      $(python3 --version 2>&1 || echo 'not found')"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

# ---- build ----
PHASE_START=$SECONDS
# stale() is true when $1 is missing or a file under the other arguments is newer than it
stale() { local out=$1; shift; [[ ! -e $out ]] || [[ -n $(find "$@" -newer "$out" -type f -print -quit 2>/dev/null) ]]; }
if [[ $BUILD == 1 ]]; then
    # the demo WAR, the comparison classes (test scope) and their classpath
    if stale src/bench/target/compare.classpath pom.xml bridge demo-webapp/pom.xml demo-webapp/src src/bench/pom.xml src/bench/src/main; then
        echo "[compare] building the demo WAR and the comparison (mvn -pl src/bench -am package)"
        mvn -B -ntp -q -pl src/bench -am -DskipTests package \
            dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/compare.classpath
        touch src/bench/target/compare.classpath
    else
        echo "[compare] the demo WAR and the comparison classes are up to date"
    fi
    if [[ $JMH == 1 ]] && stale bridge/core/target/benchmarks.jar pom.xml bridge/core/pom.xml bridge/core/src/main bridge/core/src/jmh; then
        echo "[compare] building the JMH jar (mvn -Pjmh -pl bridge/core package)"
        mvn -B -ntp -q -Pjmh -pl bridge/core -DskipTests package
    fi
fi
phase build
WAR=$(ls "$ROOT"/demo-webapp/target/loopbridge-demo-webapp-*.war | head -1)
CP="$ROOT/src/bench/target/classes:$(cat "$ROOT/src/bench/target/compare.classpath")"

# ---- 1. JMH ----
PHASE_START=$SECONDS
JMH_ARGS=""
if [[ $JMH == 1 ]]; then
    if [[ $QUICK == 1 ]]; then
        JMH_ARGS="BridgeLatencyBenchmark.(trivial|loopManagerRun)$ -wi 2 -i 2 -w 500ms -r 500ms -f 1"
    else
        JMH_ARGS="BridgeLatencyBenchmark -wi 2 -i 3 -w 1s -r 1s -f 1"
    fi
    # shellcheck disable=SC2086 # a list of words on purpose
    "$JAVA" -jar bridge/core/target/benchmarks.jar $JMH_ARGS -rf json -rff "$OUT/jmh.json" || echo "[compare] JMH failed: see above"
fi
phase jmh

# ---- 2. Python anchors ----
PHASE_START=$SECONDS
if [[ $PYTHON == 1 ]] && command -v python3 >/dev/null; then
    python3 src/bench/python_anchors.py ${SUFFIX:+--quick} --out "$OUT/python.json" \
        || echo "[compare] python anchors failed: see above"
else
    echo "[compare] python3 not found (or --no-python): no Python anchors"
fi
phase python

# ---- 3. HTTP on Jetty, then the report ----
PHASE_START=$SECONDS
TIMES_SO_FAR="$(IFS=, ; echo "${TIMES[*]}" | sed 's/,/, /g')"
"$JAVA" -Xms256m -Xmx1g -Djava.awt.headless=true -cp "$CP" io.loopbridge.bench.Compare \
    --out "$OUT" --war "$WAR" --machine "$OUT/machine.txt" --command "$COMMAND" \
    --jmh-json "$OUT/jmh.json" --jmh-args "$JMH_ARGS" --python-json "$OUT/python.json" \
    --times "$TIMES_SO_FAR; then the HTTP part; total: see compare.log" "${PASS[@]}"
phase http
echo "[compare] phases: ${TIMES[*]}; total $(( SECONDS - T0 )) s"
echo "[compare] report: $OUT/results.md"
