import type { Measure, StepResult } from '@tributary/contracts';
import { getAt, splitPath } from '../field-paths.ts';
import { windowsContaining } from '../windows.ts';
import type { AggregateStep } from './step-types.ts';
import { describeValue, LATE_EVENT, stepError, type CompiledStep } from './step.ts';

const NUMERIC = new Set<Measure['fn']>(['sum', 'min', 'max', 'avg', 'quantiles']);

/**
 * Turns each event into contributions to the windows containing its time: the group values as
 * text, and per measure the value the aggregate function takes (1 for count, the value's text
 * for uniq, a number for the others; null when the field is absent, which the functions skip).
 *
 * The watermark is the greatest event time seen, advanced event by event in batch order, so the
 * outcome depends on the order of events and not on where batches are cut. A window is closed
 * when end + grace <= watermark; an event whose every window is closed is dead-lettered
 * `late_event` (with hopping windows, an event still contributes to those of its windows that
 * are open).
 */
export function aggregateStep(step: AggregateStep): CompiledStep {
  const groups = step.groupBy.map((g) => ({ name: g.name, at: splitPath(g.field) }));
  const measures = step.measures.map((m) => ({
    ...m,
    at: m.field === undefined ? undefined : splitPath(m.field),
  }));
  const graceMs = step.graceSeconds * 1000;
  return {
    id: step.id,
    kind: step.kind,
    run(events, ctx) {
      const out = new Array<StepResult>(events.length);
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        const t = Date.parse(event.timestamp);
        if (!Number.isFinite(t)) {
          out[i] = stepError(step.id, `timestamp ${describeValue(event.timestamp)} is not a date`);
          continue;
        }
        const groupValues: Record<string, string> = {};
        for (const g of groups) groupValues[g.name] = groupText(getAt(event, g.at));
        const values: Record<string, number | string | null> = {};
        let bad: string | undefined;
        for (const m of measures) {
          if (m.fn === 'count') {
            values[m.name] = 1;
            continue;
          }
          const v = m.at ? getAt(event, m.at) : undefined;
          if (v === undefined || v === null) values[m.name] = null;
          else if (m.fn === 'uniq') values[m.name] = typeof v === 'string' ? v : JSON.stringify(v);
          else if (NUMERIC.has(m.fn) && typeof v === 'number' && Number.isFinite(v)) values[m.name] = v;
          else {
            bad = `${m.name} (${m.fn} of ${m.field}) needs a number, got ${describeValue(v)}`;
            break;
          }
        }
        if (bad !== undefined) {
          out[i] = stepError(step.id, bad);
          continue;
        }
        const wm = ctx.watermark;
        if (t > wm.eventTimeMs) wm.eventTimeMs = t;
        const open = windowsContaining(t, step.window).filter(([, end]) => end + graceMs > wm.eventTimeMs);
        if (open.length === 0) {
          const [start, end] = windowsContaining(t, step.window).at(-1)!;
          out[i] = {
            kind: 'dead_letter',
            code: LATE_EVENT,
            reason:
              `step ${step.id}: window [${iso(start)}, ${iso(end)}) closed at ${iso(end + graceMs)} ` +
              `(grace ${step.graceSeconds} s); watermark is ${iso(wm.eventTimeMs)}`,
          };
          continue;
        }
        const eventIndex = ctx.indices[i]!;
        for (const [windowStart, windowEnd] of open) {
          ctx.contributions.push({ eventIndex, windowStart, windowEnd, groups: groupValues, values });
        }
        out[i] = { kind: 'ok', event };
      }
      return out;
    },
  };
}

/** Group values as text: strings as they are, absent as '', other values as JSON. */
function groupText(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
