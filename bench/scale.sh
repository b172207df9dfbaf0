#!/usr/bin/env bash
# Scale benchmark: cloudsync's CLI beside `rclone sync` on real trees of many small files, in one run.
# Figures and their meaning: docs/BENCHMARKS.md, "Scale".
#
#   bench/scale.sh [--files N[,N...]] [--only local|s3] [--steps initial,noop,one,pct] [--seed N]
#                  [--work DIR] [--keep] [--lock FILE] [--lock-steps LIST] [--no-count] [--latency MS]
#
# For every tree size N (default 100000,1000000) a tree of N small files is generated once (fixed seed,
# fixed mtimes; ~100 files per folder, folders 3-4 deep, 50 B - 2 KiB of text each) and reused by later
# runs. Each run works on a hard-linked copy of it, so the generated tree itself is never changed.
# Remotes: `local` (a folder; every N) and `s3` (S3Proxy 4.1.0, in memory, on 127.0.0.1, started by this
# script; only for N <= 100,000). Steps, each for cloudsync and for rclone on the same tree, the two
# tools alternating which goes first:
#   initial  full sync into an empty remote
#   noop     sync again, nothing changed
#   one      one file's content rewritten (new bytes, new size, later mtime), then sync
#   pct      1% of the files rewritten the same way (a deterministic choice), then sync
# `initial` always runs (untimed when --steps leaves it out): the other steps need a synced remote.
# Per step and tool: wall and CPU seconds (user+sys) and peak RSS from `/usr/bin/time -v`; for cloudsync
# the metadata requests and bytes read/written of its `sync.run` log event (`n/a` when the build does
# not log them); on S3 the HTTP requests each tool sent, counted by a small relay in front of S3Proxy
# (--no-count: no relay, requests `n/a`). Output: a TSV of every figure and a Markdown table (with
# cloudsync/rclone ratios) in the work folder; the table also on stdout.
#
#   --files N[,N]  tree sizes (default 100000,1000000)
#   --only R       only remote R (local or s3)
#   --steps LIST   comma-separated steps to time (default initial,noop,one,pct)
#   --seed N       tree and change seed (default 42)
#   --work DIR     where trees, remotes and results go (default /tmp/cloudsync-scale); trees reused
#   --keep         keep the trees and remotes afterwards (default: delete them, keep the results)
#   --lock FILE    hold `flock FILE` around each timed command (not between steps: never long), e.g.
#                  the Maven lock /tmp/cloudsync-mvn.lock, so that no build runs while measuring
#   --lock-steps L only these steps hold --lock (default: every step), e.g. noop,one,pct when the initial
#                  upload takes longer than others should wait for the lock
#   --no-count     S3 without the counting relay (no request counts; nothing between tool and server)
#   --latency MS   S3: the relay holds each request MS milliseconds before passing it on, as a round trip
#                  to a remote store would (default 0); needs the relay, so not with --no-count
#
# cloudsync runs `--json sync --summary-only`: the summary a script reads, without a line per file (rclone
# prints one stats block); a full `--json` result of a million files is a workload of its own.
# Tools: cloudsync is the CLI in $CLOUDSYNC (default ./cloudsync of this checkout; it must be built:
# `mvn -B -ntp install -DskipTests`, the script does not build), run without its daemon
# (CLOUDSYNC_DAEMON=0, unless set otherwise) so that the figures are those of the process that does the
# work, a fresh JVM per step; rclone the installed one. rclone flags:
# local `rclone sync SRC DST` (defaults: size + mtime); s3 `rclone sync --checksum --fast-list SRC
# remote:bucket` (docs/BENCHMARKS.md says why). Needs python3, /usr/bin/time, java 17, rclone, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

FILES=100000,1000000; ONLY=""; STEPS=initial,noop,one,pct; SEED=42; WORK=/tmp/cloudsync-scale; KEEP=0
LOCK=""; LOCK_STEPS=initial,noop,one,pct; COUNT=1; LATENCY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --files) FILES=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --steps) STEPS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --lock) LOCK=$2; shift 2 ;;
    --lock-steps) LOCK_STEPS=$2; shift 2 ;;
    --no-count) COUNT=0; shift ;;
    --latency) LATENCY=$2; shift 2 ;;
    -h|--help) sed -n '2,46p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$ONLY" in ""|local|s3) ;; *) echo "--only takes local or s3, not $ONLY" >&2; exit 2 ;; esac
for n in ${FILES//,/ }; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "--files takes positive whole numbers separated by commas, not $FILES" >&2; exit 2; }
done
for s in ${STEPS//,/ } ${LOCK_STEPS//,/ }; do
  case "$s" in initial|noop|one|pct) ;; *) echo "--steps and --lock-steps take initial, noop, one, pct (comma-separated), not $s" >&2; exit 2 ;; esac
done
[[ "$SEED" =~ ^[0-9]+$ ]] || { echo "--seed takes a whole number, not $SEED" >&2; exit 2; }
[[ "$LATENCY" =~ ^[0-9]+$ ]] || { echo "--latency takes whole milliseconds, not $LATENCY" >&2; exit 2; }
[ "$LATENCY" = 0 ] || [ "$COUNT" = 1 ] || { echo "--latency needs the relay: leave out --no-count" >&2; exit 2; }
export CLOUDSYNC_DAEMON=${CLOUDSYNC_DAEMON:-0}
for tool in python3 rclone java curl; do
  command -v $tool > /dev/null || { echo "$tool is needed but not on PATH" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "/usr/bin/time (GNU time) is needed: apt-get install time" >&2; exit 2; }

CLOUDSYNC=${CLOUDSYNC:-$REPO/cloudsync}
if [ "$CLOUDSYNC" = "$REPO/cloudsync" ]; then
  # the launcher would build a stale jar itself, outside any lock and inside the timing: refuse instead
  jar=$REPO/cloudsync-cli/target/cloudsync.jar
  if [ ! -f "$jar" ] || [ -n "$(find "$REPO" \( -name .git -o -name target \) -prune -o -type f \
      \( -name pom.xml -o -path '*/src/main/*' \) -newer "$jar" -print -quit)" ]; then
    echo "$jar is missing or older than the sources; build first: mvn -B -ntp install -DskipTests" >&2
    exit 2
  fi
fi

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOGS=$WORK/logs-$STAMP
RESULTS=$WORK/results-$STAMP.tsv
mkdir -p "$LOGS" "$WORK/lib"
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
locked() { # STEP COMMAND...
  local step=$1; shift
  if [ -n "$LOCK" ] && [[ ",$LOCK_STEPS," == *",${step//[()]/},"* ]]; then flock "$LOCK" "$@"; else "$@"; fi
}

# ---------------------------------------------------------------- trees
# gen DIR N SEED: the tree; change DIR SEED WHAT: rewrites files (WHAT = one | pct), prints their count
PY_TREE=$(cat <<'PY'
import os, random, sys

ALPHABET = bytes(range(ord("a"), ord("z") + 1)) + b"0123456789 \n"
TABLE = bytes(ALPHABET[b % len(ALPHABET)] for b in range(256))
BASE_MTIME_NS = 1_735_689_600 * 10**9           # 2025-01-01T00:00:00Z, fixed
CHANGED_MTIME_NS = BASE_MTIME_NS + 86_400 * 10**9 * 30

def text(rnd, size):
    # letters, digits, spaces and newlines only: no byte sequence that looks like an HTTP request line
    return rnd.randbytes(size).translate(TABLE)

def layout(n, seed):
    """(folder, file name, size, content seed) for n files, ~100 per folder, folders 3-4 deep."""
    rnd = random.Random(seed)
    out, k = [], 0
    while len(out) < n:
        folder = f"mod{k // 100:03d}/pkg{k // 10 % 10}/sub{k % 10}"
        if k % 3 == 0:
            folder += "/impl"
        for j in range(min(rnd.randint(60, 140), n - len(out))):
            out.append((folder, f"f{j:03d}.{('java', 'txt', 'json', 'md')[j % 4]}", rnd.randint(50, 2048)))
        k += 1
    return out

def write(path, data, mtime_ns):
    tmp = path + ".scale-tmp"   # temp + rename: a hard-linked copy is never changed in place
    with open(tmp, "wb") as f:
        f.write(data)
    os.utime(tmp, ns=(mtime_ns, mtime_ns))
    os.replace(tmp, path)

def gen(root, n, seed):
    rnd = random.Random(seed + 1)
    made = set()
    for i, (folder, name, size) in enumerate(layout(n, seed)):
        d = os.path.join(root, folder)
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        write(os.path.join(d, name), text(rnd, size), BASE_MTIME_NS + i * 10**9)
    for d in sorted(made, key=len, reverse=True):
        os.utime(d, ns=(BASE_MTIME_NS, BASE_MTIME_NS))

def change(root, n, seed, what):
    files = [os.path.join(f, name) for f, name, _ in layout(n, seed)]
    rnd = random.Random(f"{seed}-{what}")
    picked = [rnd.choice(files)] if what == "one" else rnd.sample(files, max(1, n // 100))
    for i, rel in enumerate(sorted(picked)):
        path = os.path.join(root, rel)
        old = os.path.getsize(path)
        size = old + 1 + rnd.randint(0, 63) if old < 2048 else old - 1 - rnd.randint(0, 63)
        write(path, text(rnd, size), CHANGED_MTIME_NS + (10**9 if what == "pct" else 0) + i)
    print(len(picked))

cmd = sys.argv[1]
if cmd == "gen":
    gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
else:
    change(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
PY
)
gentree() { python3 -c "$PY_TREE" "$@"; }

# ---------------------------------------------------------------- S3: server and counting relay
AK=scaleaccess; SK=scalesecret   # fixed credentials of the throwaway local server
S3PROXY_VERSION=4.1.0
SERVER_PID=""; RELAY_PID=""; ENDPOINT=""; CTL_PORT=""
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

s3proxy_jar() {
  local name=s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar
  if [ ! -f "$WORK/lib/$name" ]; then
    log "fetching org.gaul:s3proxy:$S3PROXY_VERSION:jar-with-dependencies with mvn dependency:copy"
    flock /tmp/cloudsync-mvn.lock mvn -q -B -ntp dependency:copy \
      "-Dartifact=org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" "-DoutputDirectory=$WORK/lib" >&2
  fi
  echo "$WORK/lib/$name"
}

# Relays TCP from LISTEN to TARGET and counts HTTP request lines sent by clients (the trees hold no byte
# sequence that looks like one); connecting to CTL returns the count so far. With DELAY_MS, data that
# starts requests waits that long (once per read, however many requests it holds) before it goes on.
PY_RELAY=$(cat <<'PY'
import asyncio, re, sys
listen, target, ctl = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
delay = int(sys.argv[4]) / 1000 if len(sys.argv) > 4 else 0
LINE = re.compile(rb"(?:GET|PUT|POST|HEAD|DELETE) [^ \r\n]{1,4096} HTTP/1\.[01]\r\n")
count = 0

async def pipe(reader, writer, counting):
    global count
    tail = b""
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if counting:
                buf = tail + data
                found = sum(1 for m in LINE.finditer(buf) if m.end() > len(tail))
                count += found
                tail = buf[-4200:]
                if found and delay:
                    await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()

async def client(reader, writer):
    try:
        r2, w2 = await asyncio.open_connection("127.0.0.1", target)
    except OSError:
        writer.close()
        return
    await asyncio.gather(pipe(reader, w2, True), pipe(r2, writer, False))

async def control(reader, writer):
    writer.write(f"{count}\n".encode())
    await writer.drain()
    writer.close()

async def main():
    a = await asyncio.start_server(client, "127.0.0.1", listen, backlog=1024)
    b = await asyncio.start_server(control, "127.0.0.1", ctl)
    async with a, b:
        await asyncio.gather(a.serve_forever(), b.serve_forever())

asyncio.run(main())
PY
)

requests_so_far() { # the relay's count, or empty without it
  [ -n "$CTL_PORT" ] || return 0
  local n; exec 3<>"/dev/tcp/127.0.0.1/$CTL_PORT"; read -r n <&3; exec 3<&-; echo "$n"
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
  LOG_LEVEL=warn java -Xmx4g -jar "$jar" --properties "$WORK/s3proxy.properties" > "$LOGS/s3proxy.log" 2>&1 &
  SERVER_PID=$!
  ENDPOINT=http://127.0.0.1:$port
  if [ "$COUNT" = 1 ]; then
    local relay; relay=$(free_port); CTL_PORT=$(free_port)
    python3 -c "$PY_RELAY" "$relay" "$port" "$CTL_PORT" "$LATENCY" > "$LOGS/relay.log" 2>&1 &
    RELAY_PID=$!
    ENDPOINT=http://127.0.0.1:$relay
  fi
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "$ENDPOINT/" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "S3Proxy died, see $LOGS/s3proxy.log" >&2; exit 1; }
    sleep 0.1
  done
  curl -s -o /dev/null "$ENDPOINT/" || { echo "S3Proxy not ready after 60 s, see $LOGS/s3proxy.log" >&2; exit 1; }
  log "S3Proxy $S3PROXY_VERSION (transient-nio2, in memory) on $ENDPOINT$([ "$COUNT" = 1 ] && echo " through the counting relay")$([ "$LATENCY" != 0 ] && echo ", $LATENCY ms per request")"
}

stop_pid() { # only what this script started: TERM, up to 10 s, then KILL
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
stop_s3() { stop_pid "$RELAY_PID"; stop_pid "$SERVER_PID"; RELAY_PID=""; SERVER_PID=""; CTL_PORT=""; ENDPOINT=""; }
trap stop_s3 EXIT

# rclone: remote "scale" made of environment variables only, no config file (AWS_CA_BUNDLE removed: rclone
# 1.60's S3 backend fails with "LoadCustomCABundleError" when it is set)
rclone_env() {
  RCLONE_ENV=(env -u AWS_CA_BUNDLE RCLONE_CONFIG=/dev/null)
  [ -n "$ENDPOINT" ] && RCLONE_ENV+=(RCLONE_CONFIG_SCALE_TYPE=s3 RCLONE_CONFIG_SCALE_PROVIDER=Other
    RCLONE_CONFIG_SCALE_ENDPOINT="$ENDPOINT" RCLONE_CONFIG_SCALE_REGION=us-east-1
    RCLONE_CONFIG_SCALE_ACCESS_KEY_ID="$AK" RCLONE_CONFIG_SCALE_SECRET_ACCESS_KEY="$SK"
    RCLONE_CONFIG_SCALE_FORCE_PATH_STYLE=true)
  return 0
}
rclone_s3() { rclone_env; "${RCLONE_ENV[@]}" rclone "$@"; }

# ---------------------------------------------------------------- tools
RCLONE_LOCAL_FLAGS=()
RCLONE_S3_FLAGS=(--checksum --fast-list)
RCLONE_COMMON=(--stats 24h --stats-log-level NOTICE)   # one stats block at the end: files transferred

# cmd_cloudsync REMOTE SRC DEST STATE LOGFILE: the command line (one word per line)
cloudsync_cmd() {
  local remote=$1 src=$2 dest=$3 state=$4 logfile=$5 cfg=$state.config.json
  if [ "$remote" = local ]; then
    printf '{"features":{"enable_cloud_sync":true,"enable_cloud_sync_local":true},"services":{"local":{"directory":"%s"}}}\n' "$dest" > "$cfg"
    CMD=("$CLOUDSYNC" --config "$cfg" --root "$src" --state-dir "$state" --log-file "$logfile" --json
      sync --summary-only --service local --snapshot scale)
  else
    printf '{"features":{"enable_cloud_sync":true,"enable_cloud_sync_s3":true}}\n' > "$cfg"
    CMD=(env AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
      "$CLOUDSYNC" --config "$cfg" --root "$src" --state-dir "$state" --log-file "$logfile" --json
      sync --summary-only --service s3 --snapshot scale --set "bucket=$dest" --set "endpoint_url=$ENDPOINT" --set path_style=true
      --set region=us-east-1)
  fi
}
rclone_cmd() { # REMOTE SRC DEST
  rclone_env
  if [ "$1" = local ]; then CMD=("${RCLONE_ENV[@]}" rclone "${RCLONE_COMMON[@]}" "${RCLONE_LOCAL_FLAGS[@]}" sync "$2" "$3")
  else CMD=("${RCLONE_ENV[@]}" rclone "${RCLONE_COMMON[@]}" "${RCLONE_S3_FLAGS[@]}" sync "$2" "scale:$3"); fi
}

PY_PARSE=$(cat <<'PY'
import json, re, sys
tool, timef, out, logfile = sys.argv[1:5]
t = open(timef).read()
def num(label):
    m = re.search(re.escape(label) + r":\s*([0-9.:]+)", t)
    return m.group(1) if m else None
w = num("Elapsed (wall clock) time (h:mm:ss or m:ss)")
wall = 0.0
for part in w.split(":"):
    wall = wall * 60 + float(part)
cpu = float(num("User time (seconds)")) + float(num("System time (seconds)"))
rss = int(num("Maximum resident set size (kbytes)")) / 1024
sent = mreq = mread = mwrite = "n/a"
if tool == "cloudsync":
    try:
        text = open(out).read()
        doc, _ = json.JSONDecoder().raw_decode(text[text.index("{"):])
        s = doc.get("summary", {})
        sent = str(s.get("uploaded", "n/a"))
    except (ValueError, OSError):
        pass
    try:
        for line in open(logfile):
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("message") != "sync.run":
                continue
            kv = {}
            for item in e.get("kvpList") or []:
                kv.update(item)
            if "event" in kv:
                continue
            mreq = kv.get("metadata_requests", "n/a")
            mread = kv.get("metadata_bytes_read", "n/a")
            mwrite = kv.get("metadata_bytes_written", "n/a")
    except OSError:
        pass
else:
    m = re.findall(r"Transferred:\s+(\d+) / (\d+), ", open(out).read() + open(out[:-4] + ".err").read())
    sent = m[-1][0] if m else "0"
print(f"{wall:.2f}\t{cpu:.2f}\t{rss:.0f}\t{sent}\t{mreq}\t{mread}\t{mwrite}")
PY
)

# timed N REMOTE STEP TOOL: runs $CMD under /usr/bin/time -v (inside the lock), appends a TSV row
timed() {
  local n=$1 remote=$2 step=$3 tool=$4 base="$LOGS/$1-$2-$3-$4" r0 r1 rc reqs
  log "$n files, $remote, $step: $tool"
  r0=$(requests_so_far)
  set +e
  locked "$step" /usr/bin/time -v -o "$base.time" "${CMD[@]}" > "$base.out" 2> "$base.err"
  rc=$?
  set -e
  r1=$(requests_so_far)
  if [ "$rc" != 0 ]; then
    tail -20 "$base.err" >&2
    echo "$tool failed (exit $rc) at $n files, $remote, $step; its output: $base.out, $base.err" >&2
    exit 1
  fi
  reqs=n/a; [ -n "$r0" ] && reqs=$((r1 - r0))
  local figures; figures=$(python3 -c "$PY_PARSE" "$tool" "$base.time" "$base.out" "$base.log" 2>>"$base.err")
  if [ "$step" != "(initial)" ]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$remote" "$step" "$tool" "$figures" "$reqs" >> "$RESULTS"
  fi
  log "   $(echo "$figures" | awk -F'\t' -v r="$reqs" '{printf "wall %s s, cpu %s s, peak %s MiB, files sent %s, metadata requests %s read %s written %s, requests %s", $1, $2, $3, $4, $5, $6, $7, r}')"
}

# run_remote N REMOTE: the steps on one remote, each for both tools
run_remote() {
  local n=$1 remote=$2 src="$WORK/src-$1" i=0
  local csdest rcdest state="$WORK/state-$1-$2"
  rm -rf "$src" "$state" "$state.config.json"
  log "hard-linking $WORK/tree-$n to $src"
  cp -al "$WORK/tree-$n" "$src"
  if [ "$remote" = local ]; then
    csdest="$WORK/remote-$n-cloudsync"; rcdest="$WORK/remote-$n-rclone"
    rm -rf "$csdest" "$rcdest"; mkdir -p "$csdest" "$rcdest"
  else
    start_s3
    csdest=scale-cloudsync; rcdest=scale-rclone
    rclone_s3 mkdir "scale:$csdest"; rclone_s3 mkdir "scale:$rcdest"
  fi
  for step in initial noop one pct; do
    local label=$step
    if [[ ",$STEPS," != *",$step,"* ]]; then
      [ "$step" = initial ] || continue
      label="(initial)"
    fi
    case "$step" in
      one|pct) log "changing files: $step ($(gentree change "$src" "$n" "$SEED" "$step") rewritten)" ;;
    esac
    sync   # the changes' writeback is not charged to whichever tool runs first
    local order=(cloudsync rclone); [ $((i % 2)) = 1 ] && order=(rclone cloudsync)
    for tool in "${order[@]}"; do
      if [ "$tool" = cloudsync ]; then
        cloudsync_cmd "$remote" "$src" "$csdest" "$state" "$LOGS/$n-$remote-$label-cloudsync.log"
      else
        rclone_cmd "$remote" "$src" "$rcdest"
      fi
      timed "$n" "$remote" "$label" "$tool"
    done
    i=$((i + 1))
  done
  [ "$remote" = s3 ] && stop_s3   # the in-memory server drops its buckets
  CLEAN+=("$src" "$state" "$state.config.json")
  [ "$remote" = local ] && CLEAN+=("$WORK/remote-$n-cloudsync" "$WORK/remote-$n-rclone")
  return 0
}

CLEAN=()   # deleted at the end unless --keep
printf 'files\tremote\tstep\ttool\twall_s\tcpu_s\tpeak_rss_mib\tfiles_sent\tmetadata_requests\tmetadata_bytes_read\tmetadata_bytes_written\trequests\n' > "$RESULTS"
log "cloudsync: $CLOUDSYNC ($(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')); $(rclone version | head -1)"
# the launcher makes its class-data archive on the first run after a build (a training run): do that
# here, untimed, so that the first timed step measures a sync and not the training JVM as well
"$CLOUDSYNC" --version > /dev/null 2>&1 || true
log "rclone flags: local '${RCLONE_COMMON[*]} ${RCLONE_LOCAL_FLAGS[*]}', s3 '${RCLONE_COMMON[*]} ${RCLONE_S3_FLAGS[*]}'"
for n in ${FILES//,/ }; do
  if [ ! -f "$WORK/.tree-$n-$SEED-done" ]; then
    rm -rf "$WORK/tree-$n"
    log "generating $WORK/tree-$n: $n files of 50 B - 2 KiB (seed $SEED)"
    gentree gen "$WORK/tree-$n" "$n" "$SEED"
    touch "$WORK/.tree-$n-$SEED-done"   # beside the tree, not in it
  fi
  log "tree: $n files, $(du -sh "$WORK/tree-$n" | cut -f1) on disk; $(df -h --output=avail "$WORK" | tail -1 | tr -d ' ') free"
  [ "$ONLY" = s3 ] || run_remote "$n" local
  if [ "$ONLY" != local ]; then
    if [ "$n" -le 100000 ]; then run_remote "$n" s3; else log "s3 skipped at $n files (runs only up to 100,000)"; fi
  fi
  CLEAN+=("$WORK/.tree-$n-$SEED-done" "$WORK/tree-$n")
done

MD=${RESULTS%.tsv}.md
python3 - "$RESULTS" "$MD" "$(nproc)" "$(rclone version | head -1)" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
keys = []
for r in rows:
    k = (r["files"], r["remote"], r["step"])
    if k not in keys:
        keys.append(k)
def pair(cs, rc, col, ratio=True):
    a, b = cs.get(col, "n/a"), rc.get(col, "n/a")
    try:
        x = f" ({float(a) / float(b):.2f})" if ratio and float(b) > 0 else ""
    except ValueError:
        x = ""
    return f"{a} / {b}{x}"
def size(v):
    try:
        n = int(v)
    except ValueError:
        return v
    return f"{n / 1e6:.2f} MB" if n >= 100_000 else f"{n / 1e3:.1f} kB" if n >= 1000 else f"{n} B"
out = ["| files | remote | step | wall s | CPU s | peak RSS MiB | requests | files sent | "
       "cloudsync metadata: requests, read, written |",
       "|---|---|---|---|---|---|---|---|---|"]
for files, remote, step in keys:
    by = {r["tool"]: r for r in rows if (r["files"], r["remote"], r["step"]) == (files, remote, step)}
    cs, rc = by.get("cloudsync", {}), by.get("rclone", {})
    meta = f'{cs.get("metadata_requests", "n/a")}, {size(cs.get("metadata_bytes_read", "n/a"))}, ' \
           f'{size(cs.get("metadata_bytes_written", "n/a"))}'
    out.append(f"| {int(files):,} | {remote} | {step} | {pair(cs, rc, 'wall_s')} | {pair(cs, rc, 'cpu_s')} | "
               f"{pair(cs, rc, 'peak_rss_mib')} | {pair(cs, rc, 'requests')} | {pair(cs, rc, 'files_sent', False)} | {meta} |")
out += ["", f"cloudsync / rclone, (ratio) = cloudsync ÷ rclone; {sys.argv[3]} cores; {sys.argv[4]}"]
open(sys.argv[2], "w").write("\n".join(out) + "\n")
print("\n".join(out))
PY
log "results: $RESULTS and $MD; logs: $LOGS"
if [ "$KEEP" = 0 ]; then   # after the table: deleting a million files takes minutes
  log "deleting the trees and remotes (--keep keeps them)"
  rm -rf "${CLEAN[@]}"
fi
