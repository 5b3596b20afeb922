import { expect } from 'chai';
import { xSendfile } from '@sendoff/core';
import { fileUrl, get } from '../servers/http.js';
import { describeOffload } from './offload-suite.js';

describeOffload({
  server: 'apache',
  strategy: (root) => xSendfile({ server: 'apache', root }),
  // Apache's own 416 carries no `Content-Range: bytes */size`.
  mergesRanges: true,
  limitsChunkedBodies: false,
  conformance: { supports: { contentRange416: false } },
  ifMatch412: true,
  contentRangeOn416: false,
  keepHeader: 'X-Request-Id',
  extra(stack) {
    it('sends the app ETag, so "0" never matches and each file has its own', async () => {
      const a = await get(stack().server.url, fileUrl('plain.bin'));
      const b = await get(stack().server.url, fileUrl('plus+sign.txt'));
      expect(a.headers.etag).to.not.equal('"0"');
      expect(a.headers.etag).to.not.equal(b.headers.etag);
    });

    it('does not serve files straight from the whitelisted path', async () => {
      const response = await get(stack().server.url, '/plain.bin');
      expect(response.status).to.equal(404);
    });
  },
});
