/**
 * Accumulates per-stage event counts and flushes them as rows, every few seconds, to a sink
 * the service provides (ClickHouse's pipeline_metrics). Counting is a map increment on the hot
 * path; a failed flush keeps the counts for the next attempt, so figures are late, not lost.
 */
export type StageCountRow = {
  ts: string;
  service: string;
  instance: string;
  stage: string;
  count: number;
};

export interface StageCounter {
  add(stage: string, n?: number): void;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export function createStageCounter(opts: {
  service: string;
  instance: string;
  intervalMs: number;
  sink: (rows: StageCountRow[]) => Promise<unknown>;
  onError?: (err: unknown) => void;
}): StageCounter {
  let pending = new Map<string, number>();
  let flushing: Promise<void> | null = null;

  async function flushOnce(): Promise<void> {
    if (pending.size === 0) return;
    const taken = pending;
    pending = new Map();
    const ts = new Date().toISOString();
    const rows = [...taken].map(([stage, count]) => ({
      ts,
      service: opts.service,
      instance: opts.instance,
      stage,
      count,
    }));
    try {
      await opts.sink(rows);
    } catch (err) {
      for (const [stage, count] of taken) pending.set(stage, (pending.get(stage) ?? 0) + count);
      opts.onError?.(err);
    }
  }

  function flush(): Promise<void> {
    flushing ??= flushOnce().finally(() => {
      flushing = null;
    });
    return flushing;
  }

  const timer = setInterval(() => void flush(), opts.intervalMs);
  timer.unref();

  return {
    add(stage, n = 1) {
      if (n > 0) pending.set(stage, (pending.get(stage) ?? 0) + n);
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flushing;
      await flush();
    },
  };
}
