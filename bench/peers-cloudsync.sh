#!/usr/bin/env bash
# The project's launcher as peers.sh's CLOUDSYNC_CMD, for its cloudsync-serve row as well: peers.sh
# sends bucket and endpoint_url with every request to `cloudsync serve`, which refuses service_config
# keys unless --allow-service-config names them (docs/CLI.md), so this adds that option to `serve`.
# Every other command passes through unchanged. Usage (docs/BENCHMARKS.md):
#   CLOUDSYNC_CMD=$PWD/bench/peers-cloudsync.sh bash ../shared/bench/peers.sh --tools "cloudsync cloudsync-serve"
set -euo pipefail
launcher="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/cloudsync"
args=("$@")
for a in "$@"; do
  if [ "$a" = serve ]; then
    args+=(--allow-service-config bucket,endpoint_url,path_style,region)
    break
  fi
done
exec "$launcher" "${args[@]}"
