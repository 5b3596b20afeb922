/**
 * The shape shared by the web-server profiles (nginx, apache, lighttpd, caddy): files on local
 * disk under `<dataDir>/files`, the server's offload strategy first in the policy with
 * directStream as the fallback (for files the server cannot be told about), and a front server
 * that runs the generated config with the real binary in front of the app.
 *
 * The front server listens on 127.0.0.1:`PORT` and proxies to the app's own port; a free port is
 * used when PORT is unset, 0, or already the app's own port. It takes the app's request body limit
 * (`maxRequestBodyBytes`). Its runtime directory is a temp dir removed on stop. Once up, it must
 * deliver the app's probe file, or the start is refused: the server's workers (www-data when
 * started as root) must be able to enter DATA_DIR.
 */
import path from 'node:path';
import { LocalStorage, directStream } from '@sendoff/core';
import { verifyFrontServer, type OffloadStrategy, type ServerKind } from '@sendoff/core/servers';
import { findFreePort, findWebServerBinary, runServer, type RunningServer } from '@sendoff-tools/web-servers';
import type { FrontServer, Profile } from './profile.js';

const HOST = '127.0.0.1';

export function offloadProfile(server: ServerKind, description: string, strategyFor: (root: string) => OffloadStrategy): Profile {
  return {
    name: server,
    description,
    async createDelivery({ dataDir, env, maxRequestBodyBytes }) {
      // Fail before anything starts, with one line naming the Debian package to install.
      findWebServerBinary(server);
      const root = path.join(dataDir, 'files');
      const strategy = strategyFor(root);
      const fallback = directStream();
      return {
        config: {
          environment: 'production',
          storage: new LocalStorage({ root }),
          strategies: [strategy, fallback],
          policy: { rules: [{ name: `offload to ${server}`, use: strategy.name }], fallback: fallback.name },
        },
        front: frontServer(server, strategy, env, maxRequestBodyBytes),
      };
    },
  };
}

function frontServer(server: ServerKind, strategy: OffloadStrategy, env: Readonly<Record<string, string | undefined>>, maxBodyBytes: number): FrontServer {
  let running: RunningServer | undefined;
  return {
    async start(appPort, probe) {
      const wanted = publicPortFrom(env['PORT']);
      const port = wanted !== undefined && wanted !== appPort ? wanted : await findFreePort(HOST);
      // The app's own request body limit, so the server refuses (413) what the app would never take.
      running = await runServer({ server, strategy, upstream: { host: HOST, port: appPort }, listen: { host: HOST, port }, maxBodyBytes });
      // A server that cannot deliver (e.g. its workers' user cannot enter DATA_DIR) refuses the start.
      await verifyFrontServer({ url: running.url, probe, strategy, user: running.user });
      return { publicUrl: running.url };
    },
    async stop() {
      await running?.stop();
      running = undefined;
    },
  };
}

function publicPortFrom(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '' || raw === '0') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT must be a port number, got "${raw}"`);
  return port;
}
