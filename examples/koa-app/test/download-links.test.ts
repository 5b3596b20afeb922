import { expect } from 'chai';
import contentDisposition from 'content-disposition';
import { expectError, fileNamed, request, sendJson, useAppWithUsers } from './support.js';

interface DownloadLink {
  url: string;
  expiresAt: string;
  delivery: { strategy: string; rule: string; reasons: string[]; text: string };
}

describe('example app: download links (POST /api/files/:id/download-link)', () => {
  const app = useAppWithUsers();

  function downloadLink(id: string, body: unknown = {}, token = app.alice) {
    return sendJson(`${app.t.url}/api/files/${id}/download-link`, body, { token });
  }

  it('gives the owner a link that lives at most 60 s and delivers the file as an attachment with no Authorization', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'plus+sign.txt');
    const before = Date.now();
    const res = await downloadLink(file.id);
    expect(res.status).to.equal(201);
    const { url, expiresAt } = res.json<DownloadLink>();
    expect(url.startsWith(`${app.t.url}/l/`)).to.equal(true);
    expect(Date.parse(expiresAt)).to.be.within(before, Date.now() + 61_000);

    const download = await request(url);
    expect(download.status).to.equal(200);
    expect(download.body.toString('utf8')).to.equal('1+1=2\n');
    const disposition = contentDisposition.parse(String(download.headers['content-disposition']));
    expect(disposition.type).to.equal('attachment');
    expect(disposition.parameters['filename']).to.equal('plus+sign.txt');
  });

  it('gives a reader of a shared file one too, inline when asked', async () => {
    const shared = await fileNamed(app.t.url, app.bob, '🎉 party.txt');
    const res = await downloadLink(shared.id, { disposition: 'inline' }, app.bob);
    expect(res.status).to.equal(201);
    const download = await request(res.json<DownloadLink>().url);
    expect(download.status).to.equal(200);
    expect(download.body.toString('utf8')).to.equal('🎉 let us celebrate\n');
    expect(contentDisposition.parse(String(download.headers['content-disposition'])).type).to.equal('inline');
    expect(download.headers['x-content-type-options']).to.equal('nosniff');
  });

  it("says which strategy the deployment's policy chose for the file, and why", async () => {
    const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
    const { delivery } = (await downloadLink(file.id)).json<DownloadLink>();
    expect(delivery).to.deep.include({ strategy: 'directStream', rule: 'fallback', reasons: ['no rule applies'] });
    expect(delivery.text).to.include('=> directStream (fallback)');
    expect(JSON.stringify(delivery)).to.not.match(/u\/alice|sendoff-example-/);
  });

  it('refuses a lifetime, an unknown field or another disposition with 400: these links are always short', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
    for (const body of [{ ttl: 3600 }, { disposition: 'download' }, { disposition: ['inline'] }]) {
      expectError(await downloadLink(file.id, body), 400, 'BAD_REQUEST');
    }
  });

  it('answers 404 for a file the user cannot read and 401 without a token', async () => {
    const secret = await fileNamed(app.t.url, app.alice, 'plus+sign.txt');
    expectError(await downloadLink(secret.id, {}, app.bob), 404, 'NOT_FOUND');
    expectError(await downloadLink('no-such-file'), 404, 'NOT_FOUND');
    expectError(await sendJson(`${app.t.url}/api/files/${secret.id}/download-link`, {}), 401, 'UNAUTHORIZED');
  });
});
