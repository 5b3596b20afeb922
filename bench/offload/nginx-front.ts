/**
 * The nginx under test: the config sendoff generates for the xAccel strategy (a proxy to the app
 * and the internal location), run by `runServer` (tools/web-servers), plus one plain static location on the
 * same server aliased to the same directory, so both paths share one nginx instance.
 */
import { xAccel } from '@sendoff/core';
import { withTrailingSlash } from '@sendoff/core/http';
import { runServer, type RunningServer } from '@sendoff-tools/web-servers';
import { INTERNAL_PREFIX, STATIC_PREFIX } from './routes.js';

/** Starts nginx in front of the app on 127.0.0.1 (free port, temp runtime dir removed by `stop()`). */
export async function startNginxFront(root: string, appPort: number): Promise<RunningServer> {
  return runServer({
    server: 'nginx',
    strategy: xAccel({ root, prefix: INTERNAL_PREFIX }),
    upstream: { host: '127.0.0.1', port: appPort },
    editConfig: (text) => withStaticLocation(text, root),
  });
}

/**
 * The generated config with `location ^~ /static/ { alias <root>/; }` added right after the
 * server's `listen` line. Fails loudly if the generated text no longer has that line.
 */
export function withStaticLocation(config: string, root: string): string {
  const lines = config.split('\n');
  const listen = lines.findIndex((line) => /^\s*listen\s/.test(line));
  if (listen === -1) throw new Error('generated nginx config has no listen line to add the static location after');
  const alias = withTrailingSlash(root);
  const location = [`    location ^~ ${STATIC_PREFIX} {`, `      alias "${alias}";`, '    }'];
  return [...lines.slice(0, listen + 1), ...location, ...lines.slice(listen + 1)].join('\n');
}
