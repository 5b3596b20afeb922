/**
 * Summarises a `.cpuprofile` (from `node --cpu-prof`) of a server under load: the share of the main
 * thread's samples by category (file-system calls handed to the thread pool, socket writes, garbage
 * collection, idle, sendoff's code, the framework, Node's internals), then sendoff's functions by
 * inclusive share. Usage: node --import tsx bench/profile/summarize.ts <profile dir or file>
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const FS_CALLS = new Set(['open', 'close', 'read', 'fstat', 'stat', 'lstat', 'realpath']);
const SOCKET_WRITES = new Set(['writev', 'writeLatin1String', 'writeBuffer', 'writeUtf8String']);

/** The category of a sample's innermost frame. */
function categoryOf(frame: CallFrame): string {
  const name = frame.functionName;
  if (frame.url === '') {
    if (FS_CALLS.has(name)) return `file-system call submitted to the thread pool (${name})`;
    if (SOCKET_WRITES.has(name)) return 'socket writes';
    if (name === '(garbage collector)') return 'garbage collection';
    if (name === '(idle)') return 'idle';
    return 'other native code';
  }
  if (frame.url.includes('/packages/')) return 'sendoff';
  if (frame.url.includes('/node_modules/')) return `framework and libraries (${packageOf(frame.url)})`;
  return 'Node internals (http, streams, events, promises)';
}

function packageOf(url: string): string {
  const parts = url.split('/node_modules/').pop()!.split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function load(target: string): Profile {
  const file = statSync(target).isDirectory() ? path.join(target, readdirSync(target).find((name) => name.endsWith('.cpuprofile'))!) : target;
  return JSON.parse(readFileSync(file, 'utf8')) as Profile;
}

const profile = load(process.argv[2] ?? '.');
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const counts = new Map<number, number>();
for (const sample of profile.samples) counts.set(sample, (counts.get(sample) ?? 0) + 1);
const total = profile.samples.length;
const percent = (count: number) => `${((100 * count) / total).toFixed(1)} %`;

const categories = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, count] of counts) {
  const leaf = byId.get(id)!;
  const category = categoryOf(leaf.callFrame);
  categories.set(category, (categories.get(category) ?? 0) + count);
  const seen = new Set<string>();
  for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
    const frame = byId.get(current)!.callFrame;
    if (!frame.url.includes('/packages/')) continue;
    const label = `${frame.functionName || '(anonymous)'} (${frame.url.split('/packages/').pop()!.replace('/src/', ': ').replace('/dist/', ': ')})`;
    if (seen.has(label)) continue;
    seen.add(label);
    inclusive.set(label, (inclusive.get(label) ?? 0) + count);
  }
}

console.log(`${total} samples\n\n| where the main thread was | share |\n|---|---:|`);
for (const [category, count] of [...categories].sort((a, b) => b[1] - a[1])) console.log(`| ${category} | ${percent(count)} |`);
console.log('\n| sendoff function (inclusive) | share |\n|---|---:|');
for (const [label, count] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`| ${label} | ${percent(count)} |`);
