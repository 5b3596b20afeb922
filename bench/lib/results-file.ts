/**
 * bench/RESULTS.md holds one `## ` section per benchmark. A run replaces its own section only
 * (or appends it), leaving every other section as it was.
 */
import { readFile, writeFile } from 'node:fs/promises';

const TITLE = '# Benchmark results\n';

/** `document` with the section headed `## <heading>` replaced by `section` (appended when absent). */
export function replaceSection(document: string, heading: string, section: string): string {
  const lines = document.split('\n');
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  const body = section.trimEnd().split('\n');
  if (start === -1) return `${document.trimEnd()}\n\n${body.join('\n')}\n`;
  const next = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  const end = next === -1 ? lines.length : next;
  const after = lines.slice(end);
  return [...lines.slice(0, start), ...body, ...(after.length > 0 ? ['', ...after] : [''])].join('\n');
}

/** Re-reads `file` right before writing, so concurrent edits to other sections are kept. */
export async function writeSection(file: string | URL, heading: string, section: string): Promise<void> {
  const current = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return TITLE;
    throw error;
  });
  await writeFile(file, replaceSection(current, heading, section));
}
