/**
 * Direct stream through each sendoff adapter vs its framework's own file sender (Koa: koa-send,
 * and send on node:http; Hono: serveStatic of @hono/node-server): 4 KiB request rate, large-file
 * throughput and server RSS under many concurrent large downloads, all in one interleaved run.
 */
import type { DownloadReport } from '../lib/downloader.js';
import type { RateReport } from '../lib/request-rate.js';
import { SupervisedServer } from '../lib/supervised-server.js';
import { contenders, type Contender } from './contenders.js';
import { createFixtures, type Fixtures } from './fixtures.js';
import { measureLargeFile, measureMemory, measureSmallFiles, type MemoryReport } from './phases.js';
import type { DirectStreamSettings } from './settings.js';
import { verifyServer } from './verify.js';

export { defaultSettings, quickSettings, type DirectStreamSettings } from './settings.js';
export { renderDirectStream } from './report.js';

export interface ContenderResults {
  contender: Contender;
  small: RateReport[];
  large: DownloadReport[];
  /** Times the server process died during the rate and throughput runs (it is then restarted). */
  crashes: number;
  memory: MemoryReport;
}

export interface DirectStreamResults {
  settings: DirectStreamSettings;
  startedAt: Date;
  durationMs: number;
  results: ContenderResults[];
}

export async function runDirectStream(
  settings: DirectStreamSettings,
  progress: (message: string) => void = () => {},
): Promise<DirectStreamResults> {
  const startedAt = new Date();
  progress('writing the files');
  const fixtures = await createFixtures({ smallCount: settings.smallCount, largeSize: settings.largeSize });
  try {
    const { small, large, crashes } = await measureSpeed(fixtures, settings, progress);
    const results: ContenderResults[] = [];
    for (const contender of contenders) {
      const memory = await measureMemory(contender, fixtures, settings, progress);
      results.push({ contender, small: small.get(contender.name)!, large: large.get(contender.name)!, crashes: crashes.get(contender.name)!, memory });
    }
    return { settings, startedAt, durationMs: Date.now() - startedAt.getTime(), results };
  } finally {
    await fixtures.remove();
  }
}

async function measureSpeed(fixtures: Fixtures, settings: DirectStreamSettings, progress: (message: string) => void) {
  const servers: SupervisedServer[] = [];
  try {
    for (const contender of contenders) {
      progress(`starting and verifying ${contender.name}`);
      const server = await SupervisedServer.start({ name: contender.name, script: contender.script, args: [fixtures.root] });
      servers.push(server);
      await verifyServer(server.current, fixtures);
    }
    const small = await measureSmallFiles(servers, fixtures, settings, progress);
    const large = await measureLargeFile(servers, fixtures, settings, progress);
    await Promise.all(servers.map((server) => server.stop()));
    return { small, large, crashes: new Map(servers.map((server) => [server.name, server.crashes])) };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}
