#!/usr/bin/env bash
# Cross-check of the direct-stream figures with wrk (a C client, Debian package `wrk`), so the
# client's own speed cannot cap the servers. The servers of bench/run.ts direct-stream (scripts
# under bench/direct-stream/servers/), each in its own process on 127.0.0.1, same file sizes;
# rounds interleaved; prints medians and, for each pair `ours:peer`, the median of the per-round
# ratios (default pairs: sendoff-koa:koa-send sendoff-koa:node-send).
#   bash bench/direct-stream/wrk-crosscheck.sh [rounds] [ours:peer ...]
#   bash bench/direct-stream/wrk-crosscheck.sh 5 sendoff-hono:hono-static
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
rounds=${1:-3}
shift || true
pairs=("$@")
[ ${#pairs[@]} -gt 0 ] || pairs=(sendoff-koa:koa-send sendoff-koa:node-send)
servers=()
for pair in "${pairs[@]}"; do
  for server in "${pair%%:*}" "${pair##*:}"; do
    [ -f "bench/direct-stream/servers/$server.ts" ] || { echo "no server script bench/direct-stream/servers/$server.ts" >&2; exit 1; }
    [[ " ${servers[*]} " == *" $server "* ]] || servers+=("$server")
  done
done
root=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$root"; }
trap cleanup EXIT
mkdir -p "$root/run"
head -c 4096 /dev/urandom > "$root/small.bin"
head -c 67108864 /dev/urandom > "$root/large.bin"
declare -A port
for server in "${servers[@]}"; do
  out="$root/run/$server.port"
  node --import tsx "bench/direct-stream/servers/$server.ts" "$root" > "$out" &
  pids+=($!)
  for _ in $(seq 100); do grep -q port "$out" 2>/dev/null && break; sleep 0.1; done
  port[$server]=$(sed -E 's/.*"port":([0-9]+).*/\1/' "$out")
done
# One wrk run; prints its requests per second, or fails on any non-2xx answer or socket error.
rate() {
  local report
  report=$(wrk "$@")
  if grep -qE 'Non-2xx|Socket errors' <<<"$report"; then echo "wrk $*: $report" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' <<<"$report"
}
declare -A small large
for round in $(seq "$rounds"); do
  # Each round starts with another server, so no one always runs first.
  for i in "${!servers[@]}"; do
    server=${servers[$(( (i + round - 1) % ${#servers[@]} ))]}
    url="http://127.0.0.1:${port[$server]}"
    small[$server]+="$(rate -t1 -c32 -d5s --timeout 30s "$url/small.bin") "
    large[$server]+="$(rate -t1 -c4 -d5s --timeout 30s "$url/large.bin" | awk '{printf "%.0f", $1 * 64}') "
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# The ratio of two lists of per-round figures, round by round.
ratios() { paste -d' ' <(tr ' ' '\n' <<<"$1" | grep -v '^$') <(tr ' ' '\n' <<<"$2" | grep -v '^$') | awk '{printf "%.3f ", $1 / $2}'; }
echo "| server | 4 KiB req/s per round | median | 64 MiB MiB/s per round | median |"
echo "|---|---|---:|---|---:|"
for server in "${servers[@]}"; do
  echo "| $server | ${small[$server]}| $(echo "${small[$server]}" | median) | ${large[$server]}| $(echo "${large[$server]}" | median) |"
done
echo
for pair in "${pairs[@]}"; do
  ours=${pair%%:*} peer=${pair##*:}
  s=$(ratios "${small[$ours]}" "${small[$peer]}" | median)
  l=$(ratios "${large[$ours]}" "${large[$peer]}" | median)
  echo "$ours/$peer (median of the per-round ratios): 4 KiB $(awk "BEGIN {printf \"%.2f\", $s}")x, 64 MiB $(awk "BEGIN {printf \"%.2f\", $l}")x"
done
