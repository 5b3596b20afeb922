import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { text } from 'node:stream/consumers';
import { expect } from 'chai';
import type { DeliveryPlan, DeliveryRequest, DeliveryStrategy, ResolvedDeliveryOptions, ResolvedFile } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import { LocalStorage } from '../storage/local-storage.js';
import { directStream } from '../strategies/direct-stream.js';
import { xAccel } from '../strategies/x-accel.js';
import { createDelivery } from './create-delivery.js';
import type { DeliverOptions, DeliveryConfig, DeliveryResult } from './types.js';
import { failureOf } from '@sendoff-tools/test-kit';

const GET: DeliveryRequest = { method: 'GET', headers: {} };
const NOSNIFF = { 'X-Content-Type-Options': 'nosniff' };
const SANDBOX = "default-src 'none'; sandbox";

/** A strategy that records what it was asked to plan. */
function recording(name: string) {
  const seen: Array<{ file: ResolvedFile; options: ResolvedDeliveryOptions }> = [];
  const strategy: DeliveryStrategy = {
    name,
    locationKinds: ['local', 's3'],
    canServe: () => true,
    async plan(_request, file, options): Promise<DeliveryPlan> {
      seen.push({ file, options });
      return { strategy: name, status: 200, headers: { 'x-planned-by': name }, body: 'empty' };
    },
  };
  return { strategy, seen };
}

describe('createDelivery', () => {
  let base: string;
  let root: string;
  let storage: LocalStorage;

  before(async () => {
    base = await fsp.mkdtemp(path.join(os.tmpdir(), 'sendoff-deliver-'));
    root = await fsp.realpath(base);
    await fsp.mkdir(path.join(root, 'invoices', '2026'), { recursive: true });
    await fsp.writeFile(path.join(root, 'invoices', '2026', 'Rechnung 42.pdf'), '%PDF-1.7 tiny');
    await fsp.writeFile(path.join(root, 'notes.md'), '# notes');
    await fsp.writeFile(path.join(root, 'blob'), 'raw bytes');
    await fsp.writeFile(path.join(root, 'big.bin'), Buffer.alloc(64 * 1024, 1));
    await fsp.writeFile(path.join(root, 'invoice.html'), '<script>alert(document.cookie)</script>');
    await fsp.writeFile(path.join(root, 'photo.png'), '\x89PNG tiny');
    storage = new LocalStorage({ root });
  });

  after(async () => {
    await fsp.rm(base, { recursive: true, force: true });
  });

  function deliverer(overrides: Partial<DeliveryConfig> = {}) {
    return createDelivery({
      environment: 'production',
      storage,
      strategies: [directStream(), xAccel({ root, prefix: '/_protected/' })],
      policy: { rules: [{ name: 'small', maxSize: 1024, use: 'directStream' }], fallback: 'xAccel' },
      ...overrides,
    });
  }

  it('plans with the strategy the policy chooses and attaches the decision', async () => {
    const small = await deliverer().deliver(GET, { key: 'notes.md' });
    expect(small.strategy).to.equal('directStream');
    expect(small.status).to.equal(200);
    expect(small.decision).to.deep.equal({ rule: 'small', strategy: 'directStream', reasons: ['size 7 <= maxSize 1024'] });
    expect(small.headers['Content-Type'] ?? small.headers['content-type']).to.equal('text/markdown; charset=utf-8');

    const big = await deliverer().deliver(GET, { key: 'big.bin' });
    expect(big.strategy).to.equal('xAccel');
    expect(big.body).to.equal('empty');
    expect(big.decision).to.deep.equal({ rule: 'fallback', strategy: 'xAccel', reasons: ['no rule applies'] });
    const accelHeader = Object.entries(big.headers).find(([name]) => name.toLowerCase() === 'x-accel-redirect');
    expect(accelHeader?.[1]).to.equal('/_protected/big.bin');
  });

  it('streams the file through the in-flight counter', async () => {
    const delivery = deliverer();
    const plan = await delivery.deliver(GET, { key: 'notes.md' });
    if (plan.body !== 'stream') throw new Error(`expected a stream plan, got ${plan.body}`);
    expect(plan.length).to.equal(7);
    expect(delivery.inFlight).to.equal(0);
    const first = await plan.open();
    const second = await plan.open();
    expect(delivery.inFlight).to.equal(2);
    expect(await text(first)).to.equal('# notes');
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivery.inFlight).to.equal(1);
    second.destroy();
    // 'close' comes a tick after destroy(), and for a file only once it is closed (thread pool).
    await finished(second).catch(() => undefined);
    expect(delivery.inFlight).to.equal(0);
  });

  it('feeds the in-flight count to the policy', async () => {
    const delivery = deliverer({
      policy: { rules: [{ name: 'calm', maxInFlight: 1, use: 'directStream' }], fallback: 'xAccel' },
    });
    const first = await delivery.deliver(GET, { key: 'notes.md' });
    expect(first.decision.rule).to.equal('calm');
    if (first.body !== 'stream') throw new Error('expected a stream plan');
    const open = await first.open();
    const busy = await delivery.deliver(GET, { key: 'notes.md' });
    expect(busy.decision).to.deep.equal({ rule: 'fallback', strategy: 'xAccel', reasons: ['no rule applies'] });
    open.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    expect((await delivery.deliver(GET, { key: 'notes.md' })).decision.rule).to.equal('calm');
  });

  describe('defaults', () => {
    const cases: Array<{ title: string; options: DeliverOptions; expected: ResolvedDeliveryOptions }> = [
      {
        title: 'file name from the last key segment, attachment, the storage content type',
        options: { key: 'invoices/2026/Rechnung 42.pdf' },
        expected: { filename: 'Rechnung 42.pdf', disposition: 'attachment', contentType: 'application/pdf', headers: NOSNIFF },
      },
      {
        title: 'a lookup by the given file name when the storage has no type',
        options: { key: 'blob', filename: 'report.csv' },
        expected: { filename: 'report.csv', disposition: 'attachment', contentType: 'text/csv; charset=utf-8', headers: NOSNIFF },
      },
      {
        title: 'application/octet-stream when nothing is known',
        options: { key: 'blob' },
        expected: { filename: 'blob', disposition: 'attachment', contentType: 'application/octet-stream', headers: NOSNIFF },
      },
      {
        title: 'the options as given',
        options: { key: 'notes.md', filename: 'Notizen.txt', disposition: 'inline', contentType: 'text/plain', headers: { 'Cache-Control': 'private, max-age=60' } },
        expected: { filename: 'Notizen.txt', disposition: 'inline', contentType: 'text/plain', headers: { 'Cache-Control': 'private, max-age=60', ...NOSNIFF } },
      },
    ];
    for (const { title, options, expected } of cases) {
      it(title, async () => {
        const { strategy, seen } = recording('probe');
        const delivery = deliverer({ strategies: [strategy], policy: { rules: [], fallback: 'probe' } });
        const plan = await delivery.deliver(GET, options);
        expect(plan).to.deep.equal({ strategy: 'probe', status: 200, headers: { 'x-planned-by': 'probe' }, body: 'empty', decision: { rule: 'fallback', strategy: 'probe', reasons: ['no rule applies'] } });
        expect(seen).to.have.length(1);
        expect(seen[0]?.options).to.deep.equal(expected);
      });
    }

    it('resolves the file: NFC key, stat, real location, and an open bound to the storage', async () => {
      const { strategy, seen } = recording('probe');
      await deliverer({ strategies: [strategy], policy: { rules: [], fallback: 'probe' } }).deliver(GET, { key: 'invoices/2026/Rechnung 42.pdf' });
      const file = seen[0]?.file as ResolvedFile;
      expect(file.key).to.equal('invoices/2026/Rechnung 42.pdf');
      expect(file.stat.size).to.equal(13);
      expect(file.location).to.deep.equal({ kind: 'local', root, path: path.join(root, 'invoices', '2026', 'Rechnung 42.pdf'), key: 'invoices/2026/Rechnung 42.pdf' });
      expect(await text(await file.open({ range: { start: 0, end: 3 } }))).to.equal('%PDF');
    });

    it('uses NODE_ENV, then development, when no environment is given', () => {
      const previous = process.env.NODE_ENV;
      try {
        process.env.NODE_ENV = 'staging';
        expect(deliverer({ environment: undefined }).environment).to.equal('staging');
        delete process.env.NODE_ENV;
        expect(deliverer({ environment: undefined }).environment).to.equal('development');
      } finally {
        if (previous === undefined) delete process.env.NODE_ENV;
        else process.env.NODE_ENV = previous;
      }
    });

    it('exposes the storage', () => {
      expect(deliverer().storage).to.equal(storage);
    });
  });

  describe('hostile input', () => {
    for (const key of ['../etc/passwd', '/etc/passwd', 'a/%2e%2e/b', '', 'a\u0000b']) {
      it(`answers 400 INVALID_KEY for the key ${JSON.stringify(key)}`, async () => {
        const error = await failureOf(deliverer().deliver(GET, { key }));
        expect(error.code).to.equal('INVALID_KEY');
        expect(error.status).to.equal(400);
        expect(error.expose).to.equal(true);
      });
    }

    it('answers 404 for a missing file, without the path', async () => {
      const error = await failureOf(deliverer().deliver(GET, { key: 'missing.pdf' }));
      expect(error.code).to.equal('NOT_FOUND');
      expect(error.status).to.equal(404);
      expect(error.message).to.equal('file not found');
    });

    const badOptions: Array<[string, unknown, string]> = [
      ['a disposition other than inline/attachment', { key: 'notes.md', disposition: 'form-data' }, 'invalid delivery options: disposition: must be "inline" or "attachment"'],
      ['a file name that is not a string', { key: 'notes.md', filename: 42 }, 'invalid delivery options: filename: must be a string'],
      ['an empty file name', { key: 'notes.md', filename: '' }, 'invalid delivery options: filename: must not be empty'],
      ['an overlong file name', { key: 'notes.md', filename: `${'a'.repeat(1021)}.txt` }, 'invalid delivery options: filename: must be at most 1024 bytes'],
      ['an overlong content type', { key: 'notes.md', contentType: `text/${'x'.repeat(1020)}` }, 'invalid delivery options: contentType: must be at most 1024 bytes'],
      ['extra headers over 4096 bytes in all', { key: 'notes.md', headers: { 'X-A': 'a'.repeat(2042), 'X-B': 'b'.repeat(2041) } }, 'invalid delivery options: headers: must take at most 4096 bytes in all (each counted as "Name: value" and CRLF)'],
      ['a malformed content type', { key: 'notes.md', contentType: 'text/html\r\nX-Evil: 1' }, 'invalid delivery options: contentType: must be a media type such as text/plain'],
      ['a header value with a newline', { key: 'notes.md', headers: { 'Cache-Control': 'no-store\r\nX-Evil: 1' } }, 'invalid delivery options: headers.Cache-Control: must not contain CR, LF or control characters'],
      ['a bad header name', { key: 'notes.md', headers: { 'Bad Header': 'x' } }, 'invalid delivery options: headers.Bad Header: must be a header name'],
      ['an unknown option', { key: 'notes.md', dispositon: 'inline' }, 'invalid delivery options: Unrecognized key: "dispositon"'],
      ['no options at all', null, 'invalid delivery options: not an object'],
    ];
    it('accepts the longest name, content type and extra headers (4096 bytes in all)', async () => {
      const { strategy, seen } = recording('probe');
      const options = { key: 'notes.md', filename: 'é'.repeat(512), contentType: `text/${'x'.repeat(1019)}`, headers: { 'X-A': 'a'.repeat(2041), 'X-B': 'b'.repeat(2041) } };
      await deliverer({ strategies: [strategy], policy: { rules: [], fallback: 'probe' } }).deliver(GET, options);
      expect(seen[0]?.options).to.deep.include({ filename: options.filename, contentType: options.contentType, headers: { ...options.headers, 'X-Content-Type-Options': 'nosniff' } });
    });

    it('passes a file name with CR/LF on as given: the strategy sanitises it', async () => {
      const { strategy, seen } = recording('probe');
      const filename = 'line\r\nX-Injected: yes.txt';
      await deliverer({ strategies: [strategy], policy: { rules: [], fallback: 'probe' } }).deliver(GET, { key: 'notes.md', filename });
      expect(seen[0]?.options.filename).to.equal(filename);
    });

    it('sends a safe Content-Disposition for a hostile file name (directStream)', async () => {
      const plan = await deliverer().deliver(GET, { key: 'notes.md', filename: 'line\r\nX-Injected: yes.txt' });
      const disposition = Object.entries(plan.headers).find(([name]) => name.toLowerCase() === 'content-disposition')?.[1] ?? '';
      expect(disposition).to.match(/^attachment; filename="line__X-Injected: yes.txt"$/);
      expect(Object.keys(plan.headers).map((name) => name.toLowerCase())).to.not.include('x-injected');
    });

    for (const [title, options, message] of badOptions) {
      it(`answers 400 BAD_REQUEST for ${title}`, async () => {
        const error = await failureOf(deliverer().deliver(GET, options as DeliverOptions));
        expect(error.code).to.equal('BAD_REQUEST');
        expect(error.status).to.equal(400);
        expect(error.expose).to.equal(true);
        expect(error.message).to.equal(message);
      });
    }
  });

  describe('inline policy', () => {
    const header = (plan: DeliveryResult, name: string) => Object.entries(plan.headers).find(([key]) => key.toLowerCase() === name)?.[1];

    it('hands the strategy an HTML file asked inline as an attachment, with nosniff and a sandbox CSP', async () => {
      const { strategy, seen } = recording('probe');
      await deliverer({ strategies: [strategy], policy: { rules: [], fallback: 'probe' } })
        .deliver(GET, { key: 'invoice.html', disposition: 'inline', headers: { 'Content-Security-Policy': "script-src 'self'" } });
      expect(seen[0]?.options).to.deep.equal({
        filename: 'invoice.html',
        disposition: 'attachment',
        contentType: 'text/html; charset=utf-8',
        headers: { 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': SANDBOX },
      });
    });

    for (const [title, rules] of [['directStream', [{ use: 'directStream' }]], ['xAccel', []]] as const) {
      it(`puts the headers on the ${title} plan`, async () => {
        const plan = await deliverer({ policy: { rules: [...rules], fallback: 'xAccel' } }).deliver(GET, { key: 'invoice.html', disposition: 'inline' });
        expect(plan.strategy).to.equal(title);
        expect(header(plan, 'content-disposition')).to.equal('attachment; filename="invoice.html"');
        expect(header(plan, 'x-content-type-options')).to.equal('nosniff');
        expect(header(plan, 'content-security-policy')).to.equal(SANDBOX);
      });
    }

    it('keeps an allowed type inline, with nosniff', async () => {
      const plan = await deliverer({ policy: { rules: [{ use: 'directStream' }], fallback: 'xAccel' } }).deliver(GET, { key: 'photo.png', disposition: 'inline' });
      expect(header(plan, 'content-disposition')).to.equal('inline; filename="photo.png"');
      expect(header(plan, 'content-type')).to.equal('image/png');
      expect(header(plan, 'x-content-type-options')).to.equal('nosniff');
      expect(header(plan, 'content-security-policy')).to.equal(undefined);
    });

    it('follows the configured allow-list', async () => {
      const { strategy, seen } = recording('probe');
      const delivery = deliverer({ strategies: [strategy], policy: { rules: [], fallback: 'probe' }, inline: { allow: ['text/markdown'] } });
      await delivery.deliver(GET, { key: 'notes.md', disposition: 'inline' });
      await delivery.deliver(GET, { key: 'photo.png', disposition: 'inline' });
      expect(seen.map(({ options }) => options.disposition)).to.deep.equal(['inline', 'attachment']);
    });

    it('explain says when inline was refused, and why', async () => {
      const refused = await deliverer().explain(GET, { key: 'invoice.html', disposition: 'inline' });
      expect(refused.disposition).to.equal('attachment');
      expect(refused.inlineRefused).to.equal('inline refused: text/html is active content (it can run script); served as attachment');
      expect(refused.text.split('\n').at(-1)).to.equal('inline refused: text/html is active content (it can run script); served as attachment');
      const allowed = await deliverer().explain(GET, { key: 'photo.png', disposition: 'inline' });
      expect(allowed.disposition).to.equal('inline');
      expect(allowed.inlineRefused).to.equal(undefined);
      expect(allowed.text).to.not.include('inline refused');
    });
  });

  describe('start-up validation', () => {
    it('fails fast on an invalid policy', () => {
      expect(() => deliverer({ policy: { rules: [{ use: 'nginx' }], fallback: 'xAccel' } }))
        .to.throw(SendoffError, 'rule 1: unknown strategy "nginx" (known: "directStream", "xAccel")')
        .with.property('code', 'CONFIG_INVALID');
    });

    it('fails fast when the fallback cannot serve what the storage produces', () => {
      const s3Only = { ...recording('s3Only').strategy, locationKinds: ['s3'] as const };
      expect(() => deliverer({ strategies: [s3Only], policy: { rules: [], fallback: 's3Only' } })).to.throw(
        SendoffError,
        'fallback: strategy "s3Only" cannot serve location local, which the storage produces',
      );
    });

    it('fails fast on an invalid inline policy', () => {
      expect(() => deliverer({ inline: { allow: ['image/png', 'text/html'] } }))
        .to.throw(SendoffError, 'delivery config: inline.allow: "text/html" is active content (it can run script) and is never served inline')
        .with.property('code', 'CONFIG_INVALID');
    });

    it('fails fast without a storage', () => {
      expect(() => createDelivery({ strategies: [], policy: { rules: [], fallback: 'x' } } as unknown as DeliveryConfig))
        .to.throw(SendoffError, 'delivery config: storage must implement Storage')
        .with.property('code', 'CONFIG_INVALID');
    });
  });

  describe('explain', () => {
    it('explains every rule for the resolved file', async () => {
      const explanation = await deliverer().explain(GET, { key: 'big.bin' });
      expect(explanation.key).to.equal('big.bin');
      expect(explanation.location).to.equal('local');
      expect(explanation.size).to.equal(65536);
      expect(explanation.contentType).to.equal('application/octet-stream');
      expect(explanation.decision).to.deep.equal({ rule: 'fallback', strategy: 'xAccel', reasons: ['no rule applies'] });
      expect(explanation.text).to.equal(
        ['environment production, 0 direct stream(s) in flight', 'small -> directStream [skipped]: size 65536 > maxSize 1024', 'fallback -> xAccel [CHOSEN]', '=> xAccel (fallback)'].join('\n'),
      );
    });

    it('validates like deliver', async () => {
      expect((await failureOf(deliverer().explain(GET, { key: '../x' }))).code).to.equal('INVALID_KEY');
    });
  });
});
