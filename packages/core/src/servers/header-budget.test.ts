import { expect } from 'chai';
import type { DeliveryPlan, DeliveryStrategy, ResolvedDeliveryOptions } from '../contracts.js';
import { MAX_CONTENT_TYPE_BYTES, MAX_EXTRA_HEADER_BYTES, MAX_FILENAME_BYTES } from '../deliverer/resolve-options.js';
import { MAX_KEY_BYTES, MAX_SEGMENT_BYTES } from '../keys/validate-key.js';
import { caddyAccel } from '../strategies/caddy-accel.js';
import { directStream } from '../strategies/direct-stream.js';
import { xAccel } from '../strategies/x-accel.js';
import { xSendfile } from '../strategies/x-sendfile.js';
import { GET, localFile, tempRoot, type TempRoot } from '../../test/offload-file.js';
import { RESPONSE_HEADER_LIMITS } from './header-budget.js';
import type { ServerKind } from '../strategies/header-survival.js';

/** What the app's HTTP layer adds besides the plan's headers: status line, Date, Connection... */
const FRAMEWORK_HEADER_BYTES = 512;
/** Room every single line keeps below a per-line limit. */
const LINE_MARGIN_BYTES = 2048;

/** The longest key there is, made of 2-byte characters (each byte percent-encodes to three). */
function longestKey(): string {
  const segment = 'é'.repeat((MAX_SEGMENT_BYTES - 1) / 2);
  const key = [segment, segment, segment, segment, 'éé'].join('/');
  expect(Buffer.byteLength(key)).to.equal(MAX_KEY_BYTES);
  return key;
}

/**
 * Accepted names (at most MAX_FILENAME_BYTES) that make the longest Content-Disposition: quotes
 * (escaped in the fallback, `%22` in `filename*`), a character whose ASCII fallback is 18
 * characters (U+FDFA), and one that NFC normalisation triples (U+1D160, 4 bytes → 12).
 */
const LONGEST_HEADER_NAMES = [
  `${'"'.repeat(MAX_FILENAME_BYTES - 2)}é`,
  '\uFDFA'.repeat(Math.floor(MAX_FILENAME_BYTES / 3)),
  '\u{1D160}'.repeat(MAX_FILENAME_BYTES / 4 - 2) + '.pdf',
];

/** The largest options the Deliverer accepts, for a name that makes a longest Content-Disposition. */
function largestOptions(extraHeaders: Record<string, string>, filename: string): ResolvedDeliveryOptions {
  return {
    filename,
    disposition: 'attachment',
    contentType: `text/${'x'.repeat(MAX_CONTENT_TYPE_BYTES - 5)}`,
    headers: extraHeaders,
  };
}

/** One extra header taking the whole budget: the longest single line. */
const ONE_HEADER = { 'X-Extra': 'v'.repeat(MAX_EXTRA_HEADER_BYTES - 'X-Extra: \r\n'.length) };

function lineBytes(name: string, value: string): number {
  return name.length + 2 + Buffer.byteLength(value, 'latin1') + 2;
}

function blockBytes(plan: DeliveryPlan): number {
  return Object.entries(plan.headers).reduce((sum, [name, value]) => sum + lineBytes(name, value), FRAMEWORK_HEADER_BYTES);
}

function longestLine(plan: DeliveryPlan): number {
  return Math.max(...Object.entries(plan.headers).map(([name, value]) => lineBytes(name, value)));
}

describe('response header budget of the generated configs', () => {
  let dir: TempRoot;
  before(async () => {
    dir = await tempRoot();
  });
  after(() => dir.remove());

  const strategies = (root: string): Record<ServerKind, DeliveryStrategy> => ({
    nginx: xAccel({ root, prefix: '/_protected/', limitRate: 1_000_000, buffering: false, charset: 'utf-8', expires: 3600, onDroppedHeader: () => undefined }),
    apache: xSendfile({ server: 'apache', root }),
    lighttpd: xSendfile({ server: 'lighttpd', root, kbytesPerSecond: 1000 }),
    caddy: caddyAccel({ root }),
  });

  for (const server of Object.keys(RESPONSE_HEADER_LIMITS) as ServerKind[]) {
    it(`${server}: the largest accepted delivery, offloaded or streamed, takes at most half the header block and keeps 2 KiB per line`, async () => {
      const file = await localFile(dir.root, longestKey());
      const limits = RESPONSE_HEADER_LIMITS[server];
      for (const strategy of [strategies(dir.root)[server], directStream()]) {
        for (const options of LONGEST_HEADER_NAMES.flatMap((name) => [largestOptions(ONE_HEADER, name), largestOptions({}, name)])) {
          const plan = await strategy.plan(GET, file, options);
          expect(blockBytes(plan), `${strategy.name} header block`).to.be.at.most(limits.block / 2);
          expect(longestLine(plan), `${strategy.name} longest line`).to.be.at.most(limits.line - LINE_MARGIN_BYTES);
        }
      }
    });
  }
});
