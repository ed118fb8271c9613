import { TributaryError } from '@tributary/contracts';
import { z } from 'zod';
import { compileEventFilter } from '../messages/event-filter.ts';
import { topicOverview } from '../messages/topic-overview.ts';
import { procedure, router } from '../trpc.ts';

/**
 * The message browser's form. The scan itself streams from POST /api/messages/browse (NDJSON,
 * server/messages/browse-route.ts), which checks the same `read` permission.
 */
export const messagesRouter = router({
  /** Partitions of a topic with their earliest and end offsets. */
  topic: procedure('read')
    .input(z.object({ topic: z.string().min(1).max(249) }))
    .query(async ({ input }) => {
      try {
        return await topicOverview(input.topic);
      } catch (err) {
        if (err instanceof Error && /does not exist|Unknown topic/i.test(err.message)) {
          throw new TributaryError('not_found', `topic ${input.topic} does not exist`);
        }
        throw err;
      }
    }),
  /** The filter's syntax and type check, for the field's live feedback (nothing is scanned). */
  checkFilter: procedure('read')
    .input(z.object({ expression: z.string().max(2000) }))
    .query(({ input }) => {
      const r = compileEventFilter(input.expression);
      return r.ok
        ? { ok: true as const }
        : { ok: false as const, message: r.message, position: r.position ?? null };
    }),
});
