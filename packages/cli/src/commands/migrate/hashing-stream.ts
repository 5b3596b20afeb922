/**
 * A pass-through that hashes (MD5) and counts the bytes flowing through it, so a file is read once:
 * the same pass feeds the upload and the checksum that verifies it. MD5 because it is what S3 and
 * S3-compatible stores answer as the ETag of a single upload: the store's own checksum of what it
 * received can then be compared without another request. (It guards against corruption, not
 * against an adversary who controls the store.)
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export class HashingStream extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('md5');
  private digestHex: string | undefined;

  constructor(private readonly onBytes: (count: number) => void = () => undefined) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes(chunk.length);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.digestHex = this.hash.digest('hex');
    callback();
  }

  /** The MD5 (hex) of everything that went through, once the stream has ended. */
  get md5(): string {
    if (this.digestHex === undefined) throw new Error('the stream has not ended yet');
    return this.digestHex;
  }
}
