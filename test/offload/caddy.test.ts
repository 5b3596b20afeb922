import { expect } from 'chai';
import { caddyAccel } from '@sendoff/core';
import { fileUrl, get } from '../servers/http.js';
import { describeOffload } from './offload-suite.js';

describeOffload({
  server: 'caddy',
  strategy: (root) => caddyAccel({ root }),
  fallsBack: (key) => key.includes('?'),
  mergesRanges: false,
  limitsChunkedBodies: true,
  conformance: {},
  ifMatch412: true,
  contentRangeOn416: true,
  keepHeader: 'X-Request-Id',
  extra(stack) {
    it('serves names with % and # itself; for a ? the policy falls back to directStream, Range included', async () => {
      const { backend } = stack();
      await get(stack().server.url, fileUrl('50% off #2.txt'));
      expect(backend.decisions.at(-1)).to.deep.equal({ rule: 'offload', strategy: 'caddyAccel' });
      const fallback = await get(stack().server.url, fileUrl('100% done #1?.txt'), { range: 'bytes=0-4' });
      expect(backend.decisions.at(-1)).to.deep.equal({ rule: 'fallback', strategy: 'directStream' });
      expect(fallback.status).to.equal(206);
      expect(fallback.body.equals(stack().fixture.byKey('100% done #1?.txt').body.subarray(0, 5))).to.equal(true);
    });

    it('does not serve files straight from the root', async () => {
      const response = await get(stack().server.url, '/plain.bin');
      expect(response.status).to.equal(404);
    });
  },
});
