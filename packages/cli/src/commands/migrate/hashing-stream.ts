/**
 * A pass-through that hashes (SHA-256 and MD5) and counts the bytes flowing through it, so a file is
 * read once: the same pass feeds the upload and the checksums used to verify it.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export class HashingStream extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly md5Hash: Hash | undefined;
  private digestHex: string | undefined;
  private md5Hex: string | undefined;

  constructor(
    private readonly onBytes: (count: number) => void = () => undefined,
    options: { md5?: boolean } = {},
  ) {
    super();
    this.md5Hash = options.md5 ? createHash('md5') : undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.md5Hash?.update(chunk);
    this.bytes += chunk.length;
    this.onBytes(chunk.length);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.digestHex = this.hash.digest('hex');
    this.md5Hex = this.md5Hash?.digest('hex');
    callback();
  }

  /** The SHA-256 of everything that went through, once the stream has ended. */
  get sha256(): string {
    if (this.digestHex === undefined) throw new Error('the stream has not ended yet');
    return this.digestHex;
  }

  /** The MD5 (hex) when asked for at construction, once the stream has ended. */
  get md5(): string | undefined {
    return this.md5Hex;
  }
}
