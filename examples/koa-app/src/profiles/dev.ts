import path from 'node:path';
import { LocalStorage, directStream } from '@sendoff/core';
import type { Profile } from './profile.js';

/** Development: files on local disk, streamed by the Node process itself. */
export const dev: Profile = {
  name: 'dev',
  description: 'local files under DATA_DIR/files, streamed by Node (directStream)',
  async createDelivery({ dataDir }) {
    return {
      config: {
        environment: 'development',
        storage: new LocalStorage({ root: path.join(dataDir, 'files') }),
        strategies: [directStream()],
        policy: { rules: [], fallback: 'directStream' },
      },
    };
  },
};
