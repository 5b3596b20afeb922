/**
 * Presigned URLs per second: s3Redirect's plan (its own SigV4 query signer, signing key cached per
 * day; the whole plan is measured, Content-Disposition included) against the usual
 * `getSignedUrl(client, new GetObjectCommand(...))` and, for reference, the SDK's
 * `S3RequestPresigner#presign` on a prepared request; same process, credentials, keys and
 * response overrides. Signing needs no network: the client points at an address nothing serves.
 *
 *   node --import tsx bench/s3-presign.ts [--seconds=2] [--rounds=5] [--write]
 *
 * Each round runs both for a fixed time, alternating which goes first; the report gives the median
 * rate of each and the ratio. --write replaces the "S3 presigning" section of bench/RESULTS.md.
 */
import { parseArgs } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { S3RequestPresigner, getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { validateKey, type ResolvedFile } from '@sendoff/core';
import { contentDisposition } from '@sendoff/core/http';
import { S3Storage, createS3Client, s3Redirect } from '@sendoff/s3';
import { writeSection } from './lib/results-file.js';
import { formatNumber, formatRatio, median, ratio } from './lib/stats.js';

const HEADING = 'S3 presigning';
const BUCKET = 'bench-bucket';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '5' },
    write: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

const client = createS3Client({
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'AKIDBENCHMARK', secretAccessKey: 'bench-secret' },
});
const storage = new S3Storage({ client, bucket: BUCKET, prefix: 'files/' });
const strategy = s3Redirect({ client, expiresIn: 300 });
const options = { filename: 'Rapport annuel « 2026 ».pdf', disposition: 'attachment' as const, contentType: 'application/pdf', headers: {} };
const request = { method: 'GET', headers: {} };

/** 1000 files, resolved up front as the Deliverer would (key validation is not what is measured). */
const names = Array.from({ length: 1000 }, (_, i) => `reports/${i.toString().padStart(4, '0')}.pdf`);
const files: ResolvedFile[] = await Promise.all(names.map(async (name) => {
  const key = validateKey(name);
  return {
    key,
    stat: { size: 1, mtime: new Date(0), etag: '"x"', contentType: 'application/pdf' },
    location: await storage.locate(key),
    open: () => Promise.reject(new Error('not used')),
  };
}));
let counter = 0;
const next = () => counter++ % 1000;

const presigner = new S3RequestPresigner({ ...client.config });

const contenders: Record<string, () => Promise<string>> = {
  's3Redirect plan': async () => {
    const plan = await strategy.plan(request, files[next()]!, options);
    return plan.body === 'redirect' ? plan.location : '';
  },
  'getSignedUrl(GetObjectCommand)': () =>
    getSignedUrl(
      client,
      new GetObjectCommand({
        Bucket: BUCKET,
        Key: `files/${names[next()]!}`,
        ResponseContentDisposition: contentDisposition(options.filename, options.disposition),
        ResponseContentType: options.contentType,
      }),
      { expiresIn: 300 },
    ),
  'S3RequestPresigner.presign': async () => {
    const signed = await presigner.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: '127.0.0.1',
        port: 9,
        path: `/${BUCKET}/files/${names[next()]!}`,
        query: {
          'response-content-disposition': contentDisposition(options.filename, options.disposition),
          'response-content-type': options.contentType,
        },
        headers: {},
      },
      { expiresIn: 300 },
    );
    return `${signed.path}?${Object.keys(signed.query ?? {}).join('&')}`;
  },
};

/** URLs per second of `sign`, run back to back for `durationMs`. */
async function rate(sign: () => Promise<string>, durationMs: number): Promise<number> {
  const start = performance.now();
  let count = 0;
  let length = 0;
  while (performance.now() - start < durationMs) {
    for (let i = 0; i < 50; i++) length += (await sign()).length;
    count += 50;
  }
  if (length === 0) throw new Error('no URL produced');
  return count / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  const names = Object.keys(contenders);
  for (const name of names) await rate(contenders[name]!, 300); // warm-up: JIT, endpoint resolution
  const rates: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) rates[name]!.push(await rate(contenders[name]!, seconds * 1000));
    process.stderr.write(`[bench] round ${round + 1}/${rounds}: ${names.map((n) => `${n} ${formatNumber(rates[n]!.at(-1)!)}/s`).join(', ')}\n`);
  }
  const fast = median(rates['s3Redirect plan']!);
  const slow = median(rates['getSignedUrl(GetObjectCommand)']!);
  const sdkPresigner = median(rates['S3RequestPresigner.presign']!);
  // Per-round ratios pair runs made under the same machine load; their median is the figure to quote.
  const pairedRatio = (name: string) => median(rates[name]!.map((value, round) => ratio(value, rates['getSignedUrl(GetObjectCommand)']![round]!)));
  const section = [
    `## ${HEADING}`,
    '',
    `Command: \`node --import tsx bench/s3-presign.ts --seconds=${seconds} --rounds=${rounds}\``,
    '',
    `Node ${process.version}, ${rounds} rounds of ${seconds} s each per contender (alternating order), median URLs/s, one URL at a time;`,
    'same credentials, same object keys and the same `response-content-disposition` / `response-content-type` overrides.',
    'The machine was shared with other work, so absolute rates vary between rounds; the paired ratio is steadier.',
    '',
    '| contender | URLs/s (median) | µs per URL |',
    '|---|---:|---:|',
    `| s3Redirect plan (own SigV4 query signer, whole plan) | ${formatNumber(fast)} | ${formatNumber(1e6 / fast, 1)} |`,
    `| getSignedUrl(client, new GetObjectCommand(...)) | ${formatNumber(slow)} | ${formatNumber(1e6 / slow, 1)} |`,
    `| S3RequestPresigner#presign, prepared request (URL not formatted) | ${formatNumber(sdkPresigner)} | ${formatNumber(1e6 / sdkPresigner, 1)} |`,
    '',
    `Ratio (median of per-round ratios): s3Redirect is **${formatRatio(pairedRatio('s3Redirect plan'))}** getSignedUrl's rate` +
      ` (S3RequestPresigner on a prepared request: ${formatRatio(pairedRatio('S3RequestPresigner.presign'))}).`,
  ].join('\n');
  process.stdout.write(`${section}\n`);
  if (values.write) await writeSection(new URL('./RESULTS.md', import.meta.url), HEADING, section);
  client.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
