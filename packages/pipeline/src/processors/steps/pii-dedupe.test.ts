import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../expressions.ts';
import { createMemoryDedupeStore } from '../memory-dedupe-store.ts';
import { testEvent, testRuntime } from '../test-events.ts';
import { dedupeStep } from './dedupe.ts';
import { piiHashStep } from './pii-hash.ts';

const ctxOf = (n: number, rt = testRuntime()) => ({
  rt,
  indices: Array.from({ length: n }, (_, i) => i),
  contributions: [],
  watermark: { eventTimeMs: 0 },
});

describe('pii_hash', () => {
  it('replaces tagged and listed fields with their HMAC-SHA256', async () => {
    const tags = (t: string) => (t === 'signup' ? ['data.email', 'data.__proto__'] : []);
    const step = piiHashStep(
      { id: 'p', kind: 'pii_hash', fields: ['user_id', 'data.absent'] },
      'secret',
      tags,
    );
    const [r] = await step.run([testEvent()], ctxOf(1));
    const h = (s: string) => createHmac('sha256', 'secret').update(s).digest('hex');
    expect(r).toMatchObject({
      kind: 'ok',
      event: { user_id: h('u1'), data: { email: h('ada@example.com'), plan: 'pro' } },
    });
    expect(r!.kind === 'ok' && 'absent' in r!.event.data).toBe(false);
    const [other] = await step.run([testEvent({ event_type: 'login' })], ctxOf(1));
    expect(other).toMatchObject({ event: { user_id: h('u1'), data: { email: 'ada@example.com' } } });
  });
});

describe('dedupe', () => {
  const key = compileExpression('data.order_id');
  if (!key.ok) throw new Error('key');
  const step = dedupeStep(
    { id: 'd', kind: 'dedupe', key: 'data.order_id', windowSeconds: 60 },
    key.expression,
  );

  it('drops repeats inside a batch and across batches within the window', async () => {
    let now = 1_000_000;
    const rt = testRuntime({ dedupe: createMemoryDedupeStore(() => now) });
    const batch = [
      testEvent({ event_id: 'e1', data: { order_id: 'a' } }),
      testEvent({ event_id: 'e2', data: { order_id: 'b' } }),
      testEvent({ event_id: 'e3', data: { order_id: 'a' } }),
    ];
    const first = await step.run(batch, ctxOf(3, rt));
    expect(first.map((r) => r.kind)).toEqual(['ok', 'ok', 'drop']);
    expect(first[2]).toEqual({ kind: 'drop', reason: 'dedupe d: key seen earlier in the batch' });
    const second = await step.run(
      [
        testEvent({ event_id: 'e4', data: { order_id: 'b' } }),
        testEvent({ event_id: 'e5', data: { order_id: 'c' } }),
      ],
      ctxOf(2, rt),
    );
    expect(second.map((r) => r.kind)).toEqual(['drop', 'ok']);
    now += 61_000;
    const later = await step.run([testEvent({ event_id: 'e6', data: { order_id: 'b' } })], ctxOf(1, rt));
    expect(later.map((r) => r.kind)).toEqual(['ok']);
  });

  it('dead-letters a key that fails or is not a scalar', async () => {
    const out = await step.run([testEvent(), testEvent({ data: { order_id: { x: 1 } } })], ctxOf(2));
    expect(out[0]).toMatchObject({
      kind: 'dead_letter',
      code: 'processor_error',
      reason: 'step d: No such key: order_id',
    });
    expect(out[1]).toMatchObject({ kind: 'dead_letter', reason: expect.stringContaining('an object') });
  });

  it('keeps scopes apart', async () => {
    const store = createMemoryDedupeStore();
    expect(await store.firstSeen('a', ['k', 'k2'], 10)).toEqual([true, true]);
    expect(await store.firstSeen('b', ['k'], 10)).toEqual([true]);
    expect(await store.firstSeen('a', ['k'], 10)).toEqual([false]);
  });
});

describe('dedupe re-runs', () => {
  it('keeps an event that asks again for its own key (a batch re-run after a crash)', async () => {
    const key = compileExpression('data.order_id');
    if (!key.ok) throw new Error('key');
    const step = dedupeStep(
      { id: 'd', kind: 'dedupe', key: 'data.order_id', windowSeconds: 60 },
      key.expression,
    );
    const rt = testRuntime();
    const batch = [testEvent({ event_id: 'x1', data: { order_id: 'a' } })];
    expect((await step.run(batch, ctxOf(1, rt))).map((r) => r.kind)).toEqual(['ok']);
    expect((await step.run(batch, ctxOf(1, rt))).map((r) => r.kind)).toEqual(['ok']);
    const other = [testEvent({ event_id: 'x2', data: { order_id: 'a' } })];
    expect((await step.run(other, ctxOf(1, rt))).map((r) => r.kind)).toEqual(['drop']);
  });
});
