import { describe, expect, it } from 'vitest';
import {
  buildSilence,
  emptyDraft,
  filledMatchers,
  matchersForAlert,
  parseUtcLocal,
} from './silence-draft.ts';

const now = Date.parse('2026-12-04T18:00:00Z');

describe('silence draft', () => {
  it('prefills = matchers for the rule and each group label of an alert', () => {
    expect(matchersForAlert({ rule: 'rejects', labels: { source: 'shop', region: 'eu' } })).toEqual([
      { name: 'alertname', op: '=', value: 'rejects' },
      { name: 'region', op: '=', value: 'eu' },
      { name: 'source', op: '=', value: 'shop' },
    ]);
    // A rule without groups is silenced by its name alone; alertstate never narrows it.
    expect(matchersForAlert({ rule: 'lag', labels: { alertstate: 'firing' } })).toEqual([
      { name: 'alertname', op: '=', value: 'lag' },
    ]);
  });

  it('turns a preset into an end from the start, and "until resolved" into no end', () => {
    const draft = { ...emptyDraft(matchersForAlert({ rule: 'lag', labels: {} })), comment: 'upgrade' };
    const hour = buildSilence(draft, now);
    expect(hour).toEqual({
      ok: true,
      silence: {
        matchers: [{ name: 'alertname', op: '=', value: 'lag' }],
        startsAt: now,
        end: { kind: 'at', endsAt: now + 3_600_000 },
        comment: 'upgrade',
      },
    });
    const later = buildSilence({ ...draft, startsAt: '2026-12-05T08:00', duration: '1d' }, now);
    expect(later.ok && later.silence.end).toEqual({
      kind: 'at',
      endsAt: Date.parse('2026-12-06T08:00:00Z'),
    });
    const resolved = buildSilence({ ...draft, duration: 'until_resolved' }, now);
    expect(resolved.ok && resolved.silence.end).toEqual({ kind: 'until_resolved' });
  });

  it('names each problem beside its field', () => {
    expect(buildSilence(emptyDraft(), now)).toEqual({
      ok: false,
      problems: {
        matchers: 'a silence needs at least one matcher',
        comment: 'say why (a comment is required)',
      },
    });
    const draft = { ...emptyDraft([{ name: 'source', op: '=~' as const, value: '(' }]), comment: 'x' };
    const bad = buildSilence({ ...draft, duration: 'custom', endsAt: '2026-12-04T17:00' }, now);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems.matchers).toMatch(/not a valid regular expression/);
      expect(bad.problems.endsAt).toBe('a silence ends after it starts');
    }
    const noEnd = buildSilence(
      { ...draft, matchers: [{ name: 'a', op: '=', value: 'b' }], duration: 'custom' },
      now,
    );
    expect(noEnd).toEqual({ ok: false, problems: { endsAt: 'an end time, e.g. 2026-12-04T20:00 (UTC)' } });
  });

  it('ignores blank matcher rows and reads times as UTC', () => {
    expect(
      filledMatchers([
        { name: ' source ', op: '=', value: 'shop' },
        { name: '', op: '=', value: '' },
      ]),
    ).toEqual([{ name: 'source', op: '=', value: 'shop' }]);
    expect(parseUtcLocal('2026-12-04T18:30')).toBe(Date.parse('2026-12-04T18:30:00Z'));
    expect(parseUtcLocal('tomorrow')).toBeNull();
  });
});
