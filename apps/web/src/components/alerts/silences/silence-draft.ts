import {
  matcherOps,
  silenceSchema,
  type Labels,
  type LabelMatcher,
  type MatcherOp,
  type SilenceInput,
} from '@tributary/contracts';

/**
 * The silence form's state and what it sends. Pure, so the prefill from an alert, the presets and
 * the checks before sending are unit-tested; the server checks the same schema again.
 */

export interface MatcherDraft {
  name: string;
  op: MatcherOp;
  value: string;
}

export const DURATION_PRESETS = [
  { value: '1h', label: '1 hour', ms: 3_600_000 },
  { value: '4h', label: '4 hours', ms: 4 * 3_600_000 },
  { value: '1d', label: '1 day', ms: 86_400_000 },
  { value: 'until_resolved', label: 'Until resolved', ms: null },
  { value: 'custom', label: 'Until a time…', ms: null },
] as const;
export type DurationPreset = (typeof DURATION_PRESETS)[number]['value'];

export const OP_OPTIONS = matcherOps.map((op) => ({ value: op, label: op }));

export interface SilenceDraft {
  matchers: MatcherDraft[];
  /** Empty: starts now. Otherwise a `datetime-local` value, read as UTC (the console shows UTC). */
  startsAt: string;
  duration: DurationPreset;
  /** For `custom`: a `datetime-local` value, UTC. */
  endsAt: string;
  comment: string;
}

/** Labels that describe the alert's state or title rather than which thing is wrong. */
const NOT_IDENTIFYING = new Set(['alertstate']);

/**
 * One click from a firing alert: `=` on its rule (alertname) and on each of its group labels, so
 * the silence holds this alert and the same rule's alerts for the same group, nothing wider.
 */
export function matchersForAlert(alert: { rule: string; labels: Labels }): MatcherDraft[] {
  const group = Object.keys(alert.labels)
    .filter((k) => k !== 'alertname' && !NOT_IDENTIFYING.has(k))
    .sort()
    .map((name): MatcherDraft => ({ name, op: '=', value: alert.labels[name] ?? '' }));
  return [{ name: 'alertname', op: '=', value: alert.rule }, ...group];
}

export function emptyDraft(matchers: MatcherDraft[] = [{ name: '', op: '=', value: '' }]): SilenceDraft {
  return { matchers, startsAt: '', duration: '1h', endsAt: '', comment: '' };
}

/** Matchers with a name typed: rows left blank are ignored, not refused. */
export function filledMatchers(matchers: readonly MatcherDraft[]): LabelMatcher[] {
  return matchers.filter((m) => m.name.trim() !== '').map((m) => ({ ...m, name: m.name.trim() }));
}

/** A `datetime-local` value (YYYY-MM-DDTHH:MM) as UTC epoch ms; null when it is not one. */
export function parseUtcLocal(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const t = Date.parse(`${value}Z`);
  return Number.isNaN(t) ? null : t;
}

/** Epoch ms as a `datetime-local` value in UTC. */
export function toUtcLocal(t: number): string {
  return new Date(t).toISOString().slice(0, 16);
}

export type DraftProblems = Partial<Record<'matchers' | 'startsAt' | 'endsAt' | 'comment', string>>;

/**
 * The silence the draft means at `now` (without its author: the server signs it with whoever
 * sends it), or the problems to show beside each field.
 */
export function buildSilence(
  draft: SilenceDraft,
  now: number,
): { ok: true; silence: Omit<SilenceInput, 'createdBy'> } | { ok: false; problems: DraftProblems } {
  const problems: DraftProblems = {};
  const matchers = filledMatchers(draft.matchers);
  const startsAt = draft.startsAt.trim() === '' ? now : parseUtcLocal(draft.startsAt);
  if (startsAt === null) problems.startsAt = 'a start time, e.g. 2026-12-04T18:00 (UTC), or empty for now';
  let end: SilenceInput['end'] = { kind: 'until_resolved' };
  if (draft.duration === 'custom') {
    const endsAt = parseUtcLocal(draft.endsAt);
    if (endsAt === null) problems.endsAt = 'an end time, e.g. 2026-12-04T20:00 (UTC)';
    else end = { kind: 'at', endsAt };
  } else {
    const ms = DURATION_PRESETS.find((p) => p.value === draft.duration)?.ms ?? null;
    if (ms !== null && startsAt !== null) end = { kind: 'at', endsAt: startsAt + ms };
  }
  const silence = { matchers, startsAt: startsAt ?? now, end, comment: draft.comment };
  // The contract's own checks (matchers, order of times, comment), with a stand-in author.
  const checked = silenceSchema.safeParse({ ...silence, createdBy: 'you' });
  if (!checked.success) {
    for (const issue of checked.error.issues) {
      const field = issue.path[0] === 'end' ? 'endsAt' : issue.path[0];
      if (field === 'matchers' || field === 'startsAt' || field === 'endsAt' || field === 'comment') {
        problems[field] ??= issue.message;
      }
    }
  }
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, silence };
}
