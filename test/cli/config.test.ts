import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './support/run-cli.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const DEPLOYMENT = fixture('deployment.ts');
const ENV = { SENDOFF_TEST_ROOT: '/srv/app/files', SENDOFF_TEST_LISTEN: '127.0.0.1:8443', SENDOFF_TEST_UPSTREAM: '127.0.0.1:3100' };
const ARGS = ['--config', DEPLOYMENT, '--runtime-dir', '/run/sendoff-test'];

describe('sendoff config (real CLI process)', () => {
  it('nginx: proxy to the upstream and an internal location aliased to the root', async () => {
    const result = await runCli(['config', 'nginx', ...ARGS], ENV);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.contain('listen 127.0.0.1:8443;');
    expect(result.stdout).to.contain('proxy_pass http://127.0.0.1:3100;');
    expect(result.stdout).to.match(/location \^~ \/_protected\/ \{\n\s+internal;\n\s+alias "\/srv\/app\/files\/";/);
    expect(result.stdout).to.contain('pid "/run/sendoff-test/nginx.pid";');
    expect(result.stderr).to.contain("nginx -p /run/sendoff-test -e /run/sendoff-test/error.log -c /run/sendoff-test/nginx.conf -g 'daemon off;'");
  });

  it('nginx: the internal location re-adds the download safety headers, then any --keep-header', async () => {
    const result = await runCli(['config', 'nginx', ...ARGS, '--keep-header', 'X-Request-Id'], ENV);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.match(
      /alias "\/srv\/app\/files\/";\n\s+add_header X-Content-Type-Options \$upstream_http_x_content_type_options;\n\s+add_header Content-Security-Policy \$upstream_http_content_security_policy;\n\s+add_header X-Request-Id \$upstream_http_x_request_id;\n\s+\}/,
    );
  });

  it('apache: mod_xsendfile on, the root whitelisted by its absolute path', async () => {
    const result = await runCli(['config', 'apache', ...ARGS], ENV);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.contain('Listen 127.0.0.1:8443');
    expect(result.stdout).to.contain('ProxyPass / http://127.0.0.1:3100/');
    expect(result.stdout).to.contain('LoadModule xsendfile_module /usr/lib/apache2/modules/mod_xsendfile.so');
    expect(result.stdout).to.match(/<Location \/>[\s\S]*XSendFile On[\s\S]*<\/Location>/);
    expect(result.stdout).to.contain('XSendFilePath "/srv/app/files"');
  });

  it('lighttpd: x-sendfile enabled for the backend, limited to the root', async () => {
    const result = await runCli(['config', 'lighttpd', ...ARGS], ENV);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.contain('server.port = 8443');
    expect(result.stdout).to.contain('"port" => 3100,');
    expect(result.stdout).to.contain('"x-sendfile" => "enable",');
    expect(result.stdout).to.contain('"x-sendfile-docroot" => ( "/srv/app/files/" )');
  });

  it('caddy: handle_response serving X-Accel-Redirect from the root', async () => {
    const result = await runCli(['config', 'caddy', ...ARGS], ENV);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.contain('http://127.0.0.1:8443 {');
    expect(result.stdout).to.contain('reverse_proxy 127.0.0.1:3100 {');
    expect(result.stdout).to.match(/handle_response @accel \{\n\s+root \* "\/srv\/app\/files"\n\s+rewrite \* \{rp\.header\.X-Accel-Redirect\}/);
  });

  it('flags override the addresses of the module', async () => {
    const result = await runCli(['config', 'nginx', ...ARGS, '--listen', '[::1]:9000', '--upstream', 'localhost:4000'], ENV);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.contain('listen [::1]:9000;');
    expect(result.stdout).to.contain('proxy_pass http://localhost:4000;');
  });

  it('nginx: --upstream repeated balances several app processes; the other servers refuse a list', async () => {
    const several = ['--upstream', '127.0.0.1:3001', '--upstream', '127.0.0.1:3002'];
    const nginx = await runCli(['config', 'nginx', ...ARGS, ...several], ENV);
    expect(nginx.code).to.equal(0);
    expect(nginx.stdout).to.contain('  upstream sendoff_app {\n    server 127.0.0.1:3001;\n    server 127.0.0.1:3002;\n  }\n');
    expect(nginx.stdout).to.contain('proxy_pass http://sendoff_app;');
    const apache = await runCli(['config', 'apache', ...ARGS, ...several], ENV);
    expect(apache.code).to.equal(2);
    expect(apache.stdout).to.equal('');
    expect(apache.stderr).to.contain('upstream: the apache config proxies to one app address, got 2 (only nginx balances several)');
  });

  it('request body limit: --max-body-bytes, else the module\'s server.maxBodyBytes, else 100 MiB, in each server\'s unit', async () => {
    const byDefault = await runCli(['config', 'nginx', ...ARGS], ENV);
    expect(byDefault.code).to.equal(0);
    expect(byDefault.stdout).to.contain('client_max_body_size 104857600;');
    const fromModule = await runCli(['config', 'apache', ...ARGS], { ...ENV, SENDOFF_TEST_MAX_BODY: '2097152' });
    expect(fromModule.code).to.equal(0);
    expect(fromModule.stdout).to.contain('RewriteCond expr "%{HTTP:Content-Length} -gt 2097152"');
    const fromFlag = await runCli(['config', 'lighttpd', ...ARGS, '--max-body-bytes', '1048577'], { ...ENV, SENDOFF_TEST_MAX_BODY: '2097152' });
    expect(fromFlag.code).to.equal(0);
    expect(fromFlag.stdout).to.contain('server.max-request-size = 1025\n');
    const caddy = await runCli(['config', 'caddy', ...ARGS, '--max-body-bytes', '1048577'], ENV);
    expect(caddy.stdout).to.contain('max_size 1048577\n');
  });

  it('exit 2: a --max-body-bytes that is not a positive whole number of bytes', async () => {
    const text = await runCli(['config', 'nginx', ...ARGS, '--max-body-bytes', '100MB'], ENV);
    expect(text.code).to.equal(2);
    expect(text.stdout).to.equal('');
    expect(text.stderr).to.equal('sendoff config: --max-body-bytes: expected a whole number of bytes, got "100MB"\n');
    const zero = await runCli(['config', 'nginx', ...ARGS, '--max-body-bytes', '0'], ENV);
    expect(zero.code).to.equal(2);
    expect(zero.stderr).to.equal('sendoff config: maxBodyBytes must be a positive whole number of bytes, got 0\n');
    const tooBig = await runCli(['config', 'lighttpd', ...ARGS, '--max-body-bytes', '9007199254740991'], ENV);
    expect(tooBig.code).to.equal(2);
    expect(tooBig.stderr).to.equal('sendoff config: maxBodyBytes: lighttpd takes at most 4398046510080 bytes, got 9007199254740991\n');
  });

  describe('a TypeScript module outside an ESM package (no package.json)', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'sendoff-config-cjs-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    /** The deployment fixture, importing the core by its file URL (the temp dir has no node_modules). */
    async function writeModule(name: string): Promise<void> {
      const core = new URL('../../packages/core/src/index.ts', import.meta.url).href;
      const text = (await readFile(DEPLOYMENT, 'utf8')).replace("'@sendoff/core'", JSON.stringify(core));
      await writeFile(join(dir, name), text);
    }

    it('sendoff.config.ts found in the working directory and loaded', async () => {
      await writeModule('sendoff.config.ts');
      const result = await runCli(['config', 'nginx', '--runtime-dir', join(dir, 'run')], ENV, dir);
      expect(result.stderr).to.not.contain('cannot load');
      expect(result.code).to.equal(0);
      expect(result.stdout).to.contain('listen 127.0.0.1:8443;');
      expect(result.stdout).to.contain('alias "/srv/app/files/";');
    });

    it('sendoff.config.mts is one of the default names', async () => {
      await writeModule('sendoff.config.mts');
      const result = await runCli(['config', 'caddy', '--runtime-dir', join(dir, 'run')], ENV, dir);
      expect(result.code).to.equal(0);
      expect(result.stdout).to.contain('reverse_proxy 127.0.0.1:3100 {');
    });

    it('a .ts module passed with --config', async () => {
      await writeModule('deploy.ts');
      const result = await runCli(['config', 'lighttpd', '--config', join(dir, 'deploy.ts'), '--runtime-dir', join(dir, 'run')], ENV);
      expect(result.code).to.equal(0);
      expect(result.stdout).to.contain('"x-sendfile-docroot" => ( "/srv/app/files/" )');
    });
  });

  describe('from flags alone (no deployment module)', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'sendoff-config-flags-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    /** `sendoff config <args>` run in an empty directory: no sendoff.config.* to find. */
    const runInEmptyDir = (args: string[]) => runCli(['config', ...args, '--runtime-dir', '/run/sendoff-test'], {}, dir);

    it('nginx: --root and --prefix make the internal location', async () => {
      const result = await runInEmptyDir(['nginx', '--root', '/srv/files', '--prefix', '/files/', '--listen', '127.0.0.1:8443', '--upstream', '127.0.0.1:3100']);
      expect(result.stderr).to.not.contain('sendoff config:');
      expect(result.code).to.equal(0);
      expect(result.stdout).to.contain('listen 127.0.0.1:8443;');
      expect(result.stdout).to.contain('proxy_pass http://127.0.0.1:3100;');
      expect(result.stdout).to.match(/location \^~ \/files\/ \{\n\s+internal;\n\s+alias "\/srv\/files\/";/);
    });

    it('nginx: the prefix defaults to /_protected/, the addresses to 127.0.0.1:8080 and 127.0.0.1:3000', async () => {
      const result = await runInEmptyDir(['nginx', '--root', '/srv/files']);
      expect(result.code).to.equal(0);
      expect(result.stdout).to.contain('listen 127.0.0.1:8080;');
      expect(result.stdout).to.contain('proxy_pass http://127.0.0.1:3000;');
      expect(result.stdout).to.match(/location \^~ \/_protected\/ \{\n\s+internal;\n\s+alias "\/srv\/files\/";/);
    });

    it('a relative --root is taken from the working directory', async () => {
      const result = await runInEmptyDir(['lighttpd', '--root', 'files']);
      expect(result.code).to.equal(0);
      expect(result.stdout).to.contain(`"x-sendfile-docroot" => ( "${join(dir, 'files')}/" )`);
    });

    it('apache, lighttpd and caddy: --root alone', async () => {
      const apache = await runInEmptyDir(['apache', '--root', '/srv/files']);
      expect(apache.code).to.equal(0);
      expect(apache.stdout).to.contain('XSendFilePath "/srv/files"');
      const lighttpd = await runInEmptyDir(['lighttpd', '--root', '/srv/files']);
      expect(lighttpd.code).to.equal(0);
      expect(lighttpd.stdout).to.contain('"x-sendfile-docroot" => ( "/srv/files/" )');
      const caddy = await runInEmptyDir(['caddy', '--root', '/srv/files']);
      expect(caddy.code).to.equal(0);
      expect(caddy.stdout).to.match(/handle_response @accel \{\n\s+root \* "\/srv\/files"/);
    });

    it('exit 2: --prefix is for nginx only, and --root does not mix with a module', async () => {
      const prefix = await runInEmptyDir(['apache', '--root', '/srv/files', '--prefix', '/files/']);
      expect(prefix.code).to.equal(2);
      expect(prefix.stdout).to.equal('');
      expect(prefix.stderr).to.equal('sendoff config: --prefix applies to nginx only (apache serves the file by its path under --root)\n');
      const prefixAlone = await runInEmptyDir(['nginx', '--prefix', '/files/']);
      expect(prefixAlone.code).to.equal(2);
      expect(prefixAlone.stderr).to.equal('sendoff config: --prefix needs --root\n');
      const both = await runInEmptyDir(['nginx', '--root', '/srv/files', '--config', DEPLOYMENT]);
      expect(both.code).to.equal(2);
      expect(both.stderr).to.equal('sendoff config: --root (with --prefix) describes the strategy; --config reads it from a module: give one of them\n');
      const strategy = await runInEmptyDir(['nginx', '--root', '/srv/files', '--strategy', 'xAccel']);
      expect(strategy.code).to.equal(2);
      expect(strategy.stderr).to.equal("sendoff config: --strategy picks among a module's strategies; --root describes the only one\n");
    });

    it('exit 2: a bad prefix is refused with the strategy\'s own message', async () => {
      const result = await runInEmptyDir(['nginx', '--root', '/srv/files', '--prefix', 'files']);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/^sendoff config: xAccel: prefix must start and end with "\/"/);
    });

    it('exit 2: neither flags nor a module says where the files are', async () => {
      const result = await runInEmptyDir(['nginx']);
      expect(result.code).to.equal(2);
      expect(result.stdout).to.equal('');
      expect(result.stderr).to.equal('sendoff config: where are the files? pass --root DIR (and --prefix for nginx), or --config FILE, or create sendoff.config.ts\n');
    });

    it('--help names --root and --prefix', async () => {
      const result = await runInEmptyDir(['--help']);
      expect(result.code).to.equal(0);
      expect(result.stdout).to.match(/--root DIR +the storage root the server sends files from/);
      expect(result.stdout).to.match(/--prefix PATH +nginx: the internal location \(default: \/_protected\/\)/);
    });
  });

  it('exit 2 with one clear line: missing module', async () => {
    const result = await runCli(['config', 'nginx', '--config', 'does-not-exist.config.ts']);
    expect(result.code).to.equal(2);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.equal('sendoff config: deployment module not found: does-not-exist.config.ts\n');
  });

  it('exit 2: a module without a default-exported deployment', async () => {
    const result = await runCli(['config', 'nginx', '--config', fixture('no-default.ts')]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/must default-export a deployment config with `strategies`\n$/);
  });

  it('exit 2: no strategy for the requested server names the one to add', async () => {
    const result = await runCli(['config', 'lighttpd', '--config', fixture('nginx-only.ts')]);
    expect(result.code).to.equal(2);
    expect(result.stdout).to.equal('');
    expect(result.stderr).to.equal(
      "sendoff config: no strategy for lighttpd in the deployment (strategies: xAccel): add xSendfile({ server: 'lighttpd', root })\n");
  });

  it('exit 2: bad addresses and unknown servers', async () => {
    const badPort = await runCli(['config', 'nginx', ...ARGS, '--listen', '127.0.0.1:99999'], ENV);
    expect(badPort.code).to.equal(2);
    expect(badPort.stderr).to.equal('sendoff config: --listen: port must be 1-65535, got "127.0.0.1:99999"\n');
    const noPort = await runCli(['config', 'nginx', ...ARGS, '--upstream', 'example.org'], ENV);
    expect(noPort.code).to.equal(2);
    expect(noPort.stderr).to.equal('sendoff config: --upstream: expected host:port, got "example.org"\n');
    const unknown = await runCli(['config', 'iis', ...ARGS], ENV);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.equal('sendoff config: unknown server "iis": use nginx, apache, lighttpd, caddy\n');
  });

  it('exit 2: a storage root the generator refuses to write into a config', async () => {
    const result = await runCli(['config', 'nginx', ...ARGS], { ...ENV, SENDOFF_TEST_ROOT: '/srv/a"b' });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/^sendoff config: xAccel root contains characters a server config cannot hold safely/);
  });

  it('exit 2 on an unknown option or command', async () => {
    const option = await runCli(['config', 'nginx', '--bogus']);
    expect(option.code).to.equal(2);
    expect(option.stderr).to.match(/^sendoff config: Unknown option '--bogus'/);
    const command = await runCli(['deploy']);
    expect(command.code).to.equal(2);
    expect(command.stderr).to.equal('sendoff: unknown command "deploy" (known: config, doctor, migrate)\n');
  });
});
