import type { Labels, Silence } from '@tributary/contracts';
import { matchesAll } from './labels.ts';

/** A stored silence: the contract's fields, its id, and for "until resolved" when it ended. */
export type StoredSilence = Silence & { id: string; createdAt: number; endedAt?: number | null };

/** What silences and previews look at: an alert's labels and whether it is still active. */
export interface SilenceTarget {
  labels: Labels;
  active: boolean;
}

export function silenceMatches(silence: Pick<Silence, 'matchers'>, labels: Labels): boolean {
  return matchesAll(silence.matchers, labels);
}

/** Whether the silence is in force at t (started, and not past its end or ended by resolution). */
export function isSilenceActive(silence: StoredSilence, t: number): boolean {
  if (t < silence.startsAt) return false;
  if (silence.endedAt != null && t >= silence.endedAt) return false;
  return silence.end.kind === 'until_resolved' || t < silence.end.endsAt;
}

/** The first silence in force at t that matches the labels, if any (to record who silenced it). */
export function silencedBy(
  silences: readonly StoredSilence[],
  labels: Labels,
  t: number,
): StoredSilence | null {
  return silences.find((s) => isSilenceActive(s, t) && silenceMatches(s, labels)) ?? null;
}

/** Which alerts a silence would match (the form's preview, before saving). */
export function previewSilence<T extends SilenceTarget>(
  silence: Pick<Silence, 'matchers'>,
  alerts: readonly T[],
): T[] {
  return alerts.filter((a) => silenceMatches(silence, a.labels));
}

/**
 * "Until resolved" silences whose alerts all resolved by t: the caller stores endedAt = t.
 * One that matches nothing active yet (saved before its alert fired) waits for a first match,
 * so a silence made ahead of a known problem is not ended before the problem starts.
 */
export function resolvedSilences(
  silences: readonly StoredSilence[],
  alerts: readonly SilenceTarget[],
  matchedBefore: ReadonlySet<string>,
  t: number,
): StoredSilence[] {
  return silences.filter(
    (s) =>
      s.end.kind === 'until_resolved' &&
      isSilenceActive(s, t) &&
      matchedBefore.has(s.id) &&
      !alerts.some((a) => a.active && silenceMatches(s, a.labels)),
  );
}

export interface ExpiryWarning {
  silence: StoredSilence;
  endsAt: number;
  /** Active alerts it still silences: they will notify when it ends. */
  stillSilencing: number;
}

/** Silences in force that end within `withinMs` of t while they still silence active alerts. */
export function expiryWarnings(
  silences: readonly StoredSilence[],
  alerts: readonly SilenceTarget[],
  t: number,
  withinMs: number,
): ExpiryWarning[] {
  const out: ExpiryWarning[] = [];
  for (const s of silences) {
    if (s.end.kind !== 'at' || !isSilenceActive(s, t) || s.end.endsAt - t > withinMs) continue;
    const stillSilencing = alerts.filter((a) => a.active && silenceMatches(s, a.labels)).length;
    if (stillSilencing > 0) out.push({ silence: s, endsAt: s.end.endsAt, stillSilencing });
  }
  return out.sort((a, b) => a.endsAt - b.endsAt);
}
