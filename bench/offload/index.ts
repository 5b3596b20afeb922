/**
 * Offload through nginx X-Accel: (1) large-file MB/s through X-Accel vs nginx's own static
 * location, (2) the app's cost per offloaded download vs a bare route, (3) latency of a JSON route
 * while many clients download, through X-Accel vs the app streaming itself vs idle. The app runs
 * in its own process behind a real nginx, everything on 127.0.0.1, all stopped at the end.
 */
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import { startChildServer, type ChildServer } from '@sendoff-tools/test-kit';
import type { DownloadReport } from '../lib/downloader.js';
import { createOffloadFixtures } from './fixtures.js';
import { startNginxFront } from './nginx-front.js';
import { measureAppCost, measureLatencyUnderLoad, measureThroughput, type AppCostRound, type LatencyRound, type Progress, type RoundResults } from './phases.js';
import { INTERNAL_PREFIX } from './routes.js';
import type { OffloadSettings } from './settings.js';
import { verifyPaths } from './verify.js';

export { defaultSettings, quickSettings, type OffloadSettings } from './settings.js';

const APP_SCRIPT = new URL('./servers/offload-app.ts', import.meta.url);

export interface OffloadResults {
  settings: OffloadSettings;
  startedAt: Date;
  durationMs: number;
  /** `nginx -v` as printed. */
  nginxVersion: string;
  /** 1-minute load average of the machine when the run started and when it ended. */
  loadAverage: { start: number; end: number };
  throughput: RoundResults<DownloadReport>;
  appCost: RoundResults<AppCostRound>;
  latency: RoundResults<LatencyRound>;
}

export async function runOffload(settings: OffloadSettings, progress: Progress = () => {}): Promise<OffloadResults> {
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
  progress(`writing the ${settings.largeSize} byte file`);
  const fixtures = await createOffloadFixtures(settings.largeSize);
  let app: ChildServer | undefined;
  let nginx: Awaited<ReturnType<typeof startNginxFront>> | undefined;
  try {
    progress('starting the app and nginx in front of it');
    app = await startChildServer({ name: 'offload app', script: APP_SCRIPT, args: [fixtures.root, INTERNAL_PREFIX] });
    nginx = await startNginxFront(fixtures.root, app.port);
    const origins = { nginx: nginx.url, app: app.origin };
    progress('verifying every path');
    await verifyPaths(origins, fixtures);
    const running = app;
    const run = { progress, guard: () => failIfExited(running) };
    const throughput = await measureThroughput(origins, fixtures, settings, run);
    const appCost = await measureAppCost(origins, running.pid, fixtures, settings, run);
    const latency = await measureLatencyUnderLoad(origins, fixtures, settings, run);
    failIfExited(running);
    return {
      settings,
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
      nginxVersion: await nginxVersion(),
      loadAverage: { start: loadAtStart, end: loadavg()[0]! },
      throughput,
      appCost,
      latency,
    };
  } finally {
    await nginx?.stop();
    await app?.stop();
    await fixtures.remove();
  }
}

function failIfExited(app: ChildServer): void {
  if (app.exited) throw new Error('the app process died during the benchmark');
}

async function nginxVersion(): Promise<string> {
  const { stdout, stderr } = await promisify(execFile)('nginx', ['-v']);
  return `${stdout}${stderr}`.trim().replace(/^nginx version:\s*/, '');
}
