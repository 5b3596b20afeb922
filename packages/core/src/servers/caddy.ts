/**
 * Caddyfile for the caddyAccel strategy (Caddy 2.6: no `intercept` yet): `reverse_proxy` to the
 * app, and `handle_response` catching X-Accel-Redirect, copying the app's headers but the ones the
 * file server computes, rewriting onto a `file_server` rooted at the strategy root.
 */
import { join } from 'node:path';
import { configInvalid } from '../errors/sendoff-error.js';
import { hostPort, maxBodyBytesOf, safePath, type ServerConfig, type ServerConfigInput } from './config-input.js';
import { HEADER_SURVIVAL } from '../strategies/header-survival.js';

export function caddyConfig(input: ServerConfigInput): ServerConfig {
  const { strategy } = input;
  if (strategy.server !== 'caddy') throw configInvalid(`caddy needs a caddyAccel strategy, got "${strategy.name}"`);
  const runtime = safePath(input.runtimeDir, 'runtimeDir');
  const root = safePath(strategy.root, `${strategy.name} root`);
  const excluded = HEADER_SURVIVAL.caddy.names.map(canonicalName).join(' ');
  const limit = maxBodyBytesOf(input);
  const text = [
    `# Caddyfile for sendoff (${strategy.name}): X-Accel-Redirect served from ${root}`,
    '{',
    '  admin off',
    '  auto_https off',
    `  storage file_system "${join(runtime, 'data')}"`,
    '}',
    `http://${hostPort(input.listen, 'listen')} {`,
    '  # A larger request body gets 413 before it reaches the app: a declared Content-Length here',
    '  # (Caddy 2.6 answers 502 when request_body stops the proxy mid-body), a chunked one below.',
    `  @bodyTooLarge expression {http.request.header.Content-Length} != "" && int({http.request.header.Content-Length}) > ${limit}`,
    '  respond @bodyTooLarge 413',
    '  request_body {',
    `    max_size ${limit}`,
    '  }',
    `  reverse_proxy ${hostPort(input.upstream, 'upstream')} {`,
    '    @accel header X-Accel-Redirect *',
    '    handle_response @accel {',
    `      root * "${root}"`,
    '      rewrite * {rp.header.X-Accel-Redirect}',
    `      copy_response_headers {`,
    `        exclude ${excluded}`,
    '      }',
    '      # Several ranges get the whole file (200), never a multipart/byteranges body larger than it.',
    '      @multipleRanges header_regexp Range ,',
    '      request_header @multipleRanges -Range',
    '      # A Range of another unit is ignored (RFC 9110), not answered with 416.',
    '      @otherRangeUnit {',
    '        header Range *',
    '        not header_regexp Range (?i)^bytes=',
    '      }',
    '      request_header @otherRangeUnit -Range',
    '      file_server',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
  return {
    server: 'caddy',
    fileName: 'Caddyfile',
    text,
    directories: [runtime, join(runtime, 'data')],
    command: { binary: 'caddy', args: ['run', '--config', join(runtime, 'Caddyfile'), '--adapter', 'caddyfile'] },
  };
}

function canonicalName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase()).replace(/^Etag$/, 'ETag');
}
