/**
 * Root hooks for every mocha run in the repository (named in the root `.mocharc.json`): after the
 * last test, stop what the test kit shares between suite files. Loads nothing heavy until a suite
 * has asked for it.
 */
import { stopSharedRadosgw } from './shared-radosgw.js';

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    await stopSharedRadosgw();
  },
};
