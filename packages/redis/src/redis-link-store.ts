/**
 * Link state in Redis, for every process that verifies links: one hash per link (`uses`,
 * `revoked`) that Redis forgets a minute after the link expires. A use is one script, so two
 * processes racing for the last use cannot both win; it leaves a receipt for a few seconds so a use
 * the signer refused for being late (503) can be given back.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { configInvalid, type LinkStore, type LinkUse } from '@sendoff/core';
import { luaScript, runScript } from './run-script.js';

export const DEFAULT_LINK_PREFIX = 'sendoff:link:';

/** Kept this long past a link's expiry, so a clock a little behind Redis's never revives it. */
const GRACE_MS = 60_000;

const EXPIRE_AFTER = `local t = redis.call('TIME')
local keep = math.max(tonumber(ARGV[1]), tonumber(t[1]) * 1000 + ${GRACE_MS})
redis.call('PEXPIREAT', KEYS[1], keep)`;

/** How long a use's receipt is kept: its give-back is sent right behind it on the same connection. */
const RECEIPT_MS = 10_000;

/** KEYS: the link's hash, the use's receipt. ARGV: expiry (ms), max uses. */
const USE = luaScript(`if redis.call('HGET', KEYS[1], 'revoked') == '1' then return 'revoked' end
local uses = tonumber(redis.call('HGET', KEYS[1], 'uses') or '0')
if uses >= tonumber(ARGV[2]) then return 'used-up' end
redis.call('HINCRBY', KEYS[1], 'uses', 1)
redis.call('SET', KEYS[2], '1', 'PX', ${RECEIPT_MS})
${EXPIRE_AFTER}
return 'allowed'`);

/** KEYS: the link's hash, the receipt of the use to give back. Gives it back only if it was counted. */
const GIVE_BACK = `if redis.call('DEL', KEYS[2]) == 1 then redis.call('HINCRBY', KEYS[1], 'uses', -1) end
return 1`;

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
    async use(id, maxUses, expiresAt, signal) {
      // Link ids hold no ':', so no receipt is ever another link's key.
      const keys = [keyOf(id), `${keyOf(id)}:use:${randomBytes(12).toString('base64url')}`];
      // A use the signer gave up on may still run once a stalled Redis answers: the give-back,
      // sent after it on the same connection, runs after it and undoes it if it counted.
      const giveBack = () => void client.eval(GIVE_BACK, keys.length, ...keys).catch(() => undefined);
      signal?.addEventListener('abort', giveBack, { once: true });
      return (await runScript(client, USE, keys, [expiresAt.getTime(), maxUses])) as LinkUse;
    },
    async revoke(id, expiresAt) {
      await runScript(client, REVOKE, [keyOf(id)], [expiresAt.getTime()]);
    },
    async isRevoked(id) {
      return (await client.hget(keyOf(id), 'revoked')) === '1';
    },
  };
}
