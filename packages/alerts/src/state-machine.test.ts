import type { AlertCondition } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { labelsKey } from './labels.ts';
import {
  evaluateRule,
  newInstance,
  stepInstance,
  type InstanceInput,
  type InstanceState,
  type RuleInstances,
} from './state-machine.ts';

const S = 1000;
const condition: AlertCondition = { kind: 'threshold', op: 'above', threshold: 10, recovery: 5 };
const rule = {
  name: 'r',
  condition,
  noData: 'no_data' as const,
  onError: 'error' as const,
  pendingSeconds: 0,
  keepFiringSeconds: 0,
};

/** Steps one instance through inputs one minute apart; returns the states and changes. */
function run(r: typeof rule, inputs: Array<number | 'none' | 'err'>) {
  let s: InstanceState = newInstance({}, 0);
  const states: string[] = [];
  const changes: string[] = [];
  inputs.forEach((v, i) => {
    const input: InstanceInput =
      v === 'none'
        ? { kind: 'no_data' }
        : v === 'err'
          ? { kind: 'error', message: 'timeout' }
          : { kind: 'value', value: v };
    const { next, change } = stepInstance(r, s, input, i * 60 * S);
    s = next;
    states.push(s.state);
    if (change) changes.push(`${change.from}>${change.to}@${i}`);
  });
  return { states, changes };
}

describe('stepInstance', () => {
  it('fires at once without a pending period and resolves below the threshold', () => {
    expect(
      run({ ...rule, condition: { ...condition, recovery: undefined } }, [1, 11, 12, 9, 1]).changes,
    ).toEqual(['normal>firing@1', 'firing>normal@3']);
  });

  it('hysteresis: oscillating around the threshold above the recovery threshold fires once', () => {
    const r = run(rule, [1, 11, 9, 11, 9, 12, 6, 11, 4, 1]);
    expect(r.changes).toEqual(['normal>firing@1', 'firing>normal@8']);
    expect(r.states.slice(1, 8).every((s) => s === 'firing')).toBe(true);
  });

  it('waits for the pending period, and a dip above the recovery threshold does not restart it', () => {
    const r = run({ ...rule, pendingSeconds: 180 }, [11, 9, 11, 12, 13, 2]);
    // pending from 0; 3 minutes later (step 3) it fires.
    expect(r.changes).toEqual(['normal>pending@0', 'pending>firing@3', 'firing>normal@5']);
    // A real recovery during pending goes back to normal.
    expect(run({ ...rule, pendingSeconds: 180 }, [11, 4, 11, 11, 11, 11]).changes).toEqual([
      'normal>pending@0',
      'pending>normal@1',
      'normal>pending@2',
      'pending>firing@5',
    ]);
  });

  it('keeps firing for the keep-firing period after recovering', () => {
    const r = run({ ...rule, keepFiringSeconds: 120 }, [11, 1, 1, 1, 11, 1, 1, 1]);
    expect(r.changes).toEqual(['normal>firing@0', 'firing>normal@3', 'normal>firing@4', 'firing>normal@7']);
    // A breach inside the keep-firing period restarts it.
    expect(run({ ...rule, keepFiringSeconds: 120 }, [11, 1, 11, 1, 1, 1]).changes).toEqual([
      'normal>firing@0',
      'firing>normal@5',
    ]);
  });

  it('no data respects the pending period, from normal and from firing', () => {
    expect(run({ ...rule, pendingSeconds: 120 }, ['none', 'none', 'none', 1]).changes).toEqual([
      'normal>pending@0',
      'pending>no_data@2',
      'no_data>normal@3',
    ]);
    // Firing, then data goes away for less than the pending period: still firing, nothing sent.
    const brief = run({ ...rule, pendingSeconds: 120 }, [11, 11, 11, 'none', 11, 'none', 'none', 'none']);
    expect(brief.changes).toEqual(['normal>pending@0', 'pending>firing@2', 'firing>no_data@7']);
    expect(brief.states[3]).toBe('firing');
  });

  it('errors and the policies', () => {
    expect(run(rule, [1, 'err', 1]).changes).toEqual(['normal>error@1', 'error>normal@2']);
    expect(run({ ...rule, onError: 'keep_last' as never }, [11, 'err', 'err']).states).toEqual([
      'firing',
      'firing',
      'firing',
    ]);
    expect(run({ ...rule, noData: 'alerting' as never }, [1, 'none']).changes).toEqual(['normal>firing@1']);
    expect(run({ ...rule, noData: 'ok' as never }, [11, 'none']).changes).toEqual([
      'normal>firing@0',
      'firing>normal@1',
    ]);
    // An error becoming a breach: the error state stays until the breach lasted the pending period.
    expect(run({ ...rule, pendingSeconds: 60 }, ['err', 'err', 11, 11]).changes).toEqual([
      'normal>pending@0',
      'pending>error@1',
      'error>firing@3',
    ]);
  });
});

describe('evaluateRule', () => {
  const src = (s: string) => ({ source: s });
  const step = (prev: RuleInstances, outcome: Parameters<typeof evaluateRule>[2], t: number, r = rule) =>
    evaluateRule(r, prev, outcome, t);

  it('keeps one instance per group and treats missing counted groups as 0', () => {
    const a = step(
      new Map(),
      {
        kind: 'values',
        values: [
          { labels: src('web'), value: 11 },
          { labels: src('ios'), value: 1 },
        ],
        absentIsZero: true,
      },
      0,
    );
    expect(a.changes.map((c) => `${c.labels.source}:${c.to}`)).toEqual(['web:firing']);
    expect(a.instances.size).toBe(2);
    const b = step(
      a.instances,
      { kind: 'values', values: [{ labels: src('ios'), value: 2 }], absentIsZero: true },
      60 * S,
    );
    expect(b.changes.map((c) => `${c.labels.source}:${c.from}>${c.to}`)).toEqual(['web:firing>normal']);
    expect([...b.instances.keys()]).toEqual([labelsKey(src('ios'))]);
    // Nothing counted at all: still 0 everywhere, not "no data".
    const c = step(b.instances, { kind: 'values', values: [], absentIsZero: true }, 120 * S);
    expect(c.changes).toEqual([]);
  });

  it('a vanished firing group goes to no data; an empty query reaches the ungrouped instance', () => {
    const a = step(
      new Map(),
      {
        kind: 'values',
        values: [
          { labels: src('web'), value: 11 },
          { labels: src('ios'), value: 11 },
        ],
        absentIsZero: false,
      },
      0,
    );
    const b = step(
      a.instances,
      { kind: 'values', values: [{ labels: src('ios'), value: 12 }], absentIsZero: false },
      60 * S,
    );
    expect(b.changes.map((c) => `${c.labels.source}:${c.from}>${c.to}`)).toEqual(['web:firing>no_data']);
    const empty = step(new Map(), { kind: 'no_data' }, 0);
    expect(empty.changes.map((c) => [c.labels, c.to])).toEqual([[{}, 'no_data']]);
    // Data is back with groups: the rule-wide no-data instance resolves and goes away.
    const back = step(
      empty.instances,
      { kind: 'values', values: [{ labels: src('web'), value: 1 }], absentIsZero: false },
      60 * S,
    );
    expect(back.changes.map((c) => [c.labels, c.from, c.to])).toEqual([[{}, 'no_data', 'normal']]);
    expect([...back.instances.keys()]).toEqual([labelsKey(src('web'))]);
    const failed = step(back.instances, { kind: 'error', message: 'ClickHouse is unreachable' }, 120 * S);
    expect(failed.changes.map((c) => [c.labels, c.to, c.reason])).toEqual([
      [src('web'), 'error', 'evaluation failed: ClickHouse is unreachable'],
    ]);
  });
});
