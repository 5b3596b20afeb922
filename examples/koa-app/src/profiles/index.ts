import type { Profile } from './profile.js';
import { dev } from './dev.js';
import { fleet } from './fleet.js';
import { migrating } from './migrating.js';
import { s3 } from './s3.js';
import { webServerProfiles } from './web-servers.js';

export type { Profile, ProfileContext, ProfileDeployment, FrontServer } from './profile.js';

/** Every known profile, by name. A new deployment profile is one file plus one line here. */
export const profiles: Readonly<Record<string, Profile>> = {
  [dev.name]: dev,
  ...webServerProfiles,
  [s3.name]: s3,
  [migrating.name]: migrating,
  [fleet.name]: fleet,
};

export const DEFAULT_PROFILE = dev.name;

/** The profile called `name`; an unknown name fails with the list of known ones. */
export function profileNamed(name: string): Profile {
  const profile = Object.hasOwn(profiles, name) ? profiles[name] : undefined;
  if (profile === undefined) {
    const known = Object.keys(profiles).sort().join(', ');
    throw new Error(`unknown SENDOFF_PROFILE "${name}"; known profiles: ${known}`);
  }
  return profile;
}
