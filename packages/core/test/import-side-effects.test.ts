import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Every process event and its listener count, in a fresh Node before and after importing `specifiers`. */
async function processListenersAround(specifiers: string[]): Promise<{ before: Record<string, number>; after: Record<string, number> }> {
  const code = [
    'const listeners = () => Object.fromEntries(process.eventNames().map((name) => [String(name), process.listenerCount(name)]));',
    'const before = listeners();',
    ...specifiers.map((specifier) => `await import(${JSON.stringify(specifier)});`),
    'process.stdout.write(JSON.stringify({ before, after: listeners() }));',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: PACKAGE_DIR });
  return JSON.parse(stdout) as { before: Record<string, number>; after: Record<string, number> };
}

describe('importing @sendoff/core', () => {
  it('adds no process listener (no exit hook, no signal handler)', async () => {
    const { before, after } = await processListenersAround(['@sendoff/core', '@sendoff/core/http', '@sendoff/core/servers', '@sendoff/core/node', '@sendoff/core/testing']);
    expect(after).to.deep.equal(before);
  });
});
