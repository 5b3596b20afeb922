/**
 * The adapter conformance kit against the `sendoff()` middleware on Express 5 and Express 4 (real
 * listening servers, Express's own 404 and error handler): directStream, and xAccel behind the real
 * nginx its generated config runs.
 */
import { listen } from '@sendoff-tools/test-kit';
import { runServer } from '@sendoff-tools/web-servers';
import { describeAdapterConformance } from '@sendoff/core/testing';
import { sendoff } from '../src/index.js';
import { EXPRESS_VERSIONS } from './frameworks.js';

for (const version of EXPRESS_VERSIONS) {
  describeAdapterConformance({
    name: `@sendoff/express on ${version.name}`,
    serve: (deliverer, resolve) => {
      const app = version.create();
      app.use(sendoff(deliverer, (req) => resolve(req.originalUrl)));
      return listen(app);
    },
    nginx: (strategy, upstream) => runServer({ server: 'nginx', strategy, upstream }),
  });
}
