/**
 * Link state in Redis, for every process that verifies links: one hash per link (`uses`,
 * `revoked`) that Redis forgets a minute after the link expires. A use is one script, so two
 * processes racing for the last use cannot both win.
 */
import type { Redis } from 'ioredis';
import { configInvalid, type LinkStore, type LinkUse } from '@sendoff/core';
import { luaScript, runScript } from './run-script.js';

export const DEFAULT_LINK_PREFIX = 'sendoff:link:';

/** Kept this long past a link's expiry, so a clock a little behind Redis's never revives it. */
const GRACE_MS = 60_000;

const EXPIRE_AFTER = `local t = redis.call('TIME')
local keep = math.max(tonumber(ARGV[1]), tonumber(t[1]) * 1000 + ${GRACE_MS})
redis.call('PEXPIREAT', KEYS[1], keep)`;

/** KEYS: the link's hash. ARGV: expiry (ms), max uses. */
const USE = luaScript(`if redis.call('HGET', KEYS[1], 'revoked') == '1' then return 'revoked' end
local uses = tonumber(redis.call('HGET', KEYS[1], 'uses') or '0')
if uses >= tonumber(ARGV[2]) then return 'used-up' end
redis.call('HINCRBY', KEYS[1], 'uses', 1)
${EXPIRE_AFTER}
return 'allowed'`);

/** KEYS: the link's hash. ARGV: expiry (ms). */
const REVOKE = luaScript(`redis.call('HSET', KEYS[1], 'revoked', '1')
${EXPIRE_AFTER}
return 1`);

export interface RedisLinkStoreOptions {
  /** The app's ioredis client. */
  client: Redis;
  /** Prefix of every key. Default `sendoff:link:`. */
  prefix?: string;
  /** How long the signer waits for an answer before refusing the link with 503. Default 200 ms. */
  timeoutMs?: number;
}

export function redisLinkStore(options: RedisLinkStoreOptions): LinkStore {
  const client = options?.client;
  if (typeof client !== 'object' || client === null || typeof client.evalsha !== 'function') throw configInvalid('redisLinkStore: client must be an ioredis client');
  const prefix = options.prefix ?? DEFAULT_LINK_PREFIX;
  const keyOf = (id: string) => `${prefix}${id}`;
  return {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    async use(id, maxUses, expiresAt) {
      return (await runScript(client, USE, [keyOf(id)], [expiresAt.getTime(), maxUses])) as LinkUse;
    },
    async revoke(id, expiresAt) {
      await runScript(client, REVOKE, [keyOf(id)], [expiresAt.getTime()]);
    },
    async isRevoked(id) {
      return (await client.hget(keyOf(id), 'revoked')) === '1';
    },
  };
}
