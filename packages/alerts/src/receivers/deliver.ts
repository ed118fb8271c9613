import type { Receiver } from '@tributary/contracts';
import type { GroupNotification } from '../notification.ts';
import { sendEmail, type SmtpSettings } from './email.ts';
import { describeError, type DeliveryOutcome } from './outcome.ts';
import { sendWebhook } from './webhook.ts';

export interface DeliveryDeps {
  /** The SMTP server for email receivers; without one, email deliveries fail with a reason. */
  smtp?: SmtpSettings | null;
  timeoutMs?: number;
  /** Webhooks: how much of an answer is read. */
  maxResponseBytes?: number;
}

/** Sends a notification through a receiver; the outcome is data, whatever happened. */
export async function deliverNotification(
  receiver: Receiver,
  n: GroupNotification,
  deps: DeliveryDeps = {},
): Promise<DeliveryOutcome> {
  const timeout = deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {};
  try {
    switch (receiver.kind) {
      case 'webhook':
        return await sendWebhook(receiver, n, {
          ...timeout,
          ...(deps.maxResponseBytes !== undefined ? { maxResponseBytes: deps.maxResponseBytes } : {}),
        });
      case 'email':
        if (!deps.smtp)
          return {
            kind: 'failed',
            reason: 'no SMTP server is configured for email receivers',
            retriable: false,
          };
        return await sendEmail(receiver, n, deps.smtp, timeout);
    }
  } catch (err) {
    // Senders return outcomes; this catches what they did not foresee (a template bug).
    return { kind: 'failed', reason: describeError(err), retriable: false };
  }
}
