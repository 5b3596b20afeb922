/** The servers compared by the direct-stream benchmark, each run as its own process. */
export interface Contender {
  /** Short label used in tables. */
  name: string;
  description: string;
  script: URL;
}

export const contenders: readonly Contender[] = [
  {
    name: 'sendoff',
    description: 'Koa + sendoff directStream through @sendoff/koa',
    script: new URL('./servers/sendoff-koa.ts', import.meta.url),
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
];
