import type { SmtpSettings } from '@tributary/alerts';
import type { Env } from '../../env.ts';

type SmtpEnv = Pick<
  Env,
  'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_SECURE' | 'SMTP_USER' | 'SMTP_PASSWORD' | 'SMTP_FROM'
>;

const DEFAULT_PORT: Record<SmtpSettings['security'], number> = { tls: 465, starttls: 587, none: 25 };

/** The console's SMTP server for email send tests, or why there is none. */
export function smtpSettings(env: SmtpEnv): { ok: true; smtp: SmtpSettings } | { ok: false; reason: string } {
  if (!env.SMTP_HOST) {
    return {
      ok: false,
      reason:
        'SMTP is not configured: set SMTP_HOST, SMTP_FROM (and SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASSWORD as needed) in the console environment',
    };
  }
  if (!env.SMTP_FROM) {
    return {
      ok: false,
      reason: 'SMTP is not configured completely: SMTP_FROM (the From address) is not set',
    };
  }
  const security = env.SMTP_SECURE ?? 'starttls';
  return {
    ok: true,
    smtp: {
      host: env.SMTP_HOST,
      port: env.SMTP_PORT ?? DEFAULT_PORT[security],
      security,
      auth: env.SMTP_USER ? { user: env.SMTP_USER, pass: env.SMTP_PASSWORD ?? '' } : undefined,
      from: env.SMTP_FROM,
    },
  };
}
