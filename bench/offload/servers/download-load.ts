/**
 * A load generator in its own process: N clients download one URL over and over (every body read
 * to the end and checked for its length) until SIGTERM or the time limit, then print the
 * downloader's report as one JSON line. Prints `{"started":true}` once the clients are running.
 * Arguments: <url> <clients> <expected size> <time limit ms>.
 */
import { runDownloads } from '../../lib/downloader.js';

const [url, clients, expectedSize, limitMs] = process.argv.slice(2);
if (url === undefined || limitMs === undefined) throw new Error('usage: download-load.ts <url> <clients> <expected size> <time limit ms>');

const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
const running = runDownloads({
  url,
  clients: Number(clients),
  perClient: Number.POSITIVE_INFINITY,
  durationMs: Number(limitMs),
  expectedSize: Number(expectedSize),
  signal: stop.signal,
});
process.stdout.write(`${JSON.stringify({ started: true })}\n`);
const report = await running;
process.stdout.write(`${JSON.stringify({ report })}\n`);
