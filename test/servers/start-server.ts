/**
 * Starts a real web server (nginx, apache2, lighttpd, caddy) in front of a backend on 127.0.0.1,
 * with the config `generateServerConfig` writes for the strategy (through `runServer`, which runs
 * it from a temp runtime directory). A missing binary fails with the Debian package to install,
 * under CI and elsewhere alike: never a silent skip.
 */
import type { OffloadStrategy, ServerConfig, ServerKind } from '@sendoff/core/servers';
import { runServer } from '@sendoff-tools/web-servers';

export interface StartServerOptions {
  upstreamPort: number;
  strategy: OffloadStrategy;
  keepHeaders?: string[];
  /** The request body limit of the generated config (its default when undefined). */
  maxBodyBytes?: number;
}

export interface StartedServer {
  url: string;
  config: ServerConfig;
  runtimeDir: string;
  /** What the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export async function startServer(kind: ServerKind, options: StartServerOptions): Promise<StartedServer> {
  return runServer({
    server: kind,
    strategy: options.strategy,
    upstream: { host: '127.0.0.1', port: options.upstreamPort },
    keepHeaders: options.keepHeaders,
    maxBodyBytes: options.maxBodyBytes,
  });
}
