/**
 * The token of an `Authorization: Bearer <token>` header (the scheme in any case, RFC 9110);
 * undefined for any other header or none.
 */
export function bearerToken(header: string): string | undefined {
  return /^Bearer (\S+)$/i.exec(header)?.[1];
}
