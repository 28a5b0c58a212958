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
if [ -z "${NINEFOLD_BIN:-}" ]; then
  cargo build -q --release --bin ninefold
  NINEFOLD_BIN=target/release/ninefold
fi
mkdir -p "$LOAD_DIR"

pid=""
stop() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=""; }
trap stop EXIT
start() { # data dir
  "$NINEFOLD_BIN" serve --demo --data-dir "$1" --bind "127.0.0.1:$PORT" >"$1/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "server did not start: $(tail -5 "$1/serve.log")" >&2
  exit 1
}

# Data sets are made once, each from the previous one (the same projects, more of them).
prev=""
for n in $LOAD_SETS; do
  d="$LOAD_DIR/p$n"
  if [ ! -f "$d/ninefold.db" ]; then
    echo "making data set: $n projects" >&2
    rm -rf "$d" && mkdir -p "$d"
    [ -n "$prev" ] && cp "$prev/ninefold.db" "$d/"
    start "$d"
    python3 "$here/generate.py" "$BASE" --big --projects "$n" >&2
    stop
  fi
  prev="$d"
done

login() {
  jar=$(mktemp)
  curl -fs -c "$jar" -b "$jar" "$BASE/login" >"$jar.html"
  csrf=$(grep -o 'name="_csrf" value="[0-9a-f]*"' "$jar.html" | sed -n '1s/.*value="\([0-9a-f]*\)"/\1/p')
  curl -fs -o /dev/null -c "$jar" -b "$jar" --data-urlencode "_csrf=$csrf" \
    --data-urlencode "email=wang.fang@huamei.example" --data-urlencode "password=ninefold-demo" "$BASE/login"
  sed -n 's/.*\tnf_session\t\(.*\)$/nf_session=\1/p' "$jar"
  rm -f "$jar" "$jar.html"
}

bench() { # path cookie → "req/s p50_ms p99_ms bytes"
  wrk -t2 -c8 -d"${SECS}s" --timeout 60s -s "$here/report.lua" -H "Cookie: $2" \
    -H "Accept-Encoding: gzip, deflate, br" "$BASE$1" | sed -n 's/^RESULT //p'
}

printf '%-6s %-28s %9s %9s %8s %9s %9s %9s\n' sets page 'req/s' 'healthz' '% hz' 'p50 ms' 'p99 ms' bytes
for n in $LOAD_SETS; do
  d="$LOAD_DIR/p$n"
  start "$d"
  cookie=$(login)
  big=$(curl -fs -H "Cookie: $cookie" "$BASE/api/v1/projects" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); r=r.get("rows",r) if isinstance(r,dict) else r; print(next(x["project"]["id"] for x in r if x["project"]["name"]=="Load 327"))')
  for page in /projects /api/v1/projects "/projects/$big" "/api/v1/projects/$big" "/projects/$big/schedule" \
    "/projects/$big/documents"; do
    curl -fs -o /dev/null -H "Cookie: $cookie" "$BASE$page" # warm
    read -r hz _ _ _ <<<"$(bench /healthz "$cookie")"
    read -r rps p50 p99 bytes <<<"$(bench "$page" "$cookie")"
    label=${page//$big/\{big\}}
    frac=$(python3 -c "print(f'{100*$rps/$hz:.2f}')")
    printf '%-6s %-28s %9s %9s %8s %9s %9s %9s\n' "$n" "$label" "$rps" "$hz" "$frac" "$p50" "$p99" "$bytes"
  done
  rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status")
  hwm=$(awk '/VmHWM/{print $2}' "/proc/$pid/status")
  printf '%-6s %-28s RSS %d MB, VmHWM %d MB\n' "$n" "(server memory after)" $((rss / 1024)) $((hwm / 1024))
  stop
done
