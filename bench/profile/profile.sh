#!/usr/bin/env bash
# CPU profile of one benchmark server under wrk: the server script (bench/direct-stream/servers/<name>.ts,
# or bench/offload/servers/offload-app.ts with a route) runs with `node --cpu-prof` on 127.0.0.1, wrk
# (1 thread, 32 connections) warms it up for 2 s and loads it for N s; prints req/s, the process's CPU
# time per request (all threads, from /proc) and the profile's summary (bench/profile/summarize.ts).
#   bash bench/profile/profile.sh <server name> [seconds]         e.g. sendoff-koa, koa-send, node-send
#   bash bench/profile/profile.sh offload <route> [seconds]         e.g. /accel/large/large.bin, /bare
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 1; }
name=$1; shift
route=/small.bin
if [ "$name" = offload ]; then route=$1; shift; fi
seconds=${1:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/files/large" "$work/profile"
head -c 4096 /dev/urandom > "$work/files/small.bin"
head -c 1048576 /dev/urandom > "$work/files/large/large.bin"
if [ "$name" = offload ]; then
  node --cpu-prof --cpu-prof-dir="$work/profile" --import tsx bench/offload/servers/offload-app.ts "$work/files" /_protected/ > "$work/port" &
else
  node --cpu-prof --cpu-prof-dir="$work/profile" --import tsx "bench/direct-stream/servers/$name.ts" "$work/files" > "$work/port" &
fi
pid=$!
for _ in $(seq 100); do grep -q port "$work/port" 2>/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$(grep -o '[0-9]\+' "$work/port" | head -1)$route"
wrk -t1 -c32 -d2s "$url" > /dev/null
before=$(awk '{print $14+$15}' "/proc/$pid/stat")
wrk -t1 -c32 -d"${seconds}s" "$url" > "$work/wrk.txt"
after=$(awk '{print $14+$15}' "/proc/$pid/stat")
requests=$(grep -o '^ *[0-9]\+ requests in' "$work/wrk.txt" | grep -o '[0-9]\+')
grep -q 'Non-2xx' "$work/wrk.txt" && { echo "non-2xx answers:" >&2; cat "$work/wrk.txt" >&2; exit 1; }
kill -TERM "$pid"; wait "$pid" || true
echo "$name $route: $((requests / seconds)) req/s, $(( (after - before) * 1000000 / $(getconf CLK_TCK) / requests )) µs CPU per request (all threads), load average $(cut -d' ' -f1 /proc/loadavg)"
echo
node --import tsx bench/profile/summarize.ts "$work/profile"
