import { describe, expect, it } from 'vitest';
import { validateEvent } from './validate-event.ts';

describe('validateEvent', () => {
  it('accepts a complete event and a minimal one', () => {
    expect(
      validateEvent({
        event_id: 'e1',
        event_type: 'page_view',
        timestamp: '2026-11-22T10:00:00.000Z',
        user_id: 'u1',
        data: { path: '/' },
        metadata: { ua: 'x' },
        schema_version: 2,
      }).ok,
    ).toBe(true);
    expect(validateEvent({ event_type: 'page_view' }).ok).toBe(true);
  });

  it('explains what is wrong, field by field', () => {
    const r = validateEvent({ data: 'nope', timestamp: 'yesterday', colour: 'red' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reasons).toContain("event: missing required field 'event_type'");
    expect(r.reasons.some((m) => m.startsWith('data:'))).toBe(true);
    expect(r.reasons.some((m) => m.startsWith('timestamp:'))).toBe(true);
    expect(r.reasons).toContain("event: unknown field 'colour' (put custom fields under data)");
  });

  it('refuses non-objects and odd event types', () => {
    expect(validateEvent([]).ok).toBe(false);
    expect(validateEvent(null).ok).toBe(false);
    expect(validateEvent({ event_type: 'has space' }).ok).toBe(false);
  });

  it('refuses events nested deeper than the limit', () => {
    let deep: Record<string, unknown> = {};
    const data = deep;
    for (let i = 0; i < 40; i++) {
      const next = {};
      deep.x = next;
      deep = next;
    }
    const r = validateEvent({ event_type: 'a', data });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reasons[0]).toMatch(/nested \d+ levels deep/);
  });
});
