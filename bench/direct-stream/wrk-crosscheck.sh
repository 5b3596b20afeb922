#!/usr/bin/env bash
# Cross-check of the direct-stream figures with wrk (a C client, Debian package `wrk`), so the
# client's own speed cannot cap the servers. Same three servers as bench/run.ts direct-stream,
# each in its own process on 127.0.0.1, same file sizes; rounds interleaved; prints medians and
# sendoff/koa-send ratios.
#   bash bench/direct-stream/wrk-crosscheck.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
rounds=${1:-3}
root=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$root"; }
trap cleanup EXIT
head -c 4096 /dev/urandom > "$root/small.bin"
head -c 67108864 /dev/urandom > "$root/large.bin"
declare -A port
for server in sendoff-koa koa-send node-send; do
  out="$root/$server.port"
  node --import tsx "bench/direct-stream/servers/$server.ts" "$root" > "$out" &
  pids+=($!)
  for _ in $(seq 100); do grep -q port "$out" 2>/dev/null && break; sleep 0.1; done
  port[$server]=$(sed -E 's/.*"port":([0-9]+).*/\1/' "$out")
done
declare -A small large
for round in $(seq "$rounds"); do
  for server in sendoff-koa koa-send node-send; do
    url="http://127.0.0.1:${port[$server]}"
    small[$server]+="$(wrk -t1 -c32 -d5s "$url/small.bin" | awk '/Requests\/sec/ {print $2}') "
    large[$server]+="$(wrk -t1 -c4 -d5s "$url/large.bin" | awk '/Requests\/sec/ {printf "%.0f", $2 * 64}') "
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| server | 4 KiB req/s per round | median | 64 MiB MiB/s per round | median |"
echo "|---|---|---:|---|---:|"
for server in sendoff-koa koa-send node-send; do
  echo "| $server | ${small[$server]}| $(echo "${small[$server]}" | median) | ${large[$server]}| $(echo "${large[$server]}" | median) |"
done
s1=$(echo "${small[sendoff-koa]}" | median); s2=$(echo "${small[koa-send]}" | median)
l1=$(echo "${large[sendoff-koa]}" | median); l2=$(echo "${large[koa-send]}" | median)
echo
echo "sendoff/koa-send: 4 KiB $(awk "BEGIN {printf \"%.2f\", $s1 / $s2}")x, 64 MiB $(awk "BEGIN {printf \"%.2f\", $l1 / $l2}")x"
