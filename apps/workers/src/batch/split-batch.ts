import type { Batch } from '@tributary/kafka';

export interface BatchPart {
  batch: Batch;
  /** The events intent that applies to this part (the interrupted range), or null. */
  intent: { first: bigint; last: bigint } | null;
  /**
   * The offset range the part's intent and tokens name: the interrupted range for the part that
   * finishes it, the part's own offsets otherwise.
   */
  range: { first: string; last: string };
  /**
   * The part ends before the interrupted range does: its intent is kept (not rewritten, not
   * cleared), so the next batch is still checked against what the interrupted attempt stored.
   */
  partial: boolean;
}

/**
 * A redelivered batch need not line up with the batch a crash interrupted: it usually reaches
 * further (more messages are there to fetch), and it starts earlier when the previous batch's
 * commit was lost with the process. Handled as one, its offset range — and so every token derived
 * from it — would differ from the interrupted insert's, and an output block that did land would
 * land again. So the batch is cut after the interrupted range, and the part up to there names the
 * interrupted range itself in its intent and tokens. Messages before the interrupted range belong
 * to batches that finished (their events are marked in Redis), so they add nothing to its
 * blocks. Pure.
 */
export function splitAtInterruption(
  batch: Batch,
  intent: { first: bigint; last: bigint } | null,
): BatchPart[] {
  const own = { first: batch.firstOffset, last: batch.lastOffset };
  if (intent === null || intent.first > BigInt(batch.lastOffset)) {
    return [{ batch, intent: null, range: own, partial: false }];
  }
  // Every offset of the interrupted range is behind this batch (missing offsets: compaction,
  // transaction markers): nothing is left to finish, and the stale intent is replaced as usual.
  if (intent.last < BigInt(batch.firstOffset)) return [{ batch, intent: null, range: own, partial: false }];
  const interrupted = { first: String(intent.first), last: String(intent.last) };
  const head = batch.messages.filter((m) => BigInt(m.offset) <= intent.last);
  const tail = batch.messages.filter((m) => BigInt(m.offset) > intent.last);
  // The part reaches the end of the interrupted range only if it starts at or before its start
  // and something at or after its end was fetched.
  const whole = BigInt(batch.firstOffset) <= intent.first && BigInt(batch.lastOffset) >= intent.last;
  const headBatch =
    tail.length > 0 ? { ...batch, messages: head, lastOffset: head[head.length - 1]!.offset } : batch;
  const first: BatchPart = whole
    ? { batch: headBatch, intent, range: interrupted, partial: false }
    : // Shorter than the interrupted range: its own offsets name its blocks, and the intent stays
      // for the batches that bring the rest (docs/decisions/processor-rollout.md).
      {
        batch: headBatch,
        intent,
        range: { first: headBatch.firstOffset, last: headBatch.lastOffset },
        partial: BigInt(headBatch.lastOffset) < intent.last,
      };
  if (tail.length === 0 || head.length === 0) return [first];
  return [
    first,
    {
      batch: { ...batch, messages: tail, firstOffset: tail[0]!.offset },
      intent: null,
      range: { first: tail[0]!.offset, last: batch.lastOffset },
      partial: false,
    },
  ];
}
