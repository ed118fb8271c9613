import { listSources, MAX_EVENTS_PER_SECOND, setSourcePolicy, setSourceRateLimit } from '@tributary/registry';
import { z } from 'zod';
import { auditName, type Permission } from '../auth/actor.ts';
import { publishSourceChange } from '../control.ts';
import { getDb } from '../db.ts';
import { procedure, router } from '../trpc.ts';

const policy = z.enum(['allow', 'reject']);

const sourceOut = z.object({
  name: z.string(),
  description: z.string().nullable(),
  unknownEventTypes: policy,
});
const rateLimitOut = z.object({ eventsPerSecond: z.number().nullable(), burst: z.number().nullable() });

const sourcesProcedure = (permission: Permission) =>
  procedure(permission).use(({ next }) => next({ ctx: { db: getDb() } }));

export const sourcesRouter = router({
  list: sourcesProcedure('read')
    .output(z.object({ sources: z.array(sourceOut.extend({ rateLimit: rateLimitOut })) }))
    .query(async ({ ctx }) => {
      const sources = await listSources(ctx.db);
      return {
        sources: sources.map((s) => ({
          name: s.name,
          description: s.description,
          unknownEventTypes: s.unknownEventTypes,
          rateLimit: s.rateLimit,
        })),
      };
    }),

  /**
   * Events per second and burst of each write key of the source (null: ingest's default).
   * Published like a policy change, so every ingest instance re-reads it at once.
   */
  setRateLimit: sourcesProcedure('schemas:write')
    .input(
      z.object({
        source: z.string().min(1).max(200),
        eventsPerSecond: z.number().int().min(1).max(MAX_EVENTS_PER_SECOND).nullable(),
        burst: z.number().int().min(1).max(MAX_EVENTS_PER_SECOND).nullable(),
      }),
    )
    .output(rateLimitOut)
    .mutation(async ({ ctx, input }) => {
      const limit = await setSourceRateLimit(
        ctx.db,
        input.source,
        { eventsPerSecond: input.eventsPerSecond, burst: input.burst },
        { actor: auditName(ctx.actor) },
      );
      await publishSourceChange(input.source);
      return limit;
    }),

  /** What ingest does with this source's events whose type has no registered subject. */
  setPolicy: sourcesProcedure('schemas:write')
    .input(z.object({ source: z.string().min(1).max(200), policy }))
    .output(sourceOut)
    .mutation(async ({ ctx, input }) => {
      const s = await setSourcePolicy(ctx.db, input.source, input.policy, { actor: auditName(ctx.actor) });
      // Published after the commit so ingest applies it live (see control.ts).
      await publishSourceChange(input.source);
      return { name: s.name, description: s.description, unknownEventTypes: s.unknownEventTypes };
    }),
});
