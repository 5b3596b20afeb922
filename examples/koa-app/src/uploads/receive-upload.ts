import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import busboy from 'busboy';
import { AppError, badRequest, payloadTooLarge } from '../http/app-error.js';

/** What the client said about the uploaded file (its name is only metadata). */
export interface UploadInfo {
  name: string;
  contentType: string;
}

export interface ReceiveUploadOptions<T> {
  /** The multipart field that carries the file. */
  field: string;
  limitBytes: number;
  /** Streams the file to storage; the stream errors (and `store` must reject) past the limit. */
  store(body: Readable, info: UploadInfo): Promise<T>;
}

const MAX_NAME_LENGTH = 1024;
const SIMPLE_MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/**
 * Streams the `field` file of a multipart request to `store`, never holding it in memory. Other
 * parts are drained. Missing field or malformed body → 400; larger than the limit → 413 (the
 * storage write fails, so nothing partial is kept).
 */
export function receiveUpload<T>(req: IncomingMessage, options: ReceiveUploadOptions<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        preservePath: true,
        defParamCharset: 'utf8',
        limits: { fileSize: options.limitBytes + 1, files: 10, fields: 50, parts: 60 },
      });
    } catch (error) {
      reject(badRequest('expected a multipart/form-data body'));
      return;
    }
    let stored: Promise<T> | undefined;
    let body: Transform | undefined;
    const fail = (error: AppError): void => {
      body?.destroy(error);
      req.unpipe(parser);
      req.resume();
      reject(error);
    };
    parser.on('file', (field, file, info) => {
      file.on('error', () => undefined); // a truncated part; the parser reports it as well
      if (field !== options.field || stored !== undefined) {
        file.resume();
        return;
      }
      const name = info.filename;
      const problem = nameProblem(name);
      if (problem !== undefined || name === undefined) {
        file.resume();
        stored = Promise.reject(badRequest(problem ?? 'the file has no name'));
        stored.catch(() => undefined);
        return;
      }
      const limited = limitTo(options.limitBytes);
      body = limited.stream;
      forwardUntilClosed(file, body);
      stored = options.store(body, { name, contentType: mediaTypeOf(info.mimeType) }).catch((error: unknown) => {
        throw limited.exceeded() ? payloadTooLarge(options.limitBytes) : error;
      });
      stored.catch(() => undefined);
    });
    parser.on('close', () => {
      if (stored === undefined) reject(badRequest(`missing file field "${options.field}"`));
      else stored.then(resolve, reject);
    });
    parser.on('error', () => fail(badRequest('malformed multipart body')));
    req.on('close', () => {
      if (!req.complete) fail(badRequest('upload interrupted'));
    });
    req.pipe(parser);
  });
}

/** A pass-through that errors with 413 as soon as more than `limit` bytes went through. */
function limitTo(limit: number): { stream: Transform; exceeded(): boolean } {
  let seen = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(payloadTooLarge(limit));
      else callback(null, chunk);
    },
  });
  // Its errors reach the storage write through its pipeline; none may go unhandled meanwhile.
  stream.on('error', () => undefined);
  return { stream, exceeded: () => seen > limit };
}

/**
 * Pipes `file` into `body`; a failing part fails `body` (so the storage write fails); once `body`
 * is gone (done, failed, destroyed), the rest is drained.
 */
function forwardUntilClosed(file: Readable, body: Transform): void {
  file.pipe(body);
  file.once('error', (error) => body.destroy(badRequest(`malformed multipart body: ${error.message}`)));
  body.once('close', () => {
    file.unpipe(body);
    file.resume();
  });
}

function nameProblem(name: string | undefined): string | undefined {
  if (name === undefined || name.length === 0) return 'the file has no name';
  if (name.length > MAX_NAME_LENGTH) return `the file name is longer than ${MAX_NAME_LENGTH} characters`;
  return undefined;
}

/** The client's media type when it is a plain `type/subtype`; anything else is octet-stream. */
function mediaTypeOf(mimeType: string | undefined): string {
  const candidate = (mimeType ?? '').trim().toLowerCase();
  return SIMPLE_MEDIA_TYPE.test(candidate) ? candidate : 'application/octet-stream';
}
