/**
 * The large file every path serves, written by the direct-stream benchmark's fixture builder into
 * a temp directory, then opened up for nginx's worker user (the directory is created private).
 */
import { chmod, realpath } from 'node:fs/promises';
import { createFixtures, type Fixtures } from '../direct-stream/fixtures.js';

export interface OffloadFixtures extends Fixtures {
  /** The storage key of the large file (its URL path without the leading `/`). */
  largeKey: string;
}

export async function createOffloadFixtures(largeSize: number): Promise<OffloadFixtures> {
  const fixtures = await createFixtures({ smallCount: 0, largeSize });
  try {
    await chmod(fixtures.root, 0o755);
    // The strategy compares real paths: name the root as the file system resolves it.
    return { ...fixtures, root: await realpath(fixtures.root), largeKey: fixtures.largePath.slice(1) };
  } catch (error) {
    await fixtures.remove();
    throw error;
  }
}
