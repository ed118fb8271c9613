/**
 * Polls `<url>/ping` until ClickHouse answers `Ok.`, for at most `timeoutMs` milliseconds.
 * Resolves on success; rejects with the last failure once the time is up.
 */
export async function waitForPing(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pingUrl = new URL('/ping', url);
  let last = 'no attempt made';
  for (;;) {
    try {
      const res = await fetch(pingUrl, {
        signal: AbortSignal.timeout(Math.max(250, Math.min(2_000, deadline - Date.now()))),
      });
      const text = await res.text();
      if (res.ok && text.startsWith('Ok.')) return;
      last = `HTTP ${res.status}: ${text.slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() >= deadline)
      throw new Error(`ClickHouse at ${url} did not answer /ping within ${timeoutMs} ms (${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
