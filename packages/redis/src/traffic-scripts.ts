/**
 * The Lua side of `redisTraffic`. Every time is Redis's own (TIME), so processes on machines whose
 * clocks differ still count in the same seconds and expire each other's entries consistently.
 *
 * Keys: `<prefix>streams` (hash: process id → its streams in flight), `<prefix>alive` (sorted set:
 * process id → the time its entry expires unless renewed), `<prefix>downloads:<second>` and
 * `<prefix>bytes:<second>` (counters that expire once out of every window).
 */
import { luaScript } from './run-script.js';

const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: streams, alive. ARGV: process id, its streams, entry lifetime (ms). */
export const PUBLISH_STREAMS = luaScript(`${NOW_MS}
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[3]), ARGV[1])
return 1`);

/** KEYS: streams, alive. ARGV: process id. */
export const WITHDRAW = luaScript(`redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`);

/** KEYS: downloads key base, bytes key base. ARGV: bytes, counter lifetime (s). */
export const RECORD_DOWNLOAD = luaScript(`local second = redis.call('TIME')[1]
local downloads = KEYS[1] .. second
redis.call('INCR', downloads)
redis.call('EXPIRE', downloads, ARGV[2])
if tonumber(ARGV[1]) > 0 then
  local bytes = KEYS[2] .. second
  redis.call('INCRBY', bytes, ARGV[1])
  redis.call('EXPIRE', bytes, ARGV[2])
end
return 1`);

/**
 * KEYS: streams, alive, downloads key base, bytes key base. ARGV: window (s).
 * Drops the entries of processes that stopped renewing them, then sums. Returns
 * { streams, downloads in the window, bytes in the window }.
 */
export const SNAPSHOT = luaScript(`${NOW_MS}
local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, id in ipairs(dead) do redis.call('HDEL', KEYS[1], id) end
if #dead > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now) end
local streams = 0
for _, count in ipairs(redis.call('HVALS', KEYS[1])) do streams = streams + tonumber(count) end
local second = tonumber(t[1])
local downloads, bytes = 0, 0
for back = 0, tonumber(ARGV[1]) - 1 do
  downloads = downloads + tonumber(redis.call('GET', KEYS[3] .. (second - back)) or '0')
  bytes = bytes + tonumber(redis.call('GET', KEYS[4] .. (second - back)) or '0')
end
return { streams, downloads, bytes }`);
