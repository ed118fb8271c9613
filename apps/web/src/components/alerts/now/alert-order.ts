import type { AlertState } from '@tributary/contracts';

/** What needs someone first: firing, then failing evaluations, missing data, then pending. */
const RANK: Record<AlertState, number> = { firing: 0, error: 1, no_data: 2, pending: 3, normal: 4 };

export interface OrderedAlert {
  state: AlertState;
  since: string;
  rule: string;
  groupKey: string;
}

/** Most urgent state first; within a state the newest first, then by rule and group (stable). */
export function orderAlerts<T extends OrderedAlert>(alerts: readonly T[]): T[] {
  return [...alerts].sort(
    (a, b) =>
      RANK[a.state] - RANK[b.state] ||
      b.since.localeCompare(a.since) ||
      a.rule.localeCompare(b.rule) ||
      a.groupKey.localeCompare(b.groupKey),
  );
}

/** Counts per state of the alerts shown (the page's stats; the nav bar asks the server). */
export function countByState(alerts: readonly { state: AlertState }[]): Record<AlertState, number> {
  const out: Record<AlertState, number> = { firing: 0, error: 0, no_data: 0, pending: 0, normal: 0 };
  for (const a of alerts) out[a.state] += 1;
  return out;
}

/** The nav bar badge's words, for screen readers and Playwright alike. */
export function firingLabel(n: number): string {
  return `${n} alert${n === 1 ? '' : 's'} firing`;
}
