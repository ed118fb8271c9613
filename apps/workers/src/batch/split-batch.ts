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
  if (intent === null || intent.first > BigInt(batch.lastOffset))
    return [{ batch, intent: null, range: own }];
  const interrupted = { first: String(intent.first), last: String(intent.last) };
  const head = batch.messages.filter((m) => BigInt(m.offset) <= intent.last);
  const tail = batch.messages.filter((m) => BigInt(m.offset) > intent.last);
  if (head.length === 0 || tail.length === 0) return [{ batch, intent, range: interrupted }];
  return [
    {
      batch: { ...batch, messages: head, lastOffset: head[head.length - 1]!.offset },
      intent,
      range: interrupted,
    },
    {
      batch: { ...batch, messages: tail, firstOffset: tail[0]!.offset },
      intent: null,
      range: { first: tail[0]!.offset, last: batch.lastOffset },
    },
  ];
}
