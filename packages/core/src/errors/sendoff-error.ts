/**
 * The one error family of sendoff. Every error carries a stable `code`, the HTTP `status` it
 * renders as, and `expose` (whether its message is safe to show a client). Koa and most
 * frameworks render such errors directly; internal details stay in `cause`.
 */
export type SendoffErrorCode =
  | 'INVALID_KEY'
  | 'NOT_FOUND'
  | 'RANGE_NOT_SATISFIABLE'
  | 'PRECONDITION_FAILED'
  | 'LINK_INVALID'
  | 'LINK_EXPIRED'
  | 'LINK_REVOKED'
  | 'LINK_USED_UP'
  | 'LINK_UNAVAILABLE'
  | 'FORBIDDEN'
  | 'BAD_REQUEST'
  | 'NOT_EXPRESSIBLE'
  | 'NO_STRATEGY'
  | 'CONFIG_INVALID'
  | 'DELIVERY_CHECK_FAILED'
  | 'STORAGE_UNAVAILABLE'
  | 'STORAGE_ERROR';

export interface SendoffErrorOptions {
  status?: number;
  expose?: boolean;
  cause?: unknown;
  headers?: Record<string, string>;
}

const DEFAULT_STATUS: Record<SendoffErrorCode, number> = {
  INVALID_KEY: 400,
  NOT_FOUND: 404,
  RANGE_NOT_SATISFIABLE: 416,
  PRECONDITION_FAILED: 412,
  LINK_INVALID: 403,
  LINK_EXPIRED: 403,
  LINK_REVOKED: 410,
  LINK_USED_UP: 410,
  LINK_UNAVAILABLE: 503,
  FORBIDDEN: 403,
  BAD_REQUEST: 400,
  NOT_EXPRESSIBLE: 500,
  NO_STRATEGY: 500,
  CONFIG_INVALID: 500,
  DELIVERY_CHECK_FAILED: 500,
  STORAGE_UNAVAILABLE: 503,
  STORAGE_ERROR: 502,
};

export class SendoffError extends Error {
  readonly code: SendoffErrorCode;
  readonly status: number;
  readonly statusCode: number;
  readonly expose: boolean;
  /** Response headers the error must carry (e.g. `Content-Range` on a 416). */
  readonly headers: Record<string, string>;

  constructor(code: SendoffErrorCode, message: string, options: SendoffErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SendoffError';
    this.code = code;
    this.status = options.status ?? DEFAULT_STATUS[code];
    this.statusCode = this.status;
    this.expose = options.expose ?? this.status < 500;
    this.headers = options.headers ?? {};
  }
}

export function isSendoffError(value: unknown): value is SendoffError {
  return value instanceof SendoffError;
}

export const invalidKey = (reason: string, cause?: unknown): SendoffError =>
  new SendoffError('INVALID_KEY', `invalid key: ${reason}`, { cause });

export const notFound = (cause?: unknown): SendoffError =>
  new SendoffError('NOT_FOUND', 'file not found', { cause });

export const configInvalid = (message: string, cause?: unknown): SendoffError =>
  new SendoffError('CONFIG_INVALID', message, { cause });
