import {
  dlqDiscardInputSchema,
  dlqDryRunInputSchema,
  dlqFilterSchema,
  dlqListInputSchema,
  dlqReplayInputSchema,
  dlqRetentionSchema,
} from '@tributary/contracts';
import {
  discardEntries,
  dryRun,
  getEntry,
  getReplay,
  getRetentionDays,
  listEntries,
  listGroups,
  listReplays,
  queueReplay,
  queueResume,
  scopeFor,
  setRetentionDays,
} from '@tributary/dlq';
import { writeAudit } from '@tributary/db';
import { z } from 'zod';
import { auditName } from '../auth/actor.ts';
import { getDb } from '../db.ts';
import { piiView } from '../dlq.ts';
import { procedure, router } from '../trpc.ts';

const entryId = z.string().min(1).max(64);

export const dlqRouter = router({
  groups: procedure('read')
    .input(z.object({ filter: dlqFilterSchema }))
    .query(async ({ ctx, input }) => listGroups(ctx.clickhouse, input.filter, scopeFor(await piiView(ctx)))),

  list: procedure('read')
    .input(dlqListInputSchema)
    .query(async ({ ctx, input }) => listEntries(ctx.clickhouse, input, await piiView(ctx))),

  entry: procedure('read')
    .input(z.object({ id: entryId }))
    .query(async ({ ctx, input }) => {
      const pii = await piiView(ctx);
      const entry = await getEntry(ctx.clickhouse, input.id, pii);
      const revealed = pii.reveal ? (pii.paths.get(entry.event_type ?? '') ?? []) : [];
      // Opening one event whose pii fields are shown unmasked is a pii reveal: audited.
      if (revealed.length > 0) {
        await writeAudit(getDb(), {
          actor: auditName(ctx.actor),
          action: 'pii.reveal',
          entity: 'dead_letter',
          entityId: entry.id,
          after: { eventType: entry.event_type, paths: revealed },
        });
      }
      return entry;
    }),

  dryRun: procedure('dlq:operate')
    .input(dlqDryRunInputSchema)
    .mutation(async ({ ctx, input }) =>
      dryRun({ target: ctx.clickhouse, db: getDb() }, input, scopeFor(await piiView(ctx))),
    ),

  // The console records and audits the replay; the jobs service (apps/jobs) runs it.
  replay: procedure('dlq:operate')
    .input(dlqReplayInputSchema)
    .mutation(async ({ ctx, input }) =>
      queueReplay(
        { target: ctx.clickhouse, db: getDb() },
        input,
        auditName(ctx.actor),
        scopeFor(await piiView(ctx)),
      ),
    ),

  resumeReplay: procedure('dlq:operate')
    .input(z.object({ id: z.string().uuid() }))
    .mutation(({ ctx, input }) => queueResume(getDb(), input.id, auditName(ctx.actor))),

  replayStatus: procedure('read')
    .input(z.object({ id: z.string().uuid() }))
    .query(({ input }) => getReplay(getDb(), input.id)),

  replays: procedure('read').query(() => listReplays(getDb())),

  discard: procedure('dlq:operate')
    .input(dlqDiscardInputSchema)
    .mutation(async ({ ctx, input }) =>
      discardEntries(
        { target: ctx.clickhouse, db: getDb() },
        input,
        auditName(ctx.actor),
        scopeFor(await piiView(ctx)),
      ),
    ),

  retention: procedure('read').query(async ({ ctx }) => ({ days: await getRetentionDays(ctx.clickhouse) })),

  setRetention: procedure('dlq:operate')
    .input(dlqRetentionSchema)
    .mutation(async ({ ctx, input }) => ({
      days: await setRetentionDays(
        { target: ctx.clickhouseDdl, db: getDb() },
        input.days,
        auditName(ctx.actor),
      ),
    })),
});
