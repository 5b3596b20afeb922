/**
 * The Express versions every test runs against (Express 5 as `express`, Express 4 under the alias
 * `express4`). An app listens with the test kit's `listen`.
 */
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
