import { writeAudit } from '@tributary/db';
import { previewDefinition } from '@tributary/processors';
import { getDb } from '../db.ts';
import { procedure } from '../trpc.ts';
import { callerOf, previewDeps } from './deps.ts';
import { previewInput } from './types.ts';

/**
 * Runs a draft on the newest events and dead letters of its inputs; stores nothing. pii is
 * masked unless the caller holds pii:read; showing it unmasked is a pii reveal and audited, as
 * opening a dead letter is. A mutation for the size of its input, and so it needs what editing
 * processors needs (processors:write): a mutation every role may call would make the role
 * matrix one-sided, and previewing is part of editing.
 */
export const preview = procedure('processors:write')
  .input(previewInput)
  .mutation(async ({ ctx, input }) => {
    const caller = callerOf(ctx.actor);
    const result = await previewDefinition(previewDeps(ctx), input, { revealPii: caller.revealPii });
    if (caller.revealPii && result.revealedPiiFields.length > 0) {
      await writeAudit(getDb(), {
        actor: caller.actor,
        action: 'pii.reveal',
        entity: 'processor_preview',
        entityId: ctx.meta.requestId,
        after: { paths: result.revealedPiiFields, events: result.counts.input },
      });
    }
    return result;
  });
