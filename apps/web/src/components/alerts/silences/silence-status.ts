import type { LabelMatcher } from '@tributary/contracts';

/** The parts of a stored silence (the alerts library's StoredSilence) the Silences page reads. */
export interface SilenceTimes {
  startsAt: number;
  end: { kind: 'at'; endsAt: number } | { kind: 'until_resolved' };
  /** When it was expired early, or an "until resolved" one ended by resolution. */
  endedAt?: number | null;
}

export type SilenceStatus = 'active' | 'upcoming' | 'ended';

/** The same reading as the library's isSilenceActive, with "not yet started" told apart. */
export function silenceStatus(s: SilenceTimes, now: number): SilenceStatus {
  if (s.endedAt != null && now >= s.endedAt) return 'ended';
  if (s.end.kind === 'at' && now >= s.end.endsAt) return 'ended';
  return now < s.startsAt ? 'upcoming' : 'active';
}

/** When it ended or ends, in epoch ms; null while "until resolved" is still in force. */
export function silenceEnd(s: SilenceTimes): number | null {
  if (s.endedAt != null) return s.end.kind === 'at' ? Math.min(s.endedAt, s.end.endsAt) : s.endedAt;
  return s.end.kind === 'at' ? s.end.endsAt : null;
}

/** A matcher as Alertmanager writes it: name="value", name=~"pattern". */
export function matcherText(m: LabelMatcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}
