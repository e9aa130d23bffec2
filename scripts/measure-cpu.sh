#!/usr/bin/env bash
# Measures the CPU and memory of `npm start` with the given options, e.g.
#   bash scripts/measure-cpu.sh --rate 2000
# Starts it on a spare port, lets it warm up, then samples the whole process tree over a fixed span.
set -euo pipefail
cd "$(dirname "$0")/.."
WARMUP_S=${WARMUP_S:-15}
SPAN_S=${SPAN_S:-30}
PORT=${PORT:-3999}

# DATA_DIR=none: a measurement starts empty, saves nothing, and never takes a developer's ./data.
PORT=$PORT LOG_LEVEL=warn DATA_DIR=none npm start -- "$@" >/tmp/trendmap-measure.log 2>&1 &
root=$!
trap 'kill -- -$root 2>/dev/null || pkill -P $root 2>/dev/null || true' EXIT

tree() { local p=$1; echo "$p"; for c in $(pgrep -P "$p" || true); do tree "$c"; done; }
ticks() { local sum=0; for p in $(tree "$root"); do
  [ -r /proc/$p/stat ] && sum=$((sum + $(awk '{print $14 + $15}' /proc/$p/stat))); done; echo $sum; }
rss_kb() { local sum=0; for p in $(tree "$root"); do
  [ -r /proc/$p/status ] && sum=$((sum + $(awk '/VmRSS/{print $2}' /proc/$p/status))); done; echo $sum; }

sleep "$WARMUP_S"
curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null || { echo "the server did not come up; see /tmp/trendmap-measure.log"; exit 1; }
before_ticks=$(ticks); before_ingested=$(curl -s "http://127.0.0.1:$PORT/api/health" | sed -E 's/.*"ingested":([0-9]+).*/\1/')
sleep "$SPAN_S"
after_ticks=$(ticks); after_ingested=$(curl -s "http://127.0.0.1:$PORT/api/health" | sed -E 's/.*"ingested":([0-9]+).*/\1/')
hz=$(getconf CLK_TCK)
awk -v args="$*" -v t=$((after_ticks - before_ticks)) -v hz="$hz" -v s="$SPAN_S" -v n=$((after_ingested - before_ingested)) -v rss="$(rss_kb)" \
  'BEGIN { printf "npm start %s: %.1f%% of one core over %d s, %.0f posts/s ingested, rss %.0f MB\n", args, 100 * t / hz / s, s, n / s, rss / 1024 }'
