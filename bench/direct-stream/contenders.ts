/** The servers compared by the direct-stream benchmark, each run as its own process. */
export interface Contender {
  /** Short label used in tables. */
  name: string;
  description: string;
  script: URL;
  /**
   * For a sendoff contender: the peers it is compared with, the first being the framework's own
   * file sender it must match (at least 1.0x).
   */
  peers?: readonly string[];
}

export const contenders: readonly Contender[] = [
  {
    name: 'sendoff',
    description: 'Koa + sendoff directStream through @sendoff/koa',
    script: new URL('./servers/sendoff-koa.ts', import.meta.url),
    peers: ['koa-send', 'send'],
  },
  {
    name: 'koa-send',
    description: 'Koa + koa-send',
    script: new URL('./servers/koa-send.ts', import.meta.url),
  },
  {
    name: 'send',
    description: 'node:http + send',
    script: new URL('./servers/node-send.ts', import.meta.url),
  },
  {
    name: 'sendoff-hono',
    description: 'Hono on @hono/node-server + sendoff directStream through @sendoff/fetch (deliverResponse)',
    script: new URL('./servers/sendoff-hono.ts', import.meta.url),
    peers: ['hono-static'],
  },
  {
    name: 'hono-static',
    description: 'Hono on @hono/node-server + its serveStatic',
    script: new URL('./servers/hono-static.ts', import.meta.url),
  },
];

/** Every (sendoff contender, peer) pair, in the order of the contenders and their peers. */
export function comparisons(): Array<{ ours: Contender; peer: Contender }> {
  return contenders.flatMap((ours) =>
    (ours.peers ?? []).map((name) => ({ ours, peer: contenders.find((contender) => contender.name === name) ?? fail(`unknown peer ${name}`) })),
  );
}

function fail(message: string): never {
  throw new Error(message);
}
