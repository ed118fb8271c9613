import { describe, expect, it } from 'vitest';
import { matcherText, silenceEnd, silenceStatus } from './silence-status.ts';

const t = Date.parse('2026-12-04T18:00:00Z');
const hour = 3_600_000;

describe('silence status', () => {
  it('tells upcoming, active and ended apart', () => {
    const s = { startsAt: t, end: { kind: 'at' as const, endsAt: t + hour } };
    expect(silenceStatus(s, t - 1)).toBe('upcoming');
    expect(silenceStatus(s, t)).toBe('active');
    expect(silenceStatus(s, t + hour)).toBe('ended');
    expect(silenceStatus({ ...s, endedAt: t + 60_000 }, t + 60_000)).toBe('ended');
    const untilResolved = { startsAt: t, end: { kind: 'until_resolved' as const } };
    expect(silenceStatus(untilResolved, t + 100 * hour)).toBe('active');
    expect(silenceStatus({ ...untilResolved, endedAt: t + hour }, t + 2 * hour)).toBe('ended');
  });

  it('gives the end that applies: expired early, at its time, or none yet', () => {
    const s = { startsAt: t, end: { kind: 'at' as const, endsAt: t + hour } };
    expect(silenceEnd(s)).toBe(t + hour);
    expect(silenceEnd({ ...s, endedAt: t + 60_000 })).toBe(t + 60_000);
    expect(silenceEnd({ startsAt: t, end: { kind: 'until_resolved' }, endedAt: null })).toBeNull();
  });

  it('writes matchers as Alertmanager does', () => {
    expect(matcherText({ name: 'source', op: '=~', value: 'shop|app' })).toBe('source=~"shop|app"');
  });
});
