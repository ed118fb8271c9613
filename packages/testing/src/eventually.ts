/**
 * Polls `check` until it returns a truthy value, which it resolves with; never sleep-and-hope.
 * A throw counts as "not yet" (the last one is named if the deadline passes).
 */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false | 0 | ''> | T | null | undefined | false | 0 | '',
  timeoutMs = 30_000,
  opts: { intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${opts.what ?? 'condition'} not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}
