/**
 * Direct stream through the Koa adapter vs koa-send and send: 4 KiB request rate, large-file
 * throughput and server RSS under many concurrent large downloads, all in one interleaved run.
 */
import { loadavg } from 'node:os';
import type { DownloadReport } from '../lib/downloader.js';
import type { RateReport } from '../lib/request-rate.js';
import type { SupervisedServer } from '../lib/supervised-server.js';
import { contenders, type Contender } from './contenders.js';
import { createFixtures, type Fixtures } from './fixtures.js';
import { measureLargeFile, measureMemory, measureSmallFiles, startVerified, type MemoryReport } from './phases.js';
import type { DirectStreamSettings } from './settings.js';

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
  loadAverage: { start: number; end: number };
  results: ContenderResults[];
}

export async function runDirectStream(
  settings: DirectStreamSettings,
  progress: (message: string) => void = () => {},
): Promise<DirectStreamResults> {
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
  progress('writing the files');
  const fixtures = await createFixtures({ smallCount: settings.smallCount, largeSize: settings.largeSize });
  try {
    const { small, large, crashes } = await measureSpeed(fixtures, settings, progress);
    const results: ContenderResults[] = [];
    for (const contender of contenders) {
      const memory = await measureMemory(contender, fixtures, settings, progress);
      results.push({ contender, small: small.get(contender.name)!, large: large.get(contender.name)!, crashes: crashes.get(contender.name)!, memory });
    }
    return { settings, startedAt, durationMs: Date.now() - startedAt.getTime(), loadAverage: { start: loadAtStart, end: loadavg()[0]! }, results };
  } finally {
    await fixtures.remove();
  }
}

async function measureSpeed(fixtures: Fixtures, settings: DirectStreamSettings, progress: (message: string) => void) {
  const servers: SupervisedServer[] = [];
  try {
    await startVerified(contenders, fixtures, progress, servers);
    const small = await measureSmallFiles(servers, fixtures, settings, progress);
    const large = await measureLargeFile(servers, fixtures, settings, progress);
    await Promise.all(servers.map((server) => server.stop()));
    return { small, large, crashes: new Map(servers.map((server) => [server.name, server.crashes])) };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}
