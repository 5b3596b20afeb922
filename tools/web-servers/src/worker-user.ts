/**
 * The ids of the user a web server's workers run as, from the system's user database: what its
 * runtime directory is handed to when the server is started as root.
 */
import { passwdUser } from 'passwd-user';

/** The worker user used when running as root and none is given. */
export const ROOT_WORKER_USER = 'www-data';

export interface WorkerIds {
  uid: number;
  /** The user's primary group. */
  gid: number;
}

/** The uid and primary gid of `user`, or undefined when the system has no such user. */
export async function workerIds(user: string): Promise<WorkerIds | undefined> {
  const entry = await passwdUser(user);
  return entry === undefined ? undefined : { uid: entry.userIdentifier, gid: entry.groupIdentifier };
}
