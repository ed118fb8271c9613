import { listSources, setSourcePolicy } from '@tributary/registry';
import { z } from 'zod';
import { publishSourceChange } from '../control.ts';
import { getDb } from '../db.ts';
import { publicProcedure, router } from '../trpc.ts';

// Audit rows name the console; per-user actors arrive with console sign-in.
const ACTOR = 'console';

const policy = z.enum(['allow', 'reject']);

const sourceOut = z.object({
  name: z.string(),
  description: z.string().nullable(),
  unknownEventTypes: policy,
});

const sourcesProcedure = publicProcedure.use(({ next }) => next({ ctx: { db: getDb() } }));

export const sourcesRouter = router({
  list: sourcesProcedure.output(z.object({ sources: z.array(sourceOut) })).query(async ({ ctx }) => {
    const sources = await listSources(ctx.db);
    return {
      sources: sources.map((s) => ({
        name: s.name,
        description: s.description,
        unknownEventTypes: s.unknownEventTypes,
      })),
    };
  }),

  /** What ingest does with this source's events whose type has no registered subject. */
  setPolicy: sourcesProcedure
    .input(z.object({ source: z.string().min(1).max(200), policy }))
    .output(sourceOut)
    .mutation(async ({ ctx, input }) => {
      const s = await setSourcePolicy(ctx.db, input.source, input.policy, { actor: ACTOR });
      // Published after the commit so ingest applies it live (see control.ts).
      await publishSourceChange(input.source);
      return { name: s.name, description: s.description, unknownEventTypes: s.unknownEventTypes };
    }),
});
