/**
 * CloudFront policies. A canned policy names one URL and an expiry; a custom policy may name a
 * resource with wildcards (`*` any characters, `?` one) and add conditions: the client's source
 * IP range and a date before which the URL or cookie is not yet valid. The policy is what is
 * signed (RSA-SHA1); a custom one travels with the request, base64 (CloudFront's URL-safe form).
 */
import { isIPv4 } from 'node:net';
import { configInvalid } from '@sendoff/core';

/** The longest life accepted for a policy: one year (CloudFront itself sets no limit). */
export const MAX_CLOUDFRONT_SECONDS = 31_536_000;

export interface CloudFrontConditions {
  /** Source IP range the request must come from, IPv4 CIDR (`192.0.2.0/24`; a bare address is `/32`). */
  ipAddress?: string;
  /** Not valid before this date (CloudFront's `DateGreaterThan`). */
  dateGreaterThan?: Date;
}

/** The conditions, checked; the IP range written as CloudFront wants it (with its mask). */
export function conditionsOf(conditions: CloudFrontConditions, name: string): CloudFrontConditions {
  const checked: CloudFrontConditions = {};
  if (conditions.ipAddress !== undefined) checked.ipAddress = cidrOf(conditions.ipAddress, name);
  if (conditions.dateGreaterThan !== undefined) {
    const date = conditions.dateGreaterThan;
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw configInvalid(`${name}: dateGreaterThan must be a valid Date`);
    checked.dateGreaterThan = date;
  }
  return checked;
}

export function hasConditions(conditions: CloudFrontConditions): boolean {
  return conditions.ipAddress !== undefined || conditions.dateGreaterThan !== undefined;
}

/** The JSON of a custom policy for `resource` (an exact URL, or a pattern with `*` and `?`), valid until `expiresAtMs`. */
export function customPolicy(resource: string, expiresAtMs: number, conditions: CloudFrontConditions): string {
  const condition: Record<string, unknown> = { DateLessThan: { 'AWS:EpochTime': epochSeconds(expiresAtMs) } };
  if (conditions.dateGreaterThan !== undefined) condition.DateGreaterThan = { 'AWS:EpochTime': epochSeconds(conditions.dateGreaterThan.getTime()) };
  if (conditions.ipAddress !== undefined) condition.IpAddress = { 'AWS:SourceIp': conditions.ipAddress };
  return JSON.stringify({ Statement: [{ Resource: resource, Condition: condition }] });
}

export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function cidrOf(value: string, name: string): string {
  const [address = '', mask = '32', ...rest] = String(value).split('/');
  const bits = Number(mask);
  if (rest.length > 0 || !isIPv4(address) || !/^\d{1,2}$/.test(mask) || bits > 32) {
    throw configInvalid(`${name}: ipAddress must be an IPv4 address or CIDR range (192.0.2.0/24)`);
  }
  return `${address}/${bits}`;
}
