import { selectRows, type QueryTarget } from '@tributary/clickhouse';
import { z } from 'zod';

/** The window the list's rates cover. */
export const RATES_WINDOW_SECONDS = 300;

export interface ProcessorRates {
  windowSeconds: number;
  /** Events into the processor per second, over every worker. */
  inPerSecond: number;
  keptPerSecond: number;
  /** Shares of the events in (0 when none came in). */
  dropRate: number;
  deadLetterRate: number;
  /** Step time per event in, µs (0 when none came in). */
  microsPerEvent: number;
}

/** The rates of a processor that saw no events in the window. */
export const NO_EVENTS_RATES: ProcessorRates = {
  windowSeconds: RATES_WINDOW_SECONDS,
  inPerSecond: 0,
  keptPerSecond: 0,
  dropRate: 0,
  deadLetterRate: 0,
  microsPerEvent: 0,
};

const row = z.object({ stage: z.string(), n: z.coerce.number() });
const RESULTS = ['in', 'kept', 'dropped', 'dead_lettered', 'micros'] as const;
type Result = (typeof RESULTS)[number];

/**
 * Each processor's recent rates, from the counters the workers flush to pipeline_metrics every
 * few seconds (`processor:<name>:<in|kept|dropped|dead_lettered|micros>`). A processor with no
 * rows in the window has no entry (it saw no events). NOTE: the sorting key is (stage, ts), so
 * the stage prefix and the time bound read only the window's rows of processor stages.
 */
export async function processorRates(
  target: QueryTarget,
  windowSeconds = RATES_WINDOW_SECONDS,
): Promise<Map<string, ProcessorRates>> {
  const rows = await selectRows(
    target,
    `SELECT stage, sum(count) AS n FROM {db:Identifier}.pipeline_metrics
     WHERE startsWith(stage, 'processor:') AND ts >= now64(3) - toIntervalSecond({window:UInt32})
     GROUP BY stage`,
    { window: windowSeconds },
    row,
  );
  const sums = new Map<string, Record<Result, number>>();
  for (const r of rows) {
    const rest = r.stage.slice('processor:'.length);
    const at = rest.lastIndexOf(':');
    const name = rest.slice(0, at);
    const result = rest.slice(at + 1) as Result;
    if (at <= 0 || !RESULTS.includes(result)) continue;
    const s = sums.get(name) ?? { in: 0, kept: 0, dropped: 0, dead_lettered: 0, micros: 0 };
    s[result] += r.n;
    sums.set(name, s);
  }
  const out = new Map<string, ProcessorRates>();
  for (const [name, s] of sums) {
    out.set(name, {
      windowSeconds,
      inPerSecond: round(s.in / windowSeconds),
      keptPerSecond: round(s.kept / windowSeconds),
      dropRate: s.in > 0 ? round(s.dropped / s.in, 4) : 0,
      deadLetterRate: s.in > 0 ? round(s.dead_lettered / s.in, 4) : 0,
      microsPerEvent: s.in > 0 ? round(s.micros / s.in) : 0,
    });
  }
  return out;
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
