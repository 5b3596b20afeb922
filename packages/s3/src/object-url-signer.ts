/**
 * Presigns object URLs without a network round trip and without running a command through the
 * SDK's middleware stack on every request. Where a bucket's objects live (host, path style,
 * signing region, FIPS/dual-stack/accelerate endpoints…) is worked out once per bucket by the SDK
 * itself; each URL is then a prepared request signed by `S3RequestPresigner` (which caches the
 * SigV4 signing key per day).
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3RequestPresigner, getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { objectKeyPath, queryString } from './uri-encode.js';

type PresignableRequest = Parameters<S3RequestPresigner['presign']>[0];

/** Where one bucket's objects are reached, and how requests to them are signed. */
interface ObjectUrlBase {
  protocol: string;
  hostname: string;
  port: number | undefined;
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
}

const PROBE_KEY = 'sendoff-probe';

export class ObjectUrlSigner {
  private readonly presigner: S3RequestPresigner;
  private readonly bases = new Map<string, Promise<ObjectUrlBase>>();

  /**
   * @param publicBaseUrl When set, the URL under which the bucket's object keys are reached by
   *   browsers (a custom domain, or a public address of an S3-compatible server). The signature
   *   covers its host, so it must reach S3 with that Host header.
   */
  constructor(
    private readonly client: S3Client,
    private readonly publicBaseUrl?: string,
  ) {
    this.presigner = new S3RequestPresigner({ ...client.config });
  }

  async sign(input: SignObjectUrlInput): Promise<string> {
    const base = await this.baseFor(input.bucket);
    const request: PresignableRequest = {
      method: input.method,
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port === undefined ? {} : { port: base.port }),
      path: base.pathPrefix + objectKeyPath(input.objectKey),
      query: { ...input.query },
      headers: {},
    };
    const signed = await this.presigner.presign(request, {
      signingDate: input.signingDate,
      expiresIn: input.expiresInSeconds,
      signingRegion: base.signingRegion,
      signingService: base.signingService,
    });
    return formatUrl(signed);
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
      protocol: origin.protocol,
      hostname: origin.hostname,
      port: origin.port === '' ? undefined : Number(origin.port),
      pathPrefix,
      signingRegion,
      signingService,
    };
  }
}

function withTrailingSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

function formatUrl(request: PresignableRequest): string {
  const port = request.port === undefined ? '' : `:${request.port}`;
  const query = queryString(flatQuery(request.query ?? {}));
  return `${request.protocol}//${request.hostname}${port}${request.path}${query === '' ? '' : `?${query}`}`;
}

function flatQuery(query: NonNullable<PresignableRequest['query']>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (typeof value === 'string') flat[name] = value;
  }
  return flat;
}
