/** Which request methods a download answers. Methods are case-sensitive (RFC 9110 section 9.1). */
import type { DeliveryPlan } from '../contracts.js';

/** The value of `Allow` on a 405. */
export const ALLOWED_METHODS = 'GET, HEAD';

/** Whether the method reads the file (GET or HEAD); anything else gets a 405. */
export function isReadMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

/** Whether the response carries headers only. */
export function isHeadMethod(method: string): boolean {
  return method === 'HEAD';
}

/** The plan for any other method: 405 with `Allow`, no body; `headers` go out with it. */
export function methodNotAllowed(strategy: string, headers: Readonly<Record<string, string>> = {}): DeliveryPlan {
  return { strategy, status: 405, headers: { ...headers, Allow: ALLOWED_METHODS, 'Content-Length': '0' }, body: 'empty' };
}
