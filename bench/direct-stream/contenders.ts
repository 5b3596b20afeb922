/** The servers compared by the direct-stream benchmark, each run as its own process. */
export interface Contender {
  /** Short label used in tables. */
  name: string;
  description: string;
  script: URL;
  /** A sendoff server (compared with every peer in the report), rather than a peer. */
  ours?: boolean;
}

const nodeSend: Contender = {
  name: 'send',
  description: 'node:http + send',
  script: new URL('./servers/node-send.ts', import.meta.url),
};

export const contenders: readonly Contender[] = [
  {
    name: 'sendoff',
    description: 'Koa + sendoff directStream through @sendoff/koa',
    script: new URL('./servers/sendoff-koa.ts', import.meta.url),
    ours: true,
  },
  {
    name: 'sendoff (cache)',
    description: 'the same, over a LocalStorage with its opt-in `cache: { maxAgeMs: 1000 }` (a hot file\'s lookup and descriptor reused for up to a second)',
    script: new URL('./servers/sendoff-koa-cached.ts', import.meta.url),
    ours: true,
  },
  {
    name: 'koa-send',
    description: 'Koa + koa-send',
    script: new URL('./servers/koa-send.ts', import.meta.url),
  },
  nodeSend,
];

/** The servers of the framework-adapter comparison, each run as its own process like the ones above. */
export const adapterContenders = {
  sendoffNode: {
    name: 'sendoff node:http',
    description: 'node:http + `deliver` of @sendoff/core/node (directStream)',
    script: new URL('./servers/sendoff-node.ts', import.meta.url),
  },
  sendoffNodeCached: {
    name: 'sendoff node:http (cache)',
    description: 'the same over a LocalStorage with its opt-in `cache: { maxAgeMs: 1000 }`',
    script: new URL('./servers/sendoff-node-cached.ts', import.meta.url),
  },
  send: nodeSend,
  sendoffExpress: {
    name: 'sendoff Express',
    description: 'Express 5 + the `sendoff()` middleware of @sendoff/express (directStream)',
    script: new URL('./servers/sendoff-express.ts', import.meta.url),
  },
  expressSendFile: {
    name: 'res.sendFile',
    description: "Express 5 + its own file sender, `res.sendFile` (built on send)",
    script: new URL('./servers/express-sendfile.ts', import.meta.url),
  },
  sendoffFastify: {
    name: 'sendoff Fastify',
    description: 'Fastify 5 + `reply.sendoff()` of @sendoff/fastify (directStream)',
    script: new URL('./servers/sendoff-fastify.ts', import.meta.url),
  },
  fastifyStatic: {
    name: '@fastify/static',
    description: "Fastify 5 + `reply.sendFile` of @fastify/static",
    script: new URL('./servers/fastify-static.ts', import.meta.url),
  },
  sendoffHono: {
    name: 'sendoff Hono',
    description: 'Hono on @hono/node-server + `deliverResponse` of @sendoff/fetch (directStream)',
    script: new URL('./servers/sendoff-hono.ts', import.meta.url),
  },
  honoStatic: {
    name: 'serveStatic',
    description: "Hono on @hono/node-server + its own file sender, `serveStatic`",
    script: new URL('./servers/hono-static.ts', import.meta.url),
  },
} satisfies Record<string, Contender>;

/** One adapter against the file senders of its framework (and of plain Node), measured in the same run. */
export interface AdapterComparison {
  framework: string;
  ours: Contender;
  peers: readonly Contender[];
}

export const adapterComparisons: readonly AdapterComparison[] = [
  { framework: 'node:http', ours: adapterContenders.sendoffNode, peers: [adapterContenders.send] },
  { framework: 'node:http', ours: adapterContenders.sendoffNodeCached, peers: [adapterContenders.send] },
  { framework: 'Express 5', ours: adapterContenders.sendoffExpress, peers: [adapterContenders.expressSendFile, adapterContenders.send] },
  { framework: 'Fastify 5', ours: adapterContenders.sendoffFastify, peers: [adapterContenders.fastifyStatic] },
  { framework: 'Hono', ours: adapterContenders.sendoffHono, peers: [adapterContenders.honoStatic] },
];
