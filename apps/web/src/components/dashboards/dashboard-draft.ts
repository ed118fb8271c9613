import type { DashboardDefinition, DashboardPanel } from '@tributary/contracts';

/** Edits to a dashboard definition, pure so they are tested apart from React. */

/** `base`, or `base-2`, `base-3`… whichever no panel uses yet. */
export function freshPanelId(def: Pick<DashboardDefinition, 'panels'>, title: string): string {
  const base =
    title
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 30) || 'panel';
  const taken = new Set(def.panels.map((p) => p.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Adds a panel under the others (left column), `w` columns wide. */
export function addPanel(
  def: DashboardDefinition,
  panel: Omit<DashboardPanel, 'id' | 'layout'>,
  size: { w: number; h: number },
): DashboardDefinition {
  const bottom = def.panels.reduce((y, p) => Math.max(y, p.layout.y + p.layout.h), 0);
  const id = freshPanelId(def, panel.title);
  return { ...def, panels: [...def.panels, { ...panel, id, layout: { x: 0, y: bottom, ...size } }] };
}

export function removePanel(def: DashboardDefinition, id: string): DashboardDefinition {
  return { ...def, panels: def.panels.filter((p) => p.id !== id) };
}

export interface ChartRow {
  t: number;
  [series: string]: number | null;
}

/** A series' label: its group values joined, or the panel title when not grouped. */
export function seriesLabel(key: string[], fallback: string): string {
  return key.length === 0 ? fallback : key.map((k) => (k === '' ? '(none)' : k)).join(' · ');
}

/** Points of every series side by side per bucket, as recharts reads them. */
export function chartRows(
  series: { key: string[]; points: { t: number; v: number | null }[] }[],
  fallback: string,
): { rows: ChartRow[]; labels: string[] } {
  const labels = series.map((s) => seriesLabel(s.key, fallback));
  const byT = new Map<number, ChartRow>();
  series.forEach((s, i) => {
    for (const p of s.points) {
      const row = byT.get(p.t) ?? { t: p.t };
      row[labels[i]!] = p.v;
      byT.set(p.t, row);
    }
  });
  return { rows: [...byT.values()].sort((a, b) => a.t - b.t), labels };
}

/** Measures whose buckets add up to the range's value. */
const ADDITIVE = new Set(['count', 'sum']);

/**
 * A stat panel's figure: the range's total for a measure that adds up (count, sum), else the
 * newest bucket's value (an average or a distinct count of buckets does not add up); and the
 * newest bucket's change from the one before.
 */
export function statFigure(
  fn: string,
  points: { v: number | null }[],
): { value: number | null; change: number | null; total: boolean } {
  const newest = points.at(-1)?.v ?? null;
  const previous = points.at(-2)?.v ?? null;
  const total = ADDITIVE.has(fn);
  const value = total ? points.reduce((n, p) => n + (p.v ?? 0), 0) : newest;
  const change =
    newest === null || previous === null || previous === 0 ? null : (newest - previous) / Math.abs(previous);
  return { value, change, total };
}

/** Freshness thresholds of the panel badge: amber past 30 s, red past 2 min. */
export const FRESH_MS = 30_000;
export const STALE_MS = 120_000;

/** The badge for a watermark at `now`: complete up to how long ago, and its tone. */
export function freshness(
  watermark: { at: number | null },
  now: number,
): { tone: 'good' | 'warn' | 'bad' | 'neutral'; text: string } {
  if (watermark.at === null) return { tone: 'neutral', text: 'freshness unknown' };
  const age = Math.max(0, now - watermark.at);
  const text = `complete to ${age < 60_000 ? `${Math.round(age / 1000)} s` : `${Math.round(age / 60_000)} min`} ago`;
  return { tone: age <= FRESH_MS ? 'good' : age <= STALE_MS ? 'warn' : 'bad', text };
}
