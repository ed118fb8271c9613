import { processorDefinitionSchema, TributaryError, type ProcessorDefinition } from '@tributary/contracts';
import type { QueryTarget } from '@tributary/clickhouse';
import type { Db } from '@tributary/db';
import { compileProcessor, type CompiledProcessor } from '@tributary/pipeline';
import {
  loadProcessorContext,
  type LoadedProcessorContext,
  type ProcessorContextOptions,
} from './context.ts';
import { outputTableProblems } from './output-table-check.ts';

export interface CheckOptions extends ProcessorContextOptions {
  /**
   * Also ask the output table (read-only) whether it could take the definition, for the
   * processor of this name ('' for one not created yet).
   */
  outputTable?: { clickhouse: QueryTarget; processorName: string };
}

/** One refusal; `path` points into the definition, like 'steps[2].expression'. */
export interface DefinitionError {
  path: string;
  message: string;
}

export type DefinitionCheck =
  | {
      ok: true;
      definition: ProcessorDefinition;
      processor: CompiledProcessor;
      loaded: LoadedProcessorContext;
    }
  | { ok: false; errors: DefinitionError[]; fieldsUnchecked: string | null };

/** `steps[2].expression`, as the console's editor points at a field. */
export function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || 'definition';
}

/**
 * Everything that decides whether a definition may be stored: its shape (the contract's zod
 * schema), then the compiler's semantic checks (expressions, fields, step order, windows,
 * lookup tables, the pii secret) against the registry as it is now. Stores nothing.
 */
export async function checkDefinition(
  db: Db,
  input: unknown,
  opts: CheckOptions = {},
): Promise<DefinitionCheck> {
  const parsed = processorDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    // The compiler words shape problems for people (a window without grace, an unknown step kind).
    const words = compileProcessor(input, {});
    const errors = words.ok
      ? parsed.error.issues.map((i) => ({ path: pathText(i.path), message: i.message }))
      : words.errors;
    return { ok: false, errors, fieldsUnchecked: null };
  }
  const loaded = await loadProcessorContext(db, parsed.data, opts);
  const compiled = compileProcessor(parsed.data, loaded.context);
  const tableErrors = opts.outputTable
    ? await outputTableProblems(opts.outputTable.clickhouse, opts.outputTable.processorName, parsed.data)
    : [];
  if (!compiled.ok || tableErrors.length > 0) {
    return {
      ok: false,
      errors: [...(compiled.ok ? [] : compiled.errors), ...tableErrors],
      fieldsUnchecked: loaded.fieldsUnchecked,
    };
  }
  return { ok: true, definition: parsed.data, processor: compiled.processor, loaded };
}

const SHOWN_IN_MESSAGE = 3;

/** The refusal of a definition: readable words, and every problem in `details.errors`. */
export function definitionRefused(
  errors: DefinitionError[],
  lead = 'the processor definition has',
): TributaryError {
  const shown = errors.slice(0, SHOWN_IN_MESSAGE).map((e) => `${e.path}: ${e.message}`);
  const more = errors.length > SHOWN_IN_MESSAGE ? ` (and ${errors.length - SHOWN_IN_MESSAGE} more)` : '';
  const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
  return new TributaryError('bad_request', `${lead} ${count}: ${shown.join('; ')}${more}`, { errors });
}

/** The definition, checked, or the refusal thrown. */
export async function requireValidDefinition(
  db: Db,
  input: unknown,
  opts: CheckOptions = {},
  lead?: string,
): Promise<Extract<DefinitionCheck, { ok: true }>> {
  const check = await checkDefinition(db, input, opts);
  if (!check.ok) throw definitionRefused(check.errors, lead);
  return check;
}
