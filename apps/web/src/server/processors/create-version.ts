import { createVersion as storeVersion } from '@tributary/processors';
import { auditName } from '../auth/actor.ts';
import { getDb } from '../db.ts';

import { piiSecretOption, processorsWrite } from './deps.ts';
import { createVersionInput } from './types.ts';

/**
 * Stores the next version once the definition passes every check. A refusal is BAD_REQUEST
 * whose message names the first problems ("… has 2 problems: steps[1].expression: …"); the
 * full list is in the error's cause (details.errors) for server-side callers, and `check`
 * returns it to the editor.
 */
export const createVersion = processorsWrite.input(createVersionInput).mutation(async ({ ctx, input }) => {
  const v = await storeVersion(getDb(), input.name, input.definition, {
    actor: auditName(ctx.actor),
    note: input.note,
    clickhouse: ctx.clickhouse,
    ...piiSecretOption(),
  });
  return { version: v.version, createdAt: v.createdAt.toISOString() };
});
