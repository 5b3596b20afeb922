/**
 * lighttpd config for the xSendfile strategy (server "lighttpd"): mod_proxy to the app with
 * x-sendfile enabled and always limited to the strategy root by `x-sendfile-docroot` (without it
 * lighttpd sends any file it can read). Pid, log and upload dirs live under the runtime directory.
 */
import { join } from 'node:path';
import { configInvalid } from '../errors/sendoff-error.js';
import { withTrailingSlash } from '../http/url-path.js';
import { maxBodyBytesOf, safeName, safePath, type ServerConfig, type ServerConfigInput } from './config-input.js';
import { hostPort } from './config-input.js';

/** lighttpd keeps `server.max-request-size` (KiB) in an unsigned 32-bit number. */
const MAX_REQUEST_SIZE_KIB = 0xffff_ffff;

export function lighttpdConfig(input: ServerConfigInput): ServerConfig {
  const { strategy } = input;
  if (strategy.server !== 'lighttpd') throw configInvalid(`lighttpd needs an xSendfile strategy with server "lighttpd", got "${strategy.name}"`);
  const runtime = safePath(input.runtimeDir, 'runtimeDir');
  const docroot = withTrailingSlash(safePath(strategy.root, `${strategy.name} root`));
  hostPort(input.listen, 'listen');
  hostPort(input.upstream, 'upstream');
  const empty = join(runtime, 'empty');
  const text = [
    `# lighttpd config for sendoff (${strategy.name}): X-Sendfile under ${docroot}`,
    'server.modules = ( "mod_proxy" )',
    `server.bind = "${input.listen.host}"`,
    `server.port = ${input.listen.port}`,
    '# Nothing is served from here: every request goes to the app.',
    `server.document-root = "${empty}"`,
    `server.pid-file = "${join(runtime, 'lighttpd.pid')}"`,
    `server.errorlog = "${join(runtime, 'error.log')}"`,
    `server.upload-dirs = ( "${join(runtime, 'upload')}" )`,
    'server.tag = "lighttpd"',
    '# A larger request body gets 413 here, before it reaches the app (KiB, rounded up).',
    `server.max-request-size = ${Math.ceil(maxBodyBytesOf(input, MAX_REQUEST_SIZE_KIB * 1024) / 1024)}`,
    ...userLines(input),
    '# File validators (ETag, Last-Modified, 304) need the MIME table.',
    'include_shell "/usr/share/lighttpd/create-mime.conf.pl"',
    'proxy.server = ( "" => ( (',
    `  "host" => "${input.upstream.host}",`,
    `  "port" => ${input.upstream.port},`,
    '  "x-sendfile" => "enable",',
    `  "x-sendfile-docroot" => ( "${docroot}" )`,
    ') ) )',
    '# lighttpd would merge several ranges into one span: give such a request the whole file (200).',
    '$REQUEST_HEADER["Range"] =~ "," {',
    '  server.range-requests = "disable"',
    '}',
    '',
  ].join('\n');
  return {
    server: 'lighttpd',
    fileName: 'lighttpd.conf',
    text,
    directories: [runtime, empty, join(runtime, 'upload')],
    command: { binary: 'lighttpd', args: ['-D', '-f', join(runtime, 'lighttpd.conf')] },
  };
}

function userLines(input: ServerConfigInput): string[] {
  if (input.user === undefined) return [];
  const user = safeName(input.user, 'user');
  return [`server.username = "${user}"`, `server.groupname = "${safeName(input.group ?? input.user, 'group')}"`];
}
