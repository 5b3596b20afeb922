import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import type { SendoffError, SendoffErrorCode } from '@sendoff/core';

/** The JSON body Nest's exception filter renders for a refused download. */
export interface SendoffExceptionBody {
  statusCode: number;
  message: string;
  /** The status text (`Not Found`), as Nest's own HttpExceptions carry it. Only for exposed errors. */
  error?: string;
  /** sendoff's stable error code (`INVALID_KEY`, `NOT_FOUND`…). Only for exposed errors. */
  code?: SendoffErrorCode;
}

/**
 * A SendoffError as Nest's exception layer expects it: an HttpException with the error's status,
 * so exception filters (the default one or yours) render a bad key as 400, a missing file as 404, an
 * unsatisfiable range as 416, never a 500. The message of an error that is not `expose`d (a 5xx,
 * whose cause may hold a path or a storage error) stays out of the body: the body then holds only
 * the status text. The original error is `cause` (and `sendoffError`), its headers are `headers`.
 */
export class SendoffHttpException extends HttpException {
  readonly sendoffError: SendoffError;
  readonly code: SendoffErrorCode;
  /** Headers the response must carry (e.g. `Content-Range: bytes *\/size` on a 416); empty unless exposed. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(error: SendoffError) {
    super(bodyOf(error), error.status, { cause: error });
    this.name = 'SendoffHttpException';
    this.sendoffError = error;
    this.code = error.code;
    this.headers = error.expose ? error.headers : {};
  }
}

function bodyOf(error: SendoffError): SendoffExceptionBody {
  const statusText = STATUS_CODES[error.status] ?? 'Error';
  if (!error.expose) return { statusCode: error.status, message: statusText };
  return { statusCode: error.status, message: error.message, error: statusText, code: error.code };
}

/** nginx's status for a request whose client closed the connection before it was answered. */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * What Nest's exception layer gets when the client went away before anything was sent: an
 * HttpException (which Nest's filter does not log: a client leaving is no error of the app) with
 * nginx's 499, Client Closed Request. There is nobody left to answer.
 */
export function clientClosedRequest(): HttpException {
  return new HttpException({ statusCode: CLIENT_CLOSED_REQUEST, message: 'Client Closed Request' }, CLIENT_CLOSED_REQUEST);
}
