import { receiverSchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import type { NotificationRecord } from '../scheduler.ts';
import { deliverRecord } from './deliver-record.ts';

const record: NotificationRecord = {
  at: Date.parse('2026-03-10T12:00:00.000Z'),
  groupId: 'g',
  routeId: 'root',
  receiver: 'mail',
  groupLabels: {},
  firing: [],
  resolved: [],
  outcome: 'send',
  reason: 'first',
  by: [],
};
const mail = receiverSchema.parse({ kind: 'email', name: 'mail', to: ['oncall@example.com'] });
const context = { consoleUrl: 'http://console.test', rule: () => undefined };
const noSleep = () => Promise.resolve();

describe('deliverRecord', () => {
  it('delivers nothing for muted and silenced records', async () => {
    for (const outcome of ['muted', 'silenced'] as const)
      expect(await deliverRecord({ ...record, outcome }, { receivers: [mail], context })).toBeNull();
  });

  it('a receiver deleted since is a failed outcome, not retried', async () => {
    const r = await deliverRecord(
      { ...record, receiver: 'gone' },
      { receivers: [mail], context, sleep: noSleep },
    );
    expect(r).toEqual({
      outcome: { kind: 'failed', reason: 'no receiver named gone', retriable: false },
      attempts: [{ kind: 'failed', reason: 'no receiver named gone', retriable: false }],
    });
  });

  it('an email receiver without SMTP settings fails once (retrying cannot help)', async () => {
    const r = await deliverRecord(record, { receivers: [mail], context, sleep: noSleep });
    expect(r?.attempts).toEqual([
      { kind: 'failed', reason: 'no SMTP server is configured for email receivers', retriable: false },
    ]);
  });
});
