/**
 * A pass-through that hashes (SHA-256) and counts the bytes flowing through it, so a file is read
 * once: the same pass feeds the upload and the checksum used to verify it.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export class HashingStream extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');
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

  /** The SHA-256 of everything that went through, once the stream has ended. */
  get sha256(): string {
    if (this.digestHex === undefined) throw new Error('the stream has not ended yet');
    return this.digestHex;
  }
}
