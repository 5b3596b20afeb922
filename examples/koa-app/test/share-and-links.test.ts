import { expect } from 'chai';
import contentDisposition from 'content-disposition';
import { createAppLinkSigner } from '../src/auth/link-signer.js';
import { expectError, fileNamed, listFiles, request, sendJson, useAppWithUsers, upload, TEST_SECRET } from './support.js';

describe('example app: sharing', () => {
  const app = useAppWithUsers();

  it('lets the owner share a file; the other user can then list and download it', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'plus+sign.txt');
    expectError(await request(`${app.t.url}/api/files/${file.id}/download`, { token: app.bob }), 404, 'NOT_FOUND');

    const res = await sendJson(`${app.t.url}/api/files/${file.id}/share`, { user: 'bob' }, { token: app.alice });
    expect(res.status).to.equal(204);
    expect(res.body.length).to.equal(0);

    expect((await listFiles(app.t.url, app.bob)).map((f) => f.name)).to.include('plus+sign.txt');
    const download = await request(`${app.t.url}/api/files/${file.id}/download`, { token: app.bob });
    expect(download.status).to.equal(200);
    expect(download.body.toString()).to.equal('1+1=2\n');

    const again = await sendJson(`${app.t.url}/api/files/${file.id}/share`, { user: 'bob' }, { token: app.alice });
    expect(again.status).to.equal(204);
  });

  it('refuses an unknown user and a malformed body with 400', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
    expectError(await sendJson(`${app.t.url}/api/files/${file.id}/share`, { user: 'mallory' }, { token: app.alice }), 400, 'UNKNOWN_USER');
    expectError(await sendJson(`${app.t.url}/api/files/${file.id}/share`, { who: 'bob' }, { token: app.alice }), 400, 'BAD_REQUEST');
    expectError(await sendJson(`${app.t.url}/api/files/${file.id}/share`, { user: ['bob'] }, { token: app.alice }), 400, 'BAD_REQUEST');
    expectError(await sendJson(`${app.t.url}/api/files/${file.id}/share`, { user: 'bob', role: 'owner' }, { token: app.alice }), 400, 'BAD_REQUEST');
  });

  it('answers 404 for a file the user cannot read and 403 when a reader who is not the owner shares', async () => {
    const secret = await fileNamed(app.t.url, app.alice, '100% done #1?.txt');
    expectError(await sendJson(`${app.t.url}/api/files/${secret.id}/share`, { user: 'bob' }, { token: app.bob }), 404, 'NOT_FOUND');
    expectError(await sendJson(`${app.t.url}/api/files/nope/share`, { user: 'bob' }, { token: app.alice }), 404, 'NOT_FOUND');
    const shared = await fileNamed(app.t.url, app.bob, 'hello world.txt');
    expectError(await sendJson(`${app.t.url}/api/files/${shared.id}/share`, { user: 'bob' }, { token: app.bob }), 403, 'FORBIDDEN');
  });

  it('needs a token', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
    expectError(await sendJson(`${app.t.url}/api/files/${file.id}/share`, { user: 'bob' }), 401, 'UNAUTHORIZED');
  });
});

describe('example app: signed links', () => {
  const app = useAppWithUsers();

  async function createLink(id: string, body: unknown = {}, token = app.alice) {
    return sendJson(`${app.t.url}/api/files/${id}/link`, body, { token });
  }

  it('creates a link that delivers the file with no Authorization', async () => {
    const file = await fileNamed(app.t.url, app.alice, '🎉 party.txt');
    const before = Date.now();
    const res = await createLink(file.id, { ttl: 120 });
    expect(res.status).to.equal(201);
    const { url, expiresAt } = res.json<{ url: string; expiresAt: string }>();
    expect(url.startsWith(`${app.t.url}/l/`)).to.equal(true);
    const expiry = Date.parse(expiresAt);
    expect(expiry).to.be.within(before + 119_000, Date.now() + 121_000);

    const download = await request(url);
    expect(download.status).to.equal(200);
    expect(download.body.toString('utf8')).to.equal('🎉 let us celebrate\n');
    expect(contentDisposition.parse(String(download.headers['content-disposition'])).parameters['filename']).to.equal('🎉 party.txt');

    const head = await request(url, { method: 'HEAD' });
    expect(head.status).to.equal(200);
    expect(head.body.length).to.equal(0);
    const range = await request(url, { headers: { Range: 'bytes=0-3' } });
    expect(range.status).to.equal(206);
    expect(range.body.equals(Buffer.from('🎉 let us celebrate\n').subarray(0, 4))).to.equal(true);
  });

  it('uses a default lifetime when none is given', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
    const res = await createLink(file.id);
    expect(res.status).to.equal(201);
    const { url, expiresAt } = res.json<{ url: string; expiresAt: string }>();
    expect(Date.parse(expiresAt)).to.be.greaterThan(Date.now() + 60_000);
    expect((await request(url)).body.toString()).to.equal('Hello, world!\n');
  });

  it('lets only the owner create a shareable link: a reader of a shared file gets 403, like share', async () => {
    const shared = await fileNamed(app.t.url, app.bob, 'hello world.txt');
    const refused = await createLink(shared.id, { ttl: 60 }, app.bob);
    expectError(refused, 403, 'FORBIDDEN');
    expect(refused.body.toString()).to.not.include('/l/');
    expectError(await createLink(shared.id, {}, app.bob), 403, 'FORBIDDEN');
    expect((await createLink(shared.id, { ttl: 60 }, app.alice)).status).to.equal(201);
  });

  it('links an uploaded file too', async () => {
    const uploaded = await upload(app.t.url, app.alice, { filename: 'linked "upload".txt', bytes: Buffer.from('linked bytes') });
    const { id } = uploaded.json<{ id: string }>();
    const link = await createLink(id, { ttl: 60 });
    const download = await request(link.json<{ url: string }>().url);
    expect(download.body.toString()).to.equal('linked bytes');
    expect(contentDisposition.parse(String(download.headers['content-disposition'])).parameters['filename']).to.equal('linked "upload".txt');
  });

  it('refuses a lifetime out of bounds or of the wrong type with 400', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
    for (const ttl of [0, -5, 1.5, 8 * 24 * 3600, '60', null]) {
      expectError(await createLink(file.id, { ttl }), 400, 'BAD_REQUEST');
    }
  });

  it('refuses fields it does not know with 400 (a misspelt ttl is not silently the default)', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
    expectError(await createLink(file.id, { tll: 60 }), 400, 'BAD_REQUEST');
    expectError(await createLink(file.id, { ttl: 60, admin: true }), 400, 'BAD_REQUEST');
  });

  it('answers 404 for a file the user cannot read, 401 without a token', async () => {
    const secret = await fileNamed(app.t.url, app.alice, 'plus+sign.txt');
    expectError(await createLink(secret.id, { ttl: 60 }, app.bob), 404, 'NOT_FOUND');
    expectError(await sendJson(`${app.t.url}/api/files/${secret.id}/link`, { ttl: 60 }), 401, 'UNAUTHORIZED');
  });

  it('answers 403 JSON to a tampered link, whatever part was changed', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
    const { url } = (await createLink(file.id, { ttl: 60 })).json<{ url: string }>();
    const token = url.slice(url.lastIndexOf('/') + 1);
    const [payload, signature] = token.split('.') as [string, string];
    const flip = (text: string, at: number): string => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const swapped = Buffer.from(JSON.stringify({ ...decoded, key: 'u/bob/another-file' })).toString('base64url');
    for (const bad of [`${flip(payload, 5)}.${signature}`, `${payload}.${flip(signature, 3)}`, `${swapped}.${signature}`, 'garbage', `${payload}.`, `${payload}`]) {
      const res = await request(`${app.t.url}/l/${bad}`);
      expectError(res, 403);
      expect(res.headers['content-disposition']).to.equal(undefined);
    }
  });

  it('answers 403 JSON to an expired link', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
    const { url } = (await createLink(file.id, { ttl: 60 })).json<{ url: string }>();
    const key = JSON.parse(Buffer.from(url.slice(url.lastIndexOf('/') + 1).split('.')[0]!, 'base64url').toString('utf8')).key as string;
    const past = createAppLinkSigner(Buffer.from(TEST_SECRET, 'utf8'), () => Date.now() - 3600_000);
    const expired = past.sign({ key, filename: 'hello world.txt', disposition: 'attachment', expiresAt: new Date(Date.now() - 1800_000) });
    const res = await request(`${app.t.url}/l/${expired}`);
    expectError(res, 403, 'LINK_EXPIRED');
  });
});
