import { expect } from 'chai';
import { expectError, fileNamed, request, sendJson, useAppWithUsers } from './support.js';

describe('example app: revocable and single-use links', () => {
  const app = useAppWithUsers();

  async function createLink(id: string, body: unknown = {}, token = app.alice) {
    return sendJson(`${app.t.url}/api/files/${id}/link`, body, { token });
  }

  const revoke = (id: string, token?: string) => request(`${app.t.url}/api/links/${id}/revoke`, { method: 'POST', ...(token === undefined ? {} : { token }) });

  it('the owner revokes a shareable link: it delivered before, it is gone (410) after, for everyone', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
    const created = await createLink(file.id, { ttl: 600 });
    expect(created.status).to.equal(201);
    const { url, id } = created.json<{ url: string; id: string }>();
    expect(id).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect((await request(url)).body.toString()).to.equal('Hello, world!\n');

    const revoked = await revoke(id, app.alice);
    expect(revoked.status).to.equal(204);
    expect(revoked.body.length).to.equal(0);
    const gone = await request(url);
    expectError(gone, 410, 'LINK_REVOKED');
    expect(gone.headers['content-disposition']).to.equal(undefined);
    expect(gone.body.toString()).to.not.include('Hello');
    // Revoking twice is fine.
    expect((await revoke(id, app.alice)).status).to.equal(204);
  });

  it('only the owner who created the link may revoke it: 404 for anyone else or an unknown id, 401 without a token', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
    const { url, id } = (await createLink(file.id, { ttl: 600 })).json<{ url: string; id: string }>();
    expectError(await revoke(id, app.bob), 404, 'NOT_FOUND');
    expectError(await revoke('no-such-link', app.alice), 404, 'NOT_FOUND');
    expectError(await revoke('bad/../id', app.alice), 404);
    expectError(await revoke(id), 401, 'UNAUTHORIZED');
    expect((await request(url)).status).to.equal(200);
  });

  it('a link with maxUses delivers that many times, then is gone (410)', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
    const created = await createLink(file.id, { ttl: 600, maxUses: 2 });
    expect(created.status).to.equal(201);
    const { url, maxUses } = created.json<{ url: string; maxUses: number }>();
    expect(maxUses).to.equal(2);
    for (let use = 0; use < 2; use++) expect((await request(url)).body.toString()).to.equal('Hello, world!\n');
    const used = await request(url);
    expectError(used, 410, 'LINK_USED_UP');
    expect(used.headers['content-disposition']).to.equal(undefined);
  });

  it('a single-use link fetched by 8 clients at once delivers to exactly one; the others get 410', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
    const { url } = (await createLink(file.id, { ttl: 600, maxUses: 1 })).json<{ url: string }>();
    const responses = await Promise.all(Array.from({ length: 8 }, () => request(url)));
    const delivered = responses.filter((response) => response.status === 200);
    expect(delivered.map((response) => response.body.toString())).to.deep.equal(['Hello, world!\n']);
    for (const response of responses.filter((candidate) => candidate.status !== 200)) expectError(response, 410, 'LINK_USED_UP');
  });

  it('refuses a use limit out of bounds or of the wrong type with 400', async () => {
    const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
    for (const maxUses of [0, -1, 1.5, 1001, '1', null]) {
      expectError(await createLink(file.id, { ttl: 60, maxUses }), 400, 'BAD_REQUEST');
    }
  });
});
