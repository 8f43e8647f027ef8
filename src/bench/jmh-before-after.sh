#!/usr/bin/env bash
# Same-run JMH comparison of the tree at a git ref ("before") with the working tree ("after"): builds
# both benchmark jars (the benchmark sources of the working tree are compiled into both, so both run
# the same code against each library), then alternates them ROUNDS times and prints a Markdown table
# of medians of the rounds and their ratio. Extra arguments replace the benchmark selection.
#
#   src/bench/jmh-before-after.sh 7b7b832                       # the selection below, 3 rounds
#   ROUNDS=2 src/bench/jmh-before-after.sh 7b7b832 'PrimitivesBenchmark.queue'
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java src/bench/jmh-before-after.sh HEAD VirtualThreadBenchmark
set -euo pipefail
cd "$(dirname "$0")/../.."
BEFORE=${1:?usage: $0 GIT_REF [JMH benchmark regex]}
SELECTION=${2:-'PrimitivesBenchmark|EventLoopBenchmark\.(trivialRun|callSoonHop|sleepZeroHop|roundTripLoopThreadsafe)$|BridgeLatencyBenchmark\.(trivial|sleepZero|rawSingleThreadSubmitGet)$'}
ROUNDS=${ROUNDS:-3}
SETTINGS=${JMH_SETTINGS:--wi 3 -i 5 -w 1s -r 1s -f 1}
OUT=$(mktemp -d)
TREE="$OUT/before-tree"

git worktree add --detach "$TREE" "$BEFORE" >/dev/null
trap 'git worktree remove --force "$TREE"' EXIT
rm -rf "$TREE/bridge/core/src/jmh" && cp -r bridge/core/src/jmh "$TREE/bridge/core/src/jmh"
(cd "$TREE" && mvn -B -ntp -q -Pjmh -pl bridge/core -DskipTests package >&2) && cp "$TREE/bridge/core/target/benchmarks.jar" "$OUT/before.jar"
mvn -B -ntp -q -Pjmh -pl bridge/core -DskipTests package >&2 && cp bridge/core/target/benchmarks.jar "$OUT/after.jar"

for round in $(seq "$ROUNDS"); do
    for jar in before after; do
        echo "$(date +%T) round $round: $jar" >&2
        # shellcheck disable=SC2086 # SETTINGS is a list of words on purpose
        "${JAVA:-java}" -jar "$OUT/$jar.jar" "$SELECTION" $SETTINGS -rf json -rff "$OUT/r$round-$jar.json" >"$OUT/r$round-$jar.log" 2>&1
    done
done

python3 - "$OUT" <<'PY'
import glob, json, re, statistics, sys
scores = {}
for path in sorted(glob.glob(sys.argv[1] + '/r*-*.json')):
    jar = re.search(r'-(before|after)\.json$', path).group(1)
    for b in json.load(open(path)):
        name = '.'.join(b['benchmark'].split('.')[-2:]) + ''.join(' ' + v for v in b.get('params', {}).values())
        scores.setdefault(name, {}).setdefault(jar, []).append(b['primaryMetric']['score'])
        scores[name]['unit'] = b['primaryMetric']['scoreUnit']
print('| benchmark | unit | before | after | after/before | rounds: before; after |')
print('|---|---|---|---|---|---|')
fmt = lambda xs: ' '.join(f'{x:.0f}' if x >= 100 else f'{x:.1f}' for x in xs)
for name, s in sorted(scores.items()):
    b, a = statistics.median(s['before']), statistics.median(s['after'])
    print(f"| {name} | {s['unit']} | {b:.1f} | {a:.1f} | {a / b:.2f} | {fmt(s['before'])}; {fmt(s['after'])} |")
PY
