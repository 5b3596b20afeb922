/**
 * s3Redirect: answer a download with a redirect to a presigned S3 URL. The file name and type
 * reach the browser through the signed `response-content-disposition` / `response-content-type`
 * overrides; S3 itself then answers Range and conditional requests. HEAD gets a HEAD-signed URL
 * (the method is part of the signature). The redirect's Cache-Control never outlives the URL.
 * S3 cannot send the CSP or nosniff headers a download of active content needs, so such a file
 * leaves as an attachment of type `application/octet-stream`, which no browser renders.
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { DeliveryPlan, DeliveryRequest, DeliveryStrategy, ResolvedDeliveryOptions, ResolvedFile } from '@sendoff/core';
import { isHeadMethod, isReadMethod, methodNotAllowed } from '@sendoff/core/http';
import { createS3Client } from './create-s3-client.js';
import { ObjectUrlSigner } from './object-url-signer.js';
import { MAX_PRESIGNED_SECONDS, signingWindowFor } from './redirect-lifetime.js';
import { lifetimeSettingsOf, redirectStrategyFields, redirectStatusOf, s3LocationOf, type RedirectLifetimeOptions } from './redirect-options.js';
import { redirectPlan } from './redirect-plan.js';
import { responseOverrides } from './response-overrides.js';
import { toSendoffError } from './s3-errors.js';

export type { RedirectStatus } from './redirect-options.js';

interface CommonRedirectOptions extends RedirectLifetimeOptions {
  /** Life of a URL in seconds (default 300, at most 604800). */
  expiresIn?: number;
  /** Base URL browsers reach the bucket's objects under (see ObjectUrlSigner). */
  publicBaseUrl?: string;
  /** Strategy name (default `s3Redirect`). */
  name?: string;
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

export function s3Redirect(options: S3RedirectOptions): S3RedirectStrategy {
  const name = options.name ?? 's3Redirect';
  const settings = lifetimeSettingsOf(options, name, MAX_PRESIGNED_SECONDS);
  const status = redirectStatusOf(options.status, name);
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
    ...redirectStrategyFields(name, settings, options.bucket),
    async presignedUrl(method, file, resolved) {
      return (await presign(method, file, resolved)).url;
    },
    async plan(request: DeliveryRequest, file: ResolvedFile, resolved: ResolvedDeliveryOptions): Promise<DeliveryPlan> {
      if (!isReadMethod(request.method)) {
        return methodNotAllowed(name);
      }
      const method = isHeadMethod(request.method) ? 'HEAD' : 'GET';
      const { url, window } = await presign(method, file, resolved);
      return redirectPlan(name, status, url, window);
    },
  };
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
