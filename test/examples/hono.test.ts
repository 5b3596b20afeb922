/** examples/hono, started with `node --import tsx main.ts` as its README says. */
import { join } from 'node:path';
import { startListeningProcess } from '../e2e/app-process.js';
import { describeExample } from './describe-example.js';

const EXAMPLE_DIR = join(import.meta.dirname, '..', '..', 'examples', 'hono');

describeExample({
  name: 'examples/hono',
  start: (env) => startListeningProcess({ args: ['--import', 'tsx', 'main.ts'], cwd: EXAMPLE_DIR, env }),
  lengthSent: true,
  hostilePaths: ['/files/..%2F..%2Fetc%2Fpasswd', '/files/docs%5C..%5Creport.txt', '/files/a%00b', '/files/%E0%A4%A'],
});
