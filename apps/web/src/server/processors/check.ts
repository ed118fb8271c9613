import { activeEventsWriter, checkDefinition } from '@tributary/processors';
import { getDb } from '../db.ts';
import { procedure } from '../trpc.ts';
import { piiSecretOption } from './deps.ts';
import { checkInput } from './types.ts';

/**
 * The whole draft judged as createVersion would judge it, storing nothing: every problem with
 * its path, and what publishing it would meet (another processor already writing to events).
 * `name` is the processor being edited, so it does not conflict with itself.
 */
export const check = procedure('read')
  .input(checkInput)
  .query(async ({ ctx, input }) => {
    const db = getDb();
    const result = await checkDefinition(db, input.definition, {
      ...piiSecretOption(),
      outputTable: { clickhouse: ctx.clickhouse, processorName: input.name ?? '' },
    });
    if (!result.ok)
      return { ok: false, errors: result.errors, fieldsUnchecked: result.fieldsUnchecked, warnings: [] };
    const warnings: string[] = [];
    if (result.definition.output.kind === 'events') {
      const other = await activeEventsWriter(db, input.name);
      if (other) {
        warnings.push(
          `processor ${JSON.stringify(other.name)} (version ${other.version}) already writes to the events table; ` +
            'this one cannot be published while it is active',
        );
      }
    }
    return { ok: true, errors: [], fieldsUnchecked: result.loaded.fieldsUnchecked, warnings };
  });
