import { expect } from 'chai';
import { xAccel } from '@sendoff/core';
import { get } from '../servers/http.js';
import { describeOffload, expectNoLeak } from './offload-suite.js';

describeOffload({
  server: 'nginx',
  strategy: (root) => xAccel({ root, prefix: '/_protected/', keepHeaders: ['X-Request-Id'] }),
  mergesRanges: false,
  limitsChunkedBodies: true,
  conformance: {},
  ifMatch412: true,
  contentRangeOn416: true,
  keepHeader: 'X-Request-Id',
  extra(stack) {
    it('keeps the internal location out of reach of clients (404), with or without traversal', async () => {
      for (const path of ['/_protected/plain.bin', '/_protected/', '/files/../_protected/plain.bin', '/_protected/../root-secret/secret.txt']) {
        const response = await get(stack().server.url, path);
        expect(response.status, path).to.equal(404);
        expect(response.body.equals(stack().fixture.byKey('plain.bin').body), path).to.equal(false);
      }
    });

    it('the leak check fails on the internal URI in a header or an error body', () => {
      const leakedHeader = { status: 200, headers: { 'x-debug': '/_protected/plain.bin' }, body: Buffer.alloc(0) };
      expect(() => expectNoLeak(leakedHeader, stack())).to.throw(/_protected/);
      const leakedBody = { status: 404, headers: {}, body: Buffer.from('no /_protected/plain.bin here') };
      expect(() => expectNoLeak(leakedBody, stack())).to.throw(/_protected/);
      expect(() => expectNoLeak({ status: 404, headers: {}, body: Buffer.from('not found') }, stack())).to.not.throw();
    });

    it('generated the internal location with `internal;` and a trailing-slash alias', () => {
      const { text } = stack().server.config;
      expect(text).to.include(`alias "${stack().fixture.root}/";`);
      expect(text).to.match(/location \^~ \/_protected\/ \{\n\s+internal;/);
    });
  },
});
