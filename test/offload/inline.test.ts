/**
 * The inline policy through every real web server: a user's `invoice.html` or `drawing.svg`
 * asked for inline reaches the client as an attachment with `X-Content-Type-Options: nosniff` and
 * the sandbox CSP; an allowed type (PNG, PDF, plain text) stays inline, with nosniff. The server
 * sends the bytes (the offload strategy planned each download), so the headers survived the
 * handoff: nginx only re-adds them through the internal location's `add_header` lines.
 */
import { expect } from 'chai';
import { DEFAULT_ACTIVE_CONTENT_POLICY, caddyAccel, xAccel, xSendfile } from '@sendoff/core';
import { contentDisposition } from '@sendoff/core/http';
import type { OffloadStrategy, ServerKind } from '@sendoff/core/servers';
import { startBackend, type Backend } from '../servers/backend.js';
import { createFixture, type Fixture } from '../servers/fixture.js';
import { fileUrl, get, type RawResponse } from '../servers/http.js';
import { startServer, type StartedServer } from '../servers/start-server.js';

const STRATEGIES: Record<ServerKind, (root: string) => OffloadStrategy> = {
  nginx: (root) => xAccel({ root, prefix: '/_protected/' }),
  apache: (root) => xSendfile({ server: 'apache', root }),
  lighttpd: (root) => xSendfile({ server: 'lighttpd', root }),
  caddy: (root) => caddyAccel({ root }),
};

const HOSTILE_PAGE = '<!doctype html><html><body><script>fetch("/api/files").then((r) => r.text()).then(alert)</script></body></html>\n';

const FILES = [
  { key: 'invoice.html', body: Buffer.from(HOSTILE_PAGE) },
  { key: 'drawing.svg', body: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>\n') },
  { key: 'photo.png', body: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)]) },
  { key: 'paper.pdf', body: Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n') },
  // Plain text holding HTML: without nosniff an old browser could render it as a page.
  { key: 'notes.txt', body: Buffer.from(HOSTILE_PAGE) },
];

const ACTIVE: Array<{ key: string; type: string }> = [
  { key: 'invoice.html', type: 'text/html; charset=utf-8' },
  { key: 'drawing.svg', type: 'image/svg+xml' },
];
const ALLOWED_INLINE: Array<{ key: string; type: string }> = [
  { key: 'photo.png', type: 'image/png' },
  { key: 'paper.pdf', type: 'application/pdf' },
  { key: 'notes.txt', type: 'text/plain; charset=utf-8' },
];

const inlineUrl = (key: string): string => `${fileUrl(key)}?disposition=inline`;

for (const server of Object.keys(STRATEGIES) as ServerKind[]) {
  describe(`inline policy through ${server}`, function () {
    this.timeout(60_000);
    let fixture: Fixture | undefined;
    let backend: Backend | undefined;
    let running: StartedServer | undefined;
    let strategy: OffloadStrategy | undefined;

    before(async () => {
      fixture = await createFixture(FILES);
      strategy = STRATEGIES[server](fixture.root);
      backend = await startBackend({ root: fixture.root, strategy });
      running = await startServer(server, { upstreamPort: backend.port, strategy });
    });
    after(async () => {
      await running?.stop();
      await backend?.stop();
      await fixture?.remove();
    });

    async function fetchFile(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
      const response = await get(running!.url, path, headers, method);
      expect(backend!.decisions.at(-1), 'the web server sent it').to.deep.equal({ rule: 'offload', strategy: strategy!.name });
      return response;
    }

    const bytesOf = (key: string): Buffer => fixture!.byKey(key).body;

    for (const { key, type } of ACTIVE) {
      it(`serves ${key} asked inline as an attachment, with nosniff and the sandbox CSP`, async () => {
        const response = await fetchFile(inlineUrl(key));
        expect(response.status, running!.output()).to.equal(200);
        expect(response.body.equals(bytesOf(key))).to.equal(true);
        expect(response.headers['content-type']).to.equal(type);
        expect(response.headers['content-disposition']).to.equal(contentDisposition(key, 'attachment'));
        expect(response.headers['x-content-type-options']).to.equal('nosniff');
        expect(response.headers['content-security-policy']).to.equal(DEFAULT_ACTIVE_CONTENT_POLICY);
      });
    }

    it('keeps the headers on a range and on HEAD of active content', async () => {
      const range = await fetchFile(inlineUrl('invoice.html'), { range: 'bytes=0-14' });
      expect(range.status).to.equal(206);
      expect(range.body.equals(bytesOf('invoice.html').subarray(0, 15))).to.equal(true);
      const head = await fetchFile(inlineUrl('drawing.svg'), {}, 'HEAD');
      expect(head.status).to.equal(200);
      expect(head.body.length).to.equal(0);
      for (const response of [range, head]) {
        expect(response.headers['content-disposition']).to.match(/^attachment;/);
        expect(response.headers['x-content-type-options']).to.equal('nosniff');
        expect(response.headers['content-security-policy']).to.equal(DEFAULT_ACTIVE_CONTENT_POLICY);
      }
    });

    for (const { key, type } of ALLOWED_INLINE) {
      it(`keeps ${key} inline, with nosniff and no CSP`, async () => {
        const response = await fetchFile(inlineUrl(key));
        expect(response.status, running!.output()).to.equal(200);
        expect(response.body.equals(bytesOf(key))).to.equal(true);
        expect(response.headers['content-type']).to.equal(type);
        expect(response.headers['content-disposition']).to.equal(contentDisposition(key, 'inline'));
        expect(response.headers['x-content-type-options']).to.equal('nosniff');
        expect(response.headers).to.not.have.property('content-security-policy');
      });
    }
  });
}
