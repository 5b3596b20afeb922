/**
 * The contracts that keep Storage (where bytes live), DeliveryStrategy (how they leave) and
 * Policy (which strategy, per request) apart. Everything here is plain data or a small interface.
 */
import type { Readable } from 'node:stream';

/**
 * A validated, NFC-normalised storage key (see `validateKey`). Never a user-supplied path.
 * Validated once, where a string becomes a key; storages and strategies trust it.
 */
export type Key = string & { readonly __sendoffKey: unique symbol };

/** Inclusive byte range, as in `Content-Range: bytes start-end/size`. */
export interface ByteRange {
  start: number;
  end: number;
}

/** What a storage knows about one file. */
export interface FileStat {
  size: number;
  mtime: Date;
  /** A strong entity tag, quoted (`"..."`). */
  etag: string;
  contentType?: string;
}

/** Where a file physically is. */
export type FileLocation = LocalLocation | S3Location;

export interface LocalLocation {
  kind: 'local';
  /** Absolute, real path of the storage root (symlinks resolved). */
  root: string;
  /** Absolute, real path of the file, always under `root`. */
  path: string;
  /** The key, i.e. the path relative to the root with `/` separators. */
  key: Key;
}

export interface S3Location {
  kind: 's3';
  bucket: string;
  /** The full object key (prefix included). */
  objectKey: string;
  key: Key;
}

export type LocationKind = FileLocation['kind'];

/** What the caller knows of the file it looks up. */
export interface LookupOptions {
  /**
   * The size the file has (e.g. the size the app recorded when it stored it). A copy of another
   * size is not that file, or not all of it yet (an object an S3-compatible server is still
   * writing): a FallbackStorage passes over it to the next storage. Plain storages may ignore it;
   * the Deliverer checks the size it gets.
   */
  expectedSize?: number;
}

export interface OpenOptions extends LookupOptions {
  range?: ByteRange;
  /** Aborting it destroys the stream and releases the file handle / connection. */
  signal?: AbortSignal;
}

export interface PutMeta {
  contentType?: string;
  size?: number;
}

export interface Storage {
  /** The location kinds this storage can produce (a FallbackStorage may produce several). */
  readonly locationKinds: readonly LocationKind[];
  /**
   * The absolute directories the storage keeps its local files under, when it has any (a
   * FallbackStorage lists its storages'). `createDelivery` checks the roots of the offload
   * strategies against them at start-up; a storage without it is not checked.
   */
  readonly localRoots?: readonly string[];
  stat(key: Key, options?: LookupOptions): Promise<FileStat>;
  open(key: Key, options?: OpenOptions): Promise<Readable>;
  locate(key: Key, options?: LookupOptions): Promise<FileLocation>;
  put(key: Key, body: Readable | Buffer, meta?: PutMeta): Promise<FileStat>;
}

/** The neutral request shape every framework adapter produces. Header names are lower-case. */
export interface DeliveryRequest {
  method: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
}

export type Disposition = 'inline' | 'attachment';

/** Per-download options after the Deliverer resolved defaults. */
export interface ResolvedDeliveryOptions {
  filename: string;
  disposition: Disposition;
  contentType: string;
  /** Extra response headers the app wants on the download (e.g. Cache-Control). */
  headers: Record<string, string>;
}

/** A file the Deliverer resolved: what the strategy and the policy look at. */
export interface ResolvedFile {
  key: Key;
  stat: FileStat;
  location: FileLocation;
  open(options?: OpenOptions): Promise<Readable>;
}

/**
 * What to send, as plain data. A strategy never touches a framework response: the adapter
 * applies the plan. Header values are strings already safe for Node's `setHeader`.
 */
export type DeliveryPlan = PlanHead & PlanBody;

export interface PlanHead {
  /** Name of the strategy that produced the plan. */
  strategy: string;
  status: number;
  headers: Record<string, string>;
}

export type PlanBody =
  | { body: 'empty' }
  | { body: 'redirect'; location: string }
  | { body: 'stream'; length: number; open(): Promise<Readable> };

export interface DeliveryStrategy {
  readonly name: string;
  /** The location kinds this strategy can ever serve (checked at start-up). */
  readonly locationKinds: readonly LocationKind[];
  /**
   * For a strategy that hands local files to a web server: the directory it serves them from, as
   * the server's config names it. Only files under it can be served (checked at start-up against
   * the storage's `localRoots`).
   */
  readonly root?: string;
  /** Whether it can serve this particular file (e.g. a name the server cannot express). */
  canServe(file: ResolvedFile): boolean;
  plan(request: DeliveryRequest, file: ResolvedFile, options: ResolvedDeliveryOptions): Promise<DeliveryPlan>;
}

/**
 * Anything that turns a neutral request into a plan: a Deliverer, or a test double. What the
 * framework adapters' `deliver` needs.
 */
export interface PlanProvider<Options, Plan extends DeliveryPlan = DeliveryPlan> {
  deliver(request: DeliveryRequest, options: Options): Promise<Plan>;
}
