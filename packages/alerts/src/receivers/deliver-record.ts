import type { Receiver } from '@tributary/contracts';
import { describeNotification, type NotificationContext } from '../notification.ts';
import type { NotificationRecord } from '../scheduler.ts';
import { deliverNotification, type DeliveryDeps } from './deliver.ts';
import { DEFAULT_RETRY, deliverWithRetries, type RetriedDelivery, type RetryPolicy } from './retry.ts';

export interface RecordDeliveryDeps extends DeliveryDeps {
  /** The configured receivers; the record names one of them. */
  receivers: readonly Receiver[];
  context: NotificationContext;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * What the jobs service does with one of the scheduler's records: a `send` record is described,
 * delivered to its receiver (with retries) and every attempt returned for history; a muted or
 * silenced record is only recorded, so nothing is delivered (null).
 */
export async function deliverRecord(
  record: NotificationRecord,
  deps: RecordDeliveryDeps,
): Promise<RetriedDelivery | null> {
  if (record.outcome !== 'send') return null;
  const receiver = deps.receivers.find((r) => r.name === record.receiver);
  if (!receiver) {
    // The tree names only existing receivers when saved; one deleted since is a config gap.
    const outcome = {
      kind: 'failed',
      reason: `no receiver named ${record.receiver}`,
      retriable: false,
    } as const;
    return { outcome, attempts: [outcome] };
  }
  const notification = describeNotification(record, deps.context);
  return deliverWithRetries(
    () => deliverNotification(receiver, notification, deps),
    deps.retry ?? DEFAULT_RETRY,
    ...(deps.sleep ? [deps.sleep] : []),
  );
}
