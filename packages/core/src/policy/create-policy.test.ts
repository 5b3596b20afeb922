import { Readable } from 'node:stream';
import { expect } from 'chai';
import type { DeliveryPlan, DeliveryStrategy, FileLocation, Key, LocationKind, ResolvedFile } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import { createPolicy } from './create-policy.js';
import type { PolicyConfig, PolicyContext } from './types.js';

function strategy(name: string, locationKinds: LocationKind[], canServe: (file: ResolvedFile) => boolean = () => true): DeliveryStrategy {
  return {
    name,
    locationKinds,
    canServe,
    async plan(): Promise<DeliveryPlan> {
      return { strategy: name, status: 200, headers: {}, body: 'empty' };
    },
  };
}

const direct = strategy('directStream', ['local', 's3']);
const xAccel = strategy('xAccel', ['local'], (file) => !file.key.includes('#'));
const s3Redirect = strategy('s3Redirect', ['s3']);
const STRATEGIES = [direct, xAccel, s3Redirect];

function file(options: { size?: number; kind?: LocationKind; contentType?: string; key?: string } = {}): ResolvedFile {
  const key = (options.key ?? 'docs/a.bin') as Key;
  const location: FileLocation =
    (options.kind ?? 'local') === 'local' ? { kind: 'local', root: '/srv', path: `/srv/${key}`, key } : { kind: 's3', bucket: 'b', objectKey: key, key };
  return {
    key,
    stat: { size: options.size ?? 100, mtime: new Date(0), etag: '"1"', ...(options.contentType ? { contentType: options.contentType } : {}) },
    location,
    open: async () => Readable.from([]),
  };
}

function ctx(overrides: Partial<PolicyContext> & { file?: ResolvedFile } = {}): PolicyContext {
  return { environment: 'production', request: { method: 'GET', headers: {} }, file: file(), inFlight: 0, ...overrides };
}

function configError(config: unknown, kinds: LocationKind[] = ['local'], strategies = STRATEGIES, environment = 'production'): SendoffError {
  try {
    createPolicy(config as PolicyConfig, strategies, kinds, environment);
  } catch (error) {
    expect(error).to.be.instanceOf(SendoffError);
    const sendoff = error as SendoffError;
    expect(sendoff.code).to.equal('CONFIG_INVALID');
    expect(sendoff.status).to.equal(500);
    expect(sendoff.expose).to.equal(false);
    return sendoff;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('createPolicy', () => {
  describe('choose', () => {
    it('takes the first rule whose conditions hold', () => {
      const policy = createPolicy(
        { rules: [{ name: 'small', maxSize: 1000, use: 'directStream' }, { name: 'big', use: 'xAccel' }], fallback: 'directStream' },
        STRATEGIES,
        ['local'],
        'production',
      );
      const small = policy.choose(ctx({ file: file({ size: 1000 }) }));
      expect(small.strategy).to.equal(direct);
      expect(small.rule).to.equal('small');
      expect(small.reasons).to.deep.equal(['size 1000 <= maxSize 1000']);
      const big = policy.choose(ctx({ file: file({ size: 1001 }) }));
      expect(big.strategy).to.equal(xAccel);
      expect(big.rule).to.equal('big');
      expect(big.reasons).to.deep.equal([]);
    });

    it('falls back when no rule applies', () => {
      const policy = createPolicy({ rules: [{ environment: 'development', use: 'directStream' }], fallback: 'xAccel' }, STRATEGIES, ['local'], 'production');
      const decision = policy.choose(ctx());
      expect(decision.strategy).to.equal(xAccel);
      expect(decision.rule).to.equal('fallback');
      expect(decision.reasons).to.deep.equal(['no rule applies']);
    });

    it('names unnamed rules by their 1-based position', () => {
      const policy = createPolicy({ rules: [{ minSize: 5000, use: 'xAccel' }, { method: 'GET', use: 'directStream' }], fallback: 'directStream' }, STRATEGIES, ['local'], 'production');
      expect(policy.choose(ctx()).rule).to.equal('rule 2');
    });

    it('skips a rule whose strategy cannot serve the location, then one that refuses the file', () => {
      const policy = createPolicy(
        { rules: [{ name: 'accel', use: 'xAccel' }, { name: 'redirect', use: 's3Redirect' }], fallback: 'directStream' },
        STRATEGIES,
        ['local', 's3'],
        'production',
      );
      expect(policy.choose(ctx({ file: file({ kind: 's3' }) })).rule).to.equal('redirect');
      expect(policy.choose(ctx({ file: file({ key: 'odd#name.bin' }) })).rule).to.equal('fallback');
      expect(policy.choose(ctx()).rule).to.equal('accel');
    });

    it('throws NO_STRATEGY 500, not exposed, when even the fallback refuses the file', () => {
      const policy = createPolicy({ rules: [], fallback: 'xAccel' }, STRATEGIES, ['local'], 'production');
      try {
        policy.choose(ctx({ file: file({ key: 'odd#name.bin' }) }));
        expect.fail('expected NO_STRATEGY');
      } catch (error) {
        expect(error).to.be.instanceOf(SendoffError);
        expect((error as SendoffError).code).to.equal('NO_STRATEGY');
        expect((error as SendoffError).status).to.equal(500);
        expect((error as SendoffError).expose).to.equal(false);
        expect((error as SendoffError).message).to.equal(
          'no delivery strategy can serve this file: no rule applies and the fallback refuses it (strategy xAccel cannot serve this file)',
        );
      }
    });

    describe('conditions', () => {
      const cases: Array<{ title: string; rule: Record<string, unknown>; yes: Partial<PolicyContext>; no: Partial<PolicyContext>; reasons: [string, string] }> = [
        {
          title: 'environment (one or a list)',
          rule: { environment: ['production', 'staging'] },
          yes: { environment: 'staging' },
          no: { environment: 'production-eu' },
          reasons: ['environment staging in [production, staging]', 'environment production-eu not in [production, staging]'],
        },
        {
          title: 'location',
          rule: { location: 's3' },
          yes: { file: file({ kind: 's3' }) },
          no: { file: file({ kind: 'local' }) },
          reasons: ['location s3 in [s3]', 'location local not in [s3]'],
        },
        {
          title: 'minSize (inclusive)',
          rule: { minSize: 1024 },
          yes: { file: file({ size: 1024 }) },
          no: { file: file({ size: 1023 }) },
          reasons: ['size 1024 >= minSize 1024', 'size 1023 < minSize 1024'],
        },
        {
          title: 'maxSize (inclusive)',
          rule: { maxSize: 1048576 },
          yes: { file: file({ size: 1048576 }) },
          no: { file: file({ size: 20971520 }) },
          reasons: ['size 1048576 <= maxSize 1048576', 'size 20971520 > maxSize 1048576'],
        },
        {
          title: 'contentType glob on the stat type, parameters and case ignored',
          rule: { contentType: ['audio/*', 'video/*'] },
          yes: { file: file({ contentType: 'Video/MP4; codecs="avc1"' }) },
          no: { file: file({ contentType: 'text/plain; charset=utf-8' }) },
          reasons: ['content type video/mp4 matches video/*', 'content type text/plain not in [audio/*, video/*]'],
        },
        {
          title: 'contentType on the resolved type of the download',
          rule: { contentType: 'application/pdf' },
          yes: { contentType: 'application/pdf', file: file({ contentType: 'application/octet-stream' }) },
          no: { file: file() },
          reasons: ['content type application/pdf matches application/pdf', 'content type unknown not in [application/pdf]'],
        },
        {
          title: 'method (case-insensitive)',
          rule: { method: ['get', 'HEAD'] },
          yes: { request: { method: 'head', headers: {} } },
          no: { request: { method: 'POST', headers: {} } },
          reasons: ['method HEAD in [GET, HEAD]', 'method POST not in [GET, HEAD]'],
        },
        {
          title: 'range: true',
          rule: { range: true },
          yes: { request: { method: 'GET', headers: { range: 'bytes=0-9' } } },
          no: { request: { method: 'GET', headers: { range: '  ' } } },
          reasons: ['Range header present (range: true)', 'no Range header (range: true)'],
        },
        {
          title: 'range: false',
          rule: { range: false },
          yes: { request: { method: 'GET', headers: {} } },
          no: { request: { method: 'GET', headers: { range: ['bytes=0-1'] } } },
          reasons: ['no Range header (range: false)', 'Range header present (range: false)'],
        },
        {
          title: 'maxInFlight (strictly below)',
          rule: { maxInFlight: 10 },
          yes: { inFlight: 9 },
          no: { inFlight: 10 },
          reasons: ['in flight 9 < maxInFlight 10', 'in flight 10 >= maxInFlight 10'],
        },
        {
          title: 'minInFlight (inclusive)',
          rule: { minInFlight: 10 },
          yes: { inFlight: 10 },
          no: { inFlight: 9 },
          reasons: ['in flight 10 >= minInFlight 10', 'in flight 9 < minInFlight 10'],
        },
        {
          title: 'when (custom predicate, given the context)',
          rule: { when: (c: PolicyContext) => c.request.headers['x-tenant'] === 'acme' },
          yes: { request: { method: 'GET', headers: { 'x-tenant': 'acme' } } },
          no: { request: { method: 'GET', headers: { 'x-tenant': 'other' } } },
          reasons: ['custom condition returned true', 'custom condition returned false'],
        },
      ];
      for (const { title, rule, yes, no, reasons } of cases) {
        it(title, () => {
          const policy = createPolicy(
            { rules: [{ name: 'probe', use: 'directStream', ...rule }], fallback: 'directStream' },
            STRATEGIES,
            ['local', 's3'],
            'production',
          );
          const hit = policy.choose(ctx(yes));
          expect(hit.rule).to.equal('probe');
          expect(hit.reasons).to.deep.equal([reasons[0]]);
          expect(policy.choose(ctx(no)).rule).to.equal('fallback');
          const explained = policy.explain(ctx(no)).rules[0];
          expect(explained?.conditionsHold).to.equal(false);
          expect(explained?.reasons).to.deep.equal([reasons[1]]);
        });
      }

      it('needs every condition of a rule to hold', () => {
        const policy = createPolicy(
          { rules: [{ name: 'both', minSize: 10, method: 'GET', use: 'xAccel' }], fallback: 'directStream' },
          STRATEGIES,
          ['local'],
          'production',
        );
        expect(policy.choose(ctx({ file: file({ size: 10 }) })).reasons).to.deep.equal(['size 10 >= minSize 10', 'method GET in [GET]']);
        expect(policy.choose(ctx({ file: file({ size: 10 }), request: { method: 'HEAD', headers: {} } })).rule).to.equal('fallback');
        expect(policy.choose(ctx({ file: file({ size: 9 }) })).rule).to.equal('fallback');
      });

      it('does not call the custom predicate when an earlier condition fails', () => {
        let calls = 0;
        const policy = createPolicy(
          { rules: [{ maxSize: 10, when: () => ++calls > 0, use: 'xAccel' }], fallback: 'directStream' },
          STRATEGIES,
          ['local'],
          'production',
        );
        policy.choose(ctx({ file: file({ size: 11 }) }));
        expect(calls).to.equal(0);
        policy.choose(ctx({ file: file({ size: 10 }) }));
        expect(calls).to.equal(1);
      });
    });
  });

  describe('explain', () => {
    const config: PolicyConfig = {
      rules: [
        { name: 'dev', environment: 'development', use: 'directStream' },
        { name: 'small', maxSize: 1048576, use: 'directStream' },
        { name: 'accel', use: 'xAccel' },
      ],
      fallback: 'directStream',
    };

    it('says for every rule whether it matched and why', () => {
      const policy = createPolicy(config, STRATEGIES, ['local'], 'production');
      const explanation = policy.explain(ctx({ file: file({ size: 20971520 }), inFlight: 3 }));
      expect(explanation.decision).to.deep.equal({ rule: 'accel', strategy: 'xAccel', reasons: [] });
      expect(explanation.error).to.equal(undefined);
      expect(explanation.environment).to.equal('production');
      expect(explanation.inFlight).to.equal(3);
      expect(explanation.rules.map(({ rule, index, use, conditionsHold, canServe, chosen, reasons }) => ({ rule, index, use, conditionsHold, canServe, chosen, reasons }))).to.deep.equal([
        { rule: 'dev', index: 0, use: 'directStream', conditionsHold: false, canServe: true, chosen: false, reasons: ['environment production not in [development]'] },
        { rule: 'small', index: 1, use: 'directStream', conditionsHold: false, canServe: true, chosen: false, reasons: ['size 20971520 > maxSize 1048576'] },
        { rule: 'accel', index: 2, use: 'xAccel', conditionsHold: true, canServe: true, chosen: true, reasons: [] },
        { rule: 'fallback', index: -1, use: 'directStream', conditionsHold: true, canServe: true, chosen: false, reasons: [] },
      ]);
      expect(explanation.text).to.equal(
        [
          'environment production, 3 direct stream(s) in flight',
          'dev -> directStream [skipped]: environment production not in [development]',
          'small -> directStream [skipped]: size 20971520 > maxSize 1048576',
          'accel -> xAccel [CHOSEN]: no conditions',
          'fallback -> directStream [matches]',
          '=> xAccel (accel)',
        ].join('\n'),
      );
    });

    it('explains a strategy that cannot serve the location', () => {
      const policy = createPolicy(config, STRATEGIES, ['local', 's3'], 'production');
      const explanation = policy.explain(ctx({ file: file({ size: 20971520, kind: 's3' }) }));
      expect(explanation.rules[2]).to.include({ rule: 'accel', conditionsHold: true, canServe: false, chosen: false });
      expect(explanation.rules[2]?.reasons).to.deep.equal(['strategy xAccel cannot serve location s3']);
      expect(explanation.decision).to.deep.equal({ rule: 'fallback', strategy: 'directStream', reasons: ['no rule applies'] });
      expect(explanation.text).to.include('accel -> xAccel [cannot serve]: strategy xAccel cannot serve location s3');
    });

    it('reports the NO_STRATEGY situation instead of throwing', () => {
      const policy = createPolicy({ rules: [], fallback: 'xAccel' }, STRATEGIES, ['local'], 'production');
      const explanation = policy.explain(ctx({ file: file({ key: 'a#b' }) }));
      expect(explanation.decision).to.equal(undefined);
      expect(explanation.error).to.equal('no delivery strategy can serve this file: no rule applies and the fallback refuses it (strategy xAccel cannot serve this file)');
      expect(explanation.text.split('\n').at(-1)).to.equal(`=> error: ${explanation.error}`);
    });

    it('agrees with choose', () => {
      const policy = createPolicy(config, STRATEGIES, ['local', 's3'], 'production');
      for (const context of [ctx(), ctx({ file: file({ size: 5e7 }) }), ctx({ file: file({ size: 5e7, kind: 's3' }) }), ctx({ environment: 'development' })]) {
        const decision = policy.choose(context);
        expect(policy.explain(context).decision).to.deep.equal({ rule: decision.rule, strategy: decision.strategy.name, reasons: decision.reasons });
      }
    });
  });

  describe('validation', () => {
    it('accepts a rule for another environment even if it could never apply here', () => {
      const policy = createPolicy(
        { rules: [{ environment: 'production', use: 's3Redirect' }, { use: 'xAccel' }], fallback: 'directStream' },
        STRATEGIES,
        ['local'],
        'development',
      );
      expect(policy.choose(ctx({ environment: 'development' })).rule).to.equal('rule 2');
    });

    const invalid: Array<{ title: string; config: unknown; kinds?: LocationKind[]; message: string; strategies?: DeliveryStrategy[] }> = [
      { title: 'a config that is not an object', config: null, message: 'invalid delivery policy:\n  - Invalid input: expected object, received null' },
      { title: 'rules that are not an array', config: { rules: {}, fallback: 'directStream' }, message: 'rules: must be an array of rules' },
      { title: 'a missing fallback', config: { rules: [] }, message: 'fallback: must name a strategy' },
      { title: 'an unknown strategy', config: { rules: [{ name: 'nginx', use: 'xaccel' }], fallback: 'directStream' }, message: 'rule 1 ("nginx"): unknown strategy "xaccel" (known: "directStream", "xAccel", "s3Redirect")' },
      { title: 'an unknown fallback', config: { rules: [], fallback: 'stream' }, message: 'fallback: unknown strategy "stream" (known: "directStream", "xAccel", "s3Redirect")' },
      {
        title: 'duplicate strategy names',
        config: { rules: [], fallback: 'directStream' },
        strategies: [direct, xAccel, strategy('xAccel', ['local'])],
        message: 'duplicate strategy name "xAccel" (strategies 2 and 3)',
      },
      { title: 'no strategies', config: { rules: [], fallback: 'directStream' }, strategies: [], message: 'no strategies given' },
      { title: 'no location kinds', config: { rules: [], fallback: 'directStream' }, kinds: [], message: 'the storage declares no location kinds' },
      {
        title: 'a fallback that cannot serve a kind the storage produces',
        config: { rules: [{ location: 's3', use: 's3Redirect' }], fallback: 'xAccel' },
        kinds: ['local', 's3'],
        message: 'fallback: strategy "xAccel" cannot serve location s3, which the storage produces',
      },
      { title: 'minSize > maxSize', config: { rules: [{ name: 'mid', minSize: 10, maxSize: 5, use: 'xAccel' }], fallback: 'directStream' }, message: 'rule 1 ("mid"): minSize 10 > maxSize 5, no file can match' },
      { title: 'minInFlight >= maxInFlight', config: { rules: [{ minInFlight: 5, maxInFlight: 5, use: 'xAccel' }], fallback: 'directStream' }, message: 'rule 1: minInFlight 5 >= maxInFlight 5, no request can match' },
      { title: 'maxInFlight 0', config: { rules: [{ maxInFlight: 0, use: 'xAccel' }], fallback: 'directStream' }, message: 'rule 1 maxInFlight: must be at least 1' },
      { title: 'a negative size', config: { rules: [{ maxSize: -1, use: 'xAccel' }], fallback: 'directStream' }, message: 'rule 1 maxSize: must not be negative' },
      { title: 'a fractional size', config: { rules: [{ minSize: 1.5, use: 'xAccel' }], fallback: 'directStream' }, message: 'rule 1 minSize: must be an integer' },
      { title: 'an empty environment list', config: { rules: [{ environment: [], use: 'xAccel' }], fallback: 'directStream' }, message: 'rule 1 environment: must not be an empty list' },
      { title: 'an empty method list', config: { rules: [{ name: 'm', method: [], use: 'xAccel' }], fallback: 'directStream' }, message: 'rule 1 ("m") method: must not be an empty list' },
      { title: 'an unknown location kind', config: { rules: [{ location: 'ftp', use: 'xAccel' }], fallback: 'directStream' }, message: 'rule 1 location:' },
      { title: 'a malformed content type', config: { rules: [{ contentType: 'video', use: 'xAccel' }], fallback: 'directStream' }, message: 'rule 1 contentType: must be a media type or a glob such as video/*' },
      { title: 'a misspelt condition', config: { rules: [{ maxsize: 10, use: 'xAccel' }], fallback: 'directStream' }, message: 'rule 1: Unrecognized key: "maxsize"' },
      { title: 'a non-function when', config: { rules: [{ when: true, use: 'xAccel' }], fallback: 'directStream' }, message: 'rule 1 when: must be a function' },
      { title: 'a missing use', config: { rules: [{ name: 'x' }], fallback: 'directStream' }, message: 'rule 1 ("x") use: must name a strategy' },
      {
        title: 'a rule whose strategy cannot serve its location',
        config: { rules: [{ name: 'bad', location: 's3', use: 'xAccel' }], fallback: 'directStream' },
        kinds: ['local', 's3'],
        message: 'rule 1 ("bad"): strategy "xAccel" cannot serve location s3, so the rule can never apply',
      },
      {
        title: 'an active rule whose strategy serves none of the storage kinds',
        config: { rules: [{ name: 'redirect', use: 's3Redirect' }], fallback: 'directStream' },
        message: 'rule 1 ("redirect"): strategy "s3Redirect" cannot serve location local, so the rule can never apply',
      },
      {
        title: 'a rule after an unconditional one',
        config: { rules: [{ name: 'all', use: 'xAccel' }, { name: 'small', maxSize: 10, use: 'directStream' }], fallback: 'directStream' },
        message: 'rule 2 ("small") is unreachable: rule 1 ("all") already take every request for location local (no request condition)',
      },
      {
        title: 'a rule after unconditional ones that together take every kind',
        config: {
          rules: [
            { location: 's3', use: 's3Redirect' },
            { environment: 'production', use: 'xAccel' },
            { method: 'GET', use: 'directStream' },
          ],
          fallback: 'directStream',
        },
        kinds: ['local', 's3'],
        message: 'rule 3 is unreachable: rule 1 and rule 2 already take every request for location local, s3 (no request condition)',
      },
    ];
    for (const { title, config, kinds, message, strategies } of invalid) {
      it(`refuses ${title}`, () => {
        expect(configError(config, kinds, strategies).message).to.include(message);
      });
    }

    it('does not call a rule unreachable when the earlier one only takes some kinds', () => {
      const policy = createPolicy(
        { rules: [{ location: 'local', use: 'xAccel' }, { name: 'rest', use: 's3Redirect' }], fallback: 'directStream' },
        STRATEGIES,
        ['local', 's3'],
        'production',
      );
      expect(policy.choose(ctx({ file: file({ kind: 's3' }) })).rule).to.equal('rest');
    });

    it('lists every problem at once, with the rule index and name', () => {
      const error = configError({
        rules: [
          { name: 'one', use: 'nope' },
          { minSize: 9, maxSize: 1, use: 'xAccel' },
        ],
        fallback: 'gone',
      });
      expect(error.message).to.equal(
        [
          'invalid delivery policy:',
          '  - rule 1 ("one"): unknown strategy "nope" (known: "directStream", "xAccel", "s3Redirect")',
          '  - fallback: unknown strategy "gone" (known: "directStream", "xAccel", "s3Redirect")',
          '  - rule 2: minSize 9 > maxSize 1, no file can match',
        ].join('\n'),
      );
    });
  });
});
