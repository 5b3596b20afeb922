/** `host:port` (or `[v6]:port`) as given on the command line or in a deployment module. */
import type { HostPort } from '@sendoff/core/servers';
import { UsageError } from './io.js';

const FORM = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/;

/** Parses `value`; throws a UsageError naming `what` when it is not a host and a port 1-65535. */
export function parseAddress(value: unknown, what: string): HostPort {
  if (isHostPortObject(value)) return checkPort(value.host, value.port, what, `${value.host}:${value.port}`);
  const match = typeof value === 'string' ? FORM.exec(value) : null;
  if (match === null) throw new UsageError(`${what}: expected host:port, got ${JSON.stringify(value)}`);
  return checkPort(match[1] ?? match[2] ?? '', Number(match[3]), what, String(value));
}

function isHostPortObject(value: unknown): value is HostPort {
  return typeof value === 'object' && value !== null && typeof (value as HostPort).host === 'string' && typeof (value as HostPort).port === 'number';
}

function checkPort(host: string, port: number, what: string, shown: string): HostPort {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${what}: port must be 1-65535, got ${JSON.stringify(shown)}`);
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw new UsageError(`${what}: invalid host in ${JSON.stringify(shown)}`);
  return { host, port };
}
