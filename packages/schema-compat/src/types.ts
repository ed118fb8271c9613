/**
 * The compatibility checker's public contract. Pure TypeScript: the console, the management
 * API, ingest and tests all call it.
 */
export const compatibilityModes = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;
export type CompatibilityMode = (typeof compatibilityModes)[number];

/** A JSON Schema document (draft 2020-12), as parsed JSON. */
export type JsonSchema = Record<string, unknown> | boolean;

export interface CompatibilityReason {
  /** JSON path of the place in the schema, e.g. `$.properties.email`. */
  path: string;
  /** A stable rule id, e.g. `property.removed.closed_model`, `type.narrowed`. */
  rule: string;
  /** Which direction broke: readers of the new schema reading old data (backward) or the reverse. */
  direction: 'backward' | 'forward';
  /** The version compared against (for transitive modes), when known. */
  againstVersion?: number;
  oldFragment: unknown;
  newFragment: unknown;
  /** One sentence a person understands. */
  message: string;
}

export interface CompatibilityResult {
  compatible: boolean;
  reasons: CompatibilityReason[];
  /** The earlier versions the candidate was compared against (empty for NONE or a first version). */
  checkedVersions?: number[];
}
