import { compare } from './compare.ts';
import { newSharedState, type CompareContext, type Direction } from './context.ts';
import type { CompatibilityMode, CompatibilityResult, JsonSchema } from './types.ts';

export interface VersionedSchema {
  version: number;
  schema: JsonSchema;
}

export interface CheckOptions {
  /** The number the candidate will get, for messages; defaults to the latest version + 1. */
  candidateVersion?: number;
}

const directionsOf: Record<CompatibilityMode, Direction[]> = {
  BACKWARD: ['backward'],
  BACKWARD_TRANSITIVE: ['backward'],
  FORWARD: ['forward'],
  FORWARD_TRANSITIVE: ['forward'],
  FULL: ['backward', 'forward'],
  FULL_TRANSITIVE: ['backward', 'forward'],
  NONE: [],
};

/**
 * Can `candidate` join the subject? `previous` is ordered oldest to newest. Backward: readers of
 * the candidate must accept every instance an earlier schema accepts. Forward: readers of an
 * earlier schema must accept every instance the candidate accepts.
 */
export function checkCompatibility(
  previous: VersionedSchema[],
  candidate: JsonSchema,
  mode: CompatibilityMode,
  options: CheckOptions = {},
): CompatibilityResult {
  const directions = directionsOf[mode];
  const latest = previous.at(-1);
  if (directions.length === 0 || !latest) return { compatible: true, reasons: [], checkedVersions: [] };
  const targets = mode.endsWith('_TRANSITIVE') ? previous : [latest];
  const candidateVersion = options.candidateVersion ?? Math.max(...previous.map((p) => p.version)) + 1;
  const reasons: CompatibilityResult['reasons'] = [];
  for (const target of targets) {
    for (const direction of directions) {
      const backward = direction === 'backward';
      const ctx: CompareContext = {
        direction,
        writerRoot: backward ? target.schema : candidate,
        readerRoot: backward ? candidate : target.schema,
        writerVersion: backward ? target.version : candidateVersion,
        readerVersion: backward ? candidateVersion : target.version,
        againstVersion: target.version,
        reasons: [],
        shared: newSharedState(),
      };
      compare(ctx.writerRoot, ctx.readerRoot, '$', ctx);
      reasons.push(...dedupe(ctx.reasons));
    }
  }
  return { compatible: reasons.length === 0, reasons, checkedVersions: targets.map((t) => t.version) };
}

/** Union branches and shared `$defs` can reach the same place twice; say it once. */
function dedupe(reasons: CompatibilityResult['reasons']): CompatibilityResult['reasons'] {
  const seen = new Set<string>();
  return reasons.filter((r) => {
    const key = `${r.path}|${r.rule}|${r.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
