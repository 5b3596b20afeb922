/**
 * `sendoff doctor`: checks a running deployment end to end through its public URL. The app exposes
 * the probe (see `installProbe`): `GET <probe>?expect=1` answers the expected size
 * and sha256 from the app itself; `GET <probe>` delivers the probe file through the offload. The
 * doctor checks the web server really took over: 200, the exact bytes, no delivery header, the
 * internal location closed, Range and conditional requests answered; and, when the app names the
 * strategy it delivers the probe with, that a web server in front is not bypassed by directStream.
 */
import { DEFAULT_INTERNAL_PREFIX } from '../strategies/internal-prefix.js';
import { appUrlOf } from './app-url.js';
import type { FrontKind } from './diagnose.js';
import { headerOf, httpGet, type RawResponse } from './http-get.js';
import { checkOffloadInUse, inspectProbeResponse, isProbeBytes, type ProbeCheck } from './inspect-probe.js';
import { PROBE_EXPECT_PARAM, PROBE_PATH, type ProbeExpectation } from './probe.js';

export interface DoctorOptions {
  /** The deployment's public URL (the web server in front of the app). */
  url: string;
  /** The app's probe route (default `/_sendoff/probe`). */
  probePath?: string;
  /** The web server's internal location prefix that must not be reachable (default `/_protected/`). */
  internalPrefix?: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
}

export type DoctorCheck = ProbeCheck;

export interface DoctorReport {
  url: string;
  ok: boolean;
  /** The `Server` header of the probe response ('' when none). */
  server: string;
  checks: DoctorCheck[];
}

interface Context {
  base: URL;
  probePath: string;
  internalPrefix: string;
  timeoutMs: number;
  expectation: ProbeExpectation;
  front: FrontKind;
}

/** Runs every check against `options.url`; never throws for a failed check, only reports it. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const base = new URL(options.url);
  const probePath = options.probePath ?? PROBE_PATH;
  const internalPrefix = options.internalPrefix ?? DEFAULT_INTERNAL_PREFIX;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const checks: DoctorCheck[] = [];
  const report = (server: string): DoctorReport => ({ url: base.href, ok: checks.every((c) => c.ok), server, checks });

  const expected = await fetchExpectation(base, probePath, timeoutMs);
  checks.push(expected.check);
  if (expected.expectation === undefined) return report('');

  const probe = await attempt(() => httpGet(appUrlOf(base, probePath), {}, timeoutMs));
  if (probe instanceof Error) {
    checks.push(fail('status 200', `GET ${probePath} failed: ${probe.message}`));
    return report('');
  }
  const { server, front, checks: delivery } = inspectProbeResponse(probe, expected.expectation, internalPrefix);
  const ctx: Context = { base, probePath, internalPrefix, timeoutMs, expectation: expected.expectation, front };
  checks.push(...delivery);
  checks.push(await checkInternalHidden(ctx), await checkRange(ctx), await checkConditional(probe, ctx));
  const { strategy } = ctx.expectation;
  // Only when the app names its strategy for the probe (installProbe's `strategyFor`).
  if (strategy !== undefined) checks.push(checkOffloadInUse(strategy, front));
  return report(server);
}

async function fetchExpectation(base: URL, probePath: string, timeoutMs: number): Promise<{ check: DoctorCheck; expectation?: ProbeExpectation }> {
  const name = 'probe expectation';
  const url = appUrlOf(base, probePath);
  url.searchParams.set(PROBE_EXPECT_PARAM, '1');
  const response = await attempt(() => httpGet(url, { accept: 'application/json' }, timeoutMs));
  if (response instanceof Error) return { check: fail(name, `cannot reach ${url.origin}: ${response.message}`) };
  if (response.status !== 200) {
    return { check: fail(name, `GET ${probePath}?${PROBE_EXPECT_PARAM}=1 answered ${response.status}: the app does not expose the sendoff probe at ${probePath}`) };
  }
  const expectation = parseExpectation(response.body);
  if (expectation === undefined) return { check: fail(name, `GET ${probePath}?${PROBE_EXPECT_PARAM}=1 did not answer JSON { key, size, sha256 }`) };
  return { check: pass(name, `${expectation.key}: ${expectation.size} bytes, sha256 ${expectation.sha256.slice(0, 16)}…`), expectation };
}

function parseExpectation(body: Buffer): ProbeExpectation | undefined {
  try {
    const value = JSON.parse(body.toString('utf8')) as Partial<ProbeExpectation>;
    const valid = typeof value.key === 'string' && Number.isInteger(value.size) && (value.size ?? 0) > 0 &&
      typeof value.sha256 === 'string' && /^[0-9a-f]{64}$/.test(value.sha256);
    if (!valid) return undefined;
    const { strategy, ...rest } = value as ProbeExpectation;
    return typeof strategy === 'string' && strategy !== '' ? { ...rest, strategy } : rest;
  } catch {
    return undefined;
  }
}

async function checkInternalHidden(ctx: Context): Promise<DoctorCheck> {
  const name = 'internal location hidden';
  const path = `${ctx.internalPrefix.replace(/\/+$/, '')}/${ctx.expectation.key.split('/').map(encodeURIComponent).join('/')}`;
  const response = await attempt(() => httpGet(new URL(path, ctx.base.origin), {}, ctx.timeoutMs));
  if (response instanceof Error) return fail(name, `GET ${path} failed: ${response.message}`);
  if (response.status === 200 || isProbeBytes(response.body, ctx.expectation)) {
    return fail(name, `GET ${path} answered ${response.status} with the file: the location ${ctx.internalPrefix} is not \`internal\``);
  }
  return pass(name, `GET ${path} answered ${response.status}`);
}

async function checkRange(ctx: Context): Promise<DoctorCheck> {
  const name = 'range bytes=0-0';
  const response = await attempt(() => httpGet(appUrlOf(ctx.base, ctx.probePath), { range: 'bytes=0-0' }, ctx.timeoutMs));
  if (response instanceof Error) return fail(name, `request failed: ${response.message}`);
  if (response.status !== 206) return fail(name, `got ${response.status}, expected 206: the server in front does not answer Range on the offloaded file`);
  const contentRange = headerOf(response, 'content-range');
  if (contentRange !== `bytes 0-0/${ctx.expectation.size}`) return fail(name, `206 with Content-Range "${contentRange}", expected "bytes 0-0/${ctx.expectation.size}"`);
  if (response.body.length !== 1) return fail(name, `206 with ${response.body.length} bytes, expected 1`);
  return pass(name, `206, Content-Range ${contentRange}`);
}

async function checkConditional(probe: RawResponse, ctx: Context): Promise<DoctorCheck> {
  const name = 'conditional 304';
  const etag = headerOf(probe, 'etag');
  const lastModified = headerOf(probe, 'last-modified');
  if (etag === '' && lastModified === '') return fail(name, 'the probe response carries neither ETag nor Last-Modified, so no client can revalidate');
  const header = etag !== '' ? 'if-none-match' : 'if-modified-since';
  const condition: Record<string, string> = { [header]: etag !== '' ? etag : lastModified };
  const response = await attempt(() => httpGet(appUrlOf(ctx.base, ctx.probePath), condition, ctx.timeoutMs));
  if (response instanceof Error) return fail(name, `request failed: ${response.message}`);
  if (response.status !== 304) return fail(name, `${header} with the returned validator answered ${response.status}, expected 304`);
  if (response.body.length !== 0) return fail(name, `304 with a ${response.body.length}-byte body`);
  return pass(name, `304 on ${header}`);
}

async function attempt<T>(fn: () => Promise<T>): Promise<T | Error> {
  try {
    return await fn();
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

const pass = (name: string, detail: string): DoctorCheck => ({ name, ok: true, detail });
const fail = (name: string, detail: string): DoctorCheck => ({ name, ok: false, detail });
