import { createHash } from 'node:crypto';
import net from 'node:net';
import { format } from 'node:util';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import contentDisposition from 'content-disposition';
import { MAX_CONTENT_TYPE_BYTES } from '@sendoff/core';
import type { HttpResponse } from '@sendoff-tools/test-kit';
import { deterministicBytes } from '../src/seed/deterministic-bytes.js';
import { BIG_FILE_NAME, BIG_FILE_SIZE, SEED_FILES } from '../src/seed/seed-data.js';
import {
  ACTIVE_UPLOADS,
  IMAGE_UPLOAD,
  SANDBOX_CSP,
  expectError,
  fileNamed,
  listFiles,
  multipart,
  request,
  sendJson,
  uploadedId,
  useAppWithUsers,
  upload,
} from './support.js';
import { maxRequestBodyBytes } from '../src/settings.js';

const UPLOAD_LIMIT = 256 * 1024;

/** The file name a Content-Disposition header parses back to (filename* preferred). */
function dispositionOf(header: string | undefined): { type: string; filename: string | undefined } {
  const parsed = contentDisposition.parse(String(header));
  return { type: parsed.type, filename: parsed.parameters['filename'] };
}

/** The name a client sees: path separators and control characters become `_`, the rest is kept. */
function safeName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f/\\]/g, '_');
}

/** The name the app stores: control characters (C0, DEL, C1: CR and LF among them) removed. */
function storedName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
}

/** Every file under the storage root, relative paths sorted. */
async function storedFiles(dataDir: string): Promise<string[]> {
  const entries = await fsp.readdir(path.join(dataDir, 'files'), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dataDir, path.join(e.parentPath, e.name))).sort();
}

/**
 * Sends `head` and then only `bodyStart` of the body it declares, keeps the connection open and
 * resolves once the server has answered and closed it (never if it waits for the rest).
 */
function sendHeadAndWaitForClose(url: string, head: string, bodyStart: Buffer): Promise<HttpResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), hostname, () => socket.write(Buffer.concat([Buffer.from(head, 'latin1'), bodyStart])));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      socket.destroy();
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = raw.subarray(0, split).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: raw.subarray(split + 4) });
    });
  });
}

/** Sends `head` and `bodyStart` of the body it declares, then resets the connection. */
function abortMidBody(url: string, head: string, bodyStart: Buffer): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(Buffer.concat([Buffer.from(head, 'latin1'), bodyStart]), () => {
        socket.destroy();
        resolve();
      });
    });
    socket.on('error', reject);
  });
}

/** Resolves once `condition` holds, checking after each turn of the event loop. */
async function eventually(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

async function sha256Of(stream: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest('hex');
}

describe('example app: files', () => {
  const app = useAppWithUsers({ uploadLimitBytes: UPLOAD_LIMIT });

  describe('GET /api/files', () => {
    it('lists what each user may read: own files and files shared with them', async () => {
      const aliceNames = (await listFiles(app.t.url, app.alice)).map((file) => file.name);
      const bobNames = (await listFiles(app.t.url, app.bob)).map((file) => file.name);
      const seeded = (user: string) => SEED_FILES.filter((f) => f.owner === user || f.sharedWith.includes(user)).map((f) => f.name);
      expect(aliceNames).to.have.members(seeded('alice'));
      expect(bobNames).to.have.members(seeded('bob'));
      expect(bobNames).to.not.include('plus+sign.txt');
      expect(aliceNames).to.not.include('bob private notes.txt');
    });

    it('describes each file with exactly id, name, size, contentType, owner and canShare', async () => {
      const files = await listFiles(app.t.url, app.alice);
      for (const file of files) expect(Object.keys(file).sort()).to.deep.equal(['canShare', 'contentType', 'id', 'name', 'owner', 'size']);
      const big = files.find((file) => file.name === BIG_FILE_NAME);
      expect(big?.size).to.equal(BIG_FILE_SIZE);
      expect(big?.contentType).to.equal('application/octet-stream');
    });

    it('says who owns each file and lets only the owner share it (and link it)', async () => {
      const ofBob = await listFiles(app.t.url, app.bob);
      const shared = ofBob.find((file) => file.name === 'hello world.txt');
      const own = ofBob.find((file) => file.name === 'bob private notes.txt');
      expect(shared).to.deep.include({ owner: 'alice', canShare: false });
      expect(own).to.deep.include({ owner: 'bob', canShare: true });
      for (const file of await listFiles(app.t.url, app.alice)) expect(file).to.deep.include({ owner: 'alice', canShare: true });
    });
  });

  describe('downloads', () => {
    it('delivers a seeded file with its bytes, type, length and a disposition that parses back to its name', async () => {
      for (const name of ['Résumé – naïve.pdf', '100% done #1?.txt', 'quote"and\\backslash.txt', 'plus+sign.txt', '🎉 party.txt', 'hello world.txt']) {
        const file = await fileNamed(app.t.url, app.alice, name);
        const seed = SEED_FILES.find((f) => f.name === name)!;
        const res = await request(`${app.t.url}/api/files/${file.id}/download`, { token: app.alice });
        expect(res.status, name).to.equal(200);
        expect(res.body.equals(seed.body() as Buffer), name).to.equal(true);
        expect(res.headers['content-type'], name).to.equal(seed.contentType);
        expect(res.headers['content-length'], name).to.equal(String(res.body.length));
        expect(dispositionOf(res.headers['content-disposition']), name).to.deep.equal({ type: 'attachment', filename: safeName(name) });
        expect(res.headers['x-content-type-options']).to.equal('nosniff');
        expect(res.headers['content-security-policy']).to.equal(undefined);
      }
    });

    for (const part of ACTIVE_UPLOADS) {
      it(`serves a shared ${part.filename} opened inline as an attachment, with nosniff and the sandbox CSP`, async () => {
        const id = await uploadedId(app.t.url, app.alice, part);
        expect((await sendJson(`${app.t.url}/api/files/${id}/share`, { user: 'bob' }, { token: app.alice })).status).to.equal(204);
        const res = await request(`${app.t.url}/api/files/${id}/download?disposition=inline`, { token: app.bob });
        expect(res.status).to.equal(200);
        expect(res.body.equals(part.bytes)).to.equal(true);
        expect(res.headers['content-type']).to.equal(part.contentType);
        expect(dispositionOf(res.headers['content-disposition'])).to.deep.equal({ type: 'attachment', filename: part.filename });
        expect(res.headers['x-content-type-options']).to.equal('nosniff');
        expect(res.headers['content-security-policy']).to.equal(SANDBOX_CSP);
      });
    }

    it('keeps an uploaded image inline when asked, with nosniff', async () => {
      const id = await uploadedId(app.t.url, app.alice, IMAGE_UPLOAD);
      const res = await request(`${app.t.url}/api/files/${id}/download?disposition=inline`, { token: app.alice });
      expect(res.status).to.equal(200);
      expect(res.body.equals(IMAGE_UPLOAD.bytes)).to.equal(true);
      expect(res.headers['content-type']).to.equal('image/png');
      expect(dispositionOf(res.headers['content-disposition'])).to.deep.equal({ type: 'inline', filename: 'photo.png' });
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect(res.headers['content-security-policy']).to.equal(undefined);
    });

    it('delivers inline with ?disposition=inline and refuses any other value with 400', async () => {
      const file = await fileNamed(app.t.url, app.alice, 'Résumé – naïve.pdf');
      const inline = await request(`${app.t.url}/api/files/${file.id}/download?disposition=inline`, { token: app.alice });
      expect(inline.status).to.equal(200);
      expect(dispositionOf(inline.headers['content-disposition'])).to.deep.equal({ type: 'inline', filename: 'Résumé – naïve.pdf' });
      for (const query of ['disposition=evil', 'disposition=inline&disposition=inline', 'disposition=', 'disposition=INLINE%0d%0aX-Injected:1']) {
        const res = await request(`${app.t.url}/api/files/${file.id}/download?${query}`, { token: app.alice });
        expectError(res, 400, 'BAD_REQUEST');
        expect(res.headers['content-disposition']).to.equal(undefined);
        expect(res.headers['x-injected']).to.equal(undefined);
      }
    });

    it('answers 404 with the same body for an unknown id and for another user\'s file', async () => {
      const bobsOwn = await fileNamed(app.t.url, app.bob, 'bob private notes.txt');
      const other = await request(`${app.t.url}/api/files/${bobsOwn.id}/download`, { token: app.alice });
      const unknown = await request(`${app.t.url}/api/files/00000000-0000-0000-0000-000000000000/download`, { token: app.alice });
      const hostile = await request(`${app.t.url}/api/files/..%2F..%2Fetc%2Fpasswd/download`, { token: app.alice });
      for (const res of [other, unknown, hostile]) {
        expectError(res, 404, 'NOT_FOUND');
        expect(res.headers['content-disposition']).to.equal(undefined);
      }
      expect(other.body.equals(unknown.body)).to.equal(true);
      expect(hostile.body.equals(unknown.body)).to.equal(true);
    });

    it('needs a token: 401 without one', async () => {
      const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
      expectError(await request(`${app.t.url}/api/files/${file.id}/download`), 401, 'UNAUTHORIZED');
    });

    it('answers Range, suffix Range, an unsatisfiable Range (JSON 416) and a failed If-Match (JSON 412)', async () => {
      const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
      const url = `${app.t.url}/api/files/${file.id}/download`;
      const part = await request(url, { token: app.alice, headers: { Range: 'bytes=0-4' } });
      expect(part.status).to.equal(206);
      expect(part.body.toString()).to.equal('Hello');
      expect(part.headers['content-range']).to.equal('bytes 0-4/14');
      expect(part.headers['content-length']).to.equal('5');
      const suffix = await request(url, { token: app.alice, headers: { Range: 'bytes=-7' } });
      expect(suffix.status).to.equal(206);
      expect(suffix.body.toString()).to.equal('world!\n');
      const beyond = await request(url, { token: app.alice, headers: { Range: 'bytes=14-' } });
      expectError(beyond, 416, 'RANGE_NOT_SATISFIABLE');
      expect(beyond.headers['content-range']).to.equal('bytes */14');
      const mismatch = await request(url, { token: app.alice, headers: { 'If-Match': '"not-the-etag"' } });
      expectError(mismatch, 412, 'PRECONDITION_FAILED');
    });

    it('answers 304 to If-None-Match with the current ETag', async () => {
      const file = await fileNamed(app.t.url, app.alice, 'hello world.txt');
      const url = `${app.t.url}/api/files/${file.id}/download`;
      const first = await request(url, { token: app.alice });
      const etag = String(first.headers['etag']);
      expect(etag).to.match(/^"/);
      const again = await request(url, { token: app.alice, headers: { 'If-None-Match': etag } });
      expect(again.status).to.equal(304);
      expect(again.body.length).to.equal(0);
      expect(again.headers['etag']).to.equal(etag);
      const modified = await request(url, { token: app.alice, headers: { 'If-Modified-Since': String(first.headers['last-modified']) } });
      expect(modified.status).to.equal(304);
    });

    it('answers HEAD with the headers of a GET and no body', async () => {
      const file = await fileNamed(app.t.url, app.alice, '🎉 party.txt');
      const res = await request(`${app.t.url}/api/files/${file.id}/download`, { token: app.alice, method: 'HEAD' });
      expect(res.status).to.equal(200);
      expect(res.body.length).to.equal(0);
      expect(res.headers['content-length']).to.equal(String(Buffer.byteLength('🎉 let us celebrate\n')));
      expect(res.headers['content-type']).to.equal('text/plain; charset=utf-8');
      expect(dispositionOf(res.headers['content-disposition']).filename).to.equal('🎉 party.txt');
    });

    it('delivers the 20 MiB seed file byte for byte', async () => {
      const file = await fileNamed(app.t.url, app.alice, BIG_FILE_NAME);
      const res = await request(`${app.t.url}/api/files/${file.id}/download`, { token: app.alice });
      expect(res.status).to.equal(200);
      expect(res.headers['content-length']).to.equal(String(BIG_FILE_SIZE));
      expect(res.body.length).to.equal(BIG_FILE_SIZE);
      const expected = await sha256Of(deterministicBytes(BIG_FILE_SIZE));
      expect(createHash('sha256').update(res.body).digest('hex')).to.equal(expected);
    });
  });

  describe('POST /api/files', () => {
    const hostileNames = [
      'plain name.txt',
      '../../etc/passwd',
      'dir/sub\\file.txt',
      'line\r\nX-Injected: yes.txt',
      'tab\tand\u0000nul.txt',
      'quote"and;semicolon=,.txt',
      "it's 100%25 ok.txt",
      'Ünïcödé – 日本語 🎉.txt',
      'x'.repeat(300) + '.txt',
    ];

    for (const name of hostileNames) {
      it(`stores ${JSON.stringify(name.length > 40 ? name.slice(0, 40) + '…' : name)} without its control characters and delivers the same bytes with a safe disposition`, async () => {
        const bytes = Buffer.from(`content of ${JSON.stringify(name)}\n`, 'utf8');
        const res = await upload(app.t.url, app.alice, { filename: name, contentType: 'text/plain', bytes });
        expect(res.status).to.equal(201);
        const created = res.json<{ id: string; name: string; size: number; contentType: string }>();
        expect(created).to.deep.include({ name: storedName(name), size: bytes.length, contentType: 'text/plain' });
        expect(Object.keys(created).sort()).to.deep.equal(['contentType', 'id', 'name', 'size']);

        const listed = (await listFiles(app.t.url, app.alice)).find((file) => file.id === created.id);
        expect(listed?.name).to.equal(storedName(name));

        const download = await request(`${app.t.url}/api/files/${created.id}/download`, { token: app.alice });
        expect(download.status).to.equal(200);
        expect(download.body.equals(bytes)).to.equal(true);
        expect(download.headers['x-injected']).to.equal(undefined);
        const header = String(download.headers['content-disposition']);
        expect(header).to.not.match(/[\r\n\u0000]/);
        const parsed = dispositionOf(header);
        expect(parsed.type).to.equal('attachment');
        expect(parsed.filename).to.equal(safeName(storedName(name)));
      });
    }

    it('stores bidirectional overrides and invisible characters as _, so a name cannot disguise its extension', async () => {
      for (const [name, stored] of [
        ['invoice\u202egpj.exe', 'invoice_gpj.exe'],
        ['photo\u200b.jpg\u2066.exe', 'photo_.jpg_.exe'],
        ['\ufeffnotes.txt', '_notes.txt'],
      ] as const) {
        const res = await upload(app.t.url, app.alice, { filename: name, contentType: 'text/plain', bytes: Buffer.from('x') });
        expect(res.status, name).to.equal(201);
        const created = res.json<{ id: string; name: string }>();
        expect(created.name).to.equal(stored);
        expect((await listFiles(app.t.url, app.alice)).find((file) => file.id === created.id)?.name).to.equal(stored);
      }
    });

    it('stores a\\r\\nb.txt as ab.txt and lists it so', async () => {
      const res = await upload(app.t.url, app.alice, { filename: 'a\r\nb.txt', contentType: 'text/plain', bytes: Buffer.from('ab\n') });
      expect(res.status).to.equal(201);
      const created = res.json<{ id: string; name: string }>();
      expect(created.name).to.equal('ab.txt');
      const listed = (await listFiles(app.t.url, app.alice)).filter((file) => file.id === created.id);
      expect(listed.map((file) => file.name)).to.deep.equal(['ab.txt']);
      const download = await request(`${app.t.url}/api/files/${created.id}/download`, { token: app.alice });
      expect(dispositionOf(download.headers['content-disposition']).filename).to.equal('ab.txt');
    });

    it('stores a media type longer than the Deliverer takes as application/octet-stream, so the file stays downloadable', async () => {
      const contentType = `application/${'x'.repeat(MAX_CONTENT_TYPE_BYTES)}`;
      const res = await upload(app.t.url, app.alice, { filename: 'long-type.bin', contentType, bytes: Buffer.from('payload') });
      expect(res.status).to.equal(201);
      const created = res.json<{ id: string; contentType: string }>();
      expect(created.contentType).to.equal('application/octet-stream');
      const download = await request(`${app.t.url}/api/files/${created.id}/download`, { token: app.alice });
      expect(download.status).to.equal(200);
      expect(download.body.toString()).to.equal('payload');
    });

    it('answers 400 to a name made only of control characters, and keeps nothing', async () => {
      const before = await listFiles(app.t.url, app.alice);
      const storedBefore = await storedFiles(app.t.dataDir);
      for (const name of ['\r\n', '\u0000\u0085\u007f', '\t']) {
        const res = await upload(app.t.url, app.alice, { filename: name, bytes: Buffer.from('x') });
        expectError(res, 400, 'BAD_REQUEST');
      }
      expect(await listFiles(app.t.url, app.alice)).to.deep.equal(before);
      expect(await storedFiles(app.t.dataDir)).to.deep.equal(storedBefore);
    });

    it('limits the name to 1024 UTF-8 bytes at upload: 1,020 é (2,040 bytes) is a 400 and keeps nothing', async () => {
      const before = await listFiles(app.t.url, app.alice);
      const storedBefore = await storedFiles(app.t.dataDir);
      for (const name of ['é'.repeat(1020), `${'é'.repeat(512)}x`, 'a'.repeat(1025)]) {
        const res = await upload(app.t.url, app.alice, { filename: name, bytes: Buffer.from('too long a name\n') });
        expectError(res, 400, 'BAD_REQUEST');
        expect(res.json<{ error: { message: string } }>().error.message).to.include('1024 bytes');
      }
      expect(await listFiles(app.t.url, app.alice)).to.deep.equal(before);
      expect(await storedFiles(app.t.dataDir)).to.deep.equal(storedBefore);
    });

    it('accepts a name of exactly 1024 UTF-8 bytes (512 é) and delivers it under that name', async () => {
      const name = 'é'.repeat(512);
      const bytes = Buffer.from('a long name\n');
      const res = await upload(app.t.url, app.alice, { filename: name, contentType: 'text/plain', bytes });
      expect(res.status).to.equal(201);
      const created = res.json<{ id: string; name: string }>();
      expect(created.name).to.equal(name);
      const download = await request(`${app.t.url}/api/files/${created.id}/download`, { token: app.alice });
      expect(download.status).to.equal(200);
      expect(download.body.equals(bytes)).to.equal(true);
      const header = String(download.headers['content-disposition']);
      expect(header).to.include(`filename*=UTF-8''${'%C3%A9'.repeat(512)}`);
      expect(dispositionOf(header)).to.deep.equal({ type: 'attachment', filename: name });
    });

    it('keeps a browser-style raw UTF-8 filename', async () => {
      const bytes = Buffer.from('raw utf-8 name\n');
      const { body, contentType } = multipart([{ field: 'file', rawName: 'Résumé 🎉.txt', contentType: 'text/plain', bytes }]);
      const res = await request(`${app.t.url}/api/files`, { method: 'POST', token: app.alice, headers: { 'Content-Type': contentType }, body });
      expect(res.status).to.equal(201);
      expect(res.json<{ name: string }>().name).to.equal('Résumé 🎉.txt');
    });

    it('takes the file field among other fields, with its media type normalised', async () => {
      const bytes = Buffer.from([0, 1, 2, 3, 254, 255]);
      const { body, contentType } = multipart([
        { field: 'comment', bytes: Buffer.from('hello') },
        { field: 'other', filename: 'ignored.bin', bytes: Buffer.from('ignored') },
        { field: 'file', filename: 'data.bin', contentType: 'Image/PNG', bytes },
      ]);
      const res = await request(`${app.t.url}/api/files`, { method: 'POST', token: app.alice, headers: { 'Content-Type': contentType }, body });
      expect(res.status).to.equal(201);
      const created = res.json<{ id: string; name: string; contentType: string }>();
      expect(created.name).to.equal('data.bin');
      expect(created.contentType).to.equal('image/png');
      const download = await request(`${app.t.url}/api/files/${created.id}/download`, { token: app.alice });
      expect(download.body.equals(bytes)).to.equal(true);
    });

    it('answers 400 when the file field is missing or the body is not multipart', async () => {
      const noFile = multipart([{ field: 'comment', bytes: Buffer.from('no file here') }]);
      expectError(await request(`${app.t.url}/api/files`, { method: 'POST', token: app.alice, headers: { 'Content-Type': noFile.contentType }, body: noFile.body }), 400, 'BAD_REQUEST');
      const wrongField = multipart([{ field: 'upload', filename: 'a.txt', bytes: Buffer.from('a') }]);
      expectError(await request(`${app.t.url}/api/files`, { method: 'POST', token: app.alice, headers: { 'Content-Type': wrongField.contentType }, body: wrongField.body }), 400, 'BAD_REQUEST');
      expectError(await request(`${app.t.url}/api/files`, { method: 'POST', token: app.alice, headers: { 'Content-Type': 'application/json' }, body: '{}' }), 400, 'BAD_REQUEST');
      const truncated = multipart([{ field: 'file', filename: 'a.txt', bytes: Buffer.from('abc') }]);
      expectError(
        await request(`${app.t.url}/api/files`, { method: 'POST', token: app.alice, headers: { 'Content-Type': truncated.contentType }, body: truncated.body.subarray(0, truncated.body.length - 20) }),
        400,
        'BAD_REQUEST',
      );
    });

    it('answers 413 beyond the upload limit and keeps nothing, in the database or on disk', async () => {
      const before = await listFiles(app.t.url, app.alice);
      const storedBefore = await storedFiles(app.t.dataDir);
      for (const size of [UPLOAD_LIMIT + 1, UPLOAD_LIMIT * 4]) {
        const res = await upload(app.t.url, app.alice, { filename: 'too big.bin', bytes: Buffer.alloc(size, 7) });
        expectError(res, 413, 'PAYLOAD_TOO_LARGE');
      }
      expect(await listFiles(app.t.url, app.alice)).to.deep.equal(before);
      expect(await storedFiles(app.t.dataDir)).to.deep.equal(storedBefore);
      const exact = await upload(app.t.url, app.alice, { filename: 'exactly the limit.bin', bytes: Buffer.alloc(UPLOAD_LIMIT, 7) });
      expect(exact.status).to.equal(201);
    });

    it('answers 413 to a declared Content-Length over the limit before reading the body, and closes the connection', async () => {
      const before = await listFiles(app.t.url, app.alice);
      const storedBefore = await storedFiles(app.t.dataDir);
      const { body, contentType } = multipart([{ field: 'file', filename: 'huge.bin', bytes: Buffer.alloc(16, 7) }]);
      for (const declared of [10 * 1024 ** 3, maxRequestBodyBytes(UPLOAD_LIMIT) + 1]) {
        const head =
          `POST /api/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${app.alice}\r\n` +
          `Content-Type: ${contentType}\r\nContent-Length: ${declared}\r\n\r\n`;
        const res = await sendHeadAndWaitForClose(app.t.url, head, body.subarray(0, 100));
        expect(res.status, String(declared)).to.equal(413);
        expect(res.headers['connection']).to.equal('close');
        expect(res.headers['content-type']).to.match(/^application\/json/);
        const error = (JSON.parse(res.body.toString('utf8')) as { error: { code: string; message: string } }).error;
        expect(error.code).to.equal('PAYLOAD_TOO_LARGE');
        expect(error.message).to.include(String(maxRequestBodyBytes(UPLOAD_LIMIT)));
      }
      expect(await listFiles(app.t.url, app.alice)).to.deep.equal(before);
      expect(await storedFiles(app.t.dataDir)).to.deep.equal(storedBefore);
    });

    it('accepts request bodies up to the upload limit plus 64 KiB of multipart envelope', () => {
      expect(maxRequestBodyBytes(UPLOAD_LIMIT)).to.equal(UPLOAD_LIMIT + 64 * 1024);
    });

    it('logs one line, without a stack, when a client aborts an upload mid-body, and keeps nothing', async () => {
      const before = await listFiles(app.t.url, app.alice);
      const storedBefore = await storedFiles(app.t.dataDir);
      const loggedBefore = app.t.logged.length;
      const { body, contentType } = multipart([{ field: 'file', filename: 'aborted.bin', bytes: Buffer.alloc(200_000, 7) }]);
      const head =
        `POST /api/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${app.alice}\r\n` +
        `Content-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`;
      await abortMidBody(app.t.url, head, body.subarray(0, 100_000));
      await eventually(() => app.t.logged.length > loggedBefore);
      // A full request afterwards: whatever the aborted one was going to log is logged by then.
      expect((await upload(app.t.url, app.alice, { filename: 'after the abort.txt', bytes: Buffer.from('x') })).status).to.equal(201);
      const lines = app.t.logged.slice(loggedBefore).map((args) => format(...args));
      expect(lines).to.have.length(1);
      expect(lines[0]).to.not.include('\n');
      expect(lines[0]).to.include('POST /api/files');
      expect((await listFiles(app.t.url, app.alice)).filter((file) => file.name !== 'after the abort.txt')).to.deep.equal(before);
      expect((await storedFiles(app.t.dataDir)).length).to.equal(storedBefore.length + 1);
    });

    it('answers 401 to an upload without a token', async () => {
      const res = await upload(app.t.url, '', { filename: 'a.txt', bytes: Buffer.from('a') });
      expectError(res, 401, 'UNAUTHORIZED');
    });
  });
});
