/** Reading the neutral request's headers (names lower-case, values possibly repeated). */
import type { DeliveryRequest } from '../contracts.js';

export type RequestHeaders = DeliveryRequest['headers'];

/** A list header's value, repeated fields joined with `, ` as RFC 9110 allows. */
export function listHeader(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A single-valued header; a repeated one is ambiguous and counts as absent. */
export function singleHeader(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) return value.length === 1 ? value[0] : undefined;
  return value;
}
