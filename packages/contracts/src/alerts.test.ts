import { describe, expect, it } from 'vitest';
import {
  alertRuleSchema,
  notificationConfigSchema,
  silenceSchema,
  muteTimingSchema,
  type AlertRuleInput,
} from './alerts.ts';

const base: AlertRuleInput = {
  name: 'dlq-rate',
  title: 'Dead letters above 1%',
  query: { kind: 'signal', signal: { kind: 'dead_letter_rate' } },
  condition: { kind: 'threshold', op: 'above', threshold: 0.01 },
};

function messages(input: unknown, schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }) {
  const r = schema.safeParse(input);
  if (r.success) return [];
  return (r.error as { issues: { message: string }[] }).issues.map((i) => i.message);
}

describe('alert rules', () => {
  it('fills defaults', () => {
    const r = alertRuleSchema.parse(base);
    expect(r).toMatchObject({
      intervalSeconds: 60,
      windowSeconds: 300,
      pendingSeconds: 0,
      keepFiringSeconds: 0,
      noData: 'no_data',
      onError: 'error',
      labels: {},
    });
    expect(r.query).toEqual({
      kind: 'signal',
      signal: { kind: 'dead_letter_rate', groupBy: [], stages: [], codes: [] },
    });
  });

  it('refuses a recovery threshold on the wrong side', () => {
    expect(messages({ ...base, condition: { ...base.condition, recovery: 0.02 } }, alertRuleSchema)).toEqual([
      "the recovery threshold (0.02) must not be above the threshold (0.01) of an 'above' rule",
    ]);
    expect(
      messages(
        { ...base, condition: { kind: 'threshold', op: 'below', threshold: 5, recovery: 4 } },
        alertRuleSchema,
      ),
    ).toEqual(["the recovery threshold (4) must not be below the threshold (5) of a 'below' rule"]);
  });

  it('checks ranges and their recovery range', () => {
    expect(
      messages({ ...base, condition: { kind: 'outside_range', low: 5, high: 1 } }, alertRuleSchema),
    ).toContain('the range needs low < high');
    expect(
      messages(
        { ...base, condition: { kind: 'outside_range', low: 1, high: 5, recoveryLow: 0 } },
        alertRuleSchema,
      ),
    ).toEqual(['the recovery range lies inside the range (low <= recoveryLow <= recoveryHigh <= high)']);
  });

  it('takes a panel query with a fixed interval and no variables', () => {
    const panel = {
      ...base,
      query: {
        kind: 'panel',
        query: {
          source: { kind: 'events', eventTypes: ['purchase'] },
          measure: { fn: 'sum', field: 'data.amount' },
          interval: 'auto',
          filters: [{ field: 'source', op: '=', variable: 'src' }],
        },
      },
    };
    expect(messages(panel, alertRuleSchema)).toEqual([
      'an alert rule has no dashboard variables: give filter source a value instead of $src',
      "an alert's panel query needs a fixed interval (60, 300, 900, 3600 or 86400 s), not 'auto'",
    ]);
    const ok = {
      ...panel,
      query: { ...panel.query, query: { ...panel.query.query, interval: 60, filters: [] } },
    };
    expect(alertRuleSchema.safeParse(ok).success).toBe(true);
    expect(messages({ ...ok, windowSeconds: 90 }, alertRuleSchema)).toEqual([
      "the window (90 s) is a whole number of the panel's 60 s buckets",
    ]);
  });

  it('reserves alertname and needs a source for silence signals', () => {
    expect(messages({ ...base, labels: { alertname: 'x' } }, alertRuleSchema)).toEqual([
      'the label alertname is set by the alert itself',
    ]);
    expect(
      messages(
        { ...base, query: { kind: 'signal', signal: { kind: 'source_silence', sources: [], minutes: 10 } } },
        alertRuleSchema,
      ),
    ).toEqual(['name at least one source to watch']);
    expect(messages({ ...base, pendingSeconds: 1.5 }, alertRuleSchema)).toEqual([
      'the pending period is a whole number of seconds',
    ]);
  });
});

describe('notification config', () => {
  it('checks that the tree names existing receivers and mute timings', () => {
    const msgs = messages(
      {
        receivers: [{ kind: 'webhook', name: 'inbox', url: 'http://127.0.0.1:3000/inbox' }],
        policy: {
          receiver: 'inbox',
          routes: [
            {
              receiver: 'pager',
              matchers: [{ name: 'team', op: '=~', value: '(' }],
              muteTimings: ['nights'],
            },
          ],
        },
      },
      notificationConfigSchema,
    );
    expect(msgs[0]).toMatch(/^the pattern for team is not a valid regular expression/);
    const ok = notificationConfigSchema.safeParse({
      receivers: [{ kind: 'webhook', name: 'inbox', url: 'http://127.0.0.1:3000/inbox' }],
      policy: { receiver: 'inbox', routes: [{ receiver: 'pager', muteTimings: ['nights'] }] },
    });
    expect(ok.success).toBe(false);
    expect(ok.error?.issues.map((i) => i.message)).toEqual([
      'no receiver named pager',
      'no mute timing named nights',
    ]);
  });

  it('defaults the root timings like Alertmanager', () => {
    const c = notificationConfigSchema.parse({
      receivers: [{ kind: 'email', name: 'oncall', to: ['oncall@example.com'] }],
      policy: { receiver: 'oncall' },
    });
    expect(c.policy).toMatchObject({
      groupBy: ['alertname'],
      groupWaitSeconds: 30,
      groupIntervalSeconds: 300,
      repeatIntervalSeconds: 14_400,
    });
    expect(
      messages(
        { kind: 'webhook', name: 'x', url: 'ftp://a' },
        notificationConfigSchema.shape.receivers.element,
      ),
    ).toEqual(['a webhook URL is an http:// or https:// address']);
  });

  it('checks mute timings', () => {
    expect(messages({ name: 'n', timeZone: 'Mars/Olympus', intervals: [{}] }, muteTimingSchema)).toEqual([
      'an IANA time zone such as Europe/Berlin or UTC',
    ]);
    expect(
      messages({ name: 'n', intervals: [{ times: [{ start: '22:00', end: '06:00' }] }] }, muteTimingSchema),
    ).toEqual(['a time range starts before it ends (use two ranges to span midnight)']);
  });
});

describe('silences', () => {
  const s = {
    matchers: [{ name: 'alertname', op: '=', value: 'dlq-rate' }],
    startsAt: '2026-03-10T10:00:00Z',
    end: { kind: 'at', endsAt: '2026-03-10T12:00:00Z' },
    createdBy: 'ana',
    comment: 'deploying the fix',
  };
  it('requires an author, a comment and a narrowing matcher', () => {
    expect(silenceSchema.parse(s).startsAt).toBe(Date.parse('2026-03-10T10:00:00Z'));
    expect(messages({ ...s, createdBy: ' ', comment: '' }, silenceSchema)).toEqual([
      'who silences this (author) is required',
      'say why (a comment is required)',
    ]);
    expect(
      messages({ ...s, matchers: [{ name: 'alertname', op: '=~', value: '.*' }] }, silenceSchema),
    ).toEqual(['a silence must narrow by at least one label']);
    expect(messages({ ...s, end: { kind: 'at', endsAt: s.startsAt } }, silenceSchema)).toEqual([
      'a silence ends after it starts',
    ]);
    expect(silenceSchema.safeParse({ ...s, end: { kind: 'until_resolved' } }).success).toBe(true);
  });
});
