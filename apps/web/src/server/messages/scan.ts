import { MASK, maskPii } from '@tributary/dlq';
import type { FetchedPartition, OffsetReader, PartitionWatermarks } from '@tributary/kafka';
import { BROWSE_LIMITS, type BrowseRequest, type BrowseStart } from './browse-input.ts';
import { decodeMessage, traceIdOf, type DecodedItem } from './decode-message.ts';
import type { EventFilter } from './event-filter.ts';
import { holdsAll, requiredLiterals } from './required-literals.ts';
import type { BrowsedEvent, BrowseFrame, BrowseProgress, EndReason, TopicKind } from './frames.ts';

export interface ScanDeps {
  reader: OffsetReader;
  kind: TopicKind;
  /** Compiled filter, or null for every event. */
  filter: EventFilter | null;
  /** pii-tagged paths per event type, and whether this caller sees them unmasked. */
  pii: { paths: ReadonlyMap<string, readonly string[]>; reveal: boolean };
  /** Ends the scan: the caller stopped. Checked between fetches and before every yield. */
  signal: AbortSignal;
  /** Overrides for tests and the bench; each is capped by BROWSE_LIMITS. */
  limits?: Partial<ScanLimits>;
  now?: () => number;
  /** Called once when the scan ends however it ends (a limit, done, stopped, an error). */
  onEnd?: (reason: EndReason | 'error', progress: BrowseProgress) => void;
}

export interface ScanLimits {
  maxScannedMessages: number;
  maxScanMs: number;
  maxResultBytes: number;
  /** Bytes per partition per fetch. */
  fetchBytesPerPartition: number;
  /** Progress lines at most this often. */
  progressEveryMs: number;
}

const DEFAULT_LIMITS: ScanLimits = {
  maxScannedMessages: BROWSE_LIMITS.maxScannedMessages,
  maxScanMs: BROWSE_LIMITS.maxScanMs,
  maxResultBytes: BROWSE_LIMITS.maxResultBytes,
  fetchBytesPerPartition: 1 << 20,
  progressEveryMs: 250,
};

interface Round {
  result: Promise<FetchedPartition[]>;
  from: Map<number, bigint>;
}

interface Cursor {
  partition: number;
  position: bigint;
  end: bigint;
}

/**
 * Reads the selected partitions from the chosen start up to where each ended when the scan
 * began (a snapshot: the scan never tails), unpacks every message, filters and yields NDJSON
 * lines (frames.ts). Stops at the first limit reached or when `signal` aborts; the caller owns
 * the reader and closes it when the generator ends (return() included).
 */
export async function* scanMessages(deps: ScanDeps, req: BrowseRequest): AsyncGenerator<string, EndReason> {
  const limits = capped(deps.limits);
  const now = deps.now ?? (() => performance.now());
  const startedAt = now();
  const watermarks = await deps.reader.watermarks(req.topic);
  const selected = selectPartitions(watermarks, req.partitions);
  const cursors = await startCursors(deps.reader, req.topic, selected, req.start);

  const progress: BrowseProgress = {
    scanned: 0,
    skipped: 0,
    events: 0,
    matched: 0,
    evalErrors: 0,
    bytes: 0,
    elapsedMs: 0,
    partitions: [],
  };
  let firstEvalError: string | null = null;
  const snapshot = (): BrowseProgress => ({
    ...progress,
    elapsedMs: Math.round(now() - startedAt),
    partitions: cursors.map((c) => ({
      partition: c.partition,
      position: String(c.position),
      end: String(c.end),
    })),
  });
  const line = (frame: BrowseFrame) => `${JSON.stringify(frame)}\n`;

  // Texts a message must hold to have a match; only where every filtered field comes from the value.
  const literals = deps.kind === 'events' || deps.kind === 'dead_letters' ? requiredLiterals(req.filter) : [];
  const cursorOf = (partition: number) => cursors.find((c) => c.partition === partition);
  const fetchRound = (positions: { partition: number; offset: bigint }[]): Round => {
    const result = deps.reader.fetch(req.topic, positions, {
      maxBytesPerPartition: limits.fetchBytesPerPartition,
      maxWaitMs: 50,
    });
    // A round fetched ahead may be abandoned (a limit, Stop): its failure must not go unhandled.
    result.catch(() => {});
    return { result, from: new Map(positions.map((p) => [p.partition, p.offset])) };
  };
  let ahead: Round | null = null;
  let lastProgress = now();
  let reason: EndReason = 'done';
  // Stays 'stopped' unless the loop below settles it: a return() from the consumer lands here.
  let ended: EndReason | 'error' = 'stopped';
  try {
    yield line({
      type: 'started',
      topic: req.topic,
      kind: deps.kind,
      filter: req.filter,
      partitions: cursors.map((c) => ({
        partition: c.partition,
        from: String(c.position),
        end: String(c.end),
      })),
    });

    scan: for (;;) {
      if (deps.signal.aborted) {
        reason = 'stopped';
        break;
      }
      const open = cursors.filter((c) => c.position < c.end);
      if (open.length === 0) break;
      if (now() - startedAt >= limits.maxScanMs) {
        reason = 'max_time';
        break;
      }
      // The round fetched ahead is used where it started at the cursor; the rest is fetched now.
      const prefetched = ahead ? await ahead.result : [];
      const usable = prefetched.filter(
        (part) => ahead?.from.get(part.partition) === cursorOf(part.partition)?.position,
      );
      ahead = null;
      const missing = open.filter((c) => !usable.some((u) => u.partition === c.partition));
      const fetched =
        missing.length === 0
          ? usable
          : [
              ...usable,
              ...(await fetchRound(missing.map((c) => ({ partition: c.partition, offset: c.position })))
                .result),
            ];
      if (deps.signal.aborted) {
        reason = 'stopped';
        break;
      }
      // NOTE: the next round is requested before this one is decoded, so the broker's answer
      // travels while this process parses (a scan is otherwise half waiting, half parsing).
      const nextFrom = fetched
        .map((part) => ({ part, cursor: cursorOf(part.partition) }))
        .filter(({ part, cursor }) => cursor && part.messages.length > 0 && part.nextOffset < cursor.end)
        .map(({ part }) => ({ partition: part.partition, offset: part.nextOffset }));
      if (nextFrom.length > 0) ahead = fetchRound(nextFrom);
      for (const part of fetched) {
        const cursor = cursorOf(part.partition);
        if (!cursor) continue;
        for (const message of part.messages) {
          const offset = BigInt(message.offset);
          // Written after the scan started: beyond this scan's snapshot.
          if (offset >= cursor.end) break;
          if (progress.scanned >= limits.maxScannedMessages) {
            reason = 'max_scanned';
            break scan;
          }
          progress.scanned++;
          cursor.position = offset + 1n;
          if (literals.length > 0 && !holdsAll(message.value, literals)) {
            progress.skipped++;
            continue;
          }
          const items = decodeMessage(deps.kind, message);
          progress.events += items.length;
          for (let index = 0; index < items.length; index++) {
            const item = items[index]!;
            const shown = masked(item, deps.pii);
            if (deps.filter) {
              const verdict = deps.filter(shown.event);
              if (!verdict.ok) {
                progress.evalErrors++;
                firstEvalError ??= verdict.message;
                continue;
              }
              if (!verdict.match) continue;
            }
            const event: BrowsedEvent = {
              partition: message.partition,
              offset: message.offset,
              index,
              of: items.length,
              timestamp: message.timestamp,
              key: message.key,
              headers: message.headers,
              traceId: traceIdOf(item.traceparent),
              value: shown.value,
              ...(item.undecodable ? { undecodable: item.undecodable } : {}),
            };
            const out = line({ type: 'event', event });
            if (progress.bytes + out.length > limits.maxResultBytes) {
              reason = 'max_bytes';
              break scan;
            }
            progress.bytes += out.length;
            progress.matched++;
            yield out;
            if (deps.signal.aborted) {
              reason = 'stopped';
              break scan;
            }
            if (progress.matched >= req.maxResults) {
              reason = 'max_results';
              break scan;
            }
          }
        }
        // A fetch past the last message (compaction gaps, transaction markers) still moves on.
        if (part.nextOffset > cursor.position)
          cursor.position = part.nextOffset < cursor.end ? part.nextOffset : cursor.end;
      }
      if (now() - lastProgress >= limits.progressEveryMs) {
        lastProgress = now();
        yield line({ type: 'progress', progress: snapshot() });
      }
    }
    ended = reason;
    yield line({ type: 'end', reason, progress: snapshot(), firstEvalError });
    return reason;
  } catch (err) {
    ended = 'error';
    throw err;
  } finally {
    deps.onEnd?.(ended, snapshot());
  }
}

function capped(overrides: Partial<ScanLimits> = {}): ScanLimits {
  const l = { ...DEFAULT_LIMITS, ...overrides };
  return {
    ...l,
    maxScannedMessages: Math.min(l.maxScannedMessages, BROWSE_LIMITS.maxScannedMessages),
    maxScanMs: Math.min(l.maxScanMs, BROWSE_LIMITS.maxScanMs),
    maxResultBytes: Math.min(l.maxResultBytes, BROWSE_LIMITS.maxResultBytes),
  };
}

/** The pii-masked view of an item, filtered as masked too: a filter must not probe hidden values. */
function masked(item: DecodedItem, pii: ScanDeps['pii']): { value: unknown; event: DecodedItem['event'] } {
  if (pii.reveal || item.eventType === null) return item;
  const paths = pii.paths.get(item.eventType);
  if (!paths || paths.length === 0) return item;
  if (isDeadLetter(item.value)) {
    // The original event travels as text inside the record: mask it the same way, or hide it.
    let payload: string = MASK;
    if (item.value.payload_encoding === 'utf8') {
      try {
        payload = JSON.stringify(maskPii(JSON.parse(item.value.payload) as unknown, paths).value);
      } catch {
        payload = MASK;
      }
    }
    return {
      value: { ...item.value, payload },
      event: maskPii(item.event, paths).value as DecodedItem['event'],
    };
  }
  return {
    value: maskPii(item.value, paths).value,
    event: maskPii(item.event, paths).value as DecodedItem['event'],
  };
}

function isDeadLetter(v: unknown): v is { payload: string; payload_encoding: string } {
  return (
    typeof v === 'object' && v !== null && 'payload' in v && 'stage' in v && typeof v.payload === 'string'
  );
}

function selectPartitions(all: PartitionWatermarks[], wanted: readonly number[]): PartitionWatermarks[] {
  if (wanted.length === 0) return all;
  const missing = wanted.filter((p) => !all.some((w) => w.partition === p));
  if (missing.length > 0) {
    throw new BrowseInputError(
      `the topic has partitions 0–${all.length - 1}; there is no partition ${missing.join(', ')}`,
    );
  }
  return all.filter((w) => wanted.includes(w.partition));
}

async function startCursors(
  reader: OffsetReader,
  topic: string,
  selected: PartitionWatermarks[],
  start: BrowseStart,
): Promise<Cursor[]> {
  const clamp = (o: bigint, w: PartitionWatermarks) => (o < w.earliest ? w.earliest : o > w.end ? w.end : o);
  if (start.kind === 'time') {
    const at = await reader.offsetsForTime(topic, Date.parse(start.at));
    return selected.map((w) => ({
      partition: w.partition,
      end: w.end,
      position: clamp(at.get(w.partition) ?? w.end, w),
    }));
  }
  return selected.map((w) => {
    const position =
      start.kind === 'earliest'
        ? w.earliest
        : start.kind === 'offset'
          ? clamp(BigInt(start.offset), w)
          : clamp(w.end - BigInt(start.count), w);
    return { partition: w.partition, position, end: w.end };
  });
}

/** A request that cannot be served as asked (e.g. a partition the topic lacks): a 400, not a 500. */
export class BrowseInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrowseInputError';
  }
}
