import type { EdgeMetrics } from '@tributary/lineage/browser';

/** An edge's figures in a few words: "12.5/s · lag 1.2 s · 0.4% dead · p95 ≤ 250 ms". */
export function edgeFigures(m: EdgeMetrics): string[] {
  const parts = [`${formatRate(m.perSecond)}/s`];
  if (m.lagSeconds !== null) parts.push(`lag ${formatSeconds(m.lagSeconds)}`);
  if (m.deadLetterRate !== null) parts.push(`${formatShare(m.deadLetterRate)} dead`);
  if (m.p95Ms !== null) parts.push(m.p95Ms === 'inf' ? 'p95 > 60 s' : `p95 ≤ ${formatMs(m.p95Ms)}`);
  return parts;
}

export function formatRate(v: number): string {
  if (v === 0) return '0';
  if (v < 0.1) return '<0.1';
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1);
}

export function formatSeconds(s: number): string {
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}

export function formatShare(r: number): string {
  const pct = r * 100;
  return pct === 0 ? '0%' : pct < 0.1 ? '<0.1%' : `${pct.toFixed(pct < 10 ? 1 : 0)}%`;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

/** How old a node's newest data is, in words; null: nothing in the window. */
export function freshnessWords(ms: number | null): string {
  if (ms === null) return 'no data in window';
  return ms < 60_000 ? `${Math.round(ms / 1000)} s ago` : `${Math.round(ms / 60_000)} min ago`;
}

/** Green under 30 s, amber under 2 min, red after (the dashboards' freshness thresholds). */
export function freshnessTone(ms: number | null): 'good' | 'warn' | 'bad' | 'neutral' {
  if (ms === null) return 'neutral';
  return ms <= 30_000 ? 'good' : ms <= 120_000 ? 'warn' : 'bad';
}

/** The Live tail's URL for a flow. */
export function liveHref(tail: { source?: string; eventType?: string; processor?: string }): string {
  const q = new URLSearchParams();
  if (tail.source) q.set('source', tail.source);
  if (tail.eventType) q.set('eventType', tail.eventType);
  if (tail.processor) q.set('processor', tail.processor);
  const s = q.toString();
  return s ? `/live?${s}` : '/live';
}
