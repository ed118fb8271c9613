import { TributaryError } from '@tributary/contracts';
import { enqueueControl } from '@tributary/control';
import { writeAudit, type Db } from '@tributary/db';
import type { ActorOptions } from './manage.ts';

/** Either figure null: ingest's default (INGEST_RATE_LIMIT_EVENTS_PER_SECOND / _BURST). */
export interface SourceRateLimitInput {
  eventsPerSecond: number | null;
  burst: number | null;
}

/** Far above what one ingest instance can take; a typo of extra zeros is refused. */
export const MAX_EVENTS_PER_SECOND = 10_000_000;

function checkFigure(what: string, value: number | null): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || value < 1 || value > MAX_EVENTS_PER_SECOND) {
    throw new TributaryError(
      'bad_request',
      `${what} must be a whole number of events from 1 to ${MAX_EVENTS_PER_SECOND}, or null for ingest's default`,
    );
  }
  return value;
}

/**
 * Sets the token bucket of each write key of a source (events per second and burst). Takes
 * effect in every ingest instance once the outbox relay published the source's hint (written in
 * this transaction).
 */
export async function setSourceRateLimit(
  db: Db,
  sourceName: string,
  limit: SourceRateLimitInput,
  opts: ActorOptions,
): Promise<SourceRateLimitInput> {
  const wanted = {
    eventsPerSecond: checkFigure('eventsPerSecond', limit.eventsPerSecond),
    burst: checkFigure('burst', limit.burst),
  };
  return db.$transaction(async (tx) => {
    const row = await tx.source.findUnique({ where: { name: sourceName } });
    if (!row) throw new TributaryError('not_found', `no source ${JSON.stringify(sourceName)} exists`);
    const before = { eventsPerSecond: row.rateLimitPerSecond, burst: row.rateLimitBurst };
    if (before.eventsPerSecond === wanted.eventsPerSecond && before.burst === wanted.burst) return wanted;
    await tx.source.update({
      where: { id: row.id },
      data: { rateLimitPerSecond: wanted.eventsPerSecond, rateLimitBurst: wanted.burst },
    });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'source.set_rate_limit',
      entity: 'source',
      entityId: row.id,
      before: { name: sourceName, ...before },
      after: { name: sourceName, ...wanted },
    });
    await enqueueControl(tx, [{ kind: 'source', name: sourceName }]);
    return wanted;
  });
}
