import { listProcessors, NO_EVENTS_RATES, processorRates } from '@tributary/processors';
import { getDb } from '../db.ts';
import { publicError } from '../errors/classify.ts';
import { procedure } from '../trpc.ts';
import { processorOut } from './wire.ts';

/**
 * Every processor with its state and versions, and its rates over the last 5 minutes from the
 * workers' counters in ClickHouse (zero when it saw no events). When ClickHouse cannot be asked
 * the list still answers: `rates` is then null (unknown, not zero) and `ratesError` says why.
 */
export const list = procedure('read').query(async ({ ctx }) => {
  const [processors, rates] = await Promise.all([
    listProcessors(getDb()),
    processorRates(ctx.clickhouse).then(
      (r) => ({ ok: true as const, r }),
      (err: unknown) => ({ ok: false as const, error: publicError(err) }),
    ),
  ]);
  return processors.map((p) => ({
    ...processorOut(p),
    rates: rates.ok ? (rates.r.get(p.name) ?? NO_EVENTS_RATES) : null,
    ratesError: rates.ok ? null : rates.error,
  }));
});
