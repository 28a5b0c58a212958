# Shared by run.sh and memory.sh: the binary, the data sets, starting the server, logging in.
# Expects LOAD_DIR, LOAD_SETS, PORT, BASE and here to be set.
if [ -z "${NINEFOLD_BIN:-}" ]; then
  cargo build -q --release --bin ninefold
  NINEFOLD_BIN=target/release/ninefold
fi
mkdir -p "$LOAD_DIR"

pid=""
stop() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  pid=""
}
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


big_project() { # cookie → id of "Load 327" (following the portfolio API's cursors)
  python3 - "$BASE" "$1" <<'PY'
import json, sys, urllib.request
base, cookie, cursor = sys.argv[1], sys.argv[2], None
while True:
    q = f"&cursor={cursor}" if cursor else ""
    req = urllib.request.Request(f"{base}/api/v1/projects?limit=200{q}", headers={"Cookie": cookie})
    page = json.load(urllib.request.urlopen(req, timeout=300))
    found = [x["project"]["id"] for x in page["items"] if x["project"]["name"] == "Load 327"]
    if found:
        print(found[0])
        break
    cursor = page.get("next_cursor")
    if not cursor:
        sys.exit("no project Load 327")
PY
}

mem_mb() { # field of /proc/$pid/status (VmRSS, VmHWM) in MB
  awk -v f="$1:" '$1==f{print int($2/1024)}' "/proc/$pid/status"
}
