#!/usr/bin/env bash
# Manifest benchmark: cloudsync's ManifestBuilder and Planner side by side with coreutils on the
# same trees, in one run. Figures and their meaning: docs/BENCHMARKS.md.
#
#   bench/manifest-bench.sh [--scale F] [--rounds N] [--work DIR] [--keep] [--lock FILE] [--only jmh|process|stream]
#
# Three parts, each printing its figures with the targets' verdicts:
#   jmh      JMH (cloudsync-bench, io.cloudsync.bench.jmh): every cloudsync call and every reference
#            command timed one by one in one JVM after warm-up calls, as in an application that
#            embeds the library and syncs more than once; the targets are judged on these figures
#   process  a fresh `java` process per cloudsync run, JVM start-up and JIT warm-up included, as a
#            one-shot command pays them; alternated with the reference, median of --rounds
#   stream   JMH StreamPlanBenchmark: the streaming planner on two lazily generated sides of
#            10,000,000 entries each (1% changed, 0.5% new, 0.5% deleted) under -Xmx256m; needs no tree
#
#   --scale F   multiply every tree and manifest size by F (default 1 = the full-size targets:
#               ~1 GiB in 20,000 files; 100,000 files; 1,000,000 vs 1,000,000 entries;
#               10,000,000 vs 10,000,000 streamed entries)
#   --rounds N  process part: timed rounds per comparison; the median is reported (default 3)
#   --work DIR  where the trees go (default /tmp/cloudsync-bench); reused when already generated
#   --keep      keep the trees afterwards (default: delete them)
#   --lock FILE after building, hold `flock FILE` while measuring, e.g. the Maven lock
#               /tmp/cloudsync-mvn.lock on the shared 2-core box, so that no build runs meanwhile
#   --only P    run only part P (jmh, process or stream)
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=1; ROUNDS=3; WORK=/tmp/cloudsync-bench; KEEP=0; LOCK=""; BUILD=1; ONLY=""; ARGS=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --lock) LOCK=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --only) ONLY=$2; shift 2 ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$ONLY" in ""|jmh|process|stream) ;; *) echo "--only takes jmh, process or stream, not $ONLY" >&2; exit 2 ;; esac
scaled() { python3 -c "import sys; print(max(1, round($1 * $SCALE)))"; }

MVN=${MVN:-/work/tools/mvnl}
[ -x "$MVN" ] || MVN=mvn
if [ "$BUILD" = 1 ]; then
  echo "== building cloudsync-bench"
  "$MVN" -q -B -pl cloudsync-bench -am package -DskipTests
fi
if [ -n "$LOCK" ] && [ -z "${BENCH_LOCKED:-}" ]; then
  echo "== waiting for $LOCK, then measuring while holding it"
  BENCH_LOCKED=1 exec flock "$LOCK" "$0" "${ARGS[@]}" --no-build
fi
CP="cloudsync-bench/target/classes:$(cat cloudsync-bench/target/classpath.txt)"
JAVA=(java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.cloudsync.bench.ManifestBench)

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { sed -n "s/.*[[:space:]]$1=\([0-9]*\).*/\1/p"; }   # field NAME < line

COLD=$WORK/cold; RESCAN=$WORK/rescan
COLD_FILES=$(scaled 19990); COLD_BIG=$(scaled 10); RESCAN_FILES=$(scaled 100000); PLAN_ENTRIES=$(scaled 1000000)
STREAM_ENTRIES=$(scaled 10000000)
mkdir -p "$WORK"
# the JMH helper, for the jmh and stream parts
# -foe true: a benchmark that throws (a changed tree, a failing reference command) stops the run
JMH=(java -cp "$CP" org.openjdk.jmh.Main -foe true -jvmArgsAppend -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)
jmh() { # NAME JMH-ARGS...: runs JMH, keeps its whole output in $WORK/jmh-NAME.log, shows the iterations
  local name=$1; shift
  if ! "${JMH[@]}" "$@" -rf json -rff "$WORK/jmh-$name.json" > "$WORK/jmh-$name.log" 2>&1; then
    tail -40 "$WORK/jmh-$name.log" >&2
    echo "JMH run '$name' failed; its output is in $WORK/jmh-$name.log" >&2
    exit 1
  fi
  grep -E '^(# Benchmark:|# Warmup Iteration|Iteration|  .* entries/s)' "$WORK/jmh-$name.log" | sed 's/^/   /'
}

if [ "$ONLY" = stream ] || [ -z "$ONLY" ]; then
  echo "== JMH: streaming plan, $STREAM_ENTRIES vs $STREAM_ENTRIES entries generated lazily, -Xmx256m"
  jmh stream -p entries="$STREAM_ENTRIES" 'StreamPlanBenchmark'
  python3 - "$WORK" "$STREAM_ENTRIES" <<'PY'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
res = {b["benchmark"].rsplit(".", 1)[1]: b["primaryMetric"] for b in json.load(open(f"{work}/jmh-stream.json"))}
print()
print(f"== streaming plan results ({n:,} vs {n:,} entries; ms per call, mean ± 99.9% error; entries/s over both sides)")
for name in ("plan", "generate"):
    m = res[name]
    print(f'{name:10s} {m["score"]:10.0f} ± {m["scoreError"]:.0f} ms   {2 * n * 1000 / m["score"]:14,.0f} entries/s')
print(f'planner share (plan - generate): {res["plan"]["score"] - res["generate"]["score"]:.0f} ms')
import re
maxes = [int(m) for m in re.findall(r"\(max (\d+) MiB\)", open(f"{work}/jmh-stream.log").read())]
peaks = [int(m) for m in re.findall(r"peak heap (\d+) MiB", open(f"{work}/jmh-stream.log").read())]
ok = bool(maxes) and max(maxes) <= 256
print(f"completes under -Xmx256m: {'met' if ok else 'NOT met'} (heap limit of the forks {max(maxes, default=0)} MiB,"
      f" peak heap used {max(peaks, default=0)} MiB)")
PY
  if [ "$ONLY" = stream ]; then
    if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; fi
    exit 0
  fi
fi

# the "done" markers live beside the trees, not in them: a freshly touched file in a tree would be
# racily clean, so hashed again by every rescan
if [ ! -f "$WORK/.cold-done-$COLD_FILES-$COLD_BIG" ]; then
  rm -rf "$COLD"
  echo "== generating $COLD: $COLD_FILES files of 1-64 KiB + $COLD_BIG files of 36 MiB"
  "${JAVA[@]}" gen "$COLD" "$COLD_FILES" "$COLD_BIG" 36 1 64 42
  touch "$WORK/.cold-done-$COLD_FILES-$COLD_BIG"
fi
if [ ! -f "$WORK/.rescan-done-$RESCAN_FILES" ]; then
  rm -rf "$RESCAN"
  echo "== generating $RESCAN: $RESCAN_FILES files of 0-4 KiB"
  "${JAVA[@]}" gen "$RESCAN" "$RESCAN_FILES" 0 0 0 4 7
  touch "$WORK/.rescan-done-$RESCAN_FILES"
fi
sync

ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
verdict() { python3 -c "print('met' if $1 else 'NOT met')"; }

if [ "$ONLY" != process ]; then
  echo "== JMH: rescan of an unchanged tree ($RESCAN) beside find -printf"
  jmh rescan -p root="$RESCAN" 'RescanBenchmark'
  echo "== JMH: manifest of the cold tree ($COLD) beside find | xargs -P2 sha256sum"
  jmh cold -p root="$COLD" 'ColdManifestBenchmark'
  echo "== JMH: planning $PLAN_ENTRIES vs $PLAN_ENTRIES entries, 1% changed, -Xmx1g"
  jmh plan -p entries="$PLAN_ENTRIES" 'jmh\.PlanBenchmark'
  python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
def load(name):
    return {b["benchmark"].rsplit(".", 1)[1]: b["primaryMetric"] for b in json.load(open(f"{work}/jmh-{name}.json"))}
def fig(m):
    return f'{m["score"]:.0f} ± {m["scoreError"]:.0f}'
rescan, cold, plan = load("rescan"), load("cold"), load("plan")
rows = [
    ("cold manifest vs find|xargs -P2 sha256sum", cold["sha256sum"], cold["cloudsync"], 1.25),
    ("unchanged rescan vs find -printf", rescan["find"], rescan["cloudsync"], 2.0),
]
print()
print("== JMH results (ms per call, mean ± 99.9% error; one JVM, after warm-up)")
print(f'{"measure":44s} {"reference":>14s} {"cloudsync":>14s} {"ratio":>7s}  target')
for name, ref, cs, limit in rows:
    r = cs["score"] / ref["score"]
    print(f'{name:44s} {fig(ref):>14s} {fig(cs):>14s} {r:7.2f}  <= {limit}x: {"met" if r <= limit else "NOT met"}')
p = plan["plan"]
print(f'{"plan, 1% changed, under -Xmx1g":44s} {"-":>14s} {fig(p):>14s} {"-":>7s}  < 2000 ms: {"met" if p["score"] < 2000 else "NOT met"}'
      ' (ran under -Xmx1g, so heap < 1 GB)')
PY
fi

if [ "$ONLY" != jmh ]; then
  echo "== cold tree: $(du -sh "$COLD" | cut -f1) in $(find "$COLD" -type f | wc -l) files; $ROUNDS rounds"
  : > "$WORK/cold.sha"; : > "$WORK/cold.cs"; : > "$WORK/cold.cs_in"
  for r in $(seq "$ROUNDS"); do
    t=$(now_ms); find "$COLD" -type f -print0 | xargs -0 -P2 sha256sum > /dev/null; echo $(( $(now_ms) - t )) >> "$WORK/cold.sha"
    rm -f "$WORK/cold-manifest.json"
    t=$(now_ms); line=$("${JAVA[@]}" scan "$COLD" "$WORK/cold-manifest.json"); echo $(( $(now_ms) - t )) >> "$WORK/cold.cs"
    echo "$line" | field in_process_ms >> "$WORK/cold.cs_in"
    echo "   round $r: sha256sum $(tail -1 "$WORK/cold.sha") ms, cloudsync $(tail -1 "$WORK/cold.cs") ms (in-process $(tail -1 "$WORK/cold.cs_in") ms; $line)"
  done

  echo "== rescan of an unchanged tree: $(find "$RESCAN" -type f | wc -l) files; $ROUNDS rounds"
  "${JAVA[@]}" scan "$RESCAN" "$WORK/rescan-previous.json" > /dev/null
  : > "$WORK/re.find"; : > "$WORK/re.cs"; : > "$WORK/re.cs_in"
  for r in $(seq "$ROUNDS"); do
    t=$(now_ms); find "$RESCAN" -type f -printf '%s %T@\n' > /dev/null; echo $(( $(now_ms) - t )) >> "$WORK/re.find"
    t=$(now_ms); line=$("${JAVA[@]}" scan "$RESCAN" "" "$WORK/rescan-previous.json"); echo $(( $(now_ms) - t )) >> "$WORK/re.cs"
    echo "$line" | field in_process_ms >> "$WORK/re.cs_in"
    echo "   round $r: find $(tail -1 "$WORK/re.find") ms, cloudsync $(tail -1 "$WORK/re.cs") ms (in-process $(tail -1 "$WORK/re.cs_in") ms; $line)"
  done

  echo "== planning $PLAN_ENTRIES vs $PLAN_ENTRIES entries, 1% changed, -Xmx1g"
  plan=$(java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" io.cloudsync.bench.ManifestBench plan "$PLAN_ENTRIES" 10)
  echo "   $plan"

  SHA=$(median < "$WORK/cold.sha"); CS=$(median < "$WORK/cold.cs"); CS_IN=$(median < "$WORK/cold.cs_in")
  FIND=$(median < "$WORK/re.find"); RE=$(median < "$WORK/re.cs"); RE_IN=$(median < "$WORK/re.cs_in")
  PLAN_MS=$(echo "$plan" | field plan_first_ms); PEAK=$(echo "$plan" | field heap_peak_mib)
  echo
  echo "== one-shot process results (median of $ROUNDS; scale $SCALE; wall ms of whole processes, JVM start included)"
  printf '%-44s %12s %12s %12s %8s %s\n' "measure" "reference" "cloudsync" "in-process" "ratio" "target"
  printf '%-44s %12s %12s %12s %8s %s\n' "cold manifest vs find|xargs -P2 sha256sum" "$SHA" "$CS" "$CS_IN" "$(ratio "$CS" "$SHA")" \
    "<= 1.25x: $(verdict "$CS <= 1.25 * $SHA") (process), $(verdict "$CS_IN <= 1.25 * $SHA") (in-process)"
  printf '%-44s %12s %12s %12s %8s %s\n' "unchanged rescan vs find -printf" "$FIND" "$RE" "$RE_IN" "$(ratio "$RE" "$FIND")" \
    "<= 2x: $(verdict "$RE <= 2 * $FIND") (process), $(verdict "$RE_IN <= 2 * $FIND") (in-process)"
  printf '%-44s %12s %12s %12s %8s %s\n' "plan ${PLAN_ENTRIES} vs ${PLAN_ENTRIES}, 1% changed" "-" "-" "$PLAN_MS" "-" \
    "< 2000 ms: $(verdict "$PLAN_MS < 2000"); peak heap ${PEAK} MiB < 1024: $(verdict "$PEAK < 1024")"
fi

if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; fi
