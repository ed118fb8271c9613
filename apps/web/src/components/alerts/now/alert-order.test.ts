import { describe, expect, it } from 'vitest';
import { countByState, firingLabel, orderAlerts } from './alert-order.ts';

const a = (state: 'firing' | 'pending' | 'no_data' | 'error', since: string, rule = 'r', groupKey = '') => ({
  state,
  since,
  rule,
  groupKey,
});

describe('alert order', () => {
  it('puts firing first, then errors, missing data and pending, newest first within each', () => {
    const alerts = [
      a('pending', '2026-12-04T18:05:00Z'),
      a('firing', '2026-12-04T18:00:00Z'),
      a('no_data', '2026-12-04T18:03:00Z'),
      a('firing', '2026-12-04T18:04:00Z', 'b'),
      a('error', '2026-12-04T17:00:00Z'),
      a('firing', '2026-12-04T18:04:00Z', 'a'),
    ];
    expect(orderAlerts(alerts).map((x) => `${x.state} ${x.since.slice(11, 16)} ${x.rule}`)).toEqual([
      'firing 18:04 a',
      'firing 18:04 b',
      'firing 18:00 r',
      'error 17:00 r',
      'no_data 18:03 r',
      'pending 18:05 r',
    ]);
    expect(countByState(alerts)).toEqual({ firing: 3, error: 1, no_data: 1, pending: 1, normal: 0 });
  });

  it('words the nav badge', () => {
    expect(firingLabel(1)).toBe('1 alert firing');
    expect(firingLabel(3)).toBe('3 alerts firing');
  });
});
