/**
 * examples/next, built with `next build` and run with `next start` as its README says. Next.js
 * answers a malformed percent-escape itself (see test/next/conformance.test.ts), so the hostile
 * paths here are the ones that reach the route handler.
 */
import { join } from 'node:path';
import { buildNextApp, startNextApp } from '../next/next-app.js';
import { describeExample } from './describe-example.js';

const EXAMPLE_DIR = join(import.meta.dirname, '..', '..', 'examples', 'next');

describeExample({
  name: 'examples/next',
  start: async (env) => {
    await buildNextApp(EXAMPLE_DIR);
    return startNextApp(EXAMPLE_DIR, env);
  },
  lengthSent: false,
  hostilePaths: ['/files/..%2F..%2Fetc%2Fpasswd', '/files/docs%5C..%5Creport.txt', '/files/a%00b', '/files/docs/%EF%BC%8E%EF%BC%8E/report.txt'],
});
