/**
 * What CloudFront checks on a request to a distribution that requires signed URLs or cookies,
 * written independently of the signing code: the Key-Pair-Id names a trusted public key; the
 * signature (RSA-SHA1, CloudFront's URL-safe base64: `+`→`-`, `=`→`_`, `/`→`~`) is valid for the
 * policy (rebuilt from the URL and `Expires` for a canned policy, decoded from `Policy` for a
 * custom one); the policy's resource matches the URL asked for (`*` any characters, `?` one);
 * the time is before `DateLessThan` (and after `DateGreaterThan`); the client is in `IpAddress`.
 * Signed URL parameters take precedence over cookies, as at CloudFront.
 */
import { BlockList, isIPv4 } from 'node:net';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

export interface CloudFrontRequest {
  /** The URL as the client asked for it: `<scheme>://<host><path>?<query>`, path and query byte for byte. */
  url: string;
  /** The request's cookies by name. */
  cookies?: Readonly<Record<string, string | undefined>>;
  /** The client's IPv4 address. */
  sourceIp: string;
}

export interface CloudFrontPolicyStatement {
  Resource: string;
  Condition: {
    DateLessThan: { 'AWS:EpochTime': number };
    DateGreaterThan?: { 'AWS:EpochTime': number };
    IpAddress?: { 'AWS:SourceIp': string };
  };
}

export type CloudFrontVerdict =
  | { valid: true; kind: 'canned' | 'custom'; via: 'url' | 'cookies'; statement: CloudFrontPolicyStatement; policy: string; resource: string }
  | { valid: false; reason: CloudFrontRefusal };

export type CloudFrontRefusal =
  | 'missing signature'
  | 'unknown key pair id'
  | 'malformed policy'
  | 'signature mismatch'
  | 'resource mismatch'
  | 'expired'
  | 'not yet valid'
  | 'source ip refused';

const SIGNED_PARAMETERS = new Set(['Expires', 'Policy', 'Signature', 'Key-Pair-Id']);

/** CloudFront's URL-safe base64 back to bytes; undefined when it is not in that exact form. */
export function decodeCloudFrontBase64(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9~-]*_{0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64');
}

/** The canned policy CloudFront rebuilds for `resource` and `Expires`. */
export function cannedPolicy(resource: string, expiresEpoch: number): string {
  return JSON.stringify({ Statement: [{ Resource: resource, Condition: { DateLessThan: { 'AWS:EpochTime': expiresEpoch } } }] });
}

export function verifyCloudFrontRequest(
  request: CloudFrontRequest,
  publicKeys: Readonly<Record<string, string | KeyObject>>,
  nowMs: number,
): CloudFrontVerdict {
  const signed = signedPartsOf(request);
  if (signed === undefined) return refuse('missing signature');
  const pem = Object.hasOwn(publicKeys, signed.keyPairId) ? publicKeys[signed.keyPairId] : undefined;
  if (pem === undefined) return refuse('unknown key pair id');
  const policy = policyTextOf(signed);
  const signature = decodeCloudFrontBase64(signed.signature);
  if (policy === undefined || signature === undefined) return refuse('malformed policy');
  const key = typeof pem === 'string' ? createPublicKey(pem) : pem;
  if (!verify('sha1', Buffer.from(policy, 'utf8'), key, signature)) return refuse('signature mismatch');
  const statement = statementOf(policy);
  if (statement === undefined) return refuse('malformed policy');
  const refusal = conditionRefusal(statement, signed.resource, request.sourceIp, nowMs);
  if (refusal !== undefined) return refuse(refusal);
  return { valid: true, kind: signed.expires === undefined ? 'custom' : 'canned', via: signed.via, statement, policy, resource: signed.resource };
}

interface SignedParts {
  via: 'url' | 'cookies';
  /** The URL the policy must cover: the request URL without the signed parameters. */
  resource: string;
  keyPairId: string;
  signature: string;
  expires?: string;
  policy?: string;
}

function signedPartsOf(request: CloudFrontRequest): SignedParts | undefined {
  const queryAt = request.url.indexOf('?');
  const base = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const pairs = queryAt === -1 ? [] : request.url.slice(queryAt + 1).split('&');
  const signedPairs = pairs.filter((pair) => SIGNED_PARAMETERS.has(nameOf(pair)));
  if (signedPairs.length > 0) {
    const value = (name: string) => {
      const found = signedPairs.filter((pair) => nameOf(pair) === name);
      return found.length === 1 ? decodedOrUndefined(found[0]!.slice(name.length + 1)) : undefined;
    };
    const rest = pairs.filter((pair) => !SIGNED_PARAMETERS.has(nameOf(pair)));
    const resource = rest.length === 0 ? base : `${base}?${rest.join('&')}`;
    return partsFrom('url', resource, value('Key-Pair-Id'), value('Signature'), value('Expires'), value('Policy'));
  }
  const cookies = request.cookies ?? {};
  return partsFrom('cookies', request.url, cookies['CloudFront-Key-Pair-Id'], cookies['CloudFront-Signature'], cookies['CloudFront-Expires'], cookies['CloudFront-Policy']);
}

function partsFrom(via: 'url' | 'cookies', resource: string, keyPairId?: string, signature?: string, expires?: string, policy?: string): SignedParts | undefined {
  if (keyPairId === undefined || signature === undefined || (expires === undefined) === (policy === undefined)) return undefined;
  return { via, resource, keyPairId, signature, ...(expires === undefined ? {} : { expires }), ...(policy === undefined ? {} : { policy }) };
}

function decodedOrUndefined(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function nameOf(pair: string): string {
  const equals = pair.indexOf('=');
  return equals === -1 ? pair : pair.slice(0, equals);
}

function policyTextOf(signed: SignedParts): string | undefined {
  if (signed.expires !== undefined) return /^\d{1,12}$/.test(signed.expires) ? cannedPolicy(signed.resource, Number(signed.expires)) : undefined;
  const bytes = decodeCloudFrontBase64(signed.policy ?? '');
  return bytes === undefined ? undefined : bytes.toString('utf8');
}

function statementOf(policy: string): CloudFrontPolicyStatement | undefined {
  try {
    const parsed = JSON.parse(policy) as { Statement?: unknown };
    const statements = parsed.Statement;
    if (!Array.isArray(statements) || statements.length !== 1) return undefined;
    const statement = statements[0] as CloudFrontPolicyStatement;
    if (typeof statement.Resource !== 'string' || typeof statement.Condition?.DateLessThan?.['AWS:EpochTime'] !== 'number') return undefined;
    return statement;
  } catch {
    return undefined;
  }
}

function conditionRefusal(statement: CloudFrontPolicyStatement, resource: string, sourceIp: string, nowMs: number): CloudFrontRefusal | undefined {
  const now = Math.floor(nowMs / 1000);
  if (!matchesResource(statement.Resource, resource)) return 'resource mismatch';
  if (now >= statement.Condition.DateLessThan['AWS:EpochTime']) return 'expired';
  const notBefore = statement.Condition.DateGreaterThan?.['AWS:EpochTime'];
  if (notBefore !== undefined && now <= notBefore) return 'not yet valid';
  const range = statement.Condition.IpAddress?.['AWS:SourceIp'];
  if (range !== undefined && !inRange(sourceIp, range)) return 'source ip refused';
  return undefined;
}

/** CloudFront's resource patterns: `*` any run of characters, `?` exactly one, everything else literal. */
export function matchesResource(pattern: string, resource: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(resource);
}

function inRange(address: string, cidr: string): boolean {
  const [network = '', bits = ''] = cidr.split('/');
  if (!isIPv4(address) || !isIPv4(network) || !/^\d{1,2}$/.test(bits)) return false;
  const list = new BlockList();
  list.addSubnet(network, Number(bits), 'ipv4');
  return list.check(address, 'ipv4');
}

function refuse(reason: CloudFrontRefusal): CloudFrontVerdict {
  return { valid: false, reason };
}
