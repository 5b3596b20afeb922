/**
 * s3Redirect: answer a download with a redirect to a presigned S3 URL. The file name and type
 * reach the browser through the signed `response-content-disposition` / `response-content-type`
 * overrides; S3 itself then answers Range and conditional requests. HEAD gets a HEAD-signed URL
 * (the method is part of the signature). The redirect's Cache-Control never outlives the URL.
 * S3 cannot send the CSP or nosniff headers a download of active content needs, so such a file
 * leaves as an attachment of type `application/octet-stream`, which no browser renders.
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type {
  DeliveryPlan,
  DeliveryRequest,
  DeliveryStrategy,
  ResolvedDeliveryOptions,
  ResolvedFile,
  S3Location,
} from '@sendoff/core';
import { configInvalid, isActiveContentType } from '@sendoff/core';
import { contentDisposition, isHeadMethod, isReadMethod, methodNotAllowed } from '@sendoff/core/http';
import { createS3Client } from './create-s3-client.js';
import { ObjectUrlSigner } from './object-url-signer.js';
import { cacheControlFor, checkLifetimeSettings, signingWindowFor, type LifetimeSettings } from './redirect-lifetime.js';
import { toSendoffError } from './s3-errors.js';

export type RedirectStatus = 301 | 302 | 303 | 307 | 308;

interface CommonRedirectOptions {
  /** Serve only objects of this bucket (`canServe` is false for others). */
  bucket?: string;
  /** Life of a URL in seconds (default 300, at most 604800). */
  expiresIn?: number;
  /** Seconds taken off the cacheable life for clock skew (default 30). */
  skewMarginSeconds?: number;
  /** Signing-time window: requests inside one window get the same URL (default 0: off). */
  signingBucketSeconds?: number;
  /** Base URL browsers reach the bucket's objects under (see ObjectUrlSigner). */
  publicBaseUrl?: string;
  /** Redirect status (default 302). */
  status?: RedirectStatus;
  /** Strategy name (default `s3Redirect`). */
  name?: string;
  /** Clock in epoch milliseconds (default `Date.now`); for tests. */
  now?: () => number;
}

export interface S3RedirectWithClient extends CommonRedirectOptions {
  client: S3Client;
}

export interface S3RedirectWithCredentials extends CommonRedirectOptions {
  credentials: NonNullable<S3ClientConfig['credentials']>;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
}

export type S3RedirectOptions = S3RedirectWithClient | S3RedirectWithCredentials;

export interface S3RedirectStrategy extends DeliveryStrategy {
  readonly expiresIn: number;
  readonly skewMarginSeconds: number;
  readonly signingBucketSeconds: number;
  /** The presigned URL for a file, as the plan's Location would carry it. */
  presignedUrl(method: 'GET' | 'HEAD', file: ResolvedFile, options: ResolvedDeliveryOptions): Promise<string>;
}

/** App download headers S3 can set on its response through signed query overrides. */
const OVERRIDABLE: Readonly<Record<string, string>> = {
  'cache-control': 'response-cache-control',
  'content-language': 'response-content-language',
  expires: 'response-expires',
};

export function s3Redirect(options: S3RedirectOptions): S3RedirectStrategy {
  const name = options.name ?? 's3Redirect';
  const settings = lifetimeSettings(options, name);
  const status = redirectStatus(options.status, name);
  const client = clientOf(options);
  const signer = new ObjectUrlSigner(client, options.publicBaseUrl);
  const now = options.now ?? Date.now;

  /** The presigned URL of `file` and its signing window; every failure leaves as a SendoffError. */
  const presign = async (method: 'GET' | 'HEAD', file: ResolvedFile, resolved: ResolvedDeliveryOptions) => {
    try {
      const location = s3LocationOf(file, name);
      const credentials = await client.config.credentials();
      const window = signingWindowFor(settings, now(), credentials.expiration?.getTime());
      const url = await signer.sign({
        credentials,
        method,
        bucket: location.bucket,
        objectKey: location.objectKey,
        query: responseOverrides(resolved),
        signingDate: window.signingDate,
        expiresInSeconds: window.expiresInSeconds,
      });
      return { url, window };
    } catch (error) {
      throw toSendoffError(error);
    }
  };

  return {
    name,
    locationKinds: ['s3'],
    expiresIn: settings.expiresInSeconds,
    skewMarginSeconds: settings.skewMarginSeconds,
    signingBucketSeconds: settings.signingBucketSeconds,
    canServe: (file) => file.location.kind === 's3' && (options.bucket === undefined || file.location.bucket === options.bucket),
    async presignedUrl(method, file, resolved) {
      return (await presign(method, file, resolved)).url;
    },
    async plan(request: DeliveryRequest, file: ResolvedFile, resolved: ResolvedDeliveryOptions): Promise<DeliveryPlan> {
      if (!isReadMethod(request.method)) {
        return methodNotAllowed(name);
      }
      const method = isHeadMethod(request.method) ? 'HEAD' : 'GET';
      const { url, window } = await presign(method, file, resolved);
      return {
        strategy: name,
        status,
        headers: { Location: url, 'Cache-Control': cacheControlFor(window) },
        body: 'redirect',
        location: url,
      };
    },
  };
}

function lifetimeSettings(options: S3RedirectOptions, name: string): LifetimeSettings {
  const settings = {
    expiresInSeconds: options.expiresIn ?? 300,
    skewMarginSeconds: options.skewMarginSeconds ?? 30,
    signingBucketSeconds: options.signingBucketSeconds ?? 0,
  };
  try {
    checkLifetimeSettings(settings);
  } catch (error) {
    throw configInvalid(`${name}: ${(error as Error).message}`, error);
  }
  return settings;
}

function redirectStatus(status: RedirectStatus | undefined, name: string): RedirectStatus {
  if (status === undefined) return 302;
  if (![301, 302, 303, 307, 308].includes(status)) throw configInvalid(`${name}: status must be a redirect status (301, 302, 303, 307, 308)`);
  return status;
}

function clientOf(options: S3RedirectOptions): S3Client {
  if ('client' in options && options.client !== undefined) return options.client;
  const { credentials, region, endpoint, forcePathStyle } = options as S3RedirectWithCredentials;
  return createS3Client({
    credentials,
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(forcePathStyle === undefined ? {} : { forcePathStyle }),
  });
}

function s3LocationOf(file: ResolvedFile, name: string): S3Location {
  if (file.location.kind !== 's3') throw configInvalid(`${name}: can only serve files stored in S3`);
  return file.location;
}

/** What active content is served as: a type no browser renders. */
const BINARY_TYPE = 'application/octet-stream';

/** The signed query overrides: name and type (never renderable for active content), plus the app headers S3 can reproduce. */
function responseOverrides(resolved: ResolvedDeliveryOptions): Record<string, string> {
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
