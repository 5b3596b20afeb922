/**
 * The `response-*` query overrides S3 applies to a signed request: the file name and type the
 * browser gets, never renderable for active content (S3 cannot send the CSP or nosniff headers a
 * download of active content needs, so such a file leaves as an `application/octet-stream`
 * attachment), plus the app's download headers S3 can reproduce.
 */
import type { ResolvedDeliveryOptions } from '@sendoff/core';
import { isActiveContentType } from '@sendoff/core';
import { contentDisposition } from '@sendoff/core/http';

/** App download headers S3 can set on its response through query overrides. */
const OVERRIDABLE: Readonly<Record<string, string>> = {
  'cache-control': 'response-cache-control',
  'content-language': 'response-content-language',
  expires: 'response-expires',
};

/** What active content is served as: a type no browser renders. */
const BINARY_TYPE = 'application/octet-stream';

/** The query overrides for a download: name and type, plus the app headers S3 can reproduce. */
export function responseOverrides(resolved: ResolvedDeliveryOptions): Record<string, string> {
  const active = isActiveContentType(resolved.contentType);
  const query: Record<string, string> = {
    'response-content-disposition': contentDisposition(resolved.filename, active ? 'attachment' : resolved.disposition),
    'response-content-type': active ? BINARY_TYPE : resolved.contentType,
  };
  for (const [header, value] of Object.entries(resolved.headers)) {
    const parameter = OVERRIDABLE[header.toLowerCase()];
    if (parameter !== undefined) query[parameter] = value;
  }
  return query;
}
