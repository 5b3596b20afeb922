import { expect } from 'chai';
import { xSendfile } from '@sendoff/core';
import { get } from '../servers/http.js';
import { describeOffload } from './offload-suite.js';

describeOffload({
  server: 'lighttpd',
  strategy: (root) => xSendfile({ server: 'lighttpd', root }),
  // lighttpd's own 416 carries no `Content-Range: bytes */size`, and lighttpd ignores If-Match
  // (no 412). The suite above checks both as they are.
  mergesRanges: false,
  limitsChunkedBodies: true,
  conformance: { supports: { contentRange416: false, ifMatch412: false } },
  ifMatch412: false,
  contentRangeOn416: false,
  keepHeader: 'X-Request-Id',
  extra(stack) {
    it('limits x-sendfile to the root with a trailing slash in the generated config', () => {
      expect(stack().server.config.text).to.include(`"x-sendfile-docroot" => ( "${stack().fixture.root}/" )`);
    });

    it('does not serve files straight from the root', async () => {
      const response = await get(stack().server.url, '/plain.bin');
      expect(response.status).to.equal(404);
    });
  },
});
