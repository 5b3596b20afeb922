import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import busboy from 'busboy';
import { MAX_CONTENT_TYPE_BYTES, MAX_FILENAME_BYTES } from '@sendoff/core';
import { maskDisguisingCharacters } from '@sendoff/core/http';
import { badRequest, payloadTooLarge, requestTooLarge, type AppError } from '../http/app-error.js';
import { maxRequestBodyBytes } from '../settings.js';
import { declaresMoreThan } from '../http/declared-length.js';

/** What the client said about the uploaded file (its name is only metadata). */
export interface UploadInfo {
  /** The client's name without control characters, disguising characters as `_`, at most MAX_FILENAME_BYTES in UTF-8. */
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

/** One file on its way to storage. `done` never rejects unhandled. */
interface Upload<T> {
  done: Promise<T>;
  abort(error: AppError): void;
}

/** C0 controls, DEL and C1 controls: never part of a stored name (CR/LF would reach logs and headers). */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
const SIMPLE_MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;
const ignore = (): void => undefined;

/**
 * Streams the `field` file of a multipart request to `store`, never holding it in memory. Other
 * parts are drained. Missing field, bad name or malformed body → 400; larger than the limit → 413,
 * at once (without reading the body) when the request declares a length over maxRequestBodyBytes,
 * and as soon as more than that has arrived when it declares none (chunked).
 * The stored name is the client's without control characters; it must be 1 to MAX_FILENAME_BYTES
 * UTF-8 bytes (the Deliverer's limit), so every upload can be downloaded under its name.
 * A failed upload is answered only once the storage write is over, so nothing partial remains.
 */
export function receiveUpload<T>(req: IncomingMessage, options: ReceiveUploadOptions<T>): Promise<T> {
  const maxBytes = maxRequestBodyBytes(options.limitBytes);
  if (declaresMoreThan(req, maxBytes)) return Promise.reject(requestTooLarge(maxBytes));
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      preservePath: true,
      defParamCharset: 'utf8',
      limits: { fileSize: options.limitBytes + 1, files: 10, fields: 50, parts: 60 },
    });
  } catch {
    return Promise.reject(badRequest('expected a multipart/form-data body'));
  }
  return new Promise<T>((resolve, reject) => {
    let upload: Upload<T> | undefined;
    let failure: AppError | undefined;
    const fail = (error: AppError): void => {
      if (failure !== undefined) return;
      failure = error;
      upload?.abort(error);
      // Nothing more is read: the answer closes the connection (see closeUnreadRequests), so a
      // client still sending is held back by TCP instead of being read to the end.
      req.unpipe(parser);
      req.pause();
      void (upload?.done ?? Promise.resolve()).catch(ignore).finally(() => reject(error));
    };
    parser.on('file', (field, file, info) => {
      file.on('error', ignore); // a truncated part: the parser reports it too
      if (field !== options.field || upload !== undefined || failure !== undefined) {
        file.resume();
        return;
      }
      const name = storedName(info.filename ?? '');
      const problem = nameProblem(name);
      if (problem !== undefined) {
        file.resume();
        fail(badRequest(problem));
        return;
      }
      upload = startUpload(file, { name, contentType: mediaTypeOf(info.mimeType) }, options);
    });
    parser.on('close', () => {
      if (failure !== undefined) return;
      if (upload === undefined) fail(badRequest(`missing file field "${options.field}"`));
      else upload.done.then(resolve, reject);
    });
    parser.on('error', () => fail(badRequest('malformed multipart body')));
    req.on('close', () => {
      if (!req.complete) fail(badRequest('upload interrupted'));
    });
    // A body without a declared length is counted as it comes: past the limit it is refused at
    // once (and its connection closed), whatever part the bytes belong to.
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) fail(requestTooLarge(maxBytes));
    });
    req.pipe(parser);
  });
}

/** Pipes one file part through the size limit into `store`. */
function startUpload<T>(file: Readable, info: UploadInfo, options: ReceiveUploadOptions<T>): Upload<T> {
  const limited = limitTo(options.limitBytes);
  let aborted: AppError | undefined;
  const abort = (error: AppError): void => {
    aborted ??= error;
    limited.stream.destroy(error);
  };
  file.pipe(limited.stream);
  file.once('error', () => abort(badRequest('malformed multipart body')));
  // Once the limited stream is gone (done, failed, destroyed), the rest of the part is drained.
  limited.stream.once('close', () => {
    file.unpipe(limited.stream);
    file.resume();
  });
  const done = options.store(limited.stream, info).catch((error: unknown) => {
    throw limited.exceeded() ? payloadTooLarge(options.limitBytes) : (aborted ?? error);
  });
  done.catch(ignore);
  return { done, abort };
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
  stream.on('error', ignore);
  return { stream, exceeded: () => seen > limit };
}

/**
 * The client's name without control characters, and with the characters that disguise a name
 * (bidirectional overrides, invisible format characters) as `_`, as the download header has them.
 */
function storedName(name: string): string {
  return maskDisguisingCharacters(name.replace(CONTROL_CHARACTERS, ''));
}

function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the file has no name (control characters do not count)';
  if (Buffer.byteLength(name) > MAX_FILENAME_BYTES) return `the file name is longer than ${MAX_FILENAME_BYTES} bytes (UTF-8)`;
  return undefined;
}

/**
 * The client's media type when it is a plain `type/subtype` the Deliverer takes (at most
 * MAX_CONTENT_TYPE_BYTES); anything else is octet-stream, so every stored file stays downloadable.
 */
function mediaTypeOf(mimeType: string | undefined): string {
  const candidate = (mimeType ?? '').trim().toLowerCase();
  const usable = candidate.length <= MAX_CONTENT_TYPE_BYTES && SIMPLE_MEDIA_TYPE.test(candidate);
  return usable ? candidate : 'application/octet-stream';
}
