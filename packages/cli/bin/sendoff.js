#!/usr/bin/env node
// The `sendoff` command. Runs the built CLI when there is one (published package), otherwise the
// TypeScript sources (workspace checkout). tsx is registered either way so that a deployment module
// may be written in TypeScript (sendoff.config.ts).
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const built = new URL('../dist/main.js', import.meta.url);
const { register: registerTsx } = await import('tsx/esm/api');
if (!existsSync(built)) {
  // Workspace packages resolve each other to their sources through the `sendoff-source` condition.
  register(
    'data:text/javascript,export async function resolve(s,c,n){return n(s,{...c,conditions:[...c.conditions,"sendoff-source"]})}',
  );
}
registerTsx();
const main = existsSync(built) ? built : new URL('../src/main.ts', import.meta.url);
const { run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
