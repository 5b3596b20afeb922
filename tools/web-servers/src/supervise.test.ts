import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { findFreePort, findWebServerBinary, startWebServer, type RunningWebServer } from './supervise.js';

describe('startWebServer', () => {
  let dir: string;
  let server: RunningWebServer | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sendoff-supervise-'));
    await chmod(dir, 0o755);
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('runs nginx in the foreground until stopped, then frees the port', async () => {
    await writeFile(join(dir, 'hello.txt'), 'hello from nginx\n');
    const port = await findFreePort();
    const config = `events {}\nhttp { access_log off;\n client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;\n` +
      ` server { listen 127.0.0.1:${port}; root ${dir}; } }\n`;
    server = await startWebServer('nginx', config, dir, { listen: { host: '127.0.0.1', port } });
    const response = await fetch(`http://127.0.0.1:${port}/hello.txt`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('server')).to.match(/^nginx/);
    expect(await response.text()).to.equal('hello from nginx\n');
    await server.stop();
    const after = await fetch(`http://127.0.0.1:${port}/hello.txt`).then(() => 'answered', () => 'refused');
    expect(after).to.equal('refused');
  });

  it('refuses to start on a port another process already answers on, and leaves that process alone', async () => {
    const other = createServer((_req, res) => res.end('the other process\n'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as AddressInfo;
    try {
      const config = `events {}\nhttp { access_log off;\n client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;\n` +
        ` server { listen 127.0.0.1:${port}; root ${dir}; } }\n`;
      const failure = await startWebServer('nginx', config, dir, { listen: { host: '127.0.0.1', port } })
        .then((started) => { server = started; return undefined; }, (error: unknown) => error as Error & { code: string });
      expect(failure?.code).to.equal('CONFIG_INVALID');
      expect(failure?.message).to.equal(`127.0.0.1:${port} is already in use: another process answers there; stop it or choose another port`);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).to.equal('the other process\n');
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('quotes the server output when the config is rejected', async () => {
    const port = await findFreePort();
    const failure = await startWebServer('nginx', 'events {}\nhttp { no_such_directive on; }\n', dir, { listen: { host: '127.0.0.1', port } })
      .then(() => undefined, (error: unknown) => error as Error & { code: string });
    expect(failure?.code).to.equal('CONFIG_INVALID');
    expect(failure?.message).to.match(/exited .*unknown directive "no_such_directive"/);
  });

  it('names the Debian package when a binary is missing', () => {
    expect(() => findWebServerBinary('apache', [dir])).to.throw(
      'apache2 not found: install the Debian package(s) apache2 libapache2-mod-xsendfile (apt-get install apache2 libapache2-mod-xsendfile)');
    expect(() => findWebServerBinary('caddy', [dir])).to.throw(/^caddy not found: install the Debian package\(s\) caddy /);
  });

  it('names libapache2-mod-xsendfile when apache2 is there but mod_xsendfile.so is not', async () => {
    const bin = join(dir, 'bin');
    const modules = join(dir, 'modules');
    await mkdir(bin);
    await mkdir(modules);
    await writeFile(join(bin, 'apache2'), '#!/bin/sh\n', { mode: 0o755 });
    expect(() => findWebServerBinary('apache', [bin], modules)).to.throw(
      `mod_xsendfile.so not found in ${modules}: install the Debian package libapache2-mod-xsendfile (apt-get install libapache2-mod-xsendfile)`);
    await writeFile(join(modules, 'mod_xsendfile.so'), '');
    expect(findWebServerBinary('apache', [bin], modules)).to.equal(join(bin, 'apache2'));
    // Only Apache loads it: the other servers do not look.
    await writeFile(join(bin, 'nginx'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findWebServerBinary('nginx', [bin], join(dir, 'nowhere'))).to.equal(join(bin, 'nginx'));
  });

  it('kills a server still running when Node exits: the exit hook comes with the first start, once', async () => {
    await writeFile(join(dir, 'hello.txt'), 'hello from lighttpd\n');
    const port = await findFreePort();
    const config = `server.document-root = "${dir}"\nserver.bind = "127.0.0.1"\nserver.port = ${port}\n`;
    const code = [
      `import { startWebServer } from './src/supervise.ts';`,
      `const exitListeners = () => process.listenerCount('exit');`,
      `const before = exitListeners();`,
      `const first = await startWebServer('lighttpd', ${JSON.stringify(config)}, ${JSON.stringify(dir)}, { listen: { host: '127.0.0.1', port: ${port} } });`,
      `const afterFirst = exitListeners();`,
      `await first.stop();`,
      `const second = await startWebServer('lighttpd', ${JSON.stringify(config)}, ${JSON.stringify(dir)}, { listen: { host: '127.0.0.1', port: ${port} } });`,
      `const body = await (await fetch('http://127.0.0.1:${port}/hello.txt')).text();`,
      `process.stdout.write(JSON.stringify({ before, afterFirst, afterSecond: exitListeners(), pid: second.pid, body }));`,
      `process.exit(0);`, // without stopping the second server
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: PACKAGE_DIR });
    const child = JSON.parse(stdout) as { before: number; afterFirst: number; afterSecond: number; pid: number; body: string };
    expect(child.body).to.equal('hello from lighttpd\n');
    expect(child.afterFirst).to.equal(child.before + 1);
    expect(child.afterSecond).to.equal(child.before + 1);
    await untilGone(child.pid);
    const after = await fetch(`http://127.0.0.1:${port}/hello.txt`).then(() => 'answered', () => 'refused');
    expect(after).to.equal('refused');
  });
});

const PACKAGE_DIR = fileURLToPath(new URL('../', import.meta.url));

/** Waits until no process has `pid` (a killed server is reaped by init once its parent is gone). */
async function untilGone(pid: number): Promise<void> {
  while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 20));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
