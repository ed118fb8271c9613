import { fieldImpact, processorImpact } from '@tributary/analytics';
import { panelFieldSchema } from '@tributary/contracts';
import { z } from 'zod';
import { pipelineWindowKeys } from '../../lib/windows.ts';
import { getDb } from '../db.ts';
import { getLineageGraph } from '../lineage/lineage-graph.ts';
import { procedure, router } from '../trpc.ts';

// What reads what: where events flow, and the impact of changing a field before it is changed.
export const lineageRouter = router({
  /** Sources → ingest → topics → workers → processors → tables → panels, with each hop's figures. */
  graph: procedure('read')
    .input(
      z.object({
        window: z.enum(pipelineWindowKeys).default('5m'),
        focus: z
          .object({ node: z.string().min(1).max(500), depth: z.number().int().min(1).max(6) })
          .optional(),
      }),
    )
    .query(({ ctx, input }) => getLineageGraph(ctx.clickhouse, input.window, input.focus)),
  /** The processors (running versions), their tables and the dashboard panels that read a field. */
  fieldImpact: procedure('read')
    .input(z.object({ eventType: z.string().min(1).max(200), field: panelFieldSchema }))
    .query(({ input }) => fieldImpact(getDb(), input.eventType, input.field)),
  /** The table a processor writes and the panels that read it, before it is changed or paused. */
  processorImpact: procedure('read')
    .input(z.object({ name: z.string().min(1).max(200) }))
    .query(({ input }) => processorImpact(getDb(), input.name)),
});
