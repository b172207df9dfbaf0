#!/usr/bin/env bash
# Rename benchmark: a folder holding 1 GiB in 500 files is renamed, then synced again. cloudsync's CLI
# (which copies moved content on the remote: issue 20, part 2) beside `rclone sync` without and with
# `--track-renames`, each against a fresh S3Proxy (4.1.0, in memory) on 127.0.0.1 started by this script.
# Figures and their meaning: docs/BENCHMARKS.md, "Renames".
#
#   bench/rename.sh [--files N] [--size MiB] [--tools "cloudsync rclone rclone-track"] [--work DIR] [--lock FILE]
#
# For each tool: a fresh server and bucket; `initial` syncs the tree (timed); the tree's one folder is
# renamed (`mv data renamed`); `rename` syncs again (timed). Per step: wall and CPU seconds (user+sys)
# and peak RSS from /usr/bin/time, and what the tool says it did: cloudsync's summary (uploaded, copied,
# deleted, bytes_sent), rclone's -v lines (copied new, server-side copies, deleted, renamed).
# cloudsync runs `--json sync --summary-only --allow-mass-delete` (the rename leaves every old path, which
# the delete guard counts as a mass delete, as it should); rclone `sync --checksum` (content, as
# cloudsync compares) and `sync --checksum --track-renames`.
# Needs python3, /usr/bin/time, curl, java 17, rclone; cloudsync is $CLOUDSYNC (default ./cloudsync of this
# checkout, built with `mvn -B -ntp install -DskipTests`; the script does not build).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

FILES=500; SIZE_MIB=2; TOOLS="cloudsync rclone rclone-track"; WORK=/tmp/cloudsync-rename; LOCK=""
while [ $# -gt 0 ]; do
  case "$1" in
    --files) FILES=$2; shift 2 ;;
    --size) SIZE_MIB=$2; shift 2 ;;
    --tools) TOOLS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --lock) LOCK=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
CLOUDSYNC=${CLOUDSYNC:-$REPO/cloudsync}
mkdir -p "$WORK/lib"
WORK=$(cd "$WORK" && pwd)
LOGS=$WORK/logs; rm -rf "$LOGS"; mkdir -p "$LOGS"
RESULTS=$WORK/results.tsv
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------- the tree: FILES files of SIZE MiB, fixed seed
TREE=$WORK/tree-$FILES-$SIZE_MIB
if [ ! -f "$TREE.done" ]; then
  log "generating $FILES files of $SIZE_MIB MiB in $TREE"
  rm -rf "$TREE"
  python3 - "$TREE/data" "$FILES" "$SIZE_MIB" <<'PY'
import os, random, sys
root, n, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(42)
for i in range(n):
    d = os.path.join(root, f"d{i // 50:02d}")
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, f"f{i:04d}.bin")
    with open(p, "wb") as f:
        f.write(rnd.randbytes(mib << 20))
    os.utime(p, ns=(1_700_000_000 * 10**9 + i, 1_700_000_000 * 10**9 + i))
PY
  touch "$TREE.done"
fi

# ---------------------------------------------------------------- S3Proxy
AK=renameaccess; SK=renamesecret   # fixed credentials of the throwaway local server
S3PROXY_VERSION=4.1.0
SERVER_PID=""; ENDPOINT=""
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
s3proxy_jar() {
  local name=s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar
  if [ ! -f "$WORK/lib/$name" ]; then
    log "fetching org.gaul:s3proxy:$S3PROXY_VERSION:jar-with-dependencies with mvn dependency:copy"
    mvn -q -B -ntp dependency:copy "-Dartifact=org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" \
      "-DoutputDirectory=$WORK/lib" >&2
  fi
  echo "$WORK/lib/$name"
}
start_s3() {
  local jar port; jar=$(s3proxy_jar); port=$(free_port)
  cat > "$WORK/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$AK
s3proxy.credential=$SK
s3proxy.ignore-unknown-headers=true
jclouds.provider=transient-nio2
jclouds.identity=unused
jclouds.credential=unused
EOF
  LOG_LEVEL=warn java -Xmx8g -jar "$jar" --properties "$WORK/s3proxy.properties" > "$LOGS/s3proxy-$1.log" 2>&1 &
  SERVER_PID=$!
  ENDPOINT=http://127.0.0.1:$port
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "$ENDPOINT/" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "S3Proxy died, see $LOGS/s3proxy-$1.log" >&2; exit 1; }
    sleep 0.1
  done
}
stop_s3() {
  [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
trap stop_s3 EXIT

rclone_() {
  env -u AWS_CA_BUNDLE RCLONE_CONFIG=/dev/null \
    RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other \
    RCLONE_CONFIG_BENCH_ENDPOINT="$ENDPOINT" RCLONE_CONFIG_BENCH_REGION=us-east-1 \
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="$AK" RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="$SK" \
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true rclone "$@"
}
cloudsync_() { # SRC STATE
  printf '{"features":{"enable_cloud_sync":true,"enable_cloud_sync_s3":true}}' > "$WORK/cloudsync.json"
  AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
    "$CLOUDSYNC" --config "$WORK/cloudsync.json" --root "$1" --state-dir "$2" --json sync --summary-only \
    --allow-mass-delete --service s3 --snapshot bench --set bucket=bench --set "endpoint_url=$ENDPOINT" \
    --set path_style=true --set region=us-east-1
}
export -f rclone_ cloudsync_
export ENDPOINT AK SK CLOUDSYNC WORK

summary() { # TOOL LOG: what the tool says it did
  case "$1" in
    cloudsync) python3 - "$2" <<'PY' 2>/dev/null || echo unparsed
import json, sys
t = open(sys.argv[1]).read()
s = json.JSONDecoder().raw_decode(t[t.index('{'):])[0]["summary"]
print(f"uploaded={s['uploaded']} copied={s.get('copied', 'n/a')} deleted={s['deleted']} sent_mib={s['bytes_sent'] / 2**20:.0f}")
PY
    ;;
    *) echo "new=$(grep -c 'Copied (new)' "$2" || true) server_copy=$(grep -c 'Copied (server-side copy)' "$2" || true)" \
         "renamed=$(grep -c 'Renamed' "$2" || true) deleted=$(grep -c 'Deleted' "$2" || true)" ;;
  esac
}

step() { # TOOL STEP -- command...
  local tool=$1 name=$2; shift 3
  local out=$LOGS/$tool-$name.log tf=$LOGS/$tool-$name.time rc
  log "$tool $name"
  set +e
  if [ -n "$LOCK" ]; then
    flock "$LOCK" /usr/bin/time -f '%e %U %S %M' -o "$tf" bash -c '"$@"' step "$@" > "$out" 2>&1
  else
    /usr/bin/time -f '%e %U %S %M' -o "$tf" bash -c '"$@"' step "$@" > "$out" 2>&1
  fi
  rc=$?
  set -e
  local wall user sys rss
  read -r wall user sys rss < <(tail -1 "$tf")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$name" "$wall" "$(python3 -c "print(f'{$user+$sys:.2f}')")" \
    "$((rss / 1024))" "$rc" "$(summary "$tool" "$out")" >> "$RESULTS"
}

printf 'tool\tstep\twall_s\tcpu_s\tpeak_rss_mib\texit\twhat\n' > "$RESULTS"
for tool in $TOOLS; do
  src=$WORK/src-$tool; state=$WORK/state-$tool
  rm -rf "$src" "$state"; mkdir -p "$src"
  cp -al "$TREE/data" "$src/data"   # hard links: the generated tree is never changed
  start_s3 "$tool"
  rclone_ mkdir bench:bench
  case "$tool" in
    cloudsync)
      step cloudsync initial -- cloudsync_ "$src" "$state"
      mv "$src/data" "$src/renamed"
      step cloudsync rename -- cloudsync_ "$src" "$state" ;;
    rclone)
      step rclone initial -- rclone_ sync --checksum -v "$src" bench:bench/bench
      mv "$src/data" "$src/renamed"
      step rclone rename -- rclone_ sync --checksum -v "$src" bench:bench/bench ;;
    rclone-track)
      step rclone-track initial -- rclone_ sync --checksum -v "$src" bench:bench/bench
      mv "$src/data" "$src/renamed"
      step rclone-track rename -- rclone_ sync --checksum --track-renames -v "$src" bench:bench/bench ;;
    *) echo "unknown tool $tool" >&2; exit 2 ;;
  esac
  stop_s3
  rm -rf "$src" "$state"
done

{
  echo "| tool | step | wall s | CPU s | peak RSS MiB | exit | what it did |"
  echo "|---|---|---|---|---|---|---|"
  tail -n +2 "$RESULTS" | while IFS=$'\t' read -r tool st wall cpu rss rc what; do
    echo "| $tool | $st | $wall | $cpu | $rss | $rc | $what |"
  done
} | tee "$WORK/results.md"
