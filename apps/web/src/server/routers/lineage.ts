import { fieldImpact } from '@tributary/analytics';
import { panelFieldSchema } from '@tributary/contracts';
import { z } from 'zod';
import { getDb } from '../db.ts';
import { procedure, router } from '../trpc.ts';

// What reads what: the impact of changing a field before it is changed.
export const lineageRouter = router({
  /** The processors (running versions), their tables and the dashboard panels that read a field. */
  fieldImpact: procedure('read')
    .input(z.object({ eventType: z.string().min(1).max(200), field: panelFieldSchema }))
    .query(({ input }) => fieldImpact(getDb(), input.eventType, input.field)),
});
