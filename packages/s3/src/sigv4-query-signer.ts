/**
 * SigV4 query-string signing (presigned URLs) for requests with no signed payload and `host` as
 * the only signed header, which is every presigned browser download. It produces the same URL as
 * the SDK's S3RequestPresigner (a test holds them equal), in a fraction of the time: one SHA-256
 * and one HMAC per URL, the derived signing key cached per day, region, service and key pair.
 */
import { createHash, createHmac } from 'node:crypto';
import { encodeSegment } from '@sendoff/core/http';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface QuerySigningInput {
  method: string;
  /** `host[:port]` exactly as the URL will carry it. */
  host: string;
  /** The URL path, already URI-encoded (each segment once). */
  path: string;
  /** Extra query parameters to sign (not encoded). */
  query: Readonly<Record<string, string>>;
  credentials: SigningCredentials;
  region: string;
  service: string;
  signingDate: Date;
  expiresInSeconds: number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const MAX_CACHED_KEYS = 32;

export class SigV4QuerySigner {
  private readonly keys = new Map<string, Buffer>();

  /** The signed query string (encoded, sorted, `X-Amz-Signature` included). */
  signQuery(input: QuerySigningInput): string {
    const amzDate = amzDateOf(input.signingDate);
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${input.region}/${input.service}/aws4_request`;
    const params: Record<string, string> = {
      ...input.query,
      'X-Amz-Algorithm': ALGORITHM,
      'X-Amz-Content-Sha256': UNSIGNED_PAYLOAD,
      'X-Amz-Credential': `${input.credentials.accessKeyId}/${scope}`,
      'X-Amz-Date': amzDate,
      'X-Amz-Expires': String(input.expiresInSeconds),
      'X-Amz-SignedHeaders': 'host',
    };
    if (input.credentials.sessionToken) params['X-Amz-Security-Token'] = input.credentials.sessionToken;
    const canonicalQuery = encodedSorted(params);
    const canonicalRequest = `${input.method}\n${input.path}\n${canonicalQuery}\nhost:${input.host}\n\nhost\n${UNSIGNED_PAYLOAD}`;
    const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const key = this.signingKey(input.credentials.secretAccessKey, day, input.region, input.service);
    const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
    return `${canonicalQuery}&X-Amz-Signature=${signature}`;
  }

  private signingKey(secret: string, day: string, region: string, service: string): Buffer {
    const id = `${day}\n${region}\n${service}\n${secret}`;
    let key = this.keys.get(id);
    if (key === undefined) {
      if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
      key = deriveSigningKey(secret, day, region, service);
      this.keys.set(id, key);
    }
    return key;
  }
}

function deriveSigningKey(secret: string, day: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(day).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

/** `YYYYMMDDTHHMMSSZ`. */
function amzDateOf(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Encoded `name=value` pairs sorted by encoded name (the canonical query, and the URL's). */
function encodedSorted(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .map((name) => [encodeSegment(name), encodeSegment(params[name] ?? '')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}
