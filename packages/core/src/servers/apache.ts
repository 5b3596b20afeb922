/**
 * Apache 2.4 config for the xSendfile strategy (server "apache"): mod_proxy to the app and
 * mod_xsendfile whitelisting the strategy root by its absolute path. A relative XSendFilePath is
 * never written. Everything Apache writes (pid, logs, mutexes) lives under the runtime directory.
 */
import { join } from 'node:path';
import { configInvalid } from '../errors/sendoff-error.js';
import { hostPort, maxBodyBytesOf, safeName, safePath, type ServerConfig, type ServerConfigInput } from './config-input.js';

/** Where Debian installs the modules (libapache2-mod-xsendfile included). */
export const APACHE_MODULES_DIR = '/usr/lib/apache2/modules';

const MODULES = [
  ['mpm_event_module', 'mod_mpm_event.so'],
  ['authz_core_module', 'mod_authz_core.so'],
  ['mime_module', 'mod_mime.so'],
  ['proxy_module', 'mod_proxy.so'],
  ['proxy_http_module', 'mod_proxy_http.so'],
  ['rewrite_module', 'mod_rewrite.so'],
  ['xsendfile_module', 'mod_xsendfile.so'],
] as const;

export function apacheConfig(input: ServerConfigInput): ServerConfig {
  const { strategy } = input;
  if (strategy.server !== 'apache') throw configInvalid(`apache needs an xSendfile strategy with server "apache", got "${strategy.name}"`);
  const runtime = safePath(input.runtimeDir, 'runtimeDir');
  const root = safePath(strategy.root, `${strategy.name} root`);
  const listen = hostPort(input.listen, 'listen');
  const upstream = hostPort(input.upstream, 'upstream');
  const text = [
    `# Apache config for sendoff (${strategy.name}): X-Sendfile under ${root}`,
    `ServerRoot "${runtime}"`,
    `DefaultRuntimeDir "${runtime}"`,
    `PidFile "${join(runtime, 'httpd.pid')}"`,
    `ErrorLog "${join(runtime, 'error.log')}"`,
    'LogLevel warn',
    `Mutex file:${runtime} default`,
    ...MODULES.map(([name, file]) => `LoadModule ${name} ${APACHE_MODULES_DIR}/${file}`),
    ...userLines(input),
    `ServerName ${input.listen.host}`,
    `Listen ${listen}`,
    'ServerTokens Prod',
    'TypesConfig /etc/mime.types',
    '<Directory />',
    '  Require all denied',
    '  AllowOverride None',
    '</Directory>',
    '# A declared Content-Length over the limit gets 413 here, before the body reaches the app.',
    '# (Apache applies LimitRequestBody to no proxied request; a chunked body is left to the app.)',
    'RewriteEngine On',
    `RewriteCond expr "%{HTTP:Content-Length} -gt ${maxBodyBytesOf(input)}"`,
    'RewriteRule ^ - [R=413,L]',
    'ProxyRequests Off',
    'ProxyPreserveHost On',
    `ProxyPass / http://${upstream}/`,
    `ProxyPassReverse / http://${upstream}/`,
    '<Location />',
    '  Require all granted',
    '  XSendFile On',
    '</Location>',
    '# Only files under this absolute path may be sent; the app always sends absolute paths.',
    `XSendFilePath "${root}"`,
    '# Several ranges get the whole file (200), never a multipart/byteranges body larger than it.',
    'MaxRanges 1',
    '',
  ].join('\n');
  return {
    server: 'apache',
    fileName: 'httpd.conf',
    text,
    directories: [runtime],
    command: { binary: 'apache2', args: ['-f', join(runtime, 'httpd.conf'), '-DFOREGROUND'] },
  };
}

/** Apache refuses to run its workers as root: name an unprivileged user that can read the root. */
function userLines(input: ServerConfigInput): string[] {
  if (input.user === undefined) return [];
  if (input.user === 'root') throw configInvalid('Apache will not run its workers as root: choose an unprivileged user that can read the root');
  const user = safeName(input.user, 'user');
  return [`User ${user}`, `Group ${safeName(input.group ?? input.user, 'group')}`];
}
