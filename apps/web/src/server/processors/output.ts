import { recentOutput } from '@tributary/processors';
import { getDb } from '../db.ts';
import { procedure } from '../trpc.ts';
import { callerOf } from './deps.ts';
import { nameInput } from './types.ts';

/**
 * What the processor wrote in the last hour, read back from ClickHouse through the caller's
 * bounded target: rows per version and, for an aggregate, the newest windows' final values.
 */
export const output = procedure('read')
  .input(nameInput)
  .query(async ({ ctx, input }) =>
    recentOutput({ db: getDb(), clickhouse: ctx.clickhouse }, input.name, {
      revealPii: callerOf(ctx.actor).revealPii,
    }),
  );
