import { caddyAccel } from '@sendoff/core';
import { offloadProfile } from './offload-profile.js';

/**
 * Caddy in front: X-Accel-Redirect caught by handle_response. A key Caddy cannot express (a `?` or
 * a control character) would fall back to directStream through the policy; the app's own keys
 * (`u/<owner>/<uuid>`) never hold one, whatever the file's name, so every download is offloaded.
 */
export const caddy = offloadProfile('caddy', 'local files delivered by Caddy (X-Accel-Redirect), directStream fallback for names it cannot express', (root) =>
  caddyAccel({ root }),
);
