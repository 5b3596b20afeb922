import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { expect } from 'chai';
import type { DeliveryPlan, Key, OpenOptions, ResolvedDeliveryOptions, ResolvedFile } from '../contracts.js';
import { directStream } from './direct-stream.js';

const SIZE = 100;
const MTIME = new Date('2024-01-02T03:04:05.678Z');
const LAST_MODIFIED = 'Tue, 02 Jan 2024 03:04:05 GMT';
const ETAG = '"v1-abc"';
const CONTENT = Buffer.from(Array.from({ length: SIZE }, (_, i) => 65 + (i % 26)));

function fakeFile(stat: Partial<ResolvedFile['stat']> = {}): ResolvedFile & { opened: OpenOptions[] } {
  const opened: OpenOptions[] = [];
  const key = 'docs/file.txt' as Key;
  return {
    key,
    stat: { size: SIZE, mtime: MTIME, etag: ETAG, ...stat },
    location: { kind: 'local', root: '/srv/files', path: '/srv/files/docs/file.txt', key },
    opened,
    async open(options: OpenOptions = {}) {
      opened.push(options);
      const { start = 0, end = SIZE - 1 } = options.range ?? {};
      return Readable.from([CONTENT.subarray(start, end + 1)]);
    },
  };
}

const OPTIONS: ResolvedDeliveryOptions = {
  filename: 'Résumé.txt',
  disposition: 'attachment',
  contentType: 'text/plain; charset=utf-8',
  headers: {},
};

async function planFor(headers: Record<string, string>, method = 'GET', file = fakeFile()): Promise<DeliveryPlan> {
  return directStream().plan({ method, headers }, file, OPTIONS);
}

interface Case {
  title: string;
  headers: Record<string, string>;
  status: number;
  contentRange?: string;
  length?: number;
}

const CASES: Case[] = [
  { title: 'no condition', headers: {}, status: 200, length: SIZE },
  // Ranges
  { title: 'single range', headers: { range: 'bytes=0-9' }, status: 206, contentRange: 'bytes 0-9/100', length: 10 },
  { title: 'middle range', headers: { range: 'bytes=10-19' }, status: 206, contentRange: 'bytes 10-19/100', length: 10 },
  { title: 'suffix range', headers: { range: 'bytes=-10' }, status: 206, contentRange: 'bytes 90-99/100', length: 10 },
  { title: 'suffix longer than the file', headers: { range: 'bytes=-500' }, status: 206, contentRange: 'bytes 0-99/100', length: SIZE },
  { title: 'open-ended range', headers: { range: 'bytes=95-' }, status: 206, contentRange: 'bytes 95-99/100', length: 5 },
  { title: 'end past the size is clamped', headers: { range: 'bytes=90-1000' }, status: 206, contentRange: 'bytes 90-99/100', length: 10 },
  { title: 'overlapping ranges merged into one', headers: { range: 'bytes=0-4,3-9' }, status: 206, contentRange: 'bytes 0-9/100', length: 10 },
  { title: 'several ranges: full file', headers: { range: 'bytes=0-4,10-14' }, status: 200, length: SIZE },
  { title: 'adjacent ranges merged into one', headers: { range: 'bytes=0-4,5-9' }, status: 206, contentRange: 'bytes 0-9/100', length: 10 },
  { title: 'the same byte 1000 times: merged into one', headers: { range: `bytes=${Array(1000).fill('0-0').join(',')}` }, status: 206, contentRange: 'bytes 0-0/100', length: 1 },
  { title: 'every other byte: full file', headers: { range: `bytes=${Array.from({ length: 50 }, (_, i) => `${2 * i}-${2 * i}`).join(',')}` }, status: 200, length: SIZE },
  { title: 'start at the size: 416', headers: { range: 'bytes=100-' }, status: 416, contentRange: 'bytes */100' },
  { title: 'start > end: 416', headers: { range: 'bytes=50-40' }, status: 416, contentRange: 'bytes */100' },
  { title: 'zero-length suffix: 416', headers: { range: 'bytes=-0' }, status: 416, contentRange: 'bytes */100' },
  { title: 'malformed range: full file', headers: { range: 'bytes=abc' }, status: 200, length: SIZE },
  { title: 'other unit: full file', headers: { range: 'items=0-1' }, status: 200, length: SIZE },
  // If-Range
  { title: 'If-Range current ETag', headers: { range: 'bytes=0-9', 'if-range': ETAG }, status: 206, contentRange: 'bytes 0-9/100', length: 10 },
  { title: 'If-Range stale ETag', headers: { range: 'bytes=0-9', 'if-range': '"old"' }, status: 200, length: SIZE },
  { title: 'If-Range weak ETag never matches', headers: { range: 'bytes=0-9', 'if-range': `W/${ETAG}` }, status: 200, length: SIZE },
  { title: 'If-Range equal date', headers: { range: 'bytes=0-9', 'if-range': LAST_MODIFIED }, status: 206, contentRange: 'bytes 0-9/100', length: 10 },
  { title: 'If-Range later date', headers: { range: 'bytes=0-9', 'if-range': 'Wed, 03 Jan 2024 00:00:00 GMT' }, status: 200, length: SIZE },
  { title: 'If-Range garbage', headers: { range: 'bytes=0-9', 'if-range': 'yesterday' }, status: 200, length: SIZE },
  { title: 'If-Range stale + unsatisfiable range: full', headers: { range: 'bytes=500-', 'if-range': '"old"' }, status: 200, length: SIZE },
  // If-None-Match / If-Modified-Since
  { title: 'If-None-Match current', headers: { 'if-none-match': ETAG }, status: 304 },
  { title: 'If-None-Match weak form of current', headers: { 'if-none-match': `W/${ETAG}` }, status: 304 },
  { title: 'If-None-Match list containing current', headers: { 'if-none-match': `"a", "b,c", ${ETAG}` }, status: 304 },
  { title: 'If-None-Match *', headers: { 'if-none-match': '*' }, status: 304 },
  { title: 'If-None-Match other', headers: { 'if-none-match': '"other"' }, status: 200, length: SIZE },
  { title: 'If-None-Match current + no-cache', headers: { 'if-none-match': ETAG, 'cache-control': 'no-cache' }, status: 200, length: SIZE },
  { title: 'If-Modified-Since = Last-Modified', headers: { 'if-modified-since': LAST_MODIFIED }, status: 304 },
  { title: 'If-Modified-Since later', headers: { 'if-modified-since': 'Wed, 03 Jan 2024 00:00:00 GMT' }, status: 304 },
  { title: 'If-Modified-Since earlier', headers: { 'if-modified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' }, status: 200, length: SIZE },
  { title: 'If-Modified-Since garbage', headers: { 'if-modified-since': 'soon' }, status: 200, length: SIZE },
  { title: 'If-Modified-Since ignored when If-None-Match misses', headers: { 'if-none-match': '"other"', 'if-modified-since': LAST_MODIFIED }, status: 200, length: SIZE },
  { title: 'If-None-Match wins over a stale If-Modified-Since', headers: { 'if-none-match': ETAG, 'if-modified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' }, status: 304 },
  { title: '304 beats Range', headers: { 'if-none-match': ETAG, range: 'bytes=0-9' }, status: 304 },
  // If-Match / If-Unmodified-Since
  { title: 'If-Match current', headers: { 'if-match': ETAG }, status: 200, length: SIZE },
  { title: 'If-Match *', headers: { 'if-match': '*' }, status: 200, length: SIZE },
  { title: 'If-Match list containing current', headers: { 'if-match': `"x", ${ETAG}` }, status: 200, length: SIZE },
  { title: 'If-Match other', headers: { 'if-match': '"other"' }, status: 412 },
  { title: 'If-Match weak current (strong comparison)', headers: { 'if-match': `W/${ETAG}` }, status: 412 },
  { title: 'If-Unmodified-Since = Last-Modified', headers: { 'if-unmodified-since': LAST_MODIFIED }, status: 200, length: SIZE },
  { title: 'If-Unmodified-Since earlier', headers: { 'if-unmodified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' }, status: 412 },
  { title: 'If-Unmodified-Since garbage is ignored', headers: { 'if-unmodified-since': 'never' }, status: 200, length: SIZE },
  { title: 'If-Unmodified-Since ignored when If-Match holds', headers: { 'if-match': ETAG, 'if-unmodified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' }, status: 200, length: SIZE },
  { title: '412 beats 304', headers: { 'if-match': '"other"', 'if-none-match': ETAG }, status: 412 },
  { title: '412 beats Range', headers: { 'if-match': '"other"', range: 'bytes=0-9' }, status: 412 },
];

describe('directStream plan', () => {
  describe('Range and conditional matrix (GET)', () => {
    for (const testCase of CASES) {
      it(`${testCase.title} -> ${testCase.status}`, async () => {
        const file = fakeFile();
        const plan = await planFor(testCase.headers, 'GET', file);
        expect(plan.status).to.equal(testCase.status);
        expect(plan.strategy).to.equal('directStream');
        expect(plan.headers['Content-Range']).to.equal(testCase.contentRange);
        if (testCase.length === undefined) {
          expect(plan.body).to.equal('empty');
          expect(file.opened).to.have.length(0);
          return;
        }
        if (plan.body !== 'stream') throw new Error(`expected a stream body, got ${plan.body}`);
        expect(plan.length).to.equal(testCase.length);
        expect(plan.headers['Content-Length']).to.equal(String(testCase.length));
        const body = await text(await plan.open());
        const expected = testCase.contentRange ? sliceFor(testCase.contentRange) : CONTENT.toString();
        expect(body).to.equal(expected);
        expect(file.opened).to.have.length(1);
      });
    }
  });

  it('reads repeated request headers: lists joined, single-valued ones ignored', async () => {
    const file = fakeFile();
    const plan = (headers: Record<string, string | string[]>) => directStream().plan({ method: 'GET', headers }, file, OPTIONS);
    expect((await plan({ 'if-none-match': ['"a"', ETAG] })).status).to.equal(304);
    expect((await plan({ 'if-match': ['"a"', '"b"'] })).status).to.equal(412);
    expect((await plan({ range: ['bytes=0-1', 'bytes=2-3'] })).status).to.equal(200);
    expect((await plan({ range: ['bytes=0-1'] })).status).to.equal(206);
    expect((await plan({ range: 'bytes=0-1', 'if-range': [ETAG] })).status).to.equal(206);
    expect((await plan({ range: 'bytes=0-1', 'if-range': [ETAG, ETAG] })).status).to.equal(200);
  });

  it('sends type, length, disposition, validators and Accept-Ranges on a 200', async () => {
    const plan = await planFor({});
    expect(plan.headers).to.deep.equal({
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': '100',
      'Content-Disposition': "attachment; filename=\"Resume.txt\"; filename*=UTF-8''R%C3%A9sum%C3%A9.txt",
      ETag: ETAG,
      'Last-Modified': LAST_MODIFIED,
      'Accept-Ranges': 'bytes',
    });
  });

  it('passes the range and the request signal to file.open', async () => {
    const file = fakeFile();
    const controller = new AbortController();
    const plan = await directStream().plan({ method: 'GET', headers: { range: 'bytes=5-6' }, signal: controller.signal }, file, OPTIONS);
    if (plan.body !== 'stream') throw new Error('expected a stream');
    expect(await text(await plan.open())).to.equal('FG');
    expect(file.opened).to.deep.equal([{ range: { start: 5, end: 6 }, signal: controller.signal }]);
  });

  it('opens the whole file without a range option on a 200', async () => {
    const file = fakeFile();
    const plan = await planFor({}, 'GET', file);
    if (plan.body !== 'stream') throw new Error('expected a stream');
    await text(await plan.open());
    expect(file.opened).to.deep.equal([{}]);
  });

  it('keeps only validators and Cache-Control on a 304', async () => {
    const plan = await directStream({ cacheControl: 'private, max-age=60' }).plan(
      { method: 'GET', headers: { 'if-none-match': ETAG } },
      fakeFile(),
      OPTIONS,
    );
    expect(plan).to.deep.equal({
      strategy: 'directStream',
      status: 304,
      body: 'empty',
      headers: { ETag: ETAG, 'Last-Modified': LAST_MODIFIED, 'Cache-Control': 'private, max-age=60' },
    });
  });

  it('answers 416 with Content-Range: bytes */size and no body', async () => {
    const plan = await planFor({ range: 'bytes=100-' });
    expect(plan).to.deep.equal({
      strategy: 'directStream',
      status: 416,
      body: 'empty',
      headers: { 'Accept-Ranges': 'bytes', 'Content-Range': 'bytes */100', 'Content-Length': '0' },
    });
  });

  it('treats any range on an empty file as unsatisfiable, and serves it whole otherwise', async () => {
    const empty = fakeFile({ size: 0 });
    expect((await planFor({ range: 'bytes=0-' }, 'GET', empty)).headers['Content-Range']).to.equal('bytes */0');
    const whole = await planFor({}, 'GET', empty);
    expect(whole.status).to.equal(200);
    expect(whole.headers['Content-Length']).to.equal('0');
  });

  it('answers HEAD with the GET headers and no body, never opening the file', async () => {
    const file = fakeFile();
    const head = await planFor({ range: 'bytes=0-9' }, 'HEAD', file);
    const get = await planFor({ range: 'bytes=0-9' });
    expect(head.status).to.equal(206);
    expect(head.body).to.equal('empty');
    expect(head.headers).to.deep.equal(get.headers);
    expect(file.opened).to.have.length(0);
  });

  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'get']) {
    it(`answers ${method} with 405 and Allow: GET, HEAD`, async () => {
      const file = fakeFile();
      const plan = await planFor({ 'if-none-match': ETAG }, method, file);
      expect(plan).to.deep.equal({
        strategy: 'directStream',
        status: 405,
        body: 'empty',
        headers: { Allow: 'GET, HEAD', 'Content-Length': '0' },
      });
      expect(file.opened).to.have.length(0);
    });
  }

  it('adds app headers but never lets them replace the computed ones', async () => {
    const plan = await directStream({ cacheControl: 'public, max-age=3600' }).plan({ method: 'GET', headers: {} }, fakeFile(), {
      ...OPTIONS,
      headers: { 'cache-control': 'no-store', 'content-length': '1', ETag: '"forged"', 'X-Frame-Options': 'DENY' },
    });
    expect(plan.headers['cache-control']).to.equal('no-store');
    expect(plan.headers['Cache-Control']).to.equal(undefined);
    expect(plan.headers['content-length']).to.equal(undefined);
    expect(plan.headers['Content-Length']).to.equal('100');
    expect(plan.headers['ETag']).to.equal(ETAG);
    expect(plan.headers['X-Frame-Options']).to.equal('DENY');
  });

  it('derives a strong ETag from size and mtime when the storage gives none', async () => {
    const plan = await planFor({}, 'GET', fakeFile({ etag: '' }));
    expect(plan.headers['ETag']).to.equal(`"64-${MTIME.getTime().toString(16)}"`);
  });

  it('has a name, serves local and s3 locations and every file', () => {
    const strategy = directStream({ name: 'dev' });
    expect(strategy.name).to.equal('dev');
    expect(strategy.locationKinds).to.deep.equal(['local', 's3']);
    expect(strategy.canServe(fakeFile())).to.equal(true);
  });
});

function sliceFor(contentRange: string): string {
  const match = /^bytes (\d+)-(\d+)\/\d+$/.exec(contentRange);
  if (!match) throw new Error(`not a byte range: ${contentRange}`);
  return CONTENT.subarray(Number(match[1]), Number(match[2]) + 1).toString();
}
