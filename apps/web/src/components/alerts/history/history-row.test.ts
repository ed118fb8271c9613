import { describe, expect, it } from 'vitest';
import { describeHistoryRow, parseGroupKey } from './history-row.ts';

const base = {
  groupKey: '[["source","shop"]]',
  fromState: null,
  toState: null,
  receiver: null,
  outcome: null,
  silenced: false,
  detail: null,
};

describe('alert history rows', () => {
  it('reads a state change, naming a resolution', () => {
    const row = describeHistoryRow({
      ...base,
      kind: 'state_change',
      fromState: 'firing',
      toState: 'normal',
      detail: { labels: { source: 'shop' }, value: 1, reason: 'below the recovery threshold' },
    });
    expect(row).toMatchObject({
      event: 'firing → normal (resolved)',
      tone: 'good',
      labels: { source: 'shop' },
      note: 'below the recovery threshold',
    });
    expect(
      describeHistoryRow({ ...base, kind: 'state_change', fromState: 'normal', toState: 'pending' }),
    ).toMatchObject({
      event: 'normal → pending',
      tone: 'info',
    });
  });

  it('reads a failed delivery with the last attempt’s reason, and drops the record from detail', () => {
    const row = describeHistoryRow({
      ...base,
      kind: 'notification',
      groupKey: 'root:[["alertname","rejects"]]',
      receiver: 'pager',
      outcome: 'failed',
      detail: {
        record: { firing: [] },
        attempts: [
          { kind: 'failed', reason: 'HTTP 503', retriable: true },
          { kind: 'failed', reason: 'HTTP 503 Service Unavailable', retriable: true },
        ],
      },
    });
    expect(row).toMatchObject({
      event: 'failed → pager',
      tone: 'bad',
      labels: { alertname: 'rejects' },
      note: 'HTTP 503 Service Unavailable · after 2 attempts',
    });
    expect(row.detail).not.toHaveProperty('record');
    const sent = describeHistoryRow({ ...base, kind: 'notification', receiver: 'pager', outcome: 'sent' });
    expect(sent).toMatchObject({ event: 'sent → pager', tone: 'good', note: null });
  });

  it('keeps a group key that is not a label set as it is', () => {
    expect(parseGroupKey('[]')).toEqual({});
    expect(parseGroupKey('not labels')).toBeNull();
    expect(
      describeHistoryRow({ ...base, kind: 'notification', groupKey: 'odd', outcome: 'queued' }),
    ).toMatchObject({
      labels: null,
      rawGroup: 'odd',
      tone: 'info',
    });
  });
});
