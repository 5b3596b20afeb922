#!/usr/bin/env bash
# The same server under both load generators, with what each side spends: for each server script
# (bench/direct-stream/servers/<name>.ts, one process on 127.0.0.1), 8 s of autocannon (Node,
# 32 connections) then 8 s of wrk (C, 1 thread, 32 connections) on one 4 KiB file; prints the
# requests, the server's CPU time per request (main thread and libuv pool, from /proc) and the
# client's CPU time. Run on a quiet machine: the two clients then agree, and the ratio between
# servers is their CPU per request.
#   bash bench/direct-stream/client-cost.sh [server ...]   (default: sendoff-node node-send sendoff-koa sendoff-koa-cached koa-send)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
servers=("$@")
[ ${#servers[@]} -gt 0 ] || servers=(sendoff-node node-send sendoff-koa sendoff-koa-cached koa-send)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
head -c 4096 /dev/urandom > "$root/small.bin"
ticks_per_second=$(getconf CLK_TCK)
printf '| server | client | req/s | server CPU µs/request | client CPU s |\n|---|---|---:|---:|---:|\n'
for name in "${servers[@]}"; do
  out="$root/$name.port"
  node --import tsx "bench/direct-stream/servers/$name.ts" "$root" > "$out" &
  pid=$!
  for _ in $(seq 100); do grep -q port "$out" 2>/dev/null && break; sleep 0.1; done
  port=$(grep -o '[0-9]\+' "$out" | head -1)
  url="http://127.0.0.1:$port/small.bin"
  for client in autocannon wrk; do
    before=$(awk '{print $14+$15}' "/proc/$pid/stat")
    if [ "$client" = autocannon ]; then
      result=$( { /usr/bin/time -f 'client %U %S' npx autocannon -j -c 32 -d 8 "$url" > "$root/ac.json"; } 2>&1 )
      requests=$(node -e 'const r=require(process.argv[1]); console.log(r.requests.total)' "$root/ac.json")
    else
      result=$( { /usr/bin/time -f 'client %U %S' wrk -t1 -c32 -d8s "$url" > "$root/wrk.txt"; } 2>&1 )
      requests=$(grep -o '^ *[0-9]\+ requests in' "$root/wrk.txt" | grep -o '[0-9]\+')
    fi
    after=$(awk '{print $14+$15}' "/proc/$pid/stat")
    client_cpu=$(echo "$result" | awk '/^client/ {print $2+$3}')
    awk -v n="$name" -v c="$client" -v r="$requests" -v t=$((after - before)) -v hz="$ticks_per_second" -v cc="$client_cpu" \
      'BEGIN { printf "| %s | %s | %d | %.0f | %.2f |\n", n, c, r / 8, t / hz * 1e6 / r, cc }'
  done
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
done
