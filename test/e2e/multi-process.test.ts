/**
 * Two example-app processes (profile `fleet`) behind one nginx whose generated upstream names
 * both, sharing a real redis-server. The rule "offload when the fleet streams more than 2 files"
 * switches both processes once the sum of their direct streams crosses 2, though neither one's
 * own count does; when Redis dies, each decides on its own streams again and every download
 * through nginx keeps working.
 */
import http from 'node:http';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { xAccel } from '@sendoff/core';
import { request, startLocalRedis, type LocalRedis } from '@sendoff-tools/test-kit';
import { runServer, type RunningServer } from '@sendoff-tools/web-servers';
import { FLEET_INTERNAL_PREFIX } from '../../examples/koa-app/src/profiles/fleet.js';
import { startAppProcess, type AppProcess } from './app-process.js';
import { listFiles, signIn, type ListedFile } from './downloads.js';

const STREAMS_ABOVE = 2;
const SECRET = 'a secret both processes share, 32+ bytes';
const SMALL = 'hello world.txt';
const SMALL_BYTES = Buffer.from('Hello, world!\n');
/** Large enough that a client that stops reading keeps the app's stream open (socket buffers fill). */
const BIG_BYTES = Buffer.alloc(24 * 1024 * 1024, 0x5a);

interface Note {
  strategy: string;
  rule: string;
  reasons: string[];
  text: string;
}

/** A download the client has stopped reading: the app's direct stream stays in flight until `release`. */
interface HeldStream {
  /** Reads the rest; resolves with the bytes received in all. */
  finish(): Promise<Buffer>;
  release(): void;
}

function holdStream(url: string, token: string): Promise<HeldStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`held download answered ${res.statusCode}`));
      res.pause();
      const finish = () =>
        new Promise<Buffer>((done, failed) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(Buffer.concat(chunks)));
          res.on('error', failed);
          res.resume();
        });
      resolve({ finish, release: () => req.destroy() });
    });
    req.on('error', () => undefined);
  });
}

/** Polls `read` until `accept` holds (bounded count); returns the last value. */
async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, attempts = 100): Promise<T> {
  let value = await read();
  for (let attempt = 1; attempt < attempts && !accept(value); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

describe('two app processes behind one nginx, sharing Redis (real nginx, real redis-server)', function () {
  this.timeout(180_000);
  let redis: LocalRedis;
  let dataDir: string;
  const apps: AppProcess[] = [];
  let nginx: RunningServer | undefined;
  const held: HeldStream[] = [];
  let token: string;
  let small: ListedFile;
  let big: ListedFile;
  /** A shareable link made while Redis is up, opened once it is down. */
  let madeBeforeTheOutage = '';

  before(async () => {
    redis = await startLocalRedis();
    dataDir = await mkdtemp(join(tmpdir(), 'sendoff-fleet-'));
    // nginx's workers (www-data when the tests run as root) read the files under it.
    await chmod(dataDir, 0o755);
    const env = { REDIS_URL: redis.url, FLEET_STREAMS_ABOVE: String(STREAMS_ABOVE), SENDOFF_APP_SECRET: SECRET };
    // One after the other: the first seeds the shared data directory.
    apps.push(await startAppProcess({ profile: 'fleet', dataDir, env }));
    apps.push(await startAppProcess({ profile: 'fleet', dataDir, env }));
    nginx = await runServer({
      server: 'nginx',
      strategy: xAccel({ root: join(dataDir, 'files'), prefix: FLEET_INTERNAL_PREFIX }),
      upstream: apps.map(({ url }) => ({ host: '127.0.0.1', port: Number(new URL(url).port) })),
    });
    token = await signIn(nginx.url, 'alice');
    const form = new FormData();
    form.append('file', new Blob([BIG_BYTES], { type: 'application/octet-stream' }), 'big.bin');
    const uploaded = await fetch(`${nginx.url}/api/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(uploaded.status).to.equal(201);
    const files = await listFiles(nginx.url, token);
    small = files.find(({ name }) => name === SMALL) ?? expect.fail(`no ${SMALL}`);
    big = files.find(({ name }) => name === 'big.bin') ?? expect.fail('no big.bin');
  });

  after(async () => {
    for (const stream of held) stream.release();
    await nginx?.stop();
    for (const app of apps) await app.stop();
    await redis?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** What process `app`'s policy picks for a plain GET of the small file now (asked of that process directly). */
  async function noteOf(app: AppProcess): Promise<Note> {
    const res = await fetch(`${app.url}/api/files/${small.id}/download-link`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).to.equal(201);
    return ((await res.json()) as { delivery: Note }).delivery;
  }

  /** A shareable link of the small file, made by process `app`. */
  async function shareableLink(app: AppProcess, body: object = {}): Promise<{ url: string; id: string }> {
    const res = await fetch(`${app.url}/api/files/${small.id}/link`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).to.equal(201);
    return (await res.json()) as { url: string; id: string };
  }

  /** The same link path, asked of another origin (nginx or one process directly). */
  const at = (origin: string, url: string) => `${origin}${new URL(url).pathname}`;

  /** A download of the small file through nginx: the bytes, and no delivery header. */
  async function downloadThroughNginx(): Promise<Record<string, string | string[] | undefined>> {
    const res = await request(`${nginx!.url}/api/files/${small.id}/download`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
    expect(res.body.equals(SMALL_BYTES)).to.equal(true);
    expect(res.headers['x-accel-redirect']).to.equal(undefined);
    expect(String(res.headers['server'])).to.match(/^nginx/);
    return res.headers;
  }

  // sendoff's ETag is "<size>-<mtime ms>", nginx's "<mtime s>-<size>" (hex): who sent the bytes.
  const SIZE = SMALL_BYTES.length.toString(16);
  const sentByNginx = (headers: Record<string, unknown>) => new RegExp(`^"[0-9a-f]+-${SIZE}"$`).test(String(headers['etag']));
  const sentByApp = (headers: Record<string, unknown>) => new RegExp(`^"${SIZE}-[0-9a-f]+"$`).test(String(headers['etag']));

  it('streams from the app while the fleet is quiet', async () => {
    for (const app of apps) {
      const note = await noteOf(app);
      expect(note).to.deep.include({ strategy: 'directStream', rule: 'fallback' });
      expect(note.text.split('\n').slice(0, 3)).to.deep.equal([
        'environment production, 0 direct stream(s) in flight',
        'traffic: redis',
        `offload when the fleet is busy -> xAccel [skipped]: fleet streams 0 <= fleetStreamsAbove ${STREAMS_ABOVE}, counted by redis`,
      ]);
    }
    for (let i = 0; i < 4; i++) expect(sentByApp(await downloadThroughNginx())).to.equal(true);
  });

  it('offloads in both processes once their streams together exceed the limit, though neither one’s own count does', async () => {
    const [first, second] = apps as [AppProcess, AppProcess];
    const url = (app: AppProcess) => `${app.url}/api/files/${big.id}/download`;
    held.push(await holdStream(url(first), token), await holdStream(url(first), token), await holdStream(url(second), token));

    const notes = [];
    for (const app of apps) notes.push(await eventually(() => noteOf(app), (note) => note.strategy === 'xAccel'));
    const [one, two] = notes as [Note, Note];
    for (const note of notes) {
      expect(note).to.deep.include({ strategy: 'xAccel', rule: 'offload when the fleet is busy', reasons: [`fleet streams 3 > fleetStreamsAbove ${STREAMS_ABOVE}, counted by redis`] });
    }
    // Each process's own count stays at or under the limit.
    expect(one.text.split('\n')[0]).to.equal('environment production, 2 direct stream(s) in flight');
    expect(two.text.split('\n')[0]).to.equal('environment production, 1 direct stream(s) in flight');
    // Through nginx, whichever process answers hands the file to nginx.
    for (let i = 0; i < 4; i++) expect(sentByNginx(await downloadThroughNginx())).to.equal(true);
  });

  it('a link revoked through one process, or used up through another, is gone (410) in both', async () => {
    const [first, second] = apps as [AppProcess, AppProcess];
    const shared = await shareableLink(first);
    const once = await shareableLink(second, { maxUses: 1 });
    madeBeforeTheOutage = (await shareableLink(first)).url;
    for (const link of [shared, once]) {
      const res = await request(at(nginx!.url, link.url));
      expect(res.status).to.equal(200);
      expect(res.body.equals(SMALL_BYTES)).to.equal(true);
    }
    const revoked = await fetch(`${second.url}/api/links/${shared.id}/revoke`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(revoked.status).to.equal(204);
    for (const app of apps) {
      const gone = await request(at(app.url, shared.url));
      expect(gone.status).to.equal(410);
      expect(gone.json<{ error: { code: string } }>().error.code).to.equal('LINK_REVOKED');
      const used = await request(at(app.url, once.url));
      expect(used.status).to.equal(410);
      expect(used.json<{ error: { code: string } }>().error.code).to.equal('LINK_USED_UP');
    }
  });

  it('a single-use link fetched by 8 clients at once through both processes delivers to exactly one', async () => {
    const once = await shareableLink(apps[0] as AppProcess, { maxUses: 1 });
    const responses = await Promise.all(Array.from({ length: 8 }, () => request(at(nginx!.url, once.url))));
    const delivered = responses.filter((response) => response.status === 200);
    expect(delivered).to.have.length(1);
    expect(delivered[0]?.body.equals(SMALL_BYTES)).to.equal(true);
    const refused = responses.filter((response) => response.status !== 200);
    expect(refused.map((response) => [response.status, response.json<{ error: { code: string } }>().error.code])).to.deep.equal(Array.from({ length: 7 }, () => [410, 'LINK_USED_UP']));
  });

  it('keeps every download working when Redis dies, each process deciding on its own streams, and says so', async () => {
    await redis.kill();
    for (const app of apps) {
      const note = await eventually(() => noteOf(app), (value) => value.text.includes('traffic: local (redis unavailable)'));
      expect(note.text.split('\n')[1]).to.equal('traffic: local (redis unavailable)');
      expect(note).to.deep.include({ strategy: 'directStream', rule: 'fallback' });
    }
    for (let i = 0; i < 6; i++) expect(sentByApp(await downloadThroughNginx())).to.equal(true);
    // The page's download links are stateless: they keep working.
    for (const app of apps) {
      const made = await fetch(`${app.url}/api/files/${small.id}/download-link`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(made.status).to.equal(201);
      const { url } = (await made.json()) as { url: string };
      const followed = await request(at(nginx!.url, url));
      expect(followed.status).to.equal(200);
      expect(followed.body.equals(SMALL_BYTES)).to.equal(true);
    }
    // A revocable link cannot be checked: refused for now (503), never let through blind.
    const refused = await request(at(nginx!.url, madeBeforeTheOutage));
    expect(refused.status).to.equal(503);
    expect(refused.headers['retry-after']).to.equal('5');
    expect(refused.body.toString()).to.not.include('Hello');
    // The streams in flight when Redis died finish whole.
    for (const stream of held) expect((await stream.finish()).equals(BIG_BYTES)).to.equal(true);
  });
});
