import type { AlertCondition, Labels } from '@tributary/contracts';
import type { BacktestAnswer } from '../../../server/alert-tools/backtest.ts';

/** A backtest's answer as the page receives it. */
export type BacktestView = BacktestAnswer;

export interface ConditionLine {
  y: number;
  label: string;
  /** fire: crossing it fires; recover: an active alert clears past it. */
  kind: 'fire' | 'recover';
}

/** The horizontal lines a condition draws (an anomaly band moves, so it draws none). */
export function conditionLines(c: AlertCondition): ConditionLine[] {
  if (c.kind === 'threshold') {
    const out: ConditionLine[] = [{ y: c.threshold, label: `threshold ${c.threshold}`, kind: 'fire' }];
    if (c.recovery !== undefined && c.recovery !== c.threshold)
      out.push({ y: c.recovery, label: `recovers at ${c.recovery}`, kind: 'recover' });
    return out;
  }
  if (c.kind === 'outside_range') {
    const out: ConditionLine[] = [
      { y: c.low, label: `low ${c.low}`, kind: 'fire' },
      { y: c.high, label: `high ${c.high}`, kind: 'fire' },
    ];
    if (c.recoveryLow !== undefined && c.recoveryLow !== c.low)
      out.push({ y: c.recoveryLow, label: `recovers above ${c.recoveryLow}`, kind: 'recover' });
    if (c.recoveryHigh !== undefined && c.recoveryHigh !== c.high)
      out.push({ y: c.recoveryHigh, label: `recovers below ${c.recoveryHigh}`, kind: 'recover' });
    return out;
  }
  return [];
}

/** A group as the legend names it: `source=web, plan=pro`, or "all" for an ungrouped rule. */
export function groupName(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? 'all' : parts.join(', ');
}

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The answer in one sentence: "Would have fired 3 times in the last 7 days (2,016 evaluations)". */
export function backtestSummary(r: BacktestView, days: number): string {
  const active = r.firingsTotal - r.fired;
  return (
    `Would have fired ${plural(r.fired, 'time', 'times')} in the last ${plural(days, 'day', 'days')}` +
    ` (${plural(r.evaluations, 'evaluation', 'evaluations')}, ${plural(r.changes, 'state change', 'state changes')}` +
    `${active > 0 ? `, ${plural(active, 'stretch', 'stretches')} without data or failing` : ''})`
  );
}

/** 45s, 12m, 2h 5m, 3d 4h. */
export function spanText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}
