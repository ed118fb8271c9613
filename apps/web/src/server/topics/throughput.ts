// Messages per second per topic, from two samples of its end offsets taken by this process (the
// list page polls every 5 s and the lag sampler every 5 s, so a rate exists after the second).

interface Sample {
  at: number;
  total: number;
}

const MIN_SPAN_MS = 3_000;
const KEEP_MS = 120_000;

export class ThroughputTracker {
  private readonly samples = new Map<string, Sample[]>();

  /** Records the topic's total end offset at `at`; returns messages/s over the last ~minute, or null. */
  observe(topic: string, total: number, at: number): number | null {
    const list = (this.samples.get(topic) ?? []).filter((s) => at - s.at <= KEEP_MS && s.at < at);
    // A total lower than before: the topic was deleted and created again; start over.
    const fresh = list.filter((s) => s.total <= total);
    const base = fresh.find((s) => at - s.at >= MIN_SPAN_MS);
    fresh.push({ at, total });
    this.samples.set(topic, fresh);
    if (!base) return null;
    return ((total - base.total) * 1000) / (at - base.at);
  }
}

const holder = globalThis as unknown as { tributaryThroughput?: ThroughputTracker };
export function throughputTracker(): ThroughputTracker {
  holder.tributaryThroughput ??= new ThroughputTracker();
  return holder.tributaryThroughput;
}
