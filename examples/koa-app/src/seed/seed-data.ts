import type { Readable } from 'node:stream';
import { deterministicBytes } from './deterministic-bytes.js';

export const DEMO_USERS = [
  { user: 'alice', password: 'alice' },
  { user: 'bob', password: 'bob' },
] as const;

export interface SeedFile {
  owner: string;
  name: string;
  contentType: string;
  sharedWith: string[];
  body(): Readable | Buffer;
}

export const BIG_FILE_NAME = 'big sample (20 MiB).bin';
export const BIG_FILE_SIZE = 20 * 1024 * 1024;

/** A small PDF that viewers open. */
const TINY_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

const text = (value: string) => (): Buffer => Buffer.from(value, 'utf8');

/** The files of a fresh data directory: awkward names on purpose. */
export const SEED_FILES: readonly SeedFile[] = [
  { owner: 'alice', name: 'hello world.txt', contentType: 'text/plain; charset=utf-8', sharedWith: ['bob'], body: text('Hello, world!\n') },
  { owner: 'alice', name: 'Résumé – naïve.pdf', contentType: 'application/pdf', sharedWith: ['bob'], body: () => TINY_PDF },
  { owner: 'alice', name: '100% done #1?.txt', contentType: 'text/plain; charset=utf-8', sharedWith: [], body: text('percent, hash and question mark\n') },
  { owner: 'alice', name: 'quote"and\\backslash.txt', contentType: 'text/plain; charset=utf-8', sharedWith: ['bob'], body: text('a quote " and a backslash \\\n') },
  { owner: 'alice', name: 'plus+sign.txt', contentType: 'text/plain; charset=utf-8', sharedWith: [], body: text('1+1=2\n') },
  { owner: 'alice', name: '🎉 party.txt', contentType: 'text/plain; charset=utf-8', sharedWith: ['bob'], body: text('🎉 let us celebrate\n') },
  { owner: 'alice', name: BIG_FILE_NAME, contentType: 'application/octet-stream', sharedWith: ['bob'], body: () => deterministicBytes(BIG_FILE_SIZE) },
  { owner: 'bob', name: 'bob private notes.txt', contentType: 'text/plain; charset=utf-8', sharedWith: [], body: text('only for bob\n') },
];
