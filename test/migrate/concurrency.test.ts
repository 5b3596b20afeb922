/**
 * `--concurrency N` bounds the uploads in flight and is used: with every upload held a while by the
 * proxy (so overlapping ones really overlap), the most PUTs in flight at once is exactly N, and
 * every file still lands byte-equal.
 */
import { expect } from 'chai';

import { join } from 'node:path';
import type { CorruptingProxy } from './corrupting-proxy.js';
import { startProxiedStore, stopProxiedStore } from './proxied-store.js';
import { BUCKET, LocalS3, bytesFor, fileDigest, parseReport, runCli, s3Env } from './harness.js';

/** Twelve files, small ones sent whole and larger ones (above 1 MiB) streamed. */
const FILES: Record<string, Buffer> = Object.fromEntries(
  Array.from({ length: 12 }, (_, i) => [`c/file-${String(i).padStart(2, '0')}.bin`, bytesFor(400 + i, i % 3 === 0 ? 1024 * 1024 + 4096 * i + 1 : 2000 + 97 * i)]),
);
const NAMES = Object.keys(FILES).sort();

describe('sendoff migrate: concurrency', function () {
  this.timeout(180_000);
  let s3: LocalS3;
  let proxy: CorruptingProxy;
  let source: string;

  beforeEach(async () => {
    ({ s3, proxy, source } = await startProxiedStore('concurrency', FILES));
    proxy.holdUploadsMs = 150;
  });

  afterEach(() => stopProxiedStore({ s3, proxy, source }));

  for (const concurrency of [1, 2, 3]) {
    it(`--concurrency ${concurrency}: never more than ${concurrency} in flight, and ${concurrency} reached`, async () => {
      const result = await runCli(['migrate', '--from', source, '--to', `s3://${BUCKET}/c`, '--concurrency', String(concurrency), '--json'], { env: s3Env(proxy.endpoint) });
      expect(result.code, result.stderr).to.equal(0);
      const report = parseReport(result);
      expect(report.copied).to.equal(NAMES.length);
      expect(report.failed).to.equal(0);
      expect(proxy.inFlight).to.equal(0);
      expect(proxy.maxInFlight, 'uploads in flight at once').to.equal(concurrency);
      expect([...proxy.puts.values()].reduce((sum, n) => sum + n, 0), 'one PUT per file').to.equal(NAMES.length);
      expect(await s3.objectKeys(BUCKET)).to.deep.equal(NAMES.map((name) => `c/${name}`));
      for (const name of NAMES) {
        expect(await s3.objectDigest(BUCKET, `c/${name}`), name).to.equal(await fileDigest(join(source, name)));
      }
    });
  }
});
