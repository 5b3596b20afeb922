/**
 * The start-up check of a web server in front of the app: fetch the app's probe through the
 * server's public URL, the way every download goes, and refuse a deployment that cannot deliver.
 * A server whose workers cannot read the files answers each download with a 403 or 404 while the
 * app looks healthy; this turns that into one error at start, naming the cause and the fix.
 *
 * It costs one request (bounded by a timeout) and, when the app names the strategy it delivers the
 * probe with, one local `describe()`. On a 403, 404 or 500 it looks at the disk: the first directory
 * on the way to the strategy root (or the probe file under it) the server's worker user cannot
 * enter or read. The same probe checks run in `sendoff doctor`, which adds Range, conditional
 * and internal-location checks.
 */
import path from 'node:path';
import { SendoffError } from '../errors/sendoff-error.js';
import { appUrlOf } from '../probe/app-url.js';
import { httpGet, type RawResponse } from '../probe/http-get.js';
import { inspectProbeResponse } from '../probe/inspect-probe.js';
import type { Probe } from '../probe/probe.js';
import { DEFAULT_INTERNAL_PREFIX } from '../strategies/internal-prefix.js';
import { Accounts } from './accounts.js';
import { currentUmask, describeBlockedStep, firstBlockedStep } from './file-access.js';

export interface VerifyFrontServerOptions {
  /** The public URL of the web server in front of the app (a base path is kept). */
  url: string;
  /** The app's probe (`installProbe`): its route, its bytes, and `describe()` to name the strategy. */
  probe: Pick<Probe, 'path' | 'expectation'> & Partial<Pick<Probe, 'describe'>>;
  /**
   * The offload strategy the server is configured for: the app must deliver the probe with it
   * (`name`), its `root` is where a failure is looked for on disk, its `prefix` (nginx) shapes
   * the reasons.
   */
  strategy?: { readonly name: string; readonly root?: string; readonly prefix?: string };
  /** The user the server's workers read files as (`RunningServer.user`); default: this process's user. */
  user?: string;
  /** For the request; default 5000 ms. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
/** The statuses a file the server may not read comes back with (nginx/lighttpd 403, Apache 404). */
const UNREADABLE_STATUSES = new Set([403, 404, 500]);

/** Resolves when the server delivers the probe file; throws DELIVERY_CHECK_FAILED naming the cause and the fix otherwise. */
export async function verifyFrontServer(options: VerifyFrontServerOptions): Promise<void> {
  await checkProbeStrategy(options);
  const url = appUrlOf(options.url, options.probe.path);
  const response = await httpGet(url, {}, options.timeoutMs ?? DEFAULT_TIMEOUT_MS).catch((error: Error) => {
    throw failure(`the front server at ${url.origin} did not answer GET ${options.probe.path}: ${error.message}`, error);
  });
  const inspection = inspectProbeResponse(response, options.probe.expectation, options.strategy?.prefix ?? DEFAULT_INTERNAL_PREFIX);
  const failed = inspection.checks.filter((check) => !check.ok);
  if (failed.length === 0) return;
  const who = inspection.server === '' ? 'the front server' : inspection.server;
  const reasons = (await diskReason(response, options)) ?? failed.map((check) => check.detail).join('; ');
  throw failure(`${who} at ${url.origin} cannot deliver the app's files (GET ${options.probe.path} answered ${response.status}): ${reasons}`);
}

/** The app must hand the probe to the strategy the server is configured for, not stream it itself. */
async function checkProbeStrategy({ probe, strategy }: VerifyFrontServerOptions): Promise<void> {
  if (strategy === undefined || probe.describe === undefined) return;
  const chosen = (await probe.describe()).strategy;
  if (chosen === undefined || chosen === strategy.name) return;
  throw failure(
    `the app delivers the probe with ${chosen}, not with ${strategy.name}, the strategy the front server is configured for: ` +
      `the front server would only pass on what the app sends. Check that the policy's rule for ${strategy.name} matches in this environment`,
  );
}

/** Which step on the way to the probe file the server's workers are refused, when the status suggests one. */
async function diskReason(response: RawResponse, { probe, strategy, user }: VerifyFrontServerOptions): Promise<string | undefined> {
  if (strategy?.root === undefined || !UNREADABLE_STATUSES.has(response.status)) return undefined;
  const accounts = await Accounts.read();
  const reader = user === undefined ? accounts.currentReader() : accounts.reader(user);
  if (reader === undefined) return undefined;
  const file = path.join(strategy.root, ...probe.expectation.key.split('/'));
  const blocked = await firstBlockedStep(file, reader, accounts);
  return blocked === undefined ? undefined : describeBlockedStep(reader, blocked, await currentUmask());
}

function failure(message: string, cause?: unknown): SendoffError {
  return new SendoffError('DELIVERY_CHECK_FAILED', message, { cause });
}
