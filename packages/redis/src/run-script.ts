/**
 * Runs a Lua script by its SHA1 (EVALSHA), loading it with EVAL the first time a server does not
 * know it (NOSCRIPT): one round trip, and the script text crosses the wire once per server.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LuaScript {
  text: string;
  sha: string;
}

export function luaScript(text: string): LuaScript {
  return { text, sha: createHash('sha1').update(text).digest('hex') };
}

export async function runScript(client: Redis, script: LuaScript, keys: string[], args: Array<string | number>): Promise<unknown> {
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
    return client.eval(script.text, keys.length, ...keys, ...args);
  }
}

/** Whether the client is connected now: a call made otherwise would only wait in its offline queue. */
export function isReady(client: Redis): boolean {
  return client.status === 'ready';
}
