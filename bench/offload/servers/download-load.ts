/**
 * A load generator in its own process: N clients download one URL over and over (every body read
 * to the end and checked for its length) until SIGTERM or the time limit, then print the
 * downloader's report as one JSON line.
 *
 * Arguments: <url> <clients> <expected size> <time limit ms> [wait]. It prints `{"ready":true}`
 * once set up; with `wait` it starts downloading on SIGUSR2 only (so several processes can start
 * together), otherwise at once.
 */
import { once } from 'node:events';
import { runDownloads } from '../../lib/downloader.js';

const [url, clients, expectedSize, limitMs, wait] = process.argv.slice(2);
if (url === undefined || limitMs === undefined) throw new Error('usage: download-load.ts <url> <clients> <expected size> <time limit ms> [wait]');

const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
// A SIGTERM before the start signal ends the process with an empty report.
const go = wait === 'wait' ? Promise.race([once(process, 'SIGUSR2'), once(stop.signal, 'abort')]) : Promise.resolve();
// A pending signal listener does not keep Node running: a timer does, until the start.
const keepAlive = setInterval(() => undefined, 60_000);
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
await go;
clearInterval(keepAlive);
const report = await runDownloads({
  url,
  clients: Number(clients),
  perClient: Number.POSITIVE_INFINITY,
  durationMs: Number(limitMs),
  expectedSize: Number(expectedSize),
  signal: stop.signal,
});
process.stdout.write(`${JSON.stringify({ report })}\n`);
