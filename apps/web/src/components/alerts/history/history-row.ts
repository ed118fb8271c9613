import type { BadgeTone } from '../../ui/index.ts';

/**
 * How one alert history row reads: what happened (a state change, or a notification's outcome),
 * the group it is about, and for a failed delivery why. History rows are written by the jobs
 * service; `detail` is read defensively, as data that may come from an older writer.
 */

export interface HistoryRowInput {
  kind: 'state_change' | 'notification';
  groupKey: string;
  fromState: string | null;
  toState: string | null;
  receiver: string | null;
  outcome: string | null;
  silenced: boolean;
  detail?: unknown;
}

export interface HistoryRowView {
  event: string;
  tone: BadgeTone;
  /** The group's labels, when the key is a label set (state changes; a route's group after its id). */
  labels: Record<string, string> | null;
  /** The group key as stored, when it is not a label set. */
  rawGroup: string | null;
  /** Why a delivery failed, or how many tries it took. */
  note: string | null;
  /** Detail without the whole notification record (large, and shown elsewhere). */
  detail: Record<string, unknown> | null;
}

const OUTCOME_TONE: Record<string, BadgeTone> = {
  sent: 'good',
  failed: 'bad',
  timed_out: 'bad',
  queued: 'info',
  silenced: 'neutral',
  muted: 'neutral',
};

const ACTIVE = new Set(['firing', 'no_data', 'error']);
const STATE_TONE: Record<string, BadgeTone> = {
  firing: 'bad',
  error: 'bad',
  no_data: 'warn',
  pending: 'info',
  normal: 'good',
};

function record(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** A labelsKey (JSON list of [name, value] pairs), optionally after a route id and ':'. */
export function parseGroupKey(key: string): Record<string, string> | null {
  const start = key.indexOf('[');
  if (start < 0) return null;
  try {
    const pairs: unknown = JSON.parse(key.slice(start));
    if (!Array.isArray(pairs)) return null;
    const out: Record<string, string> = {};
    for (const p of pairs) {
      if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'string' || typeof p[1] !== 'string')
        return null;
      out[p[0]] = p[1];
    }
    return out;
  } catch {
    return null;
  }
}

function deliveryNote(detail: Record<string, unknown> | null, outcome: string | null): string | null {
  const attempts = Array.isArray(detail?.attempts) ? detail.attempts : [];
  const last = record(attempts.at(-1));
  const tries = attempts.length > 1 ? `after ${attempts.length} attempts` : null;
  if (outcome === 'sent') return tries;
  const reason =
    typeof last?.reason === 'string' ? last.reason : typeof detail?.error === 'string' ? detail.error : null;
  return [reason, tries].filter(Boolean).join(' · ') || null;
}

export function describeHistoryRow(row: HistoryRowInput): HistoryRowView {
  const full = record(row.detail);
  const detail = full ? Object.fromEntries(Object.entries(full).filter(([k]) => k !== 'record')) : null;
  const labels = parseGroupKey(row.groupKey);
  const group = { labels, rawGroup: labels === null && row.groupKey !== '' ? row.groupKey : null };
  if (row.kind === 'state_change') {
    const from = row.fromState ?? '?';
    const to = row.toState ?? '?';
    const resolved = to === 'normal' && ACTIVE.has(from);
    return {
      event: `${from} → ${to}${resolved ? ' (resolved)' : ''}`,
      tone: STATE_TONE[to] ?? 'neutral',
      ...group,
      note: typeof detail?.reason === 'string' ? detail.reason : null,
      detail,
    };
  }
  const outcome = row.outcome ?? 'unknown';
  return {
    event: `${outcome} → ${row.receiver ?? 'no receiver'}`,
    tone: OUTCOME_TONE[outcome] ?? 'neutral',
    ...group,
    note: deliveryNote(detail, row.outcome),
    detail,
  };
}
