/**
 * A download whose file changes size after the plan announced its length, through
 * `deliverResponse` under Hono on @hono/node-server: the Response's stream errors, so the server
 * destroys the connection instead of ending a short body (no error text after the 200 head), and
 * logs the failure, a STORAGE_ERROR without any path.
 */
import { describeCutShort } from '@sendoff/core/testing';
import { createHonoApp, listenHono } from './hono-app.js';

const logged: unknown[] = [];
const consoleError = console.error;

describeCutShort('@sendoff/fetch under Hono', {
  async start(deliverer) {
    const running = await listenHono(createHonoApp({ deliverer, resolve: (urlPath) => ({ key: urlPath.slice(1) }) }));
    // @hono/node-server reports a response stream that failed with console.error.
    console.error = (...args: unknown[]) => void logged.push(...args);
    return {
      url: running.url,
      async close() {
        console.error = consoleError;
        await running.close();
      },
    };
  },
  async reported(transfer) {
    logged.length = 0;
    await transfer();
    while (logged.length === 0) await new Promise((resolve) => setImmediate(resolve));
    return logged[0] as Error;
  },
});
