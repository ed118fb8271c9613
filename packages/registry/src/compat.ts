// The only file that talks to @tributary/schema-compat, so a change in its API stays here.
import {
  checkCompatibility,
  validateSchemaDocument,
  type CompatibilityMode,
  type CompatibilityResult,
} from '@tributary/schema-compat';
import type { SchemaDocument } from './validate.ts';

/** Problems that make `doc` an invalid JSON Schema document; empty when it is valid. */
export function schemaDocumentProblems(doc: SchemaDocument): string[] {
  const result = validateSchemaDocument(doc);
  return result.ok ? [] : result.errors;
}

/**
 * `previous` are the subject's active versions, oldest first; `candidateVersion` is the number
 * the candidate would get (for the checker's messages).
 */
export function checkAgainst(
  previous: { version: number; schema: unknown }[],
  candidate: SchemaDocument,
  mode: CompatibilityMode,
  candidateVersion: number,
): Required<CompatibilityResult> {
  const result = checkCompatibility(
    previous.map((v) => ({ version: v.version, schema: v.schema as SchemaDocument })),
    candidate,
    mode,
    { candidateVersion },
  );
  return {
    compatible: result.compatible,
    reasons: result.reasons,
    checkedVersions: result.checkedVersions ?? [],
  };
}
