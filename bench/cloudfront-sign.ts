/**
 * CloudFront signed URLs per second: cloudFrontSigned's plan (the private key read once into a
 * KeyObject, the whole plan measured, Content-Disposition included) against the signer's
 * `getSignedUrl` called as its documentation shows, with the PEM private key, for the very same
 * URL (the same resource, expiry and key, so the same signature; only the order of CloudFront's
 * parameters differs). Both sign with RSA-SHA1; the
 * difference is whether every signature parses the PEM again.
 *
 *   node --import tsx bench/cloudfront-sign.ts [--seconds=2] [--rounds=5] [--write]
 *
 * Before measuring, both URLs are checked to be identical and their signature valid for the
 * public key. Each round runs both for a fixed time, alternating which goes first; the report
 * gives the median rate of each and the median of the per-round ratios. --write replaces the
 * "CloudFront signing" section of bench/RESULTS.md.
 */
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { getSignedUrl } from '@aws-sdk/cloudfront-signer';
import { validateKey, type ResolvedFile } from '@sendoff/core';
import { cloudFrontSigned } from '@sendoff/s3';
import { cannedPolicy, decodeCloudFrontBase64 } from '@sendoff-tools/test-kit';
import { writeSection } from './lib/results-file.js';
import { pairedRatio, reportHead, roundOptionsFromArgs, runSigningRounds, type Signer } from './lib/signing-rounds.js';
import { formatNumber, formatRatio, median } from './lib/stats.js';

const HEADING = 'CloudFront signing';
const DISTRIBUTION = 'https://files.example.com';
const KEY_PAIR_ID = 'K2JCJMDEHXQW5F';
const NOW = Date.UTC(2026, 5, 1, 10, 0, 0);
const EXPIRES_IN = 300;

const { seconds, rounds, write } = roundOptionsFromArgs();

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const strategy = cloudFrontSigned({ distributionUrl: DISTRIBUTION, keyPairId: KEY_PAIR_ID, privateKey, expiresIn: EXPIRES_IN, now: () => NOW });
const options = { filename: 'Rapport annuel « 2026 ».pdf', disposition: 'attachment' as const, contentType: 'application/pdf', headers: {} };
const request = { method: 'GET', headers: {} };

/** 1000 files, resolved up front as the Deliverer would (key validation is not what is measured). */
const files: ResolvedFile[] = Array.from({ length: 1000 }, (_, i) => {
  const key = validateKey(`reports/${i.toString().padStart(4, '0')}.pdf`);
  return {
    key,
    stat: { size: 1, mtime: new Date(0), etag: '"x"', contentType: 'application/pdf' },
    location: { kind: 's3', bucket: 'bench-bucket', objectKey: `files/${key}`, key },
    open: () => Promise.reject(new Error('not used')),
  };
});
/** The unsigned URL of each file, as cloudFrontSigned builds it (what the signer's caller would pass). */
const unsigned = files.map((file) => strategy.signedUrl(file, options).replace(/&Expires=.*$/, ''));
const dateLessThan = new Date(NOW + EXPIRES_IN * 1000).toISOString();
let counter = 0;
const next = () => counter++ % 1000;

const signers: Record<string, (index: number) => Promise<string>> = {
  'cloudFrontSigned plan': async (index) => {
    const plan = await strategy.plan(request, files[index]!, options);
    return plan.body === 'redirect' ? plan.location : '';
  },
  'getSignedUrl (PEM key)': async (index) => getSignedUrl({ url: unsigned[index]!, keyPairId: KEY_PAIR_ID, privateKey, dateLessThan }),
};
const contenders: Record<string, Signer> = Object.fromEntries(Object.entries(signers).map(([name, sign]) => [name, () => sign(next())]));

/** The URL with its parameters in name order (the contenders order CloudFront's differently). */
function canonical(url: string): string {
  const [base = '', query = ''] = url.split('?');
  return `${base}?${query.split('&').sort().join('&')}`;
}

/** Stops the run unless both contenders give the same URL, with a signature the public key accepts. */
async function checkAnswers(): Promise<void> {
  const [ours, theirs] = await Promise.all(Object.values(signers).map((sign) => sign(7)));
  if (canonical(ours ?? '') !== canonical(theirs ?? '')) throw new Error(`the contenders disagree:\n${ours}\n${theirs}`);
  const [resource = '', rest = ''] = (ours ?? '').split('&Expires=');
  const expires = Number(rest.split('&')[0]);
  const signature = decodeCloudFrontBase64(/Signature=([^&]+)/.exec(rest)?.[1] ?? '');
  const valid = signature !== undefined && verify('sha1', Buffer.from(cannedPolicy(resource, expires)), createPublicKey(publicKey), signature);
  if (!valid || expires !== (NOW / 1000) + EXPIRES_IN) throw new Error(`not a valid signed URL: ${ours}`);
}

async function main(): Promise<void> {
  await checkAnswers();
  const rates = await runSigningRounds(contenders, { seconds, rounds, write });
  const ours = median(rates['cloudFrontSigned plan']!);
  const theirs = median(rates['getSignedUrl (PEM key)']!);
  const paired = pairedRatio(rates, 'cloudFrontSigned plan', 'getSignedUrl (PEM key)');
  const section = [
    ...reportHead(HEADING, 'bench/cloudfront-sign.ts', { seconds, rounds, write }, 'a 2048-bit RSA key, the same 1000 object keys and `response-content-disposition` / `response-content-type` overrides; both give the same URL (up to the order of the signature parameters), checked first.'),
    `| cloudFrontSigned plan (key read once into a KeyObject, whole plan) | ${formatNumber(ours)} | ${formatNumber(1e6 / ours, 1)} |`,
    `| getSignedUrl({ url, keyPairId, privateKey: PEM, dateLessThan }) | ${formatNumber(theirs)} | ${formatNumber(1e6 / theirs, 1)} |`,
    '',
    `Ratio (median of per-round ratios): cloudFrontSigned is **${formatRatio(paired)}** getSignedUrl's rate with a PEM key.`,
  ].join('\n');
  process.stdout.write(`${section}\n`);
  if (write) await writeSection(new URL('./RESULTS.md', import.meta.url), HEADING, section);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
