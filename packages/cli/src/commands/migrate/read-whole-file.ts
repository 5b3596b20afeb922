/**
 * Reads a small file whole, in as few reads as its size allows, into a buffer sized to it: for a
 * file that fits in one read a stream would only add a 1 MiB allocation, a second read to find the
 * end and the stream machinery per file. One byte more than the expected size is asked for, so a
 * file that grew since its fstat is noticed (as is one that shrank).
 */
import type { FileHandle } from 'node:fs/promises';

/** The file's bytes, or undefined when it does not hold exactly `size` bytes any more. */
export async function readWholeFile(handle: FileHandle, size: number): Promise<Buffer | undefined> {
  const buffer = Buffer.allocUnsafe(size + 1);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === size ? buffer.subarray(0, size) : undefined;
}
