/**
 * The inline policy (after Active Storage's `content_types_allowed_inline`): a download may be
 * shown inline only when its type is on an allow-list; any other `inline` request becomes an
 * attachment. Every download gets `X-Content-Type-Options: nosniff`, so a browser never reads a
 * file as a type it was not served as, and active content (HTML, SVG, XML, JavaScript…) also gets
 * a sandboxing Content-Security-Policy, so even a rendered copy cannot run script with the app's
 * origin. The Deliverer applies it to the options of every download, whatever the strategy.
 */
import { z } from 'zod';
import type { ResolvedDeliveryOptions } from '../contracts.js';
import { configInvalid } from '../errors/sendoff-error.js';
import { isBareMediaType, mediaTypeEssence } from '../http/media-type.js';
import { isActiveContentType } from './active-content.js';
import { CSP_HEADER as CSP, DEFAULT_ACTIVE_CONTENT_POLICY, DEFAULT_INLINE_TYPES, NOSNIFF_HEADER as NOSNIFF } from './defaults.js';

export interface InlinePolicyConfig {
  /**
   * Media types (`type/subtype`, no parameters, any case) a download may be served inline as;
   * replaces `DEFAULT_INLINE_TYPES` (spread it to extend it). Active types cannot be listed.
   */
  allow?: readonly string[];
  /**
   * The `Content-Security-Policy` of active content, replacing any the app set for the download.
   * It must hold a `sandbox` directive without `allow-scripts` or `allow-same-origin`.
   * Default `DEFAULT_ACTIVE_CONTENT_POLICY`.
   */
  activeContentPolicy?: string;
}

/** The options a download is planned with, and why an `inline` request became an attachment. */
export interface InlineDecision {
  options: ResolvedDeliveryOptions;
  refused?: string;
}

export interface InlinePolicy {
  apply(options: ResolvedDeliveryOptions): InlineDecision;
}

const ASCII_VALUE = /^[\u0020-\u007e]*$/;
const SANDBOX_RULE = 'must hold a sandbox directive without allow-scripts or allow-same-origin';
const BARE_TYPE_RULE = 'must be a media type without parameters, such as image/png';

const configSchema = z.strictObject({
  allow: z
    .array(z.string({ error: BARE_TYPE_RULE }).refine(isBareMediaType, BARE_TYPE_RULE), { error: 'must be a list of media types' })
    .optional(),
  activeContentPolicy: z
    .string({ error: 'must be a string' })
    .regex(ASCII_VALUE, 'must not contain CR, LF or control characters')
    .refine(isSandboxPolicy, SANDBOX_RULE)
    .optional(),
});

/** Checks the config (CONFIG_INVALID naming the first problem) and returns the policy. */
export function createInlinePolicy(config: InlinePolicyConfig = {}): InlinePolicy {
  const checked = checkConfig(config);
  const allowed = new Set((checked.allow ?? DEFAULT_INLINE_TYPES).map((type) => type.toLowerCase()));
  const activePolicy = checked.activeContentPolicy ?? DEFAULT_ACTIVE_CONTENT_POLICY;
  return {
    apply(options) {
      const active = isActiveContentType(options.contentType);
      const refused = options.disposition === 'inline' ? inlineRefusal(options.contentType, active, allowed) : undefined;
      const headers = withoutHeaders(options.headers, active ? [NOSNIFF, CSP] : [NOSNIFF]);
      headers[NOSNIFF] = 'nosniff';
      if (active) headers[CSP] = activePolicy;
      const disposition = refused === undefined ? options.disposition : 'attachment';
      return { options: { ...options, disposition, headers }, ...(refused === undefined ? {} : { refused }) };
    },
  };
}

/** Why `contentType` may not be inline, or undefined when it may. */
function inlineRefusal(contentType: string, active: boolean, allowed: ReadonlySet<string>): string | undefined {
  const essence = mediaTypeEssence(contentType);
  if (essence === undefined) return refusal('the content type does not parse');
  if (active) return refusal(`${essence} is active content (it can run script)`);
  return allowed.has(essence) ? undefined : refusal(`${essence} is not in the inline allow-list`);
}

function refusal(reason: string): string {
  return `inline refused: ${reason}; served as attachment`;
}

function withoutHeaders(headers: Readonly<Record<string, string>>, names: string[]): Record<string, string> {
  const dropped = new Set(names.map((name) => name.toLowerCase()));
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !dropped.has(name.toLowerCase())));
}

/** Whether a CSP holds a `sandbox` directive and none that lets the document run script or keep its origin. */
function isSandboxPolicy(policy: string): boolean {
  const sandboxes = policy
    .split(';')
    .map((directive) => directive.trim().toLowerCase().split(/\s+/))
    .filter(([name]) => name === 'sandbox');
  return sandboxes.length > 0 && sandboxes.every((tokens) => !tokens.includes('allow-scripts') && !tokens.includes('allow-same-origin'));
}

function checkConfig(config: unknown): InlinePolicyConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw invalid('inline: must be an object');
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    throw invalid(`${['inline', ...issue.path.map(String)].join('.')}: ${issue.message}`);
  }
  const active = parsed.data.allow?.find((type) => isActiveContentType(type));
  if (active !== undefined) throw invalid(`inline.allow: ${JSON.stringify(active)} is active content (it can run script) and is never served inline`);
  return parsed.data;
}

function invalid(message: string) {
  return configInvalid(`delivery config: ${message}`);
}
