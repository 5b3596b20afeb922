/**
 * The essence of a content type: `Text/HTML; charset=utf-8` is `text/html`. Only a plain
 * `type/subtype` of HTTP token characters counts; anything else (a list, a space inside, a missing
 * half) has no essence, because browsers disagree on how to read it.
 */
const ESSENCE = /^[a-z0-9!#$%&'*+.^_`|~-]+\/[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** The lower-case `type/subtype` of `contentType`, or undefined when there is none or it does not parse. */
export function mediaTypeEssence(contentType: string | undefined): string | undefined {
  const essence = contentType?.split(';')[0]?.trim().toLowerCase();
  return essence !== undefined && ESSENCE.test(essence) ? essence : undefined;
}

/** Whether `value` is a bare media type (`image/png`: no parameters, no wildcard). */
export function isBareMediaType(value: string): boolean {
  return ESSENCE.test(value.toLowerCase()) && !value.includes('*');
}
