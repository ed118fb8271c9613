import { describe, expect, it } from 'vitest';
import { smtpSettings } from './smtp.ts';

describe('smtpSettings', () => {
  it('says SMTP is not configured without a host, and names a missing From address', () => {
    expect(smtpSettings({})).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^SMTP is not configured/),
    });
    expect(smtpSettings({ SMTP_HOST: 'mail.example.test' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/SMTP_FROM/),
    });
  });

  it('defaults the port by the security mode and sends a login only when a user is set', () => {
    const from = 'Tributary <alerts@example.test>';
    expect(smtpSettings({ SMTP_HOST: 'h', SMTP_FROM: from })).toEqual({
      ok: true,
      smtp: { host: 'h', port: 587, security: 'starttls', auth: undefined, from },
    });
    expect(
      smtpSettings({
        SMTP_HOST: 'h',
        SMTP_FROM: from,
        SMTP_SECURE: 'tls',
        SMTP_USER: 'u',
        SMTP_PASSWORD: 'p',
      }),
    ).toMatchObject({ ok: true, smtp: { port: 465, security: 'tls', auth: { user: 'u', pass: 'p' } } });
    expect(
      smtpSettings({ SMTP_HOST: 'h', SMTP_FROM: from, SMTP_SECURE: 'none', SMTP_PORT: 2525 }),
    ).toMatchObject({
      ok: true,
      smtp: { port: 2525, security: 'none' },
    });
  });
});
