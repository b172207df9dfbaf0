#!/usr/bin/env bash
# Bandwidth-limit benchmark: how closely `--bwlimit RATE` holds over a transfer of about SECONDS at RATE.
# Figures and their meaning: docs/BENCHMARKS.md, "Bandwidth limit".
#
#   bench/bwlimit.sh [--rate RATE] [--seconds N] [--only local|s3] [--work DIR] [--keep] [--lock FILE]
#
# One tree of RATE x SECONDS bytes of random data (default 8M x 30 s = 240 MiB): a third in one file
# (on S3 a multipart upload of 16 MiB parts: it is over the 64 MiB threshold), the rest in 4 MiB files
# (single PUTs). The hashes are cached by an untimed `plan` first, so the timed run is the transfer.
# Remotes: `local` (a folder) and `s3` (S3Proxy 4.1.0 in memory on 127.0.0.1, started by this script
# in a JVM of its own from the Maven repository's jars). Steps:
#   sync       `cloudsync sync --bwlimit RATE` into an empty remote
#   pull       `cloudsync pull --bwlimit RATE` of that snapshot into an empty folder (local only)
#   unlimited  `cloudsync sync --bwlimit off` of the same tree into another snapshot: the baseline that
#              shows the limit is what holds the rate down (its "deviation" is how far above RATE it goes)
# Per step: the bytes moved; the time of the transfer (a sync: transfer_ms of its sync.run log event,
# the uploads from the first to the last one made durable; a pull: duration_ms of its JSON result,
# the remote manifest's read included); the run's duration_ms and the process' wall time beside it;
# the achieved rate (bytes / transfer time) and its deviation from RATE in %. A positive deviation means
# faster than the limit. The issue's target: within 10% over a 30 s transfer. With --lock, the wall
# time starts once the lock is held.
#
#   --rate RATE   the limit, in the RATE syntax of --bwlimit with a K, M or G suffix (default 8M)
#   --seconds N   how long the transfer should take at RATE (default 30)
#   --only R      only remote R (local or s3)
#   --work DIR    where the tree, remotes and results go (default /tmp/cloudsync-bwlimit)
#   --keep        keep the tree and remotes afterwards (default: delete them, keep the results)
#   --lock FILE   hold `flock FILE` around each timed command, e.g. the Maven lock /tmp/cloudsync-mvn.lock,
#                 so that no build of ours runs while measuring
#
# cloudsync is the CLI jar of this checkout (cloudsync-cli/target/cloudsync.jar; build it first:
# `mvn -B -ntp -pl cloudsync-cli -am install -DskipTests`; the script does not build). The S3 server's
# classpath comes from `mvn -o dependency:build-classpath -pl cloudsync-testkit` (S3Proxy is an optional
# dependency of the testkit). Needs python3, java 17, mvn (for s3).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

RATE=8M; SECS=30; ONLY=""; WORK=/tmp/cloudsync-bwlimit; KEEP=0; LOCK=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --lock) LOCK=$2; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$ONLY" in ""|local|s3) ;; *) echo "--only takes local or s3, not $ONLY" >&2; exit 2 ;; esac
[[ "$SECS" =~ ^[1-9][0-9]*$ ]] || { echo "--seconds takes a positive whole number, not $SECS" >&2; exit 2; }
BPS=$(python3 - "$RATE" <<'PY'
import re, sys
m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)([kKmMgG])", sys.argv[1])
if not m:
    sys.exit("--rate takes a number with a K, M or G suffix (binary), such as 8M, not " + sys.argv[1])
print(int(float(m.group(1)) * 1024 ** ("kmg".index(m.group(2).lower()) + 1)))
PY
)
JAR=$REPO/cloudsync-cli/target/cloudsync.jar
if [ ! -f "$JAR" ] || [ -n "$(find "$REPO" \( -name .git -o -name target \) -prune -o -type f \
    \( -name pom.xml -o -path '*/src/main/*' \) -newer "$JAR" -print -quit)" ]; then
  echo "$JAR is missing or older than the sources; build first: mvn -B -ntp -pl cloudsync-cli -am install -DskipTests" >&2
  exit 2
fi
COMMIT=$(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD -- . ':!docs' || echo "+changes")

mkdir -p "$WORK"
RESULTS=$WORK/results-$(date -u +%Y%m%dT%H%M%SZ).tsv
log() { echo "== $*" >&2; }
now_ms() { date +%s%3N; }

# ---------------------------------------------------------------- the tree
TREE=$WORK/tree-$BPS-$SECS
TOTAL=$((BPS * SECS))
if [ ! -f "$TREE.complete" ]; then
  log "writing $TOTAL bytes of random data into $TREE"
  rm -rf "$TREE"; mkdir -p "$TREE/small"
  big=$((TOTAL / 3)); rest=$((TOTAL - big)); chunk=$((4 * 1024 * 1024))
  head -c "$big" /dev/urandom > "$TREE/big.bin"
  i=0
  while [ "$rest" -gt 0 ]; do
    n=$(( rest < chunk ? rest : chunk ))
    head -c "$n" /dev/urandom > "$TREE/small/f$i.bin"
    rest=$((rest - n)); i=$((i + 1))
  done
  touch "$TREE.complete"
fi
BYTES=$(find "$TREE" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')

# ---------------------------------------------------------------- S3Proxy
AK=bwlimitaccess; SK=bwlimitsecret; BUCKET=bwlimit   # fixed credentials of the throwaway local server
SERVER_PID=""; ENDPOINT=""
start_s3() {
  local cp=$WORK/s3proxy-classpath.txt
  if [ ! -s "$cp" ]; then
    log "resolving S3Proxy's classpath (mvn -o dependency:build-classpath -pl cloudsync-testkit)"
    flock /tmp/cloudsync-mvn.lock mvn -o -q -B -ntp dependency:build-classpath -pl cloudsync-testkit \
      -Dmdep.outputFile="$cp" -Dmdep.includeScope=compile >&2
  fi
  mkfifo "$WORK/s3.in"
  java -Xmx2g -cp "$(cat "$cp")" "$REPO/bench/S3ProxyForBench.java" "$AK" "$SK" "$BUCKET" \
    < "$WORK/s3.in" > "$WORK/s3.out" 2> "$WORK/s3proxy.log" &
  SERVER_PID=$!
  exec 7> "$WORK/s3.in"   # the server serves until this closes
  for _ in $(seq 1 600); do
    grep -q '^ENDPOINT ' "$WORK/s3.out" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "S3Proxy died, see $WORK/s3proxy.log" >&2; exit 1; }
    sleep 0.1
  done
  ENDPOINT=$(sed -n 's/^ENDPOINT //p' "$WORK/s3.out" | head -n1)
  [ -n "$ENDPOINT" ] || { echo "S3Proxy not ready after 60 s, see $WORK/s3proxy.log" >&2; exit 1; }
  log "S3Proxy 4.1.0 (in memory) on $ENDPOINT"
}
stop_s3() {
  [ -n "$SERVER_PID" ] || return 0
  exec 7>&- || true
  for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$SERVER_PID" 2>/dev/null && kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""; rm -f "$WORK/s3.in" "$WORK/s3.out"
}
cleanup() { stop_s3; [ "$KEEP" = 1 ] || rm -rf "$TREE" "$TREE.complete" "$WORK"/remote-* "$WORK"/state-* "$WORK"/restore-*; }
trap cleanup EXIT

# ---------------------------------------------------------------- one step
# step REMOTE STEP: runs cloudsync, prints and records the figures
printf 'commit\tremote\tstep\tlimit_bps\tbytes\ttransfer_ms\trun_ms\twall_ms\tachieved_bps\tdeviation_pct\n' > "$RESULTS"
step() {
  local remote=$1 what=$2 state=$WORK/state-$1 cfg=$WORK/state-$1.config.json out=$WORK/$1-$2.json
  local snapshot=bw limit=$RATE
  [ "$what" = unlimited ] && { snapshot=bw-off; limit=off; }
  local -a base
  if [ "$remote" = local ]; then
    printf '{"features":{"enable_cloud_sync":true,"enable_cloud_sync_local":true},"services":{"local":{"directory":"%s"}}}\n' \
      "$WORK/remote-local" > "$cfg"
    base=(java -jar "$JAR" --config "$cfg" --root "$TREE" --state-dir "$state" --log-file "$WORK/$remote.log" --json)
    set_=()
  else
    printf '{"features":{"enable_cloud_sync":true,"enable_cloud_sync_s3":true}}\n' > "$cfg"
    base=(env AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
      java -jar "$JAR" --config "$cfg" --root "$TREE" --state-dir "$state" --log-file "$WORK/$remote.log" --json)
    set_=(--set "bucket=$BUCKET" --set "endpoint_url=$ENDPOINT" --set path_style=true --set region=us-east-1)
  fi
  local -a cmd
  case "$what" in
    sync|unlimited)
      "${base[@]}" plan --service "$remote" --snapshot "$snapshot" "${set_[@]}" > /dev/null   # hashes the tree, untimed
      cmd=("${base[@]}" sync --summary-only --service "$remote" --snapshot "$snapshot" "${set_[@]}" --bwlimit "$limit") ;;
    pull)
      rm -rf "$WORK/restore-$remote"
      cmd=("${base[@]}" pull --service "$remote" --snapshot bw "${set_[@]}" --target "$WORK/restore-$remote" --bwlimit "$RATE") ;;
  esac
  log "$remote $what (--bwlimit $limit) over $BYTES bytes"
  local start end
  [ -z "$LOCK" ] || { exec 8>>"$LOCK"; flock 8; }
  start=$(now_ms)
  "${cmd[@]}" > "$out" || { echo "cloudsync $what failed, see $out and $WORK/$remote.log" >&2; exit 1; }
  end=$(now_ms)
  [ -z "$LOCK" ] || { flock -u 8; exec 8>&-; }
  python3 - "$COMMIT" "$remote" "$what" "$BPS" "$BYTES" "$((end - start))" "$out" "$WORK/$remote.log" >> "$RESULTS" <<'PY'
import json, sys
commit, remote, what, bps, nbytes, wall, out, logfile = sys.argv[1:9]
r = json.load(open(out))
s = r.get("summary", r.get("pull", r))
status = s.get("status")
if status != "success":
    sys.exit(f"{remote} {what}: status {status}, see {out}")
moved = s.get("bytes_sent", s.get("bytes"))
run_ms = s["duration_ms"]
transfer_ms = run_ms
if what in ("sync", "unlimited"):
    events = [json.loads(line) for line in open(logfile) if '"sync.run"' in line]
    kv = {k: v for d in events[-1]["kvpList"] for k, v in d.items()}
    if "transfer_ms" not in kv:
        sys.exit("the sync.run log event has no transfer_ms: this build is older than the benchmark")
    transfer_ms = int(kv["transfer_ms"])
achieved = moved / (transfer_ms / 1000)
dev = (achieved / int(bps) - 1) * 100
print(f"{commit}\t{remote}\t{what}\t{bps}\t{moved}\t{transfer_ms}\t{run_ms}\t{wall}\t{achieved:.0f}\t{dev:+.1f}")
PY
  tail -n1 "$RESULTS" | awk -F'\t' '{printf "   %s %s: %d bytes in %.2f s (run %.2f s, wall %.2f s): %.3f MiB/s against a limit of %.3f MiB/s, %s%%\n",
    $2, $3, $5, $6/1000, $7/1000, $8/1000, $9/1048576, $4/1048576, $10}' >&2
}

log "commit $COMMIT, limit $RATE = $BPS B/s, $SECS s worth ($BYTES bytes)"
if [ "$ONLY" != s3 ]; then
  rm -rf "$WORK/remote-local" "$WORK/state-local"
  step local sync
  step local pull
  step local unlimited
fi
if [ "$ONLY" != local ]; then
  rm -rf "$WORK/state-s3"
  start_s3
  step s3 sync
  step s3 unlimited
  stop_s3
fi
echo
column -t -s$'\t' "$RESULTS"
echo
echo "results: $RESULTS"
