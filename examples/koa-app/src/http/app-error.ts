/** An error of the app itself, rendered as `{ error: { code, message } }` with its status and headers. */
export class AppError extends Error {
  readonly status: number;
  readonly expose: boolean;

  constructor(
    readonly code: string,
    message: string,
    status: number,
    /** Response headers the answer must carry (e.g. `Retry-After` on a 429). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = status;
    this.expose = status < 500;
  }
}

export const unauthorized = (message = 'sign in first'): AppError => new AppError('UNAUTHORIZED', message, 401);
export const fileNotFound = (): AppError => new AppError('NOT_FOUND', 'file not found', 404);
export const badRequest = (message: string): AppError => new AppError('BAD_REQUEST', message, 400);
export const forbidden = (message: string): AppError => new AppError('FORBIDDEN', message, 403);
export const payloadTooLarge = (limit: number): AppError => new AppError('PAYLOAD_TOO_LARGE', `the file is larger than ${limit} bytes`, 413);
/** A body declared larger than the app accepts: answered at once, and the connection closed rather than drained. */
export const requestTooLarge = (maxBytes: number): AppError =>
  new AppError('PAYLOAD_TOO_LARGE', `the request body is larger than ${maxBytes} bytes`, 413, { Connection: 'close' });
/** Too many failed attempts: try again after `retryAfterSeconds`. */
export const tooManyRequests = (retryAfterSeconds: number): AppError =>
  new AppError('TOO_MANY_REQUESTS', `too many failed sign-ins; try again in ${retryAfterSeconds} seconds`, 429, { 'Retry-After': String(retryAfterSeconds) });
