import { expect } from 'chai';
import type { ResolvedDeliveryOptions } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import { createInlinePolicy } from './inline-policy.js';
import { DEFAULT_ACTIVE_CONTENT_POLICY, DEFAULT_INLINE_TYPES } from './defaults.js';

function options(overrides: Partial<ResolvedDeliveryOptions> = {}): ResolvedDeliveryOptions {
  return { filename: 'file', disposition: 'inline', contentType: 'application/octet-stream', headers: {}, ...overrides };
}

const SANDBOX = DEFAULT_ACTIVE_CONTENT_POLICY;

describe('createInlinePolicy', () => {
  describe('with the defaults', () => {
    const policy = createInlinePolicy();

    for (const contentType of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain; charset=utf-8', 'audio/mpeg', 'video/mp4', 'IMAGE/PNG']) {
      it(`keeps ${contentType} inline, with nosniff and no CSP`, () => {
        const decision = policy.apply(options({ contentType }));
        expect(decision.options.disposition).to.equal('inline');
        expect(decision.options.headers).to.deep.equal({ 'X-Content-Type-Options': 'nosniff' });
        expect(decision.refused).to.equal(undefined);
      });
    }

    const active: Array<[string, string]> = [
      ['text/html', 'text/html is active content (it can run script)'],
      ['text/html; charset=utf-8', 'text/html is active content (it can run script)'],
      ['Text/HTML;Charset=UTF-8', 'text/html is active content (it can run script)'],
      ['image/svg+xml', 'image/svg+xml is active content (it can run script)'],
      ['application/xhtml+xml', 'application/xhtml+xml is active content (it can run script)'],
      ['text/xml', 'text/xml is active content (it can run script)'],
      ['text/javascript', 'text/javascript is active content (it can run script)'],
    ];
    for (const [contentType, reason] of active) {
      it(`serves ${contentType} asked inline as an attachment with nosniff and a sandbox CSP`, () => {
        const decision = policy.apply(options({ contentType }));
        expect(decision.options.disposition).to.equal('attachment');
        expect(decision.options.contentType).to.equal(contentType);
        expect(decision.options.headers).to.deep.equal({ 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': SANDBOX });
        expect(decision.refused).to.equal(`inline refused: ${reason}; served as attachment`);
      });
    }

    it('gives active content its CSP as an attachment too, without a refusal', () => {
      const decision = policy.apply(options({ contentType: 'image/svg+xml', disposition: 'attachment' }));
      expect(decision.options.disposition).to.equal('attachment');
      expect(decision.options.headers).to.deep.equal({ 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': SANDBOX });
      expect(decision.refused).to.equal(undefined);
    });

    it('serves a passive type outside the allow-list as an attachment, without a CSP', () => {
      const decision = policy.apply(options({ contentType: 'application/zip' }));
      expect(decision.options.disposition).to.equal('attachment');
      expect(decision.options.headers).to.deep.equal({ 'X-Content-Type-Options': 'nosniff' });
      expect(decision.refused).to.equal('inline refused: application/zip is not in the inline allow-list; served as attachment');
    });

    it('treats a content type that does not parse as active', () => {
      const decision = policy.apply(options({ contentType: 'text/plain,text/html' }));
      expect(decision.options.disposition).to.equal('attachment');
      expect(decision.options.headers['Content-Security-Policy']).to.equal(SANDBOX);
      expect(decision.refused).to.equal('inline refused: the content type does not parse; served as attachment');
    });

    it('keeps the other options and app headers, but replaces the app\'s nosniff and, for active content, its CSP', () => {
      const headers = { 'Cache-Control': 'private', 'x-content-type-options': 'sniff-away', 'content-security-policy': "script-src 'self'" };
      const passive = policy.apply(options({ filename: 'a.png', contentType: 'image/png', headers }));
      expect(passive.options).to.deep.equal({
        filename: 'a.png',
        disposition: 'inline',
        contentType: 'image/png',
        headers: { 'Cache-Control': 'private', 'content-security-policy': "script-src 'self'", 'X-Content-Type-Options': 'nosniff' },
      });
      const active = policy.apply(options({ contentType: 'text/html', headers }));
      expect(active.options.headers).to.deep.equal({ 'Cache-Control': 'private', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': SANDBOX });
    });

    it('never changes the options it was given', () => {
      const given = options({ contentType: 'text/html', headers: { 'Cache-Control': 'private' } });
      const copy = structuredClone(given);
      policy.apply(given);
      expect(given).to.deep.equal(copy);
    });

    it('lists no active type among the default inline types', () => {
      expect(DEFAULT_INLINE_TYPES).to.include.members(['image/png', 'application/pdf', 'text/plain']);
      expect(DEFAULT_INLINE_TYPES).to.not.include.members(['image/svg+xml']);
    });
  });

  describe('configured', () => {
    it('allows exactly the listed types inline, matched without parameters and case', () => {
      const policy = createInlinePolicy({ allow: ['text/CSV', 'image/png'] });
      expect(policy.apply(options({ contentType: 'text/csv; charset=utf-8' })).options.disposition).to.equal('inline');
      expect(policy.apply(options({ contentType: 'image/png' })).options.disposition).to.equal('inline');
      expect(policy.apply(options({ contentType: 'application/pdf' })).options.disposition).to.equal('attachment');
    });

    it('an empty allow-list makes every download an attachment', () => {
      const policy = createInlinePolicy({ allow: [] });
      expect(policy.apply(options({ contentType: 'image/png' })).options.disposition).to.equal('attachment');
    });

    it('sends the configured policy with active content', () => {
      const csp = "sandbox; default-src 'none'; style-src 'unsafe-inline'";
      const decision = createInlinePolicy({ activeContentPolicy: csp }).apply(options({ contentType: 'image/svg+xml' }));
      expect(decision.options.headers['Content-Security-Policy']).to.equal(csp);
    });

    const invalid: Array<[string, unknown, string]> = [
      ['an active type in the allow-list', { allow: ['image/png', 'Image/SVG+XML'] }, 'delivery config: inline.allow: "Image/SVG+XML" is active content (it can run script) and is never served inline'],
      ['a type with parameters', { allow: ['text/plain; charset=utf-8'] }, 'delivery config: inline.allow.0: must be a media type without parameters, such as image/png'],
      ['a wildcard', { allow: ['image/*'] }, 'delivery config: inline.allow.0: must be a media type without parameters, such as image/png'],
      ['an allow-list that is not a list', { allow: 'image/png' }, 'delivery config: inline.allow: must be a list of media types'],
      ['a policy without sandbox', { activeContentPolicy: "default-src 'none'" }, 'delivery config: inline.activeContentPolicy: must hold a sandbox directive without allow-scripts or allow-same-origin'],
      ['a sandbox that allows scripts', { activeContentPolicy: "default-src 'none'; sandbox allow-scripts" }, 'delivery config: inline.activeContentPolicy: must hold a sandbox directive without allow-scripts or allow-same-origin'],
      ['a sandbox that keeps the origin', { activeContentPolicy: 'sandbox allow-same-origin' }, 'delivery config: inline.activeContentPolicy: must hold a sandbox directive without allow-scripts or allow-same-origin'],
      ['a policy with a line break', { activeContentPolicy: "sandbox\r\nX-Evil: 1" }, 'delivery config: inline.activeContentPolicy: must not contain CR, LF or control characters'],
      ['an unknown option', { alow: ['image/png'] }, 'delivery config: inline: Unrecognized key: "alow"'],
      ['not an object', 'inline', 'delivery config: inline: must be an object'],
    ];
    for (const [title, config, message] of invalid) {
      it(`refuses ${title} with CONFIG_INVALID`, () => {
        expect(() => createInlinePolicy(config as never))
          .to.throw(SendoffError, message)
          .with.property('code', 'CONFIG_INVALID');
      });
    }
  });
});
