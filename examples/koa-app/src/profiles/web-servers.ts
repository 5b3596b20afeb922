import { apache } from './apache.js';
import { caddy } from './caddy.js';
import { lighttpd } from './lighttpd.js';
import { nginx } from './nginx.js';
import type { Profile } from './profile.js';

/** The profiles that put a real web server in front of the app, by name. */
export const webServerProfiles: Readonly<Record<string, Profile>> = {
  [nginx.name]: nginx,
  [apache.name]: apache,
  [lighttpd.name]: lighttpd,
  [caddy.name]: caddy,
};
