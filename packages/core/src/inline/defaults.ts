/**
 * The inline policy's defaults. Only types a browser shows in a viewer of its own, never as a
 * document that runs script, may be inline: raster images, PDF, audio, video, plain text. With
 * `X-Content-Type-Options: nosniff` a browser cannot read them as anything else.
 */

/** Media types a download may be served inline as, unless `inline.allow` says otherwise. */
export const DEFAULT_INLINE_TYPES: readonly string[] = Object.freeze([
  'image/png',
  'image/apng',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
  'image/vnd.microsoft.icon',
  'image/x-icon',
  'application/pdf',
  'audio/aac',
  'audio/flac',
  'audio/mp4',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/webm',
  'video/mp4',
  'video/ogg',
  'video/quicktime',
  'video/webm',
  'text/plain',
]);

/** The Content-Security-Policy of active content: nothing loads, and the document gets a unique origin with no script. */
export const DEFAULT_ACTIVE_CONTENT_POLICY = "default-src 'none'; sandbox";

export const NOSNIFF_HEADER = 'X-Content-Type-Options';
export const CSP_HEADER = 'Content-Security-Policy';

/** The response headers the inline policy adds; a web server must pass them to the client. */
export const DOWNLOAD_SAFETY_HEADERS: readonly string[] = Object.freeze([NOSNIFF_HEADER, CSP_HEADER]);
