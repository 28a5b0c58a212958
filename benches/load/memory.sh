#!/usr/bin/env bash
# Memory of the server process, read from /proc: RSS idle after start, then the peak (VmHWM)
# through a run that renders every document kind twice (English and Chinese previews of the
# 327-activity project: the preview links of its Documents tab, which lists every kind the
# documents service knows) and serves the portfolio of the largest data set, page and JSON.
# Fails above the bars: MEM_IDLE_MB (default 60) and MEM_PEAK_MB (default 120).
#
#   benches/load/memory.sh         # release build, the 1,000-project data set
#
# Settings: as run.sh (NINEFOLD_BIN, LOAD_DIR, LOAD_SETS: the last set is served).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benches/load
LOAD_DIR=${LOAD_DIR:-target/load}
LOAD_SETS=${LOAD_SETS:-"10 51 1000"}
PORT=${LOAD_PORT:-18081}
BASE="http://127.0.0.1:$PORT"
IDLE_BAR=${MEM_IDLE_MB:-60}
PEAK_BAR=${MEM_PEAK_MB:-120}
. "$here/lib.sh"

n=${LOAD_SETS##* }
start "$LOAD_DIR/p$n"
# Idle: 15 s after start, once the startup sweeps over every project (webhook deadlines,
# reminders) are done, the trimmer (every 5 s, src/pdf/memory.rs) has handed back what they
# freed and the pool has closed the connections they opened. Measured 2026-12-02 on the
# 1,000-project set: 86 MB at 2 s, 65 MB at 8 s, 58 MB from 15 s on.
sleep 15
idle=$(mem_mb VmRSS)
cookie=$(login)
big=$(big_project "$cookie")
previews=$(curl -fs -H "Cookie: $cookie" "$BASE/projects/$big/documents" |
  grep -o "/projects/$big/documents/preview/[a-z-]*\.pdf?lang=[a-z]*" | sort -u)
docs=$(wc -l <<<"$previews")
[ "$docs" -ge 2 ] || { echo "the Documents tab lists no previews" >&2; exit 1; }
for url in $previews; do
  curl -fs -o /dev/null -H "Cookie: $cookie" "$BASE$url"
done
after_docs=$(mem_mb VmHWM)
for page in /projects /api/v1/projects /projects /api/v1/projects; do
  curl -fs -o /dev/null -H "Cookie: $cookie" "$BASE$page"
done
peak=$(mem_mb VmHWM)
sleep 6
rss=$(mem_mb VmRSS)
echo "memory ($n projects): idle RSS $idle MB (bar $IDLE_BAR); peak VmHWM $after_docs MB after $docs documents ($((docs / 2)) kinds, en and zh), $peak MB after the portfolio (bar $PEAK_BAR); RSS at the end $rss MB"
fail=0
[ "$idle" -le "$IDLE_BAR" ] || { echo "idle RSS $idle MB is above $IDLE_BAR MB" >&2; fail=1; }
[ "$peak" -le "$PEAK_BAR" ] || { echo "peak VmHWM $peak MB is above $PEAK_BAR MB" >&2; fail=1; }
exit $fail
