/**
 * `generateServerConfig`: the web-server config that matches an offload strategy, for nginx,
 * Apache, lighttpd or Caddy. The same strategy object drives the app and the config, so the
 * prefix, the root and the whitelisted path can never drift apart.
 */
import { configInvalid } from '../errors/sendoff-error.js';
import { apacheConfig } from './apache.js';
import { caddyConfig } from './caddy.js';
import { checkStrategyServer, type ServerConfig, type ServerConfigInput } from './config-input.js';
import { lighttpdConfig } from './lighttpd.js';
import { nginxConfig } from './nginx.js';

const GENERATORS = { nginx: nginxConfig, apache: apacheConfig, lighttpd: lighttpdConfig, caddy: caddyConfig } as const;

export function generateServerConfig(input: ServerConfigInput): ServerConfig {
  const generate = GENERATORS[input.server];
  if (generate === undefined) throw configInvalid(`unknown server ${JSON.stringify(input.server)}: use nginx, apache, lighttpd or caddy`);
  checkStrategyServer(input);
  return generate(input);
}
