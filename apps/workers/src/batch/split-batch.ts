import type { Batch } from '@tributary/kafka';

export interface BatchPart {
  batch: Batch;
  /** The events intent that applies to this part (the interrupted range), or null. */
  intent: { first: bigint; last: bigint } | null;
}

/**
 * A redelivered batch usually reaches further than the batch a crash interrupted (more
 * messages are there to fetch). Handled as one, its offset range — and so every token derived
 * from it — would differ from the interrupted insert's, and an output block that did land
 * would land again. So it is cut after the interrupted range: that part carries the interrupted
 * range's tokens exactly, the rest is an ordinary batch. Pure.
 */
export function splitAtInterruption(
  batch: Batch,
  intent: { first: bigint; last: bigint } | null,
): BatchPart[] {
  if (intent === null || intent.first > BigInt(batch.lastOffset)) return [{ batch, intent: null }];
  if (intent.last >= BigInt(batch.lastOffset)) return [{ batch, intent }];
  const head = batch.messages.filter((m) => BigInt(m.offset) <= intent.last);
  const tail = batch.messages.filter((m) => BigInt(m.offset) > intent.last);
  if (head.length === 0 || tail.length === 0) return [{ batch, intent }];
  return [
    { batch: { ...batch, messages: head, lastOffset: head[head.length - 1]!.offset }, intent },
    { batch: { ...batch, messages: tail, firstOffset: tail[0]!.offset }, intent: null },
  ];
}
