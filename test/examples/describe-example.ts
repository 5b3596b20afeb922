/**
 * The checks every per-framework example passes, started as its README says and downloaded from
 * over real HTTP: the permission check, a whole file, a range, HEAD, and refusals as 4xx that show
 * nothing of the storage.
 */
import { expect } from 'chai';
import { fetchResponse, rawResponse } from '@sendoff/core/testing';
import type { AppProcess } from '../e2e/app-process.js';
import { DOWNLOAD_TOKEN, REPORT, REPORT_KEY, authorized, writeExampleFiles, type ExampleFiles } from './example-files.js';

export interface ExampleTarget {
  name: string;
  /** Starts the example with these settings (PORT, FILES_ROOT, DOWNLOAD_TOKEN). */
  start(env: Record<string, string>): Promise<AppProcess>;
  /** Whether downloads carry their Content-Length (a Next.js route handler's do not). */
  lengthSent: boolean;
  /** Hostile paths under /files/ the example refuses with a 4xx. */
  hostilePaths: string[];
}

export function describeExample(target: ExampleTarget): void {
  describe(target.name, function () {
    this.timeout(300_000);
    let files: ExampleFiles | undefined;
    let app: AppProcess | undefined;
    const url = (path: string) => `${app!.url}${path}`;
    const expectLength = (header: string | undefined, length: number) => {
      if (target.lengthSent || header !== undefined) expect(header).to.equal(String(length));
    };

    before(async () => {
      files = await writeExampleFiles();
      app = await target.start({ PORT: '0', FILES_ROOT: files.root, DOWNLOAD_TOKEN });
    });
    after(async () => {
      await app?.stop();
      await files?.remove();
    });

    it('refuses a client without the token', async () => {
      const response = await fetchResponse(url(`/files/${REPORT_KEY}`), 'GET');
      expect(response.status).to.equal(401);
      expect(response.body.toString()).to.equal('Unauthorized');
    });

    it('sends the whole file, then a range of it', async () => {
      const whole = await fetchResponse(url(`/files/${REPORT_KEY}`), 'GET', authorized());
      expect(whole.status).to.equal(200);
      expect(whole.headers['content-type']).to.equal('text/plain; charset=utf-8');
      expect(whole.headers['content-disposition']).to.equal('attachment; filename="report.txt"');
      expectLength(whole.headers['content-length'], REPORT.length);
      expect(whole.body.equals(REPORT)).to.equal(true);
      const range = await fetchResponse(url(`/files/${REPORT_KEY}`), 'GET', authorized({ range: 'bytes=100-199' }));
      expect(range.status).to.equal(206);
      expect(range.headers['content-range']).to.equal(`bytes 100-199/${REPORT.length}`);
      expectLength(range.headers['content-length'], 100);
      expect(range.body.equals(REPORT.subarray(100, 200))).to.equal(true);
    });

    it('HEAD: the headers of the GET and no body', async () => {
      const head = await rawResponse(url(`/files/${REPORT_KEY}`), 'HEAD', authorized());
      expect(head.status).to.equal(200);
      expect(head.headers['etag']).to.be.a('string');
      expectLength(head.headers['content-length'], REPORT.length);
      expect(head.body).to.have.length(0);
    });

    it('a missing file is a 404, a hostile key a 4xx, and neither shows the storage root', async () => {
      const missing = await fetchResponse(url('/files/docs/missing.txt'), 'GET', authorized());
      expect(missing.status).to.equal(404);
      for (const path of target.hostilePaths) {
        const refused = await rawResponse(url(path), 'GET', authorized());
        expect(refused.status, path).to.be.within(400, 499);
        expect(refused.body.toString('latin1'), path).to.not.include(files!.root);
      }
    });
  });
}
