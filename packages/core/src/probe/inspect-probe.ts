/**
 * The checks every response to `GET <probe>` through a web server must pass, shared by the
 * start-up check (`verifyFrontServer`) and `sendoff doctor`: status 200, no delivery header
 * reaching the client, and exactly the probe's bytes. Each failed check names the likely
 * misconfiguration of the server that answered (from its `Server` header).
 */
import { createHash } from 'node:crypto';
import { DELIVERY_HEADERS, frontKindOf, isStreamedByApp, whyBodyDiffers, whyBodyEmpty, whyHeaderLeaked, whyNotOffloaded, whyStatus, type FrontKind } from './diagnose.js';
import { headerOf, type RawResponse } from './http-get.js';
import type { ProbeExpectation } from './probe.js';

/** One named check, passed or failed, with what was seen or why it failed. */
export interface ProbeCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ProbeInspection {
  /** The `Server` header of the response ('' when none). */
  server: string;
  /** The web server recognised from it. */
  front: FrontKind;
  /** `status 200`, `no delivery header`, `body is the probe file`, in that order. */
  checks: ProbeCheck[];
}

/** What the bytes must be. */
export type ProbeDigest = Pick<ProbeExpectation, 'size' | 'sha256'>;

/** Checks a response to `GET <probe>`; `internalPrefix` (the nginx internal location) only shapes the reasons. */
export function inspectProbeResponse(response: RawResponse, expectation: ProbeDigest, internalPrefix: string): ProbeInspection {
  const server = headerOf(response, 'server');
  const front = frontKindOf(server);
  const checks = [checkStatus(response, front, internalPrefix), checkNoDeliveryHeader(response, front, internalPrefix), checkBody(response, expectation, front, internalPrefix)];
  return { server, front, checks };
}

/** Whether `body` is the probe file: the expected size and sha256. */
export function isProbeBytes(body: Buffer, expectation: ProbeDigest): boolean {
  return body.length === expectation.size && createHash('sha256').update(body).digest('hex') === expectation.sha256;
}

/** Whether the strategy the app delivers the probe with hands it to the web server recognised in front. */
export function checkOffloadInUse(strategy: string, front: FrontKind): ProbeCheck {
  const name = 'offload in use';
  if (isStreamedByApp(strategy) && front !== 'unknown') return fail(name, whyNotOffloaded(strategy, front));
  if (isStreamedByApp(strategy)) return pass(name, `${strategy}: no nginx, Apache, lighttpd or Caddy recognised in front, the app streams the file`);
  return pass(name, `the app hands the probe to the web server (${strategy})`);
}

function checkStatus(response: RawResponse, front: FrontKind, prefix: string): ProbeCheck {
  const name = 'status 200';
  return response.status === 200 ? pass(name, '200') : fail(name, whyStatus(response.status, front, prefix));
}

function checkNoDeliveryHeader(response: RawResponse, front: FrontKind, prefix: string): ProbeCheck {
  const name = 'no delivery header';
  const leaked = DELIVERY_HEADERS.filter((header) => response.headers[header] !== undefined);
  if (leaked.length === 0) return pass(name, `none of ${DELIVERY_HEADERS.join(', ')}`);
  return fail(name, leaked.map((header) => whyHeaderLeaked(header, front, prefix)).join('; '));
}

function checkBody(response: RawResponse, expectation: ProbeDigest, front: FrontKind, prefix: string): ProbeCheck {
  const name = 'body is the probe file';
  if (response.body.length === 0) return fail(name, whyBodyEmpty(front, prefix));
  if (!isProbeBytes(response.body, expectation)) return fail(name, whyBodyDiffers(response.body.length, expectation.size));
  return pass(name, `${expectation.size} bytes, sha256 matches`);
}

const pass = (name: string, detail: string): ProbeCheck => ({ name, ok: true, detail });
const fail = (name: string, detail: string): ProbeCheck => ({ name, ok: false, detail });
