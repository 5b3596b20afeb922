/**
 * What a hostile client tries against the generated configs, through the real server: the longest
 * key and download name the Deliverer accepts (with the app's extra headers at their limit) never
 * give a 5xx, a Range header with many ranges never gets more bytes than the file, and the request
 * body limit (`maxBodyBytes`) lets a body up to it reach the app and refuses one above it with 413.
 */
import { expect } from 'chai';
import { MAX_EXTRA_HEADER_BYTES, MAX_FILENAME_BYTES, MAX_KEY_BYTES, MAX_SEGMENT_BYTES } from '@sendoff/core';
import { contentDisposition } from '@sendoff/core/http';
import type { OffloadStrategy, ServerKind } from '@sendoff/core/servers';
import { startBackend, UPLOAD_PATH, type Backend } from '../servers/backend.js';
import { createFixture, type Fixture } from '../servers/fixture.js';
import { fileUrl, get, post, type RawResponse } from '../servers/http.js';
import { startServer, type StartedServer } from '../servers/start-server.js';

export interface HostileTarget {
  server: ServerKind;
  strategy(root: string): OffloadStrategy;
  /** Whether the server merges overlapping or adjacent ranges into one 206 (as directStream does). */
  mergesRanges: boolean;
  /** Whether the server refuses a chunked body above the limit itself (Apache passes it to the app). */
  limitsChunkedBodies: boolean;
}

const MiB = 1024 * 1024;
/** The limit of the second server, small enough to send bodies above it. */
const SMALL_LIMIT = MiB;
/** The size createFixture gives its first file (`plain.bin`), the one the range checks read. */
const PLAIN_SIZE = 1000;

/** Units whose encodings grow the most: ASCII, 2- and 4-byte UTF-8, `%` and `"`. */
const UNITS = { ascii: 'a', accented: 'é', emoji: '🎉', percent: '%', quote: '"' } as const;

/** `unit` repeated to exactly `bytes` UTF-8 bytes (the rest filled with ASCII). */
function fill(unit: string, bytes: number): string {
  const repeated = unit.repeat(Math.floor(bytes / Buffer.byteLength(unit)));
  return repeated + 'x'.repeat(bytes - Buffer.byteLength(repeated));
}

/** A key of exactly MAX_KEY_BYTES bytes: segments of `unit` of up to MAX_SEGMENT_BYTES each. */
function longestKey(unit: string): string {
  // Four segments of 254 bytes and one of 4, with four separators: 1024 bytes.
  const sizes = [MAX_SEGMENT_BYTES - 1, MAX_SEGMENT_BYTES - 1, MAX_SEGMENT_BYTES - 1, MAX_SEGMENT_BYTES - 1, 4];
  const key = sizes.map((size) => fill(unit, size)).join('/');
  expect(Buffer.byteLength(key)).to.equal(MAX_KEY_BYTES);
  return key;
}

const LONGEST_KEYS = Object.values(UNITS).map(longestKey);
const LONGEST_NAMES = [
  ...Object.values(UNITS).map((unit) => fill(unit, MAX_FILENAME_BYTES)),
  // Quotes double in the ASCII fallback and triple in `filename*`, which a non-ASCII or
  // percent-looking name brings in: the longest Content-Disposition there is.
  `${'"'.repeat(MAX_FILENAME_BYTES - 2)}é`,
  `${'"'.repeat(MAX_FILENAME_BYTES - 3)}%41`,
  // Names that grow after the length check: U+FDFA folds to 18 ASCII characters, U+1D160 is
  // tripled by NFC normalisation (4 bytes → 12).
  fill('\uFDFA', MAX_FILENAME_BYTES),
  `${fill('\u{1D160}', MAX_FILENAME_BYTES - 4)}.pdf`,
];

/** The example app's extra download headers, padded so all of them take exactly `bytes`. */
function appHeaders(bytes: number): Record<string, string> {
  const headers: Record<string, string> = {
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'X-Request-Id': 'req-42',
  };
  const used = Object.entries(headers).reduce((sum, [name, value]) => sum + Buffer.byteLength(`${name}: ${value}\r\n`), 0);
  headers['X-Padding'] = 'p'.repeat(bytes - used - Buffer.byteLength('X-Padding: \r\n'));
  return headers;
}

/** Range headers with many ranges, for a file of `size` bytes (at least 701). */
function manyRanges(size: number): Record<string, string> {
  const list = (count: number, spec: (i: number) => string): string => `bytes=${Array.from({ length: count }, (_, i) => spec(i)).join(',')}`;
  return {
    'the same byte 1000 times': list(1000, () => '0-0'),
    'every other byte': list(Math.floor(size / 2), (i) => `${2 * i}-${2 * i}`),
    'overlapping spans': list(200, (i) => `${i}-${i + 500}`),
    'suffixes': list(300, () => '-500'),
    'two distinct ranges': 'bytes=0-9,20-29',
  };
}

function expectNever5xx(response: RawResponse, what: string): void {
  expect(response.status, what).to.be.below(500);
}

function expectWholeFile(response: RawResponse, body: Buffer, what: string): void {
  expect(response.status, what).to.equal(200);
  expect(response.headers['content-type'], what).to.not.match(/multipart/);
  expect(response.headers['content-length'], what).to.equal(String(body.length));
  expect(response.body.equals(body), what).to.equal(true);
}

async function* chunksOf(total: number): AsyncIterable<Buffer> {
  const chunk = Buffer.alloc(64 * 1024, 7);
  for (let sent = 0; sent < total; sent += chunk.length) yield chunk.subarray(0, Math.min(chunk.length, total - sent));
}

interface Stack {
  backend: Backend;
  server: StartedServer;
}

export function describeHostileInput(target: HostileTarget): void {
  describe('hostile input', () => {
    let fixture: Fixture | undefined;
    // The app's headers at the limit, the default config.
    let atLimits: Stack | undefined;
    // The app's headers one byte over the limit, a small request body limit.
    let overLimits: Stack | undefined;
    let strategyName = '';
    const stacks = () => ({ fixture: fixture ?? expect.fail('no fixture'), atLimits: atLimits ?? expect.fail('no server'), overLimits: overLimits ?? expect.fail('no server') });

    before(async () => {
      fixture = await createFixture(['plain.bin', ...LONGEST_KEYS]);
      const strategy = target.strategy(fixture.root);
      strategyName = strategy.name;
      const start = async (headers: Record<string, string>, maxBodyBytes?: number): Promise<Stack> => {
        const backend = await startBackend({ root: fixture!.root, strategy, headers });
        try {
          return { backend, server: await startServer(target.server, { upstreamPort: backend.port, strategy, maxBodyBytes }) };
        } catch (error) {
          await backend.stop();
          throw error;
        }
      };
      atLimits = await start(appHeaders(MAX_EXTRA_HEADER_BYTES));
      overLimits = await start(appHeaders(MAX_EXTRA_HEADER_BYTES + 1), SMALL_LIMIT);
    });
    after(async () => {
      for (const stack of [atLimits, overLimits]) {
        await stack?.server.stop();
        await stack?.backend.stop();
      }
      await fixture?.remove();
    });

    for (const [index, key] of LONGEST_KEYS.entries()) {
      it(`delivers the longest key of ${Object.keys(UNITS)[index]} under the longest names, inline and attachment: 200, never 5xx`, async () => {
        const { fixture, atLimits } = stacks();
        for (const name of LONGEST_NAMES) {
          for (const disposition of ['attachment', 'inline'] as const) {
            const what = `${disposition} ${JSON.stringify(name.slice(0, 12))}…`;
            // text/plain may be shown inline (the inline policy), so both dispositions reach the header.
            const response = await get(atLimits.server.url, `${fileUrl(key, name)}&disposition=${disposition}&type=text%2Fplain`);
            expectNever5xx(response, what);
            expect(response.status, what).to.equal(200);
            expect(response.body.equals(fixture.byKey(key).body), what).to.equal(true);
            expect(response.headers['content-disposition'], what).to.equal(contentDisposition(name, disposition));
            expect(atLimits.backend.decisions.at(-1), what).to.deep.equal({ rule: 'offload', strategy: strategyName });
          }
        }
      });
    }

    it('answers a name or a key one byte too long, and app headers over their limit, with 400, never 5xx', async () => {
      const { atLimits, overLimits } = stacks();
      const longName = await get(atLimits.server.url, fileUrl('plain.bin', fill('é', MAX_FILENAME_BYTES + 1)));
      expect(longName.status).to.equal(400);
      const longKey = await get(atLimits.server.url, fileUrl(`${longestKey('a')}x`));
      expect(longKey.status).to.equal(400);
      const headersOver = await get(overLimits.server.url, fileUrl('plain.bin'));
      expect(headersOver.status).to.equal(400);
    });

    for (const [shape, range] of Object.entries(manyRanges(PLAIN_SIZE))) {
      it(`answers ${shape} with the whole file (200), never a multipart bigger than the file`, async () => {
        const { fixture, atLimits } = stacks();
        const body = fixture.byKey('plain.bin').body;
        expect(body.length).to.equal(PLAIN_SIZE);
        const response = await get(atLimits.server.url, fileUrl('plain.bin'), { range });
        expectWholeFile(response, body, shape);
      });
    }

    // RFC 9110 14.2: a Range of a unit the server does not understand MUST be ignored.
    for (const range of ['items=0-1', 'pages=1-2']) {
      it(`ignores the Range ${JSON.stringify(range)} of another unit: the whole file (200)`, async () => {
        const { fixture, atLimits } = stacks();
        const response = await get(atLimits.server.url, fileUrl('plain.bin'), { range });
        expectWholeFile(response, fixture.byKey('plain.bin').body, range);
      });
    }

    it(`answers two adjacent ranges ${target.mergesRanges ? 'with one merged 206' : 'with the whole file (200)'}, and one range with its 206`, async () => {
      const { fixture, atLimits } = stacks();
      const body = fixture.byKey('plain.bin').body;
      const adjacent = await get(atLimits.server.url, fileUrl('plain.bin'), { range: 'bytes=0-4,5-9' });
      if (target.mergesRanges) {
        expect(adjacent.status).to.equal(206);
        expect(adjacent.headers['content-range']).to.equal(`bytes 0-9/${body.length}`);
        expect(adjacent.body.equals(body.subarray(0, 10))).to.equal(true);
      } else {
        expectWholeFile(adjacent, body, 'adjacent ranges');
      }
      const single = await get(atLimits.server.url, fileUrl('plain.bin'), { range: 'bytes=100-199' });
      expect(single.status).to.equal(206);
      expect(single.headers['content-range']).to.equal(`bytes 100-199/${body.length}`);
      expect(single.body.equals(body.subarray(100, 200))).to.equal(true);
    });

    it('lets a 2 MiB body through to the app with the default limit', async () => {
      const response = await post(stacks().atLimits.server.url, UPLOAD_PATH, Buffer.alloc(2 * MiB, 1));
      expect(response.status).to.equal(201);
      expect(JSON.parse(response.body.toString('utf8'))).to.deep.equal({ received: 2 * MiB });
    });

    it('lets a body of exactly maxBodyBytes through and refuses one byte more with 413 (declared length)', async () => {
      const { overLimits } = stacks();
      const atLimit = await post(overLimits.server.url, UPLOAD_PATH, Buffer.alloc(SMALL_LIMIT, 1));
      expect(atLimit.status).to.equal(201);
      expect(JSON.parse(atLimit.body.toString('utf8'))).to.deep.equal({ received: SMALL_LIMIT });
      const over = await post(overLimits.server.url, UPLOAD_PATH, Buffer.alloc(SMALL_LIMIT + 1, 1));
      expect(over.status).to.equal(413);
      expect(over.body.toString('latin1')).to.not.include('received');
    });

    it(`${target.limitsChunkedBodies ? 'refuses a chunked body over maxBodyBytes with 413' : 'passes a chunked body over maxBodyBytes to the app (no limit on proxied chunked bodies)'}`, async () => {
      const { overLimits } = stacks();
      const over = await post(overLimits.server.url, UPLOAD_PATH, chunksOf(SMALL_LIMIT + 1));
      if (target.limitsChunkedBodies) {
        expect(over.status).to.equal(413);
        expect(over.body.toString('latin1')).to.not.include('received');
      } else {
        expect(over.status).to.equal(201);
        expect(JSON.parse(over.body.toString('utf8'))).to.deep.equal({ received: SMALL_LIMIT + 1 });
      }
    });
  });
}
