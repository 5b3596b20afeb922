import { expect } from 'chai';
import { caddyAccel } from '../strategies/caddy-accel.js';
import { xAccel, type XAccelStrategy } from '../strategies/x-accel.js';
import { xSendfile } from '../strategies/x-sendfile.js';
import { DEFAULT_MAX_BODY_BYTES, type ServerConfigInput } from './config-input.js';
import { generateServerConfig } from './generate-server-config.js';

const ROOT = '/srv/sendoff/files';
const RUN = '/var/run/sendoff-web';

function input(overrides: Partial<ServerConfigInput> & Pick<ServerConfigInput, 'server' | 'strategy'>): ServerConfigInput {
  return { listen: { host: '127.0.0.1', port: 8080 }, upstream: { host: '127.0.0.1', port: 3000 }, runtimeDir: RUN, ...overrides };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('generateServerConfig', () => {
  describe('nginx', () => {
    const strategy = xAccel({ root: ROOT, prefix: '/_protected/', keepHeaders: ['X-Request-Id'] });
    const config = generateServerConfig(input({ server: 'nginx', strategy, keepHeaders: ['X-Trace', 'x-request-id'], user: 'www-data' }));

    it('proxies to the app and aliases an internal location, both ending in "/"', () => {
      expect(config.text).to.include('listen 127.0.0.1:8080;');
      expect(config.text).to.include('proxy_pass http://127.0.0.1:3000;');
      expect(config.text).to.match(/location \^~ \/_protected\/ \{\n\s+internal;\n\s+alias "\/srv\/sendoff\/files\/";/);
      expect(config.text).to.include('include /etc/nginx/mime.types;');
    });

    it('re-adds the kept headers once each, from the upstream response', () => {
      expect(config.text).to.include('add_header X-Request-Id $upstream_http_x_request_id;');
      expect(config.text).to.include('add_header X-Trace $upstream_http_x_trace;');
      expect(config.text.match(/add_header/g)).to.have.length(4);
    });

    it('always re-adds the download safety headers, even for a strategy without keepHeaders', () => {
      const plain = generateServerConfig(input({ server: 'nginx', strategy: xAccel({ root: ROOT, prefix: '/_protected/' }) })).text;
      expect(plain).to.match(/internal;\n\s+alias "[^"]+";\n\s+add_header X-Content-Type-Options \$upstream_http_x_content_type_options;\n\s+add_header Content-Security-Policy \$upstream_http_content_security_policy;\n/);
      expect(plain.match(/add_header/g)).to.have.length(2);
    });

    it('keeps pid, logs and temp paths under the runtime dir, and names the worker user', () => {
      expect(config.text).to.include(`pid "${RUN}/nginx.pid";`);
      expect(config.text).to.include(`error_log "${RUN}/error.log" warn;`);
      expect(config.text).to.include(`access_log "${RUN}/access.log";`);
      for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
        expect(config.text).to.include(`${temp}_temp_path "${RUN}/temp/${temp}";`);
        expect(config.directories).to.include(`${RUN}/temp/${temp}`);
      }
      expect(config.text).to.include('user www-data www-data;');
      expect(config.fileName).to.equal('nginx.conf');
      expect(config.command).to.deep.equal({ binary: 'nginx', args: ['-p', RUN, '-e', `${RUN}/error.log`, '-c', `${RUN}/nginx.conf`, '-g', 'daemon off;'] });
    });

    it('reads the app response headers into one 32 KiB buffer, with buffer sizes nginx accepts together', () => {
      expect(config.text).to.match(/location \/ \{[^}]*proxy_buffer_size 32k;\n\s+proxy_buffers 8 8k;\n\s+proxy_busy_buffers_size 32k;/);
    });

    it('answers a request with several ranges with the whole file (max_ranges 1)', () => {
      expect(config.text).to.match(/server \{\n\s+listen 127\.0\.0\.1:8080;\n[^]*max_ranges 1;/);
    });

    it('never writes a prefix without a trailing slash, even from a hand-made strategy', () => {
      const sloppy = { ...strategy, prefix: '/prot' } as XAccelStrategy;
      expect(codeOf(() => generateServerConfig(input({ server: 'nginx', strategy: sloppy })))).to.equal('CONFIG_INVALID');
      const noLeading = { ...strategy, prefix: 'prot/' } as XAccelStrategy;
      expect(codeOf(() => generateServerConfig(input({ server: 'nginx', strategy: noLeading })))).to.equal('CONFIG_INVALID');
    });

    it('writes the alias with one trailing slash whatever the root looks like', () => {
      const text = generateServerConfig(input({ server: 'nginx', strategy: xAccel({ root: `${ROOT}/`, prefix: '/p/' }) })).text;
      expect(text).to.include(`alias "${ROOT}/";`);
    });
  });

  describe('apache', () => {
    const strategy = xSendfile({ server: 'apache', root: ROOT });
    const config = generateServerConfig(input({ server: 'apache', strategy, user: 'www-data' }));

    it('whitelists the absolute root and turns X-Sendfile on behind the proxy', () => {
      expect(config.text).to.include(`XSendFilePath "${ROOT}"`);
      expect(config.text).to.match(/<Location \/>\n\s+Require all granted\n\s+XSendFile On\n<\/Location>/);
      expect(config.text).to.include('ProxyPass / http://127.0.0.1:3000/');
      expect(config.text).to.include('Listen 127.0.0.1:8080');
      expect(config.text).to.include('LoadModule xsendfile_module /usr/lib/apache2/modules/mod_xsendfile.so');
      expect(config.text).to.include('LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so');
      expect(config.text).to.include('TypesConfig /etc/mime.types');
    });

    it('keeps pid, logs and mutexes under the runtime dir and runs workers as the given user', () => {
      expect(config.text).to.include(`PidFile "${RUN}/httpd.pid"`);
      expect(config.text).to.include(`ErrorLog "${RUN}/error.log"`);
      expect(config.text).to.include(`Mutex file:${RUN} default`);
      expect(config.text).to.include('User www-data\nGroup www-data');
      expect(config.command).to.deep.equal({ binary: 'apache2', args: ['-f', `${RUN}/httpd.conf`, '-DFOREGROUND'] });
    });

    it('answers a request with several ranges with the whole file (MaxRanges 1)', () => {
      expect(config.text).to.match(/^MaxRanges 1$/m);
    });

    it('refuses to run workers as root and never writes a relative XSendFilePath', () => {
      expect(codeOf(() => generateServerConfig(input({ server: 'apache', strategy, user: 'root' })))).to.equal('CONFIG_INVALID');
      const relative = { ...strategy, root: 'files' };
      expect(codeOf(() => generateServerConfig(input({ server: 'apache', strategy: relative })))).to.equal('CONFIG_INVALID');
    });
  });

  describe('lighttpd', () => {
    const strategy = xSendfile({ server: 'lighttpd', root: ROOT });
    const config = generateServerConfig(input({ server: 'lighttpd', strategy, user: 'www-data' }));

    it('always limits x-sendfile to the root (with a trailing slash) and loads the MIME table', () => {
      expect(config.text).to.include('"x-sendfile" => "enable"');
      expect(config.text).to.include(`"x-sendfile-docroot" => ( "${ROOT}/" )`);
      expect(config.text).to.include('include_shell "/usr/share/lighttpd/create-mime.conf.pl"');
      expect(config.text).to.include('"host" => "127.0.0.1",\n  "port" => 3000,');
      expect(config.text).to.include('server.bind = "127.0.0.1"\nserver.port = 8080');
    });

    it('turns range requests off for a Range header with a comma: several ranges get the whole file', () => {
      expect(config.text).to.include('$REQUEST_HEADER["Range"] =~ "," {\n  server.range-requests = "disable"\n}');
    });

    it('keeps pid, log and an empty document root under the runtime dir', () => {
      expect(config.text).to.include(`server.pid-file = "${RUN}/lighttpd.pid"`);
      expect(config.text).to.include(`server.errorlog = "${RUN}/error.log"`);
      expect(config.text).to.include(`server.document-root = "${RUN}/empty"`);
      expect(config.directories).to.include.members([RUN, `${RUN}/empty`, `${RUN}/upload`]);
      expect(config.text).to.include('server.username = "www-data"');
    });
  });

  describe('caddy', () => {
    const config = generateServerConfig(input({ server: 'caddy', strategy: caddyAccel({ root: ROOT }) }));

    it('catches X-Accel-Redirect in handle_response and serves it from the root', () => {
      expect(config.text).to.include('http://127.0.0.1:8080 {');
      expect(config.text).to.include('reverse_proxy 127.0.0.1:3000 {');
      expect(config.text).to.include('@accel header X-Accel-Redirect *');
      expect(config.text).to.include(`root * "${ROOT}"`);
      expect(config.text).to.include('rewrite * {rp.header.X-Accel-Redirect}');
      expect(config.text).to.include('exclude X-Accel-Redirect Content-Length ETag Last-Modified Accept-Ranges Content-Encoding');
      expect(config.text).to.match(/admin off\n\s+auto_https off/);
      expect(config.text).to.include(`storage file_system "${RUN}/data"`);
    });

    it('drops a Range header with several ranges before the file server, which then sends the whole file', () => {
      expect(config.text).to.match(/@multipleRanges header_regexp Range ,\n\s+request_header @multipleRanges -Range\n/);
      expect(config.text).to.match(/request_header @otherRangeUnit -Range\n\s+file_server/);
    });
  });

  describe('request body limit (maxBodyBytes)', () => {
    const strategies = {
      nginx: xAccel({ root: ROOT, prefix: '/p/' }),
      apache: xSendfile({ server: 'apache', root: ROOT }),
      lighttpd: xSendfile({ server: 'lighttpd', root: ROOT }),
      caddy: caddyAccel({ root: ROOT }),
    } as const;
    const textFor = (server: keyof typeof strategies, maxBodyBytes?: number): string =>
      generateServerConfig(input({ server, strategy: strategies[server], ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }) })).text;

    it('writes the 100 MiB default explicitly into every config, in each server\'s unit', () => {
      expect(DEFAULT_MAX_BODY_BYTES).to.equal(100 * 1024 * 1024);
      expect(textFor('nginx')).to.match(/^\s+client_max_body_size 104857600;$/m);
      expect(textFor('apache')).to.include('LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so');
      expect(textFor('apache')).to.include('RewriteEngine On\nRewriteCond expr "%{HTTP:Content-Length} -gt 104857600"\nRewriteRule ^ - [R=413,L]');
      expect(textFor('lighttpd')).to.match(/^server\.max-request-size = 102400$/m);
      expect(textFor('caddy')).to.include('@bodyTooLarge expression {http.request.header.Content-Length} != "" && int({http.request.header.Content-Length}) > 104857600\n  respond @bodyTooLarge 413');
      expect(textFor('caddy')).to.match(/request_body \{\n\s+max_size 104857600\n\s+\}\n\s+reverse_proxy/);
    });

    it('writes a given limit; lighttpd counts KiB, rounded up', () => {
      expect(textFor('nginx', 1_048_577)).to.include('client_max_body_size 1048577;');
      expect(textFor('apache', 1_048_577)).to.include('-gt 1048577"');
      expect(textFor('lighttpd', 1_048_576)).to.match(/^server\.max-request-size = 1024$/m);
      expect(textFor('lighttpd', 1_048_577)).to.match(/^server\.max-request-size = 1025$/m);
      expect(textFor('caddy', 1_048_577)).to.include('max_size 1048577');
    });

    it('refuses a limit that is not a positive safe integer, or beyond what the server can hold', () => {
      for (const server of Object.keys(strategies) as Array<keyof typeof strategies>) {
        for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '1000' as unknown as number]) {
          expect(codeOf(() => textFor(server, bad)), `${server} ${String(bad)}`).to.equal('CONFIG_INVALID');
        }
        expect(codeOf(() => textFor(server, Number.MAX_SAFE_INTEGER)), server).to.equal(server === 'lighttpd' ? 'CONFIG_INVALID' : undefined);
      }
      // lighttpd keeps the limit in KiB as an unsigned 32-bit number.
      expect(codeOf(() => textFor('lighttpd', 4_294_967_295 * 1024))).to.equal(undefined);
      expect(codeOf(() => textFor('lighttpd', 4_294_967_295 * 1024 + 1))).to.equal('CONFIG_INVALID');
    });
  });

  describe('input checks', () => {
    const nginxStrategy = xAccel({ root: ROOT, prefix: '/p/' });

    it('refuses a strategy meant for another server and an unknown server', () => {
      expect(codeOf(() => generateServerConfig(input({ server: 'apache', strategy: nginxStrategy })))).to.equal('CONFIG_INVALID');
      expect(codeOf(() => generateServerConfig(input({ server: 'iis' as 'nginx', strategy: nginxStrategy })))).to.equal('CONFIG_INVALID');
    });

    it('refuses paths that could break out of their quotes, a relative runtime dir and bad ports or hosts', () => {
      for (const root of ['/srv/a"b', '/srv/$var', '/srv/a;b', '/srv/{x}', '/srv/a\nb']) {
        const strategy = { ...nginxStrategy, root };
        expect(codeOf(() => generateServerConfig(input({ server: 'nginx', strategy }))), root).to.equal('CONFIG_INVALID');
      }
      expect(codeOf(() => generateServerConfig(input({ server: 'nginx', strategy: nginxStrategy, runtimeDir: 'run' })))).to.equal('CONFIG_INVALID');
      expect(codeOf(() => generateServerConfig(input({ server: 'nginx', strategy: nginxStrategy, listen: { host: '127.0.0.1', port: 0 } })))).to.equal('CONFIG_INVALID');
      expect(codeOf(() => generateServerConfig(input({ server: 'nginx', strategy: nginxStrategy, upstream: { host: 'a b', port: 3000 } })))).to.equal('CONFIG_INVALID');
      expect(codeOf(() => generateServerConfig(input({ server: 'nginx', strategy: nginxStrategy, user: 'x;y' })))).to.equal('CONFIG_INVALID');
    });

    it('brackets an IPv6 listen address', () => {
      const text = generateServerConfig(input({ server: 'nginx', strategy: nginxStrategy, listen: { host: '::1', port: 8080 } })).text;
      expect(text).to.include('listen [::1]:8080;');
    });
  });
});
