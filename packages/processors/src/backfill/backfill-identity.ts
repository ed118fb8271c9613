import { createHash } from 'node:crypto';

export interface BackfillSpec {
  processor: string;
  version: number;
  /** Events with `timestamp` in [from, to). */
  from: Date;
  to: Date;
}

/**
 * What names a backfill: the same processor version over the same range is the same backfill,
 * so starting it again finds its recorded chunks (and its chunk tokens) instead of adding a
 * second copy of its results.
 */
export function backfillKey(spec: BackfillSpec): string {
  return createHash('sha256')
    .update(JSON.stringify([spec.processor, spec.version, spec.from.toISOString(), spec.to.toISOString()]))
    .digest('hex')
    .slice(0, 16);
}

/** The aggregate row set a backfill writes (live processing writes run ''). */
export function backfillRun(key: string): string {
  return `backfill:${key}`;
}

/** The insert_deduplication_token of one chunk: chunks are numbered in sorting-key order. */
export function chunkToken(key: string, chunk: number): string {
  return `backfill:${key}:${chunk}`;
}
