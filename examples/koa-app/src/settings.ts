/** Settings of one running app, resolved from startApp's options and the environment. */
export interface AppSettings {
  dataDir: string;
  /** Largest accepted upload in bytes (413 beyond). */
  uploadLimitBytes: number;
  /** Longest lifetime of a shared link in seconds. */
  maxLinkTtlSeconds: number;
  /** Lifetime of a link when the request names none. */
  defaultLinkTtlSeconds: number;
  /** Lifetime of a session token in seconds. */
  sessionTtlSeconds: number;
  /** The secret session tokens and links are derived from. */
  secret: Buffer;
  /** The URL clients use; known once the server listens (links are built on it). */
  publicUrl: string;
}

export const DEFAULT_UPLOAD_LIMIT_BYTES = 100 * 1024 * 1024;
export const DEFAULT_MAX_LINK_TTL_SECONDS = 7 * 24 * 3600;
export const DEFAULT_LINK_TTL_SECONDS = 3600;
export const DEFAULT_SESSION_TTL_SECONDS = 12 * 3600;

/**
 * Room for what a multipart upload carries besides the file: boundaries, part headers (a file name
 * of up to 1024 bytes, maybe encoded twice) and a few small fields.
 */
export const MULTIPART_ENVELOPE_BYTES = 64 * 1024;

/** The largest request body the app accepts: an upload of `uploadLimitBytes` and its envelope. */
export function requestBodyLimitBytes(uploadLimitBytes: number): number {
  return uploadLimitBytes + MULTIPART_ENVELOPE_BYTES;
}
