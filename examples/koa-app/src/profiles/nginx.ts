import { xAccel } from '@sendoff/core';
import { offloadProfile } from './offload-profile.js';

/**
 * nginx in front: X-Accel-Redirect to an internal location aliased to the files root. nginx drops
 * the app's security headers after the handoff unless the internal location re-adds them.
 */
export const nginx = offloadProfile('nginx', 'local files delivered by nginx (X-Accel-Redirect), directStream fallback', (root) =>
  xAccel({ root, prefix: '/_protected/', keepHeaders: ['X-Content-Type-Options', 'Content-Security-Policy'] }),
);
