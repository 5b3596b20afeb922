import { expect } from 'chai';
import { caddyAccel } from '../strategies/caddy-accel.js';
import { xAccel } from '../strategies/x-accel.js';
import { xSendfile } from '../strategies/x-sendfile.js';
import type { ServerConfigInput } from './config-input.js';
import { generateServerConfig } from './generate-server-config.js';

const ROOT = '/srv/sendoff/files';
const TWO_APPS = [
  { host: '127.0.0.1', port: 3001 },
  { host: '::1', port: 3002 },
];

function input(overrides: Partial<ServerConfigInput> & Pick<ServerConfigInput, 'server' | 'strategy'>): ServerConfigInput {
  return { listen: { host: '127.0.0.1', port: 8080 }, upstream: TWO_APPS, runtimeDir: '/var/run/sendoff-web', ...overrides };
}

function failure(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('generateServerConfig with several app processes', () => {
  it('nginx: one named upstream listing every process, and the proxy pointing at it', () => {
    const { text } = generateServerConfig(input({ server: 'nginx', strategy: xAccel({ root: ROOT, prefix: '/_protected/' }) }));
    expect(text).to.include('  upstream sendoff_app {\n    server 127.0.0.1:3001;\n    server [::1]:3002;\n  }\n');
    expect(text).to.include('proxy_pass http://sendoff_app;');
  });

  it('nginx: a list of one is the plain proxy_pass', () => {
    const { text } = generateServerConfig(input({ server: 'nginx', strategy: xAccel({ root: ROOT, prefix: '/_protected/' }), upstream: [{ host: '127.0.0.1', port: 3001 }] }));
    expect(text).to.include('proxy_pass http://127.0.0.1:3001;');
    expect(text).to.not.include('upstream sendoff_app');
  });

  it('refuses an empty list, and a bad address naming its place', () => {
    const strategy = xAccel({ root: ROOT, prefix: '/_protected/' });
    expect(failure(() => generateServerConfig(input({ server: 'nginx', strategy, upstream: [] })))).to.include({ code: 'CONFIG_INVALID', message: 'upstream: name at least one app address' });
    const bad = failure(() => generateServerConfig(input({ server: 'nginx', strategy, upstream: [TWO_APPS[0]!, { host: 'a;b', port: 1 }] })));
    expect(bad.code).to.equal('CONFIG_INVALID');
    expect(bad.message).to.match(/^upstream 2: invalid host/);
  });

  it('apache, lighttpd and caddy take one app address and say so', () => {
    const cases: ServerConfigInput[] = [
      input({ server: 'apache', strategy: xSendfile({ root: ROOT, server: 'apache' }) }),
      input({ server: 'lighttpd', strategy: xSendfile({ root: ROOT, server: 'lighttpd' }) }),
      input({ server: 'caddy', strategy: caddyAccel({ root: ROOT }) }),
    ];
    for (const config of cases) {
      const error = failure(() => generateServerConfig(config));
      expect(error.code).to.equal('CONFIG_INVALID');
      expect(error.message).to.equal(`upstream: the ${config.server} config proxies to one app address, got 2 (only nginx balances several)`);
    }
  });
});
