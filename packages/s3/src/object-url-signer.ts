/**
 * Presigns object URLs without a network round trip and without running a command through the
 * SDK's middleware stack on every request. Where a bucket's objects live (host, path style,
 * signing region, FIPS/dual-stack/accelerate endpoints…) is worked out once per bucket by the SDK
 * itself; each URL is then signed locally by SigV4QuerySigner (signing key cached per day).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SigV4QuerySigner, type SigningCredentials } from './sigv4-query-signer.js';
import { encodeSegments, withTrailingSlash } from '@sendoff/core/http';

/** Where one bucket's objects are reached, and how requests to them are signed. */
interface ObjectUrlBase {
  /** `https://host[:port]`. */
  origin: string;
  /** `host[:port]` as signed. */
  host: string;
  /** Path before the object key, ending with `/` (`/` or `/bucket/`). */
  pathPrefix: string;
  signingRegion: string;
  signingService: string;
}

export interface SignObjectUrlInput {
  method: 'GET' | 'HEAD';
  bucket: string;
  objectKey: string;
  /** Extra signed query parameters (`response-content-disposition`…). */
  query: Readonly<Record<string, string>>;
  signingDate: Date;
  expiresInSeconds: number;
  /** The credentials to sign with; default: the client's current ones. */
  credentials?: SigningCredentials;
}

const PROBE_KEY = 'sendoff-probe';

export class ObjectUrlSigner {
  private readonly signer = new SigV4QuerySigner();
  private readonly bases = new Map<string, Promise<ObjectUrlBase>>();

  /**
   * @param publicBaseUrl When set, the URL under which the bucket's object keys are reached by
   *   browsers (a custom domain, or a public address of an S3-compatible server). The signature
   *   covers its host, so it must reach S3 with that Host header.
   */
  constructor(
    private readonly client: S3Client,
    private readonly publicBaseUrl?: string,
  ) {}

  async sign(input: SignObjectUrlInput): Promise<string> {
    const base = await this.baseFor(input.bucket);
    const credentials = input.credentials ?? (await this.client.config.credentials());
    const path = base.pathPrefix + encodeSegments(input.objectKey.split('/'));
    const query = this.signer.signQuery({
      method: input.method,
      host: base.host,
      path,
      query: input.query,
      credentials,
      region: base.signingRegion,
      service: base.signingService,
      signingDate: input.signingDate,
      expiresInSeconds: input.expiresInSeconds,
    });
    return `${base.origin}${path}?${query}`;
  }

  private baseFor(bucket: string): Promise<ObjectUrlBase> {
    let base = this.bases.get(bucket);
    if (base === undefined) {
      base = this.resolveBase(bucket);
      this.bases.set(bucket, base);
      base.catch(() => this.bases.delete(bucket));
    }
    return base;
  }

  /** Asks the SDK once where this bucket's objects are, by presigning a probe URL locally. */
  private async resolveBase(bucket: string): Promise<ObjectUrlBase> {
    const probe = new URL(await getSignedUrl(this.client, new GetObjectCommand({ Bucket: bucket, Key: PROBE_KEY }), { expiresIn: 60 }));
    const [, , signingRegion, signingService] = (probe.searchParams.get('X-Amz-Credential') ?? '').split('/');
    if (!probe.pathname.endsWith(`/${PROBE_KEY}`) || !signingRegion || !signingService) {
      throw new Error(`cannot work out the object URLs of bucket ${bucket}`);
    }
    const origin = this.publicBaseUrl === undefined ? probe : new URL(this.publicBaseUrl);
    const pathPrefix = this.publicBaseUrl === undefined
      ? probe.pathname.slice(0, -PROBE_KEY.length)
      : withTrailingSlash(origin.pathname);
    return {
      origin: origin.origin,
      host: origin.host,
      pathPrefix,
      signingRegion,
      signingService,
    };
  }
}
