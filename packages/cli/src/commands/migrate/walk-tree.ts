/**
 * Lists the files under a local root as migration candidates. A file's key is its path relative to
 * the root with `/` separators, checked with `validateKey`: a name that is not a valid key is a
 * failure with its reason, never silently dropped. Symbolic links are followed only to files that
 * stay under the root; special files (FIFOs, sockets, devices) are set aside with a reason, and so
 * is sendoff's own directory (`_sendoff/`, the doctor's probe, which every start writes afresh).
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { RESERVED_KEY_PREFIX, validateKey, type Key } from '@sendoff/core';

export interface SourceFile {
  key: Key;
  /** Absolute path on disk. */
  path: string;
  size: number;
  mtimeMs: number;
}

/** Something under the root that will not be copied, with why. */
export interface SetAside {
  /** The relative path as found on disk. */
  name: string;
  reason: string;
}

export interface TreeListing {
  files: SourceFile[];
  /** Entries that must be copied but cannot be (invalid key, unreadable directory): failures. */
  invalid: SetAside[];
  /** Entries that are not migrated by design (escaping symlinks, special files): ignored. */
  ignored: SetAside[];
}

export interface WalkOptions {
  /** Real absolute paths never listed (the journal itself). */
  exclude?: ReadonlySet<string>;
}

export async function walkTree(root: string, options: WalkOptions = {}): Promise<TreeListing> {
  const realRoot = await realpath(root);
  const listing: TreeListing = { files: [], invalid: [], ignored: [] };
  const seen = new Map<string, string>();
  await walkDirectory(realRoot, realRoot, listing, options.exclude ?? new Set(), seen);
  listing.files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return listing;
}

async function walkDirectory(
  root: string,
  directory: string,
  listing: TreeListing,
  exclude: ReadonlySet<string>,
  seen: Map<string, string>,
): Promise<void> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    listing.invalid.push({ name: relativeName(root, directory), reason: `cannot read directory: ${errorCode(error)}` });
    return;
  }
  for (const name of names) {
    const path = join(directory, name);
    if (exclude.has(path)) continue;
    if (isReserved(root, path)) {
      listing.ignored.push({ name: relativeName(root, path), reason: "sendoff's own files (the doctor's probe) are not migrated" });
      continue;
    }
    const info = await lstat(path).catch(() => undefined);
    if (info === undefined) continue; // removed while we were listing
    if (info.isDirectory()) await walkDirectory(root, path, listing, exclude, seen);
    else if (info.isFile()) addFile(root, path, info.size, info.mtimeMs, listing, seen);
    else if (info.isSymbolicLink()) await addLink(root, path, listing, seen);
    else listing.ignored.push({ name: relativeName(root, path), reason: 'not a regular file' });
  }
}

function isReserved(root: string, path: string): boolean {
  return `${relativeName(root, path)}/` === RESERVED_KEY_PREFIX;
}

async function addLink(root: string, path: string, listing: TreeListing, seen: Map<string, string>): Promise<void> {
  const name = relativeName(root, path);
  let target: string;
  try {
    target = await realpath(path);
  } catch {
    listing.ignored.push({ name, reason: 'dangling symbolic link' });
    return;
  }
  if (!isUnder(root, target)) {
    listing.ignored.push({ name, reason: 'symbolic link leaving the root' });
    return;
  }
  const info = await stat(target);
  if (!info.isFile()) {
    listing.ignored.push({ name, reason: 'symbolic link to something other than a file' });
    return;
  }
  addFile(root, path, info.size, info.mtimeMs, listing, seen);
}

function addFile(root: string, path: string, size: number, mtimeMs: number, listing: TreeListing, seen: Map<string, string>): void {
  const name = relativeName(root, path);
  let key: Key;
  try {
    key = validateKey(name);
  } catch (error) {
    listing.invalid.push({ name, reason: error instanceof Error ? error.message : String(error) });
    return;
  }
  const clash = seen.get(key);
  if (clash !== undefined) {
    listing.invalid.push({ name, reason: `same key as ${JSON.stringify(clash)} once Unicode-normalised` });
    return;
  }
  seen.set(key, name);
  listing.files.push({ key, path, size, mtimeMs });
}

function relativeName(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

function isUnder(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? String(error);
}
