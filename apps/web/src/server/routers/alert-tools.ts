import { z } from 'zod';
import { env } from '../../env.ts';
import { BACKTEST_DEFAULT_DAYS, BACKTEST_MAX_DAYS, backtestDraft } from '../alert-tools/backtest.ts';
import { sendReceiverTest } from '../alert-tools/send-test.ts';
import { processorTable } from '../dashboards/processor-table.ts';
import { getDb } from '../db.ts';
import { procedure, router } from '../trpc.ts';

// Tools of the alert configuration pages: try an unsaved rule on stored data (anyone who may read
// the data), and send a sample notification through a receiver (admins: it reaches a real chat
// or mailbox with the receiver's secrets).

export const alertToolsRouter = router({
  /**
   * What an unsaved rule would have done over the last `days` days (1 to 30): a query so it can
   * be cancelled (leaving the page aborts it) and repeated from the cache; the rule's problems
   * come back as data with their paths ({ok: false, problems}).
   */
  backtest: procedure('read')
    .input(
      z.object({
        rule: z.unknown(),
        days: z.number().int().min(1).max(BACKTEST_MAX_DAYS).default(BACKTEST_DEFAULT_DAYS),
      }),
    )
    .query(({ ctx, input, signal }) =>
      backtestDraft(
        {
          db: getDb(),
          clickhouse: ctx.clickhouse,
          processorTable: (processor) => processorTable(getDb(), ctx.clickhouse, processor),
          signal,
        },
        input.rule,
        input.days,
      ),
    ),
  /** A sample notification through a stored receiver; the delivery outcome comes back as data. */
  sendTest: procedure('admin')
    .input(z.object({ name: z.string().min(1).max(64) }))
    .mutation(({ input }) => sendReceiverTest(getDb(), env, input.name)),
});
