/**
 * A download whose file changes size after the plan announced its length, through the Express
 * adapter on Express 5 and 4: the connection is destroyed short of the announced length (no error
 * body after the 200 head, even with a JSON error handler in the app), and the app's error handler
 * hears of the failure through next(err), with the head already sent.
 */
import type { NextFunction, Request, Response } from 'express';
import { expect } from 'chai';
import { describeCutShort } from '@sendoff/core/testing';
import { sendoff } from '../src/index.js';
import { listen } from '@sendoff-tools/test-kit';
import { EXPRESS_VERSIONS } from './frameworks.js';

for (const version of EXPRESS_VERSIONS) {
  const reported: Array<{ error: unknown; headersSent: boolean }> = [];
  describeCutShort(`@sendoff/express on ${version.name}`, {
    start(deliverer) {
      const app = version.create();
      app.use(sendoff(deliverer, (req) => ({ key: req.path.slice(1) })));
      // What apps put last: render errors as JSON. It must never get to write after the head.
      app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
        reported.push({ error, headersSent: res.headersSent });
        if (res.headersSent) return next(error);
        res.status(500).json({ error: 'internal' });
      });
      return listen(app);
    },
    async reported(transfer) {
      const before = reported.length;
      await transfer();
      while (reported.length === before) await new Promise((resolve) => setImmediate(resolve));
      const { error, headersSent } = reported.at(-1)!;
      expect(headersSent).to.equal(true);
      return error as Error;
    },
  });
}
