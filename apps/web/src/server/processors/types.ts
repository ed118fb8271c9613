import { expressionSchema, identifierSchema } from '@tributary/contracts';
import { MAX_DESCRIPTION, MAX_LOOKUP_CSV_BYTES, MAX_NOTE, PREVIEW_MAX_LIMIT } from '@tributary/processors';
import { z } from 'zod';

/**
 * Inputs of the processors procedures (and of /api/v1/processors, which shares them). A
 * definition is taken as any JSON here and checked by the service, so a refusal lists every
 * problem with its path in the definition instead of tRPC's first input error.
 */
export const processorName = identifierSchema;
export const versionNumber = z.number().int().min(1).max(1_000_000);
// Generous for 30 steps; the contract bounds every part of it.
const MAX_DEFINITION_CHARS = 256 * 1024;
export const definitionInput = z
  .unknown()
  .refine((v) => v !== undefined, 'definition is required')
  .refine((v) => JSON.stringify(v ?? null).length <= MAX_DEFINITION_CHARS, {
    message: `definition is larger than ${MAX_DEFINITION_CHARS} characters`,
  });

export const nameInput = z.object({ name: processorName });
export const createInput = z.object({
  name: processorName,
  description: z.string().max(MAX_DESCRIPTION).default(''),
});
export const createVersionInput = z.object({
  name: processorName,
  definition: definitionInput,
  note: z.string().max(MAX_NOTE).default(''),
});
export const checkInput = z.object({ definition: definitionInput, name: processorName.optional() });
export const checkExpressionInput = z.object({ expression: expressionSchema });
export const previewInput = z.object({
  definition: definitionInput,
  limit: z.number().int().min(1).max(PREVIEW_MAX_LIMIT).optional(),
});
export const versionInput = z.object({ name: processorName, version: versionNumber });
export const lookupUploadInput = z.object({
  name: identifierSchema,
  keyColumn: z.string().min(1).max(200),
  // Characters, not bytes; the service checks the byte limit with a 413.
  csv: z.string().max(MAX_LOOKUP_CSV_BYTES),
});
export const lookupVersionsInput = z.object({ name: identifierSchema });
