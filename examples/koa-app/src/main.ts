import { fileURLToPath } from 'node:url';
import { DEMO_USERS } from './seed/seed-data.js';
import { startApp } from './start-app.js';

const DEFAULT_DATA_DIR = fileURLToPath(new URL('../data', import.meta.url));

async function main(): Promise<void> {
  const port = portFrom(process.env['PORT']);
  const app = await startApp({
    port,
    host: process.env['HOST'] || '127.0.0.1',
    dataDir: process.env['DATA_DIR'] || DEFAULT_DATA_DIR,
    profile: process.env['SENDOFF_PROFILE'] || undefined,
    env: process.env,
    downloadLog: (line) => console.log(line),
  });
  // Before saying it listens: a signal that comes right after must stop the front server too.
  const stop = (): void => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(`sendoff example app (profile: ${app.profile}) listening on ${app.url}`);
  console.log(app.publicUrl ? `links point to PUBLIC_URL ${app.publicUrl}` : 'links point to the origin each request came to (set PUBLIC_URL to fix it)');
  for (const note of app.notes) console.log(note);
  if (app.metrics) console.log('GET /metrics answers with METRICS_TOKEN as a bearer token');
  if (app.seeded) console.log('seeded a fresh data directory with demo files');
  console.log(`demo accounts: ${DEMO_USERS.map(({ user, password }) => `${user} / ${password}`).join(', ')}`);
}

function portFrom(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 3000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${raw}"`);
  return port;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
