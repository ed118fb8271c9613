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
  resumeReplay,
  scopeFor,
  setRetentionDays,
  startReplay,
} from '@tributary/dlq';
import { z } from 'zod';
import { getDb } from '../db.ts';
import { piiView, replayDeps, track } from '../dlq.ts';
import { publicProcedure, router } from '../trpc.ts';

const entryId = z.string().min(1).max(64);

export const dlqRouter = router({
  groups: publicProcedure
    .input(z.object({ filter: dlqFilterSchema }))
    .query(async ({ ctx, input }) => listGroups(ctx.clickhouse, input.filter, scopeFor(await piiView(ctx)))),

  list: publicProcedure
    .input(dlqListInputSchema)
    .query(async ({ ctx, input }) => listEntries(ctx.clickhouse, input, await piiView(ctx))),

  entry: publicProcedure
    .input(z.object({ id: entryId }))
    .query(async ({ ctx, input }) => getEntry(ctx.clickhouse, input.id, await piiView(ctx))),

  dryRun: publicProcedure
    .input(dlqDryRunInputSchema)
    .mutation(async ({ ctx, input }) =>
      dryRun({ target: ctx.clickhouse, db: getDb() }, input, scopeFor(await piiView(ctx))),
    ),

  replay: publicProcedure.input(dlqReplayInputSchema).mutation(async ({ ctx, input }) => {
    const [viewer, pii] = await Promise.all([ctx.viewer(), piiView(ctx)]);
    const { replay, done } = await startReplay(
      replayDeps(ctx.clickhouse),
      input,
      viewer.actor,
      scopeFor(pii),
    );
    track(done);
    return replay;
  }),

  resumeReplay: publicProcedure
    .input(z.object({ id: z.string().uuid() }))
    .mutation(async ({ ctx, input }) => {
      const viewer = await ctx.viewer();
      const { replay, done } = await resumeReplay(replayDeps(ctx.clickhouse), input.id, viewer.actor);
      track(done);
      return replay;
    }),

  replayStatus: publicProcedure
    .input(z.object({ id: z.string().uuid() }))
    .query(({ input }) => getReplay(getDb(), input.id)),

  replays: publicProcedure.query(() => listReplays(getDb())),

  discard: publicProcedure.input(dlqDiscardInputSchema).mutation(async ({ ctx, input }) => {
    const [viewer, pii] = await Promise.all([ctx.viewer(), piiView(ctx)]);
    return discardEntries({ target: ctx.clickhouse, db: getDb() }, input, viewer.actor, scopeFor(pii));
  }),

  retention: publicProcedure.query(async ({ ctx }) => ({ days: await getRetentionDays(ctx.clickhouse) })),

  setRetention: publicProcedure.input(dlqRetentionSchema).mutation(async ({ ctx, input }) => {
    const viewer = await ctx.viewer();
    return {
      days: await setRetentionDays({ target: ctx.clickhouse, db: getDb() }, input.days, viewer.actor),
    };
  }),
});
