/**
 * nginx config for the xAccel strategy: a proxy to the app and an `internal` location aliased to
 * the strategy root. Both the prefix and the alias end in `/` (a prefix without one lets
 * `/prefix../outside` escape the root), and every temp path lives under the runtime directory.
 */
import { join } from 'node:path';
import { configInvalid } from '../errors/sendoff-error.js';
import { withTrailingSlash } from '../http/url-path.js';
import { hostPort, maxBodyBytesOf, safeName, safePath, type ServerConfig, type ServerConfigInput } from './config-input.js';
import { checkInternalPrefix } from '../strategies/internal-prefix.js';
import { NGINX_PROXY_BUFFER_BYTES } from './header-budget.js';

const TEMP_PATHS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'] as const;

export function nginxConfig(input: ServerConfigInput): ServerConfig {
  const { strategy } = input;
  if (strategy.server !== 'nginx') throw configInvalid(`nginx needs an xAccel strategy, got "${strategy.name}"`);
  const runtime = safePath(input.runtimeDir, 'runtimeDir');
  const alias = withTrailingSlash(safePath(strategy.root, `${strategy.name} root`));
  const prefix = checkInternalPrefix(strategy.prefix, strategy.name);
  const keep = uniqueHeaders([...strategy.keepHeaders, ...(input.keepHeaders ?? [])]);
  const temp = TEMP_PATHS.map((name) => `  ${name}_temp_path "${join(runtime, 'temp', name)}";`);
  const text = [
    `# nginx config for sendoff (${strategy.name}): X-Accel-Redirect ${prefix} -> ${alias}`,
    ...userLine(input),
    `pid "${join(runtime, 'nginx.pid')}";`,
    `error_log "${join(runtime, 'error.log')}" warn;`,
    'worker_processes 1;',
    'events { worker_connections 1024; }',
    'http {',
    '  include /etc/nginx/mime.types;',
    '  default_type application/octet-stream;',
    `  access_log "${join(runtime, 'access.log')}";`,
    ...temp,
    '  sendfile on;',
    '  server_tokens off;',
    '  # A larger request body gets 413 here, before it reaches the app.',
    `  client_max_body_size ${maxBodyBytesOf(input)};`,
    '  server {',
    `    listen ${hostPort(input.listen, 'listen')};`,
    '    # Several ranges get the whole file (200), never a multipart/byteranges body larger than it.',
    '    max_ranges 1;',
    '    location / {',
    `      proxy_pass http://${hostPort(input.upstream, 'upstream')};`,
    '      proxy_http_version 1.1;',
    '      proxy_set_header Host $http_host;',
    '      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '      proxy_set_header X-Forwarded-Proto $scheme;',
    "      # The app's whole response header block (a long download name, the delivery header) must",
    '      # fit in one buffer, else 502; the busy size lies between it and 7 of the proxy_buffers.',
    `      proxy_buffer_size ${kib(NGINX_PROXY_BUFFER_BYTES)};`,
    '      proxy_buffers 8 8k;',
    `      proxy_busy_buffers_size ${kib(NGINX_PROXY_BUFFER_BYTES)};`,
    '    }',
    '    # Reachable only through X-Accel-Redirect; a client asking for it directly gets 404.',
    `    location ^~ ${prefix} {`,
    '      internal;',
    `      alias "${alias}";`,
    ...keep.map((name) => `      add_header ${name} $upstream_http_${name.toLowerCase().replace(/-/g, '_')};`),
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
  return {
    server: 'nginx',
    fileName: 'nginx.conf',
    text,
    directories: [runtime, join(runtime, 'temp'), ...TEMP_PATHS.map((name) => join(runtime, 'temp', name))],
    command: { binary: 'nginx', args: ['-p', runtime, '-e', join(runtime, 'error.log'), '-c', join(runtime, 'nginx.conf'), '-g', 'daemon off;'] },
  };
}

function uniqueHeaders(names: string[]): string[] {
  const seen = new Map<string, string>();
  for (const name of names) {
    if (!/^[A-Za-z0-9-]+$/.test(name)) throw configInvalid(`invalid header name ${JSON.stringify(name)}`);
    if (!seen.has(name.toLowerCase())) seen.set(name.toLowerCase(), name);
  }
  return [...seen.values()];
}

function userLine(input: ServerConfigInput): string[] {
  if (input.user === undefined) return [];
  const user = safeName(input.user, 'user');
  const group = safeName(input.group ?? input.user, 'group');
  return [`user ${user} ${group};`];
}

/** A size in nginx's unit for KiB (`32k`). */
function kib(bytes: number): string {
  return `${bytes / 1024}k`;
}
