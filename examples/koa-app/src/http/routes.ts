import { readFileSync } from 'node:fs';
import { METHODS } from 'node:http';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Container } from 'inversify';
import type { Probe } from '@sendoff/core';
import { TYPES } from '@sendoff/inversify';
import { deliver } from '@sendoff/koa';
import { APP_TYPES } from '../app-types.js';
import { SessionTokens } from '../auth/session-tokens.js';
import { requireUser } from '../auth/require-user.js';
import { FilesController } from './files-controller.js';
import { LinksController } from './links-controller.js';
import { metricsEndpoint } from './metrics-endpoint.js';
import { SessionController } from './session-controller.js';

const PAGE = readFileSync(new URL('../public/index.html', import.meta.url), 'utf8');
/**
 * The page's own script, style and API calls, nothing else: no form is ever submitted (the script
 * sends JSON), no <base>, no framing. Downloads are navigations to the app's `/l/` links (and from
 * there to a web server or an S3 redirect), which `connect-src` does not govern.
 */
const PAGE_POLICY = "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The app's routes. Handlers get their services from the container and never see a profile.
 * Every method Node parses counts as known, so a known path with a method it has no route for
 * (TRACE, PROPFIND, DELETE…) is a 405 with `Allow`, never a 501.
 */
export function buildRouter(container: Container, probe: Probe): Router {
  const router = new Router({ methods: [...METHODS] });
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: '16kb' });
  const signedIn = requireUser(container.get(SessionTokens));
  const session = container.get(SessionController);
  const files = container.get(FilesController);
  const links = container.get(LinksController);

  router.get('/', (ctx) => {
    ctx.type = 'html';
    ctx.set('Content-Security-Policy', PAGE_POLICY);
    ctx.body = PAGE;
  });
  router.post('/api/session', json, (ctx) => session.create(ctx));
  router.get('/api/files', signedIn, (ctx) => files.list(ctx));
  router.post('/api/files', signedIn, (ctx) => files.upload(ctx));
  router.get('/api/files/:id/download', signedIn, (ctx) => files.download(ctx));
  router.post('/api/files/:id/share', signedIn, json, (ctx) => files.share(ctx));
  router.post('/api/files/:id/link', signedIn, json, (ctx) => files.createLink(ctx));
  router.post('/api/files/:id/download-link', signedIn, json, (ctx) => files.createDownloadLink(ctx));
  router.post('/api/links/:id/revoke', signedIn, (ctx) => links.revoke(ctx));
  router.get('/l/:token', (ctx) => links.open(ctx));
  // The split between strategies the page shows; the Prometheus text only for the scrape token.
  const metrics = container.get(APP_TYPES.DeliveryMetrics);
  router.get('/api/deliveries', signedIn, (ctx) => {
    ctx.body = { byStrategy: metrics.split() };
  });
  const { metricsToken } = container.get(APP_TYPES.Settings);
  if (metricsToken !== undefined) router.get('/metrics', metricsEndpoint(metrics, metricsToken));
  // What `sendoff doctor` fetches: the expectation from the app, the file through the deployment.
  const deliverer = container.get(TYPES.Deliverer);
  router.get(probe.path, async (ctx) => {
    if (probe.answerFor(ctx.method, ctx.url) === 'expectation') ctx.body = await probe.describe();
    else await deliver(ctx, deliverer, { key: probe.key });
  });
  return router;
}
