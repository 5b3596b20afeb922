/**
 * What `explain` answers: the policy's explanation, the file and options it was made for, and
 * where `deliver` takes each fact of the file from (the app's record or the storage).
 */
import type { FileFact, Key, ResolvedFile } from '../contracts.js';
import type { InlineDecision } from '../inline/inline-policy.js';
import type { Explanation } from '../policy/types.js';
import { ALL_FACTS } from './file-facts.js';
import type { DeliveryExplanation, FactSource } from './types.js';

export function explanationOf(
  explanation: Explanation,
  key: Key,
  file: ResolvedFile,
  sources: Record<FileFact, FactSource>,
  size: number | undefined,
  safe: InlineDecision,
): DeliveryExplanation {
  const location = file.location.kind === 'local' ? 'local' : `s3://${file.location.bucket}`;
  const { contentType, disposition } = safe.options;
  const facts = { key, location, ...(size === undefined ? {} : { size }), contentType, disposition, facts: sources };
  const text = `${explanation.text}\n${factsLine(sources)}`;
  if (safe.refused === undefined) return { ...explanation, ...facts, text };
  return { ...explanation, ...facts, inlineRefused: safe.refused, text: `${text}\n${safe.refused}` };
}

const FACT_NAMES: Record<FileFact, string> = { size: 'size', mtime: 'mtime', etag: 'etag', contentType: 'content type' };

/** `facts: size (app), mtime (storage), ...`: where `deliver` takes each fact from. */
function factsLine(sources: Record<FileFact, FactSource>): string {
  return `facts: ${ALL_FACTS.map((fact) => `${FACT_NAMES[fact]} (${sources[fact]})`).join(', ')}`;
}
