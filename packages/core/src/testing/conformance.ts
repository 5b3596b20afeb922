/**
 * The conformance kit: one set of HTTP checks run against every target (a strategy behind a test
 * server, a framework adapter, a real nginx/Apache/Caddy in front of the app). Registers mocha
 * `describe`/`it` blocks through the globals; every check runs on every file of the target, and
 * every response of every check is also checked for leaked delivery headers and internal paths.
 */
import { strict as assert } from 'node:assert';
import { parse as parseContentDisposition } from 'content-disposition';
import { sanitizeFilename } from '../http/content-disposition.js';
import { fetchResponse, rawResponse, type ConformanceResponse, type RequestHeaders } from './http-client.js';

export interface ConformanceFile {
  /** Path and query that GET this file through the target. */
  urlPath: string;
  bytes: Buffer;
  filename: string;
  contentType: string;
  /** Checked when given; otherwise any of `inline`/`attachment` passes. */
  disposition?: 'inline' | 'attachment';
}

export interface ConformanceTarget {
  name: string;
  /** Called lazily inside tests (servers start in before hooks). */
  baseUrl(): string;
  /** Every check runs on every file (at least one of them >= 64 bytes). */
  files(): ConformanceFile[];
  /** A url path for a valid key that does not exist: 404. */
  missingPath?(): string;
  /** Url paths with hostile keys: a 4xx, never a 5xx. */
  badKeyPaths?(): string[];
  /** Lower-case header names that must never reach the client (e.g. 'x-accel-redirect'). */
  forbiddenHeaders?: string[];
  /** Strings (internal paths) that must never appear in any header or body. */
  secrets?(): string[];
  /** Optional behaviours, all true by default. */
  supports?: {
    ifMatch412?: boolean;
    lastModified304?: boolean;
    etag?: boolean;
    /** Whether a 416 carries `Content-Range: bytes *\/size` (Apache and lighttpd send none). */
    contentRange416?: boolean;
    /**
     * Whether 200, 206 and HEAD answers carry their Content-Length. Next.js route handlers (since
     * 16.4.5 and 15.5.29) drop it and send the body chunked; a length that is sent must still be right.
     */
    contentLength?: boolean;
  };
}

type Send = (file: ConformanceFile, method: string, headers?: RequestHeaders) => Promise<ConformanceResponse>;

const STALE_ETAG = '"sendoff-conformance-stale"';
const MIN_LARGE_FILE = 64;

export function describeConformance(target: ConformanceTarget): void {
  const supports = { ifMatch412: true, lastModified304: true, etag: true, contentRange416: true, contentLength: true, ...target.supports };
  const expectFull = fullCheck(supports.contentLength);
  const expectPartial = partialCheck(supports.contentLength);
  const viaFetch = sender(target, fetchResponse);
  const viaSocket = sender(target, rawResponse);

  describe(`sendoff conformance: ${target.name}`, () => {
    it('lists non-empty files, one of 64 bytes or more', () => {
      const files = target.files();
      assert.ok(files.some((file) => file.bytes.length >= MIN_LARGE_FILE), 'no file of 64 bytes or more');
      for (const file of files) assert.ok(file.bytes.length > 0, where(file, 'empty files cannot be range-checked'));
    });

    eachFile(target, 'GET serves the bytes with type, length and disposition', async (file) => {
      const response = await viaFetch(file, 'GET');
      expectFull(file, response);
      expectDisposition(file, response);
    });

    eachFile(target, 'Range: bytes=0-9 is a 206', async (file) => {
      expectPartial(file, await viaFetch(file, 'GET', { range: 'bytes=0-9' }), 0, 9);
    });

    eachFile(target, 'a suffix range bytes=-10 is a 206 of the last bytes', async (file) => {
      const size = file.bytes.length;
      expectPartial(file, await viaFetch(file, 'GET', { range: 'bytes=-10' }), Math.max(0, size - 10), size - 1);
    });

    eachFile(target, 'an open range bytes=N- is a 206 up to the end', async (file) => {
      const start = Math.floor(file.bytes.length / 2);
      expectPartial(file, await viaFetch(file, 'GET', { range: `bytes=${start}-` }), start, file.bytes.length - 1);
    });

    eachFile(target, 'a range starting at the size is a 416', async (file) => {
      const response = await viaFetch(file, 'GET', { range: `bytes=${file.bytes.length}-` });
      assert.equal(response.status, 416, where(file, 'status'));
      if (supports.contentRange416) {
        assert.equal(response.headers['content-range'], `bytes */${file.bytes.length}`, where(file, 'Content-Range'));
      }
    });

    eachFile(target, 'HEAD sends the GET headers and no body', async (file) => {
      const head = await viaSocket(file, 'HEAD');
      assert.equal(head.status, 200, where(file, 'status'));
      assert.equal(head.body.length, 0, where(file, 'bytes after the head of a HEAD response'));
      expectLength(head, file.bytes.length, supports.contentLength, where(file, 'Content-Length'));
      assert.equal(head.headers['content-type'], file.contentType, where(file, 'Content-Type'));
      expectDisposition(file, head);
    });

    if (supports.etag) {
      eachFile(target, 'If-Range with the current ETag is a 206', async (file) => {
        const etag = await currentValidator(viaFetch, file, 'etag');
        expectPartial(file, await viaFetch(file, 'GET', { range: 'bytes=0-9', 'if-range': etag }), 0, 9);
      });

      eachFile(target, 'If-Range with a stale ETag is the full 200', async (file) => {
        expectFull(file, await viaFetch(file, 'GET', { range: 'bytes=0-9', 'if-range': STALE_ETAG }));
      });

      eachFile(target, 'If-None-Match with the current ETag is a 304 without body', async (file) => {
        const etag = await currentValidator(viaFetch, file, 'etag');
        expectNotModified(file, await viaSocket(file, 'GET', { 'if-none-match': etag }));
      });
    }

    if (supports.lastModified304) {
      eachFile(target, 'If-Modified-Since equal to Last-Modified is a 304 without body', async (file) => {
        const lastModified = await currentValidator(viaFetch, file, 'last-modified');
        expectNotModified(file, await viaSocket(file, 'GET', { 'if-modified-since': lastModified }));
      });
    }

    if (supports.ifMatch412) {
      eachFile(target, 'If-Match with another ETag is a 412', async (file) => {
        const response = await viaFetch(file, 'GET', { 'if-match': STALE_ETAG });
        assert.equal(response.status, 412, where(file, 'status'));
      });
    }

    if (target.missingPath) {
      const missingPath = target.missingPath.bind(target);
      it('a missing file is a 404', async () => {
        const response = await checked(target, await fetchResponse(urlOf(target, missingPath()), 'GET'));
        assert.equal(response.status, 404, `GET ${missingPath()}`);
      });
    }

    if (target.badKeyPaths) {
      const badKeyPaths = target.badKeyPaths.bind(target);
      it('hostile keys get a 4xx, never a 5xx', async () => {
        for (const path of badKeyPaths()) {
          const response = await checked(target, await rawResponse(urlOf(target, path), 'GET'));
          assert.ok(response.status >= 400 && response.status < 500, `GET ${path}: status ${response.status}`);
        }
      });
    }
  });
}

/** One `it` that runs `check` on every file of the target. */
function eachFile(target: ConformanceTarget, title: string, check: (file: ConformanceFile) => Promise<void>): void {
  it(title, async () => {
    const files = target.files();
    assert.ok(files.length > 0, 'the target lists no files');
    for (const file of files) await check(file);
  });
}

function sender(target: ConformanceTarget, client: typeof fetchResponse): Send {
  return async (file, method, headers = {}) => checked(target, await client(urlOf(target, file.urlPath), method, headers));
}

/** Every response: no forbidden header, no secret in any header or in the body. */
async function checked(target: ConformanceTarget, response: ConformanceResponse): Promise<ConformanceResponse> {
  for (const name of target.forbiddenHeaders ?? []) {
    assert.ok(!(name.toLowerCase() in response.headers), `forbidden header ${name} reached the client`);
  }
  const body = response.body.toString('latin1');
  for (const secret of target.secrets?.() ?? []) {
    if (secret.length === 0) continue;
    for (const [name, value] of Object.entries(response.headers)) {
      assert.ok(!value.includes(secret), `header ${name} leaks an internal value`);
    }
    assert.ok(!body.includes(secret), 'the body leaks an internal value');
  }
  return response;
}

function fullCheck(lengthSent: boolean) {
  return (file: ConformanceFile, response: ConformanceResponse): void => {
    assert.equal(response.status, 200, where(file, 'status'));
    assert.equal(response.headers['content-type'], file.contentType, where(file, 'Content-Type'));
    expectLength(response, file.bytes.length, lengthSent, where(file, 'Content-Length'));
    assert.equal(response.headers['content-range'], undefined, where(file, 'Content-Range on a 200'));
    assert.ok(response.body.equals(file.bytes), where(file, 'body bytes'));
  };
}

function partialCheck(lengthSent: boolean) {
  return (file: ConformanceFile, response: ConformanceResponse, start: number, end: number): void => {
    const size = file.bytes.length;
    assert.equal(response.status, 206, where(file, 'status'));
    assert.equal(response.headers['content-range'], `bytes ${start}-${Math.min(end, size - 1)}/${size}`, where(file, 'Content-Range'));
    const expected = file.bytes.subarray(start, end + 1);
    expectLength(response, expected.length, lengthSent, where(file, 'Content-Length'));
    assert.ok(response.body.equals(expected), where(file, `bytes ${start}-${end}`));
  };
}

/** The Content-Length is `length`; a target that sends none (`lengthSent` false) may leave it out. */
function expectLength(response: ConformanceResponse, length: number, lengthSent: boolean, message: string): void {
  const header = response.headers['content-length'];
  if (header === undefined && !lengthSent) return;
  assert.equal(header, String(length), message);
}

function expectNotModified(file: ConformanceFile, response: ConformanceResponse): void {
  assert.equal(response.status, 304, where(file, 'status'));
  assert.equal(response.body.length, 0, where(file, 'bytes after the head of a 304'));
}

function expectDisposition(file: ConformanceFile, response: ConformanceResponse): void {
  const header = response.headers['content-disposition'];
  assert.ok(header, where(file, 'Content-Disposition missing'));
  const parsed = parseContentDisposition(header);
  assert.equal(parsed.parameters['filename'], sanitizeFilename(file.filename), where(file, 'Content-Disposition filename'));
  if (file.disposition) assert.equal(parsed.type, file.disposition, where(file, 'disposition type'));
  else assert.ok(parsed.type === 'inline' || parsed.type === 'attachment', where(file, `disposition type ${parsed.type}`));
}

async function currentValidator(send: Send, file: ConformanceFile, name: 'etag' | 'last-modified'): Promise<string> {
  const response = await send(file, 'GET');
  const value = response.headers[name];
  assert.ok(value, where(file, `${name} missing on a 200`));
  return value;
}

function urlOf(target: ConformanceTarget, path: string): string {
  return `${target.baseUrl().replace(/\/+$/, '')}${path.startsWith('/') ? '' : '/'}${path}`;
}

function where(file: ConformanceFile, what: string): string {
  return `${file.urlPath}: ${what}`;
}
