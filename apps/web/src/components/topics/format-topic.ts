// Figures of the topics and groups pages in words: sizes, retention, rates, lag.

export function formatBytes(n: number | null): string {
  if (n === null) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

const UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
];

/** retention.ms as people say it: "7 d", "36 h", "forever". Exact multiples only; else ms. */
export function formatRetention(ms: number | null): string {
  if (ms === null) return '—';
  if (ms === -1) return 'forever';
  for (const [size, unit] of UNITS) if (ms >= size && ms % size === 0) return `${ms / size} ${unit}`;
  return `${ms} ms`;
}

export function formatRate(perSecond: number | null): string {
  if (perSecond === null) return '—';
  if (perSecond === 0) return '0/s';
  return perSecond < 10 ? `${perSecond.toFixed(1)}/s` : `${Math.round(perSecond)}/s`;
}

export function formatLagSeconds(s: number | null): string {
  if (s === null) return 'unknown';
  if (s < 1) return s === 0 ? '0 s' : '< 1 s';
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Retention choices the forms offer, plus "forever". */
export const RETENTION_CHOICES: { label: string; ms: number }[] = [
  { label: '1 hour', ms: 3_600_000 },
  { label: '6 hours', ms: 6 * 3_600_000 },
  { label: '1 day', ms: 86_400_000 },
  { label: '3 days', ms: 3 * 86_400_000 },
  { label: '7 days', ms: 7 * 86_400_000 },
  { label: '14 days', ms: 14 * 86_400_000 },
  { label: '30 days', ms: 30 * 86_400_000 },
  { label: 'forever', ms: -1 },
];
