import { expect } from 'chai';
import fc from 'fast-check';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { createS3Client } from './create-s3-client.js';
import { SigV4QuerySigner, type SigningCredentials } from './sigv4-query-signer.js';
import { encodeSegments } from '@sendoff/core/http';

type PresignableRequest = Parameters<S3RequestPresigner['presign']>[0];

/** The SDK's own presigner, as the reference the fast signer must match signature for signature. */
async function sdkQuery(signer: { method: string; host: string; path: string; query: Record<string, string>; credentials: SigningCredentials; signingDate: Date; expiresInSeconds: number; region: string }) {
  const client = createS3Client({ region: signer.region, credentials: signer.credentials });
  const presigner = new S3RequestPresigner({ ...client.config, credentials: signer.credentials });
  const [hostname = '', port] = signer.host.split(':');
  const request: PresignableRequest = {
    method: signer.method,
    protocol: 'https:',
    hostname,
    ...(port === undefined ? {} : { port: Number(port) }),
    path: signer.path,
    query: { ...signer.query },
    headers: {},
  };
  const signed = await presigner.presign(request, { signingDate: signer.signingDate, expiresIn: signer.expiresInSeconds, signingRegion: signer.region, signingService: 's3' });
  client.destroy();
  return signed.query as Record<string, string>;
}

function parse(query: string): Record<string, string> {
  return Object.fromEntries(query.split('&').map((pair) => pair.split('=').map(decodeURIComponent) as [string, string]));
}

const base = {
  method: 'GET',
  host: 'examplebucket.s3.eu-west-3.amazonaws.com',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  region: 'eu-west-3',
  service: 's3',
  signingDate: new Date(Date.UTC(2026, 2, 4, 5, 6, 7)),
  expiresInSeconds: 300,
};

describe('SigV4QuerySigner', () => {
  it('matches the SDK presigner for a download with name and type overrides', async () => {
    const input = {
      ...base,
      path: `/${encodeSegments("reports/2026/Q1 résumé (final)'s *copy*.pdf".split('/'))}`,
      query: {
        'response-content-disposition': `attachment; filename="Q1 r_sum_ (final)'s.pdf"; filename*=UTF-8''Q1%20r%C3%A9sum%C3%A9.pdf`,
        'response-content-type': 'application/pdf',
      },
    };
    const ours = parse(new SigV4QuerySigner().signQuery(input));
    expect(ours).to.deep.equal(await sdkQuery(input));
  });

  it('matches it for HEAD, session tokens and a host with a port', async () => {
    const input = {
      ...base,
      method: 'HEAD',
      host: '127.0.0.1:4568',
      path: '/bucket/a/b.txt',
      query: { 'response-cache-control': 'private, max-age=60' },
      credentials: { ...base.credentials, sessionToken: 'IQoJb3JpZ2luX2VjE+/token==' },
    };
    const ours = parse(new SigV4QuerySigner().signQuery(input));
    expect(ours['X-Amz-Security-Token']).to.equal('IQoJb3JpZ2luX2VjE+/token==');
    expect(ours).to.deep.equal(await sdkQuery(input));
  });

  it('matches it for arbitrary keys, names and dates (property)', async () => {
    const signer = new SigV4QuerySigner();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.integer({ min: 1, max: 604_800 }),
        async (segments, name, seconds, expires) => {
          const input = {
            ...base,
            path: `/${encodeSegments(segments)}`,
            query: { 'response-content-disposition': `inline; filename="${name}"` },
            signingDate: new Date(seconds * 1000),
            expiresInSeconds: expires,
          };
          expect(parse(signer.signQuery(input))).to.deep.equal(await sdkQuery(input));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps signing right across days and key pairs (cached keys are per day and secret)', () => {
    const signer = new SigV4QuerySigner();
    const input = { ...base, path: '/k', query: {} };
    const day1 = parse(signer.signQuery(input))['X-Amz-Signature'];
    const day2 = parse(signer.signQuery({ ...input, signingDate: new Date(base.signingDate.getTime() + 86_400_000) }))['X-Amz-Signature'];
    const otherSecret = parse(signer.signQuery({ ...input, credentials: { ...base.credentials, secretAccessKey: 'other' } }))['X-Amz-Signature'];
    const again = parse(new SigV4QuerySigner().signQuery(input))['X-Amz-Signature'];
    expect(new Set([day1, day2, otherSecret]).size).to.equal(3);
    expect(again).to.equal(day1);
  });
});
