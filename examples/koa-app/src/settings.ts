/** Settings of one running app, resolved from startApp's options and the environment. */
export interface AppSettings {
  dataDir: string;
  /** Largest accepted upload in bytes (413 beyond). */
  uploadLimitBytes: number;
  /** Longest lifetime of a shared link in seconds. */
  maxLinkTtlSeconds: number;
  /** Lifetime of a link when the request names none. */
  defaultLinkTtlSeconds: number;
  /** Lifetime of the link a download by navigation gets (short: it is not meant to be passed on). */
  downloadLinkTtlSeconds: number;
  /** Lifetime of a session token in seconds. */
  sessionTtlSeconds: number;
  /** The secret session tokens and links are derived from. */
  secret: Buffer;
  /** The base URL of links (`PUBLIC_URL`, no trailing slash); unset: the origin each request came to. */
  publicUrl?: string;
  /** Whether `X-Forwarded-Proto` / `X-Forwarded-Host` count (`TRUST_PROXY=1`): only behind a proxy that sets them. */
  trustProxy: boolean;
  /** Whether the profile started a web server in front of the app (its `X-Forwarded-For` names the client). */
  behindFrontServer: boolean;
  /** The token `GET /metrics` asks for (`METRICS_TOKEN`); unset: no metrics endpoint. */
  metricsToken?: string;
}

export const DEFAULT_UPLOAD_LIMIT_BYTES = 100 * 1024 * 1024;
export const DEFAULT_MAX_LINK_TTL_SECONDS = 7 * 24 * 3600;
export const DEFAULT_LINK_TTL_SECONDS = 3600;
export const DOWNLOAD_LINK_TTL_SECONDS = 60;
export const DEFAULT_SESSION_TTL_SECONDS = 12 * 3600;
/** Most downloads a shareable link may be limited to. */
export const MAX_LINK_USES = 1000;

/** Room a multipart request needs around the file: boundaries, part headers, small other fields. */
export const MULTIPART_ENVELOPE_BYTES = 64 * 1024;

/**
 * The largest request body the app accepts: an upload of `uploadLimitBytes` in its multipart
 * envelope. A request declaring more is refused with 413 before its body is read; a front server
 * can refuse it with the same number.
 */
export function maxRequestBodyBytes(uploadLimitBytes: number): number {
  return uploadLimitBytes + MULTIPART_ENVELOPE_BYTES;
}
