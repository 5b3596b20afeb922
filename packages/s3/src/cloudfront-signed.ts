/**
 * cloudFrontSigned: answer a download with a redirect to a CloudFront signed URL, for a
 * distribution whose origin is the bucket (reached through Origin Access Control). The URL is
 * `<distribution>/<object key>?response-content-disposition=…&response-content-type=…` plus
 * CloudFront's `Expires` (canned policy) or `Policy` (custom policy), `Signature` and
 * `Key-Pair-Id`. CloudFront checks the signature, forwards the `response-*` overrides to S3 (the
 * distribution's cache policy must include them in the cache key) and answers Range and
 * conditional requests itself. The same URL serves GET and HEAD (CloudFront does not sign the
 * method). Expiry, signing windows, the redirect's Cache-Control and the treatment of active
 * content are s3Redirect's.
 */
import type { DeliveryPlan, DeliveryRequest, DeliveryStrategy, ResolvedDeliveryOptions, ResolvedFile } from '@sendoff/core';
import { configInvalid } from '@sendoff/core';
import { isReadMethod, methodNotAllowed } from '@sendoff/core/http';
import { cloudFrontKeyOf, type CloudFrontKeyOptions } from './cloudfront-key.js';
import { MAX_CLOUDFRONT_SECONDS, conditionsOf, hasConditions, type CloudFrontConditions } from './cloudfront-policy.js';
import { signedUrlOf } from './cloudfront-signature.js';
import { distributionOriginOf, objectUrl } from './distribution-url.js';
import { signingWindowFor, type SigningWindow } from './redirect-lifetime.js';
import { lifetimeSettingsOf, redirectStrategyFields, redirectStatusOf, s3LocationOf, type RedirectLifetimeOptions } from './redirect-options.js';
import { redirectPlan } from './redirect-plan.js';
import { responseOverrides } from './response-overrides.js';

export type CloudFrontPolicyKind = 'canned' | 'custom';

export interface CloudFrontSignedOptions extends RedirectLifetimeOptions, CloudFrontKeyOptions, CloudFrontConditions {
  /** The distribution's base URL: `https://d111111abcdef8.cloudfront.net` or its alternate domain name. */
  distributionUrl: string;
  /**
   * `canned` (the default without conditions): a short URL with `Expires`. `custom`: the policy
   * travels in the URL (`Policy`); needed for `ipAddress` and `dateGreaterThan`, which imply it.
   */
  policy?: CloudFrontPolicyKind;
  /** Life of a URL in seconds (default 300, at most 31536000: one year). */
  expiresIn?: number;
  /** Strategy name (default `cloudFrontSigned`). */
  name?: string;
}

export interface CloudFrontSignedStrategy extends DeliveryStrategy {
  readonly expiresIn: number;
  readonly skewMarginSeconds: number;
  readonly signingBucketSeconds: number;
  readonly policy: CloudFrontPolicyKind;
  /** The signed URL for a file, as the plan's Location would carry it. */
  signedUrl(file: ResolvedFile, options: ResolvedDeliveryOptions): string;
}

export function cloudFrontSigned(options: CloudFrontSignedOptions): CloudFrontSignedStrategy {
  const name = options.name ?? 'cloudFrontSigned';
  const settings = lifetimeSettingsOf(options, name, MAX_CLOUDFRONT_SECONDS);
  const status = redirectStatusOf(options.status, name);
  const key = cloudFrontKeyOf(options, name);
  const origin = distributionOriginOf(options.distributionUrl, name);
  const conditions = conditionsOf(options, name);
  const policy = policyKindOf(options.policy, conditions, name);
  const now = options.now ?? Date.now;

  const sign = (file: ResolvedFile, resolved: ResolvedDeliveryOptions): { url: string; window: SigningWindow } => {
    const location = s3LocationOf(file, name);
    const window = signingWindowFor(settings, now());
    const url = objectUrl(origin, location.objectKey, responseOverrides(resolved));
    return { url: signedUrlOf(url, key, policy === 'canned' ? { expiresAtMs: window.expiresAtMs } : { expiresAtMs: window.expiresAtMs, conditions }), window };
  };

  return {
    ...redirectStrategyFields(name, settings, options.bucket),
    policy,
    signedUrl: (file, resolved) => sign(file, resolved).url,
    async plan(request: DeliveryRequest, file: ResolvedFile, resolved: ResolvedDeliveryOptions): Promise<DeliveryPlan> {
      if (!isReadMethod(request.method)) return methodNotAllowed(name);
      const { url, window } = sign(file, resolved);
      return redirectPlan(name, status, url, window);
    },
  };
}

function policyKindOf(kind: CloudFrontPolicyKind | undefined, conditions: CloudFrontConditions, name: string): CloudFrontPolicyKind {
  if (kind !== undefined && kind !== 'canned' && kind !== 'custom') throw configInvalid(`${name}: policy must be 'canned' or 'custom'`);
  if (kind === 'canned' && hasConditions(conditions)) throw configInvalid(`${name}: ipAddress and dateGreaterThan need a custom policy`);
  return kind ?? (hasConditions(conditions) ? 'custom' : 'canned');
}
