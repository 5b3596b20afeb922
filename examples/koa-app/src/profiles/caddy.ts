import { caddyAccel } from '@sendoff/core';
import { offloadProfile } from './offload-profile.js';

/**
 * Caddy in front: X-Accel-Redirect caught by handle_response. Names Caddy cannot express (`?`, `#`,
 * `%`) fall back to directStream through the policy.
 */
export const caddy = offloadProfile('caddy', 'local files delivered by Caddy (X-Accel-Redirect), directStream fallback for names it cannot express', (root) =>
  caddyAccel({ root }),
);
