/**
 * Waits until `done` events fit a rate of `perSecond` since `startedAt`, or until the signal
 * aborts. The rate limit of a backfill: the rows it reads and writes compete with live traffic.
 */
export async function pace(
  startedAt: number,
  done: number,
  perSecond: number | undefined,
  signal: AbortSignal | undefined,
  now: () => number = Date.now,
): Promise<void> {
  if (!perSecond || perSecond <= 0) return;
  const due = startedAt + (done / perSecond) * 1000;
  const wait = due - now();
  if (wait <= 0 || signal?.aborted) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done_, wait);
    function done_() {
      signal?.removeEventListener('abort', done_);
      clearTimeout(timer);
      resolve();
    }
    signal?.addEventListener('abort', done_, { once: true });
  });
}
