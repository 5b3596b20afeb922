/**
 * The shape shared by the web-server profiles (nginx, apache, lighttpd, caddy): files on local
 * disk under `<dataDir>/files`, the server's offload strategy first in the policy with
 * directStream as the fallback (for files the server cannot be told about), and a front server
 * that runs the generated config with the real binary in front of the app.
 *
 * The front server listens on the app's HOST:PORT (a free port for PORT=0) and proxies to the app's
 * own port on loopback. It takes the app's request body limit
 * (`maxRequestBodyBytes`). Its runtime directory is a temp dir removed on stop. Once up, it must
 * deliver the app's probe file, or the start is refused: the server's workers (www-data when
 * started as root) must be able to enter DATA_DIR.
 */
import path from 'node:path';
import { LocalStorage, directStream } from '@sendoff/core';
import { verifyFrontServer, type OffloadStrategy, type ServerKind } from '@sendoff/core/servers';
import { findFreePort, findWebServerBinary, runServer, type RunningServer } from '@sendoff-tools/web-servers';
import type { FrontServer, Profile } from './profile.js';

/** Where the app listens behind its front server: loopback only. */
const APP_HOST = '127.0.0.1';

export function offloadProfile(server: ServerKind, description: string, strategyFor: (root: string) => OffloadStrategy): Profile {
  return {
    name: server,
    description,
    async createDelivery({ dataDir, maxRequestBodyBytes }) {
      // Fail before anything starts, with one line naming the Debian package to install.
      findWebServerBinary(server);
      const root = path.join(dataDir, 'files');
      const strategy = strategyFor(root);
      const fallback = directStream();
      return {
        config: {
          environment: 'production',
          // The web server's workers run as another user: files they can read, whatever the umask.
          storage: new LocalStorage({ root, fileMode: 0o644, dirMode: 0o755 }),
          strategies: [strategy, fallback],
          policy: { rules: [{ name: `offload to ${server}`, use: strategy.name }], fallback: fallback.name },
        },
        front: frontServer(server, strategy, maxRequestBodyBytes),
      };
    },
  };
}

function frontServer(server: ServerKind, strategy: OffloadStrategy, maxBodyBytes: number): FrontServer {
  let running: RunningServer | undefined;
  return {
    async start({ appPort, probe, listen }) {
      const port = listen.port === 0 ? await findFreePort(listen.host) : listen.port;
      // The app's own request body limit, so the server refuses (413) what the app would never take.
      running = await runServer({ server, strategy, upstream: { host: APP_HOST, port: appPort }, listen: { host: listen.host, port }, maxBodyBytes });
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
