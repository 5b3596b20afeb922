/**
 * `npm start` with a web-server profile and a DATA_DIR the server's workers cannot enter (a 0700
 * directory owned by root, as `mkdtemp` makes it): the app prints the cause and the fix and exits
 * 1, having stopped the web server it started. Run as root: only then do the servers switch their
 * workers to www-data.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ROOT_WORKER_USER, findFreePort } from '@sendoff-tools/web-servers';
import { startAppProcess } from './app-process.js';

describe('e2e: npm start refuses a web server that cannot read DATA_DIR (as root)', function () {
  this.timeout(60_000);

  let dataDir = '';

  before(() => {
    expect(process.getuid?.(), 'this test needs root: only then do the web servers run their workers as www-data').to.equal(0);
  });
  after(async () => {
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
  });

  it('prints which user cannot enter which directory and how to fix it, exits 1, and leaves the public port free', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sendoff-e2e-refused-'));
    const port = await findFreePort('127.0.0.1');
    const failure = await startAppProcess({ profile: 'nginx', dataDir, env: { PORT: String(port) } }).then(
      async (app) => {
        await app.stop();
        return expect.fail('the app started');
      },
      (error: Error) => error,
    );
    const [head, ...output] = failure.message.split('\n');
    expect(head).to.equal('the app exited (1) before listening:');
    // The start-up check's probe download is logged like any other download (one JSON line).
    expect(output.filter((line) => line !== '' && !line.startsWith('{"msg":"download"'))).to.deep.equal([
      `nginx at http://127.0.0.1:${port} cannot deliver the app's files (GET /_sendoff/probe answered 403): ` +
        `${ROOT_WORKER_USER} cannot enter ${dataDir} (drwx------ root:root): chmod o+x ${dataDir}, or run the web server as a user that can read it`,
    ]);
    expect(await connectionTo(port)).to.equal('ECONNREFUSED');
  });
});

/** `answered`, or the error code of a GET to 127.0.0.1:`port`. */
function connectionTo(port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      resolve('answered');
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}
