// NOTE: notification.ts only, not the package's index: the index brings the Postgres store and
// the SMTP client, which must not reach the browser bundle.
import { formatDuration, summarizeCondition } from '@tributary/alerts/src/notification.ts';
import type { AlertRule, AlertState } from '@tributary/contracts';
import { SIGNAL_KINDS } from './rule-draft.ts';

/** What a rule reads, in a few words: "signal: consumer lag", "panel: sum of data.amount of purchase by source (avg over the window)". */
export function querySummary(rule: AlertRule): string {
  const q = rule.query;
  if (q.kind === 'signal') {
    const label = SIGNAL_KINDS.find((k) => k.kind === q.signal.kind)?.label ?? q.signal.kind;
    return `signal: ${label.toLowerCase()}`;
  }
  const m = q.query.measure;
  const what = 'field' in m ? `${m.fn} of ${m.field}` : m.fn === 'count' ? 'count' : 'unique users';
  const source = q.query.source;
  const from =
    source.kind === 'processor'
      ? `${source.processor}'s table`
      : source.eventTypes.length > 0
        ? source.eventTypes.join(', ')
        : 'all events';
  const by = q.query.groupBy.length > 0 ? ` by ${q.query.groupBy.join(', ')}` : '';
  return `panel: ${what} of ${from}${by} (${q.reduce} over the window)`;
}

/** The condition and timings: "above 60 (recovers at or below 30) · every 1m over 5m · pending 2m". */
export function conditionSummary(rule: AlertRule): string {
  const parts = [
    summarizeCondition(rule.condition).text,
    `every ${formatDuration(rule.intervalSeconds * 1000)} over ${formatDuration(rule.windowSeconds * 1000)}`,
  ];
  if (rule.pendingSeconds > 0) parts.push(`pending ${formatDuration(rule.pendingSeconds * 1000)}`);
  return parts.join(' · ');
}

/** Instances per state for one rule, from the active instances (normal ones are not listed). */
export function stateCounts(
  active: ReadonlyArray<{ rule: string; state: AlertState }>,
  rule: string,
): Partial<Record<AlertState, number>> {
  const out: Partial<Record<AlertState, number>> = {};
  for (const a of active) if (a.rule === rule) out[a.state] = (out[a.state] ?? 0) + 1;
  return out;
}
