// The audit trail as admins read it: a change made in the console appears under the person's
// name with the request it came in, found by the page's filters; the stored row says the same.
// Anyone else is refused the page's data.
import { randomUUID } from 'node:crypto';
import { createDb } from '@tributary/db';
import { expect, test } from '@playwright/test';
import { signIn } from './sign-in.ts';
import { stack } from './stack.ts';

test('an admin finds their own mode change on the audit page, with its request', async ({ page }) => {
  const s = stack();
  const subject = `audit_e2e_${randomUUID().slice(0, 8)}`;
  const created = await fetch(`${s.webUrl}/api/v1/schemas/${subject}/versions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ schema: { type: 'object' } }),
  });
  expect(created.status).toBe(201);

  await signIn(page, 'admin');
  await page.goto(`${s.webUrl}/schemas/${subject}`);
  await page.getByTestId('mode-select').selectOption('FULL');
  await expect(page.getByTestId('action-notice')).toHaveText('Mode set to FULL.');

  await page.goto(`${s.webUrl}/audit`);
  await page.getByTestId('audit-filter-action').selectOption('subject.set_mode');
  await page.getByTestId('audit-filter-actor').fill(s.users.admin.email);
  const row = page.getByTestId('audit-row').filter({ hasText: subject });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`user:${s.users.admin.email}`);
  await row.click();
  const detail = page.getByTestId('audit-detail');
  await expect(detail).toContainText('"compatibility": "FULL"');

  // The stored row: the person, their kind, the browser's agent and a request id.
  const db = createDb(s.databaseUrl);
  try {
    const stored = await db.auditLog.findFirstOrThrow({
      where: { action: 'subject.set_mode', actor: `user:${s.users.admin.email}` },
      orderBy: { at: 'desc' },
    });
    expect(stored.actorKind).toBe('user');
    expect(stored.userAgent).toMatch(/Chrome/);
    expect(stored.requestId).toMatch(/^[0-9a-f-]{36}$/);
    await expect(detail).toContainText(stored.requestId!);
  } finally {
    await db.$disconnect();
  }
});

test('the audit page refuses everyone but admins', async ({ page }) => {
  const s = stack();
  await signIn(page, 'operator');
  await page.goto(`${s.webUrl}/audit`);
  await expect(page.getByTestId('error-banner')).toHaveAttribute('data-code', 'forbidden');
  await expect(page.getByTestId('audit-row')).toHaveCount(0);
});
