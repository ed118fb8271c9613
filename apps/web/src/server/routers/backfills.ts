import {
  backfillStartSchema,
  getBackfill,
  listBackfills,
  startBackfill,
  stopBackfill,
} from '@tributary/processors';
import { z } from 'zod';
import { auditName } from '../auth/actor.ts';
import { backfillDeps, trackBackfill } from '../backfill-supervisor.ts';
import { getDb } from '../db.ts';
import { procedure, router } from '../trpc.ts';

const backfillId = z.object({ id: z.string().uuid() });

// Backfills (Kappa reprocessing) of a processor version over a time range of stored events;
// the work is in @tributary/processors (backfill-jobs.ts), run in this server process.
export const backfillsRouter = router({
  start: procedure('processors:write')
    .input(backfillStartSchema)
    .mutation(async ({ ctx, input }) => {
      const { backfill, done } = await startBackfill(backfillDeps(ctx), input, auditName(ctx.actor));
      trackBackfill(done);
      return backfill;
    }),

  stop: procedure('processors:write')
    .input(backfillId)
    .mutation(async ({ ctx, input }) => stopBackfill(backfillDeps(ctx), input.id, auditName(ctx.actor))),

  list: procedure('read')
    .input(z.object({ processor: z.string().min(1).max(48).optional() }).default({}))
    .query(async ({ input }) =>
      listBackfills(getDb(), input.processor ? { processor: input.processor } : {}),
    ),

  get: procedure('read')
    .input(backfillId)
    .query(async ({ input }) => getBackfill(getDb(), input.id)),
});
