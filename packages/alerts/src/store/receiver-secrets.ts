import type { Receiver } from '@tributary/contracts';

/**
 * Which parts of a receiver's config are secrets, and how a non-admin sees them. A webhook URL
 * usually is the credential (Slack's and most chat tools' incoming-webhook URLs), and header
 * values carry tokens; email receivers hold addresses only (the SMTP login is the deployment's,
 * not stored here).
 */
export const RECEIVER_SECRETS: Record<Receiver['kind'], readonly string[]> = {
  webhook: ['url', 'headers.*'],
  email: [],
};

export const MASK = '••••••';

/** Scheme and host only: enough to tell which service it posts to, not enough to post. */
function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/${MASK}`;
  } catch {
    return MASK;
  }
}

/** The receiver as anyone but an admin (and every audit row) sees it. */
export function maskReceiver(receiver: Receiver): Receiver {
  if (receiver.kind !== 'webhook') return receiver;
  return {
    ...receiver,
    url: maskUrl(receiver.url),
    headers: Object.fromEntries(Object.keys(receiver.headers).map((h) => [h, MASK])),
  };
}
