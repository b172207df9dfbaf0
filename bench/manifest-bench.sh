#!/usr/bin/env bash
# Manifest benchmark: cloudsync's ManifestBuilder and Planner side by side with coreutils on the
# same trees, in one run. Figures and their meaning: docs/BENCHMARKS.md.
#
#   bench/manifest-bench.sh [--scale F] [--rounds N] [--work DIR] [--keep]
#
#   --scale F   multiply every tree and manifest size by F (default 1 = the full-size targets:
#               ~1 GiB in 20,000 files; 100,000 files; 1,000,000 vs 1,000,000 entries)
#   --rounds N  timed rounds per comparison, alternating tools; the median is reported (default 3)
#   --work DIR  where the trees go (default /tmp/cloudsync-bench); reused when already generated
#   --keep      keep the trees afterwards (default: delete them)
#   --lock FILE after building, hold `flock FILE` while measuring, e.g. the Maven lock
#               /tmp/cloudsync-mvn.lock on the shared 2-core box, so that no build runs meanwhile
set -euo pipefail
cd "$(dirname "$0")/.."

SCALE=1; ROUNDS=3; WORK=/tmp/cloudsync-bench; KEEP=0; LOCK=""; BUILD=1; ARGS=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --lock) LOCK=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
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
mkdir -p "$WORK"
if [ ! -f "$COLD/.done-$COLD_FILES-$COLD_BIG" ]; then
  rm -rf "$COLD"
  echo "== generating $COLD: $COLD_FILES files of 1-64 KiB + $COLD_BIG files of 36 MiB"
  "${JAVA[@]}" gen "$COLD" "$COLD_FILES" "$COLD_BIG" 36 1 64 42
  touch "$COLD/.done-$COLD_FILES-$COLD_BIG"   # a dotfile is hashed too; it is empty
fi
if [ ! -f "$RESCAN/.done-$RESCAN_FILES" ]; then
  rm -rf "$RESCAN"
  echo "== generating $RESCAN: $RESCAN_FILES files of 0-4 KiB"
  "${JAVA[@]}" gen "$RESCAN" "$RESCAN_FILES" 0 0 0 4 7
  touch "$RESCAN/.done-$RESCAN_FILES"
fi
sync

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
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
verdict() { python3 -c "print('met' if $1 else 'NOT met')"; }
echo
echo "== results (median of $ROUNDS; scale $SCALE; wall ms of whole processes, JVM start included)"
printf '%-44s %12s %12s %12s %8s %s\n' "measure" "reference" "cloudsync" "in-process" "ratio" "target"
printf '%-44s %12s %12s %12s %8s %s\n' "cold manifest vs find|xargs -P2 sha256sum" "$SHA" "$CS" "$CS_IN" "$(ratio "$CS" "$SHA")" \
  "<= 1.25x: $(verdict "$CS <= 1.25 * $SHA") (process), $(verdict "$CS_IN <= 1.25 * $SHA") (in-process)"
printf '%-44s %12s %12s %12s %8s %s\n' "unchanged rescan vs find -printf" "$FIND" "$RE" "$RE_IN" "$(ratio "$RE" "$FIND")" \
  "<= 2x: $(verdict "$RE <= 2 * $FIND") (process), $(verdict "$RE_IN <= 2 * $FIND") (in-process)"
printf '%-44s %12s %12s %12s %8s %s\n' "plan ${PLAN_ENTRIES} vs ${PLAN_ENTRIES}, 1% changed" "-" "-" "$PLAN_MS" "-" \
  "< 2000 ms: $(verdict "$PLAN_MS < 2000"); peak heap ${PEAK} MiB < 1024: $(verdict "$PEAK < 1024")"

if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; fi
