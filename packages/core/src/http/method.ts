/** Which request methods a download answers. Methods are case-sensitive (RFC 9110 section 9.1). */

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
