import type { ClickHouseClient } from '@tributary/clickhouse';
import { eventIdentityKey, type EventIdentity } from '@tributary/contracts';
import type { Batch } from '@tributary/kafka';
import type { Logger } from '@tributary/telemetry';
import type { Dedupe } from '../dedupe.ts';
import type { DedupeMemory } from '../dedupe-memory.ts';
import type { Parsed } from '../parse-batch.ts';
import { retryTransient } from '../retry.ts';
import type { BatchRetry } from './batch-retry.ts';

export interface DedupeStageDeps {
  clickhouse: ClickHouseClient;
  dedupe: Dedupe;
  /** Whether Redis's marks cover the whole window (it may have restarted empty). */
  dedupeMemory: DedupeMemory;
  logger: Logger;
}

export interface Deduplicated {
  /** The batch's events not stored yet, first occurrence of each identity, in batch order. */
  candidates: Parsed[];
  /** Parsed events left out: copies inside the batch and events already stored. */
  duplicates: number;
  /**
   * The offset range a previous owner of this partition was inserting when it stopped (an
   * intent found on arrival covering this batch), or null.
   */
  interrupted: { first: bigint; last: bigint } | null;
}

/**
 * Leaves out what is already stored: copies inside the batch, ids Redis marked as inserted, and,
 * when Redis cannot be trusted alone (crash recovery, replays, Redis lost its marks), what
 * ClickHouse says already landed (docs/decisions/exactly-once.md).
 */
export async function dedupeStage(
  deps: DedupeStageDeps,
  batch: Batch,
  parsed: Parsed[],
  /** The partition's events intent as read at the batch's start (readIntent). */
  intent: { first: bigint; last: bigint } | null,
  retry: BatchRetry,
): Promise<Deduplicated> {
  const { dedupe, logger } = deps;
  // Duplicates inside the batch keep their first occurrence. An event is its (source,
  // event_type, event_id): the same event_id from another source is another event.
  const unique = new Map<string, Parsed>();
  for (const p of parsed) {
    const key = eventIdentityKey(p.envelope);
    if (!unique.has(key)) unique.set(key, p);
  }
  let candidates = [...unique.values()];

  const ids = [...unique.keys()];
  const seen = await retryTransient(() => dedupe.seen(ids), retry.transient('redis dedupe lookup', 'redis'));
  candidates = candidates.filter((_, i) => !seen[i]);

  // The previous owner of this partition may have inserted part of this range and died before
  // marking it: ClickHouse itself says what landed.
  const recovering = intent !== null && intent.first <= BigInt(batch.lastOffset);
  // NOTE: a replayed event may arrive long after its first insert, when Redis no longer holds
  // (or lost) the mark. Replays are rare, so their ids are always checked against ClickHouse:
  // replaying twice must never count twice, in events or in the aggregates fed from it.
  // One lookup serves both cases.
  // After Redis lost its marks, every id not marked since is checked the same way.
  const forgetful =
    !recovering &&
    candidates.length > 0 &&
    (await retryTransient(
      () => deps.dedupeMemory.incomplete(),
      retry.transient('dedupe memory check', 'redis'),
    ));
  const toCheck = recovering || forgetful ? candidates : candidates.filter((p) => p.envelope.replay);
  if (toCheck.length > 0) {
    const landed = await retryTransient(
      () =>
        existingIdentities(
          deps.clickhouse,
          toCheck.map((p) => p.envelope),
        ),
      retry.clickhouse(
        recovering
          ? 'clickhouse recovery lookup'
          : forgetful
            ? 'clickhouse dedupe lookup'
            : 'clickhouse replay lookup',
      ),
    );
    if (recovering)
      logger.warn(
        {
          partition: batch.partition,
          interrupted: `${intent!.first}-${intent!.last}`,
          batch: `${batch.firstOffset}-${batch.lastOffset}`,
          checked: toCheck.length,
          already_inserted: landed.size,
        },
        'recovering a batch interrupted by a crash',
      );
    if (landed.size > 0) candidates = candidates.filter((p) => !landed.has(eventIdentityKey(p.envelope)));
  }
  return {
    candidates,
    duplicates: parsed.length - candidates.length,
    interrupted: recovering ? intent : null,
  };
}

// Query parameters travel in the URL, which HTTP servers cap (16 KB by default in Node):
// ~45 bytes per quoted, encoded id keeps a chunk well under it.
const RECOVERY_CHUNK = 200;

/**
 * The identity keys (eventIdentityKey) of these events that are already stored. The query
 * narrows by event_id (the shortest list to send) and returns the whole identity of each row
 * found, so an event of the same id from another source does not count as this one.
 */
async function existingIdentities(
  clickhouse: ClickHouseClient,
  events: EventIdentity[],
): Promise<Set<string>> {
  const wanted = new Set(events.map(eventIdentityKey));
  const ids = [...new Set(events.map((e) => e.event_id))];
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += RECOVERY_CHUNK) {
    const rs = await clickhouse.query({
      query: 'SELECT DISTINCT source, event_type, event_id FROM events WHERE event_id IN {ids:Array(String)}',
      query_params: { ids: ids.slice(i, i + RECOVERY_CHUNK) },
      format: 'JSONEachRow',
    });
    for (const r of await rs.json<{ source: string; event_type: string; event_id: string }>()) {
      const key = eventIdentityKey(r);
      if (wanted.has(key)) found.add(key);
    }
  }
  return found;
}
