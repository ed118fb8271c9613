import { getAlertReceiver, sendTestNotification, type DeliveryOutcome } from '@tributary/alerts';
import type { Db } from '@tributary/db';
import type { Env } from '../../env.ts';
import { smtpSettings } from './smtp.ts';

export interface SendTestResult {
  receiver: string;
  kind: 'webhook' | 'email';
  outcome: DeliveryOutcome;
  at: string;
}

/**
 * "Send test" on a stored receiver: a sample notification through its real config (secrets
 * included, read here and never sent back), the outcome as data: a receiver refusing is what
 * the button is for, not an error of the console.
 */
export async function sendReceiverTest(
  db: Db,
  env: Pick<Env, 'TRIBUTARY_CONSOLE_ORIGIN'> & Parameters<typeof smtpSettings>[0],
  name: string,
  opts: { now?: number; timeoutMs?: number } = {},
): Promise<SendTestResult> {
  const { receiver } = await getAlertReceiver(db, name, { reveal: true });
  const now = opts.now ?? Date.now();
  const at = new Date(now).toISOString();
  const smtp = smtpSettings(env);
  if (receiver.kind === 'email' && !smtp.ok) {
    return {
      receiver: name,
      kind: 'email',
      at,
      outcome: { kind: 'failed', reason: smtp.reason, retriable: false },
    };
  }
  const outcome = await sendTestNotification(receiver, {
    consoleUrl: env.TRIBUTARY_CONSOLE_ORIGIN[0] ?? 'http://127.0.0.1:3000',
    now,
    smtp: smtp.ok ? smtp.smtp : null,
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  });
  return { receiver: name, kind: receiver.kind, at, outcome };
}
