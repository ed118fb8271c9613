import type { Receiver } from '@tributary/contracts';
import nodemailer from 'nodemailer';
import type { GroupNotification } from '../notification.ts';
import { renderMessage } from '../templates.ts';
import { DELIVERY_TIMEOUT_MS, describeError, type DeliveryOutcome } from './outcome.ts';

export type EmailReceiver = Extract<Receiver, { kind: 'email' }>;

/**
 * The SMTP server mail goes through: one per deployment (the jobs service's settings), while
 * receivers only say who gets the mail.
 */
export interface SmtpSettings {
  host: string;
  port: number;
  /** tls: TLS from the first byte (465); starttls: upgrade required (587); none: plain (a local relay). */
  security: 'tls' | 'starttls' | 'none';
  auth?: { user: string; pass: string } | undefined;
  /** The From address, e.g. "Tributary <alerts@example.com>". */
  from: string;
  /**
   * PEM certificates to trust besides the system's (a company's own CA). The server's
   * certificate is always verified: a relay that cannot prove who it is gets no alerts.
   */
  ca?: string | undefined;
}

export interface EmailOptions {
  /** The whole exchange with the server, connecting included. */
  timeoutMs?: number;
}

/** Sends the notification as one mail to the receiver's addresses. Never throws. */
export async function sendEmail(
  receiver: EmailReceiver,
  n: GroupNotification,
  smtp: SmtpSettings,
  options: EmailOptions = {},
): Promise<DeliveryOutcome> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const message = renderMessage(n, receiver.subjectPrefix);
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.pass } } : {}),
    ...(smtp.ca ? { tls: { ca: smtp.ca } } : {}),
    // Each phase is bounded by nodemailer; the timer below bounds their sum.
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const sent = transport.sendMail({
      from: smtp.from,
      to: receiver.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
    });
    // The losing promise must not become an unhandled rejection once the timer won.
    sent.catch(() => undefined);
    const info = await Promise.race([sent, timedOut]);
    if (info === 'timeout') {
      return { kind: 'timed_out', reason: `the SMTP exchange did not finish within ${timeoutMs} ms` };
    }
    const rejected = info.rejected.map(String);
    if (rejected.length > 0) {
      const accepted = info.accepted.map(String);
      return {
        kind: 'failed',
        retriable: false,
        reason: `the server refused ${rejected.join(', ')}${accepted.length ? ` (accepted ${accepted.join(', ')})` : ''}`,
      };
    }
    return { kind: 'ok', detail: `accepted for ${info.accepted.map(String).join(', ')}: ${info.response}` };
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ETIMEDOUT')
      return { kind: 'timed_out', reason: describeError(err) };
    // SMTP replies 4xx for "try later" and 5xx for "never"; no reply at all is a network failure.
    const code = (err as { responseCode?: unknown }).responseCode;
    const retriable = typeof code === 'number' ? code >= 400 && code < 500 : true;
    return { kind: 'failed', reason: describeError(err), retriable };
  } finally {
    clearTimeout(timer);
    // Closes the connection a timed-out exchange left open.
    transport.close();
  }
}
