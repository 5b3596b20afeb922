/**
 * What one file-system call costs in CPU, made synchronously and through libuv's thread pool (the
 * callback API, one call at a time): the figure behind sendoff's choices on its download path.
 * Usage: node --import tsx bench/profile/thread-pool-cost.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sendoff-pool-cost-'));
const file = path.join(dir, 'small.bin');
fs.writeFileSync(file, Buffer.alloc(4096, 1));
const buffer = Buffer.alloc(4096);
const fd = fs.openSync(file, 'r');

function cpuMicros(since: NodeJS.CpuUsage, calls: number): string {
  const used = process.cpuUsage(since);
  return ((used.user + used.system) / calls).toFixed(1);
}

function sync(run: () => void, calls = 50_000): string {
  const since = process.cpuUsage();
  for (let i = 0; i < calls; i++) run();
  return cpuMicros(since, calls);
}

async function pooled(run: (done: () => void) => void, calls = 10_000): Promise<string> {
  const since = process.cpuUsage();
  for (let i = 0; i < calls; i++) await new Promise<void>((resolve) => run(resolve));
  return cpuMicros(since, calls);
}

const rows: [string, string, string][] = [
  ['stat', sync(() => fs.statSync(file)), await pooled((done) => fs.stat(file, done))],
  ['realpath', sync(() => fs.realpathSync.native(file)), await pooled((done) => fs.realpath.native(file, done))],
  ['open + close', sync(() => fs.closeSync(fs.openSync(file, 'r'))), await pooled((done) => fs.open(file, 'r', (_error, opened) => fs.close(opened, done)))],
  ['fstat', sync(() => fs.fstatSync(fd)), await pooled((done) => fs.fstat(fd, done))],
  ['read 4 KiB at a position', sync(() => fs.readSync(fd, buffer, 0, 4096, 0)), await pooled((done) => fs.read(fd, buffer, 0, 4096, 0, done))],
];
fs.closeSync(fd);
fs.rmSync(dir, { recursive: true });

console.log(`Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, load average ${os.loadavg()[0]!.toFixed(1)}\n`);
console.log('| call | CPU µs, synchronous | CPU µs, through the thread pool |\n|---|---:|---:|');
for (const [name, direct, throughPool] of rows) console.log(`| ${name} | ${direct} | ${throughPool} |`);
