#!/usr/bin/env bash
# Cross-check of the direct-stream figures with wrk (a C client, Debian package `wrk`), so the
# client's own speed cannot cap the servers. Each server in its own process on 127.0.0.1; rounds
# interleaved; prints medians and the sendoff/peer ratios.
#   bash bench/direct-stream/wrk-crosscheck.sh [rounds] [koa|adapters]
# koa (default): the four servers of bench/run.ts direct-stream, 4 KiB and 64 MiB files.
# adapters: the servers of bench/run.ts adapters (node:http, Express, Fastify, Hono and their own file
# senders), 4 KiB files only.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
rounds=${1:-3}
set_name=${2:-koa}
case "$set_name" in
  koa)
    servers=(sendoff-koa sendoff-koa-cached koa-send node-send)
    pairs=(sendoff-koa/koa-send sendoff-koa-cached/koa-send sendoff-koa/node-send sendoff-koa-cached/node-send)
    with_large=1 ;;
  adapters)
    servers=(sendoff-node sendoff-node-cached node-send sendoff-express express-sendfile sendoff-fastify fastify-static sendoff-hono hono-static)
    pairs=(sendoff-node/node-send sendoff-node-cached/node-send sendoff-express/express-sendfile sendoff-express/node-send sendoff-fastify/fastify-static sendoff-hono/hono-static)
    with_large=0 ;;
  *) echo "unknown set $set_name: koa or adapters" >&2; exit 1 ;;
esac
root=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$root"; }
trap cleanup EXIT
head -c 4096 /dev/urandom > "$root/small.bin"
if [ "$with_large" = 1 ]; then head -c 67108864 /dev/urandom > "$root/large.bin"; fi
declare -A port
for server in "${servers[@]}"; do
  out="$root/$server.port"
  node --import tsx "bench/direct-stream/servers/$server.ts" "$root" > "$out" &
  pids+=($!)
  for _ in $(seq 100); do grep -q port "$out" 2>/dev/null && break; sleep 0.1; done
  port[$server]=$(sed -E 's/.*"port":([0-9]+).*/\1/' "$out")
done
declare -A small large
for round in $(seq "$rounds"); do
  for server in "${servers[@]}"; do
    url="http://127.0.0.1:${port[$server]}"
    small[$server]+="$(wrk -t1 -c32 -d5s "$url/small.bin" | awk '/Requests\/sec/ {print $2}') "
    if [ "$with_large" = 1 ]; then
      large[$server]+="$(wrk -t1 -c4 -d5s "$url/large.bin" | awk '/Requests\/sec/ {printf "%.0f", $2 * 64}') "
    fi
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
if [ "$with_large" = 1 ]; then
  echo "| server | 4 KiB req/s per round | median | 64 MiB MiB/s per round | median |"
  echo "|---|---|---:|---|---:|"
else
  echo "| server | 4 KiB req/s per round | median |"
  echo "|---|---|---:|"
fi
for server in "${servers[@]}"; do
  line="| $server | ${small[$server]}| $(echo "${small[$server]}" | median) |"
  if [ "$with_large" = 1 ]; then line+=" ${large[$server]}| $(echo "${large[$server]}" | median) |"; fi
  echo "$line"
done
echo
for pair in "${pairs[@]}"; do
  ours=${pair%/*} peer=${pair#*/}
  s1=$(echo "${small[$ours]}" | median); s2=$(echo "${small[$peer]}" | median)
  line="$pair: 4 KiB $(awk "BEGIN {printf \"%.2f\", $s1 / $s2}")x"
  if [ "$with_large" = 1 ]; then
    l1=$(echo "${large[$ours]}" | median); l2=$(echo "${large[$peer]}" | median)
    line+=", 64 MiB $(awk "BEGIN {printf \"%.2f\", $l1 / $l2}")x"
  fi
  echo "$line"
done
