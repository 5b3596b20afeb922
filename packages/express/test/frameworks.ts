/**
 * The Express versions every test runs against (Express 5 as `express`, Express 4 under the alias
 * `express4`), and starting an app on an ephemeral port of 127.0.0.1.
 */
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import express4 from 'express4';

export interface ExpressVersion {
  name: string;
  /** A new app; its env is `test`, so Express does not log every error it renders. */
  create(): Express;
}

export const EXPRESS_VERSIONS: ExpressVersion[] = [
  { name: 'Express 5', create: () => quiet(express()) },
  { name: 'Express 4', create: () => quiet(express4()) },
];

function quiet(app: Express): Express {
  app.set('env', 'test');
  return app;
}

export interface Running {
  url: string;
  close(): Promise<void>;
}

export function listen(app: Express): Promise<Running> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
    server.once('error', reject);
  });
}
