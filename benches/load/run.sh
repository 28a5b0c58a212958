#!/usr/bin/env bash
# Load test: each main page at 8 connections with wrk, each run right after a run of /healthz
# so that a page's throughput is read as a fraction of /healthz's (the machine's noise
# cancels), plus p50/p99 latency and bytes per response (as a browser asks: gzip, br).
#
#   benches/load/run.sh            # release build, data in target/load, every data set
#
# Settings (environment): NINEFOLD_BIN (a built binary; default: cargo build --release),
# LOAD_DIR (data sets; default target/load, made on first use and kept), LOAD_SETS (default
# "10 51 1000": projects in the director's portfolio), LOAD_SECONDS (per page, default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benches/load
LOAD_DIR=${LOAD_DIR:-target/load}
LOAD_SETS=${LOAD_SETS:-"10 51 1000"}
SECS=${LOAD_SECONDS:-5}
PORT=${LOAD_PORT:-18080}
BASE="http://127.0.0.1:$PORT"

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
  else
    echo "wrk is needed: sudo apt-get install wrk" >&2
    exit 1
  fi
fi
. "$here/lib.sh"

printf '%-6s %-28s %9s %9s %8s %9s %9s %9s\n' sets page 'req/s' 'healthz' '% hz' 'p50 ms' 'p99 ms' bytes
for n in $LOAD_SETS; do
  d="$LOAD_DIR/p$n"
  start "$d"
  cookie=$(login)
  big=$(big_project "$cookie")
  for page in /projects /api/v1/projects "/projects/$big" "/api/v1/projects/$big" "/projects/$big/schedule" \
    "/projects/$big/documents"; do
    curl -fs -o /dev/null -H "Cookie: $cookie" "$BASE$page" # warm
    read -r hz _ _ _ <<<"$(bench /healthz "$cookie")"
    read -r rps p50 p99 bytes <<<"$(bench "$page" "$cookie")"
    label=${page//$big/\{big\}}
    frac=$(python3 -c "print(f'{100*$rps/$hz:.2f}')")
    printf '%-6s %-28s %9s %9s %8s %9s %9s %9s\n' "$n" "$label" "$rps" "$hz" "$frac" "$p50" "$p99" "$bytes"
  done
  printf '%-6s %-28s RSS %d MB, VmHWM %d MB\n' "$n" "(server memory after)" "$(mem_mb VmRSS)" "$(mem_mb VmHWM)"
  stop
done
