import { pauseProcessor, publishVersion, resumeProcessor, rollbackTo } from '@tributary/processors';
import { auditName } from '../auth/actor.ts';
import { getDb } from '../db.ts';

import { lifecycleDeps, processorsWrite } from './deps.ts';
import { nameInput, versionInput } from './types.ts';
import { processorOut } from './wire.ts';

// The four state changes, each a few lines: the service checks, migrates the output table,
// audits and writes the control hint in the change's transaction.

export const publish = processorsWrite
  .input(versionInput)
  .mutation(async ({ ctx, input }) =>
    processorOut(
      await publishVersion(lifecycleDeps(ctx), input.name, input.version, { actor: auditName(ctx.actor) }),
    ),
  );

export const pause = processorsWrite
  .input(nameInput)
  .mutation(async ({ ctx, input }) =>
    processorOut(await pauseProcessor(getDb(), input.name, { actor: auditName(ctx.actor) })),
  );

export const resume = processorsWrite
  .input(nameInput)
  .mutation(async ({ ctx, input }) =>
    processorOut(await resumeProcessor(lifecycleDeps(ctx), input.name, { actor: auditName(ctx.actor) })),
  );

export const rollback = processorsWrite
  .input(versionInput)
  .mutation(async ({ ctx, input }) =>
    processorOut(
      await rollbackTo(lifecycleDeps(ctx), input.name, input.version, { actor: auditName(ctx.actor) }),
    ),
  );
