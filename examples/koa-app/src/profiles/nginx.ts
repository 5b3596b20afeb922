import { xAccel } from '@sendoff/core';
import { offloadProfile } from './offload-profile.js';

/**
 * nginx in front: X-Accel-Redirect to an internal location aliased to the files root. The
 * generated config re-adds the download safety headers there (nginx would drop them otherwise).
 */
export const nginx = offloadProfile('nginx', 'local files delivered by nginx (X-Accel-Redirect), directStream fallback', (root) =>
  xAccel({ root, prefix: '/_protected/' }),
);
