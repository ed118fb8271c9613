import type { Receiver } from '@tributary/contracts';
import type { GroupNotification } from '../notification.ts';
import { renderSlack } from '../templates.ts';
import { DELIVERY_TIMEOUT_MS, describeError, type DeliveryOutcome } from './outcome.ts';
import { webhookPayload } from './payload.ts';

export type WebhookReceiver = Extract<Receiver, { kind: 'webhook' }>;

export interface WebhookOptions {
  /** The whole exchange: connect, send, answer headers and body. */
  timeoutMs?: number;
  /** How much of the answer is read (to quote it in a failure); the rest is discarded. */
  maxResponseBytes?: number;
}

const MAX_RESPONSE_BYTES = 64 * 1024;
/** How much of an error answer a failure quotes. */
const QUOTE_CHARS = 200;

/** The body a receiver's format asks for. */
export function webhookBody(receiver: WebhookReceiver, n: GroupNotification): unknown {
  return receiver.format === 'slack' ? renderSlack(n) : webhookPayload(n);
}

/** Reads at most `max` bytes of the body, then drops the connection's rest (a huge answer costs nothing). */
async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

/**
 * POSTs the notification. Redirects are not followed: a webhook URL that moved should be
 * corrected, and following one would let a stored URL bounce alerts (with their headers) to an
 * address nobody configured. Never throws.
 */
export async function sendWebhook(
  receiver: WebhookReceiver,
  n: GroupNotification,
  options: WebhookOptions = {},
): Promise<DeliveryOutcome> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(receiver.url, {
      method: 'POST',
      headers: {
        'user-agent': 'Tributary-Alerts/1',
        ...receiver.headers,
        'content-type': 'application/json',
      },
      body: JSON.stringify(webhookBody(receiver, n)),
      redirect: 'manual',
      signal,
    });
    const answer = await readCapped(res, options.maxResponseBytes ?? MAX_RESPONSE_BYTES);
    if (res.status >= 300 && res.status < 400) {
      const to = res.headers.get('location');
      return {
        kind: 'failed',
        retriable: false,
        reason: `answered ${res.status}, a redirect${to ? ` to ${to}` : ''}: redirects are not followed, configure the final address`,
      };
    }
    if (!res.ok) {
      const quote = answer.trim().slice(0, QUOTE_CHARS);
      return {
        kind: 'failed',
        reason: `answered ${res.status}${quote ? `: ${quote}` : ''}`,
        // 408 and 429 say "later"; other 4xx say the request is wrong and will stay wrong.
        retriable: res.status >= 500 || res.status === 408 || res.status === 429,
      };
    }
    return { kind: 'ok', detail: `answered ${res.status}` };
  } catch (err) {
    if (signal.aborted) return { kind: 'timed_out', reason: `no complete answer within ${timeoutMs} ms` };
    // Connection refused or reset, DNS: the receiver may be back in a moment.
    return { kind: 'failed', reason: describeError(err), retriable: true };
  }
}
