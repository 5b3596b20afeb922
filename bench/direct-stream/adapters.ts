/**
 * The framework adapters against each framework's own file sender: the 4 KiB request rate of
 * node:http `deliver` vs send, Express `sendoff()` vs `res.sendFile` (and send), Fastify
 * `reply.sendoff()` vs `@fastify/static`'s `reply.sendFile`, Hono `deliverResponse` vs
 * `serveStatic`, all servers interleaved in one run.
 */
import { loadavg } from 'node:os';
import type { RateReport } from '../lib/request-rate.js';
import type { SupervisedServer } from '../lib/supervised-server.js';
import { adapterComparisons, adapterContenders, type AdapterComparison, type Contender } from './contenders.js';
import { createFixtures } from './fixtures.js';
import { measureSmallFiles, startVerified } from './phases.js';
import type { DirectStreamSettings } from './settings.js';

/** The large file only has to pass the pre-run check here: 1 MiB keeps it quick. */
const CHECKED_LARGE_SIZE = 2 ** 20;

export interface AdapterResults {
  settings: DirectStreamSettings;
  startedAt: Date;
  durationMs: number;
  loadAverage: { start: number; end: number };
  comparisons: readonly AdapterComparison[];
  contenders: readonly Contender[];
  /** 4 KiB req/s per round, by contender name. */
  small: Map<string, RateReport[]>;
  /** Times each server process died during the run (it is then restarted). */
  crashes: Map<string, number>;
}

export async function runAdapters(settings: DirectStreamSettings, progress: (message: string) => void = () => {}): Promise<AdapterResults> {
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
  const contenders = Object.values(adapterContenders);
  const fixtures = await createFixtures({ smallCount: settings.smallCount, largeSize: CHECKED_LARGE_SIZE });
  const servers: SupervisedServer[] = [];
  try {
    await startVerified(contenders, fixtures, progress, servers);
    const small = await measureSmallFiles(servers, fixtures, settings, progress);
    await Promise.all(servers.map((server) => server.stop()));
    return {
      settings,
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
      loadAverage: { start: loadAtStart, end: loadavg()[0]! },
      comparisons: adapterComparisons,
      contenders,
      small,
      crashes: new Map(servers.map((server) => [server.name, server.crashes])),
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await fixtures.remove();
  }
}
