import { createProcessor } from '@tributary/processors';
import { auditName } from '../auth/actor.ts';
import { getDb } from '../db.ts';
import { processorsWrite } from './deps.ts';
import { createInput } from './types.ts';
import { processorOut } from './wire.ts';

/** A new processor in state draft, without versions. */
export const create = processorsWrite
  .input(createInput)
  .mutation(async ({ ctx, input }) =>
    processorOut(await createProcessor(getDb(), input, { actor: auditName(ctx.actor) })),
  );
