import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { signIn } from './sign-in.ts';
import { stack, type E2EStack } from './stack.ts';

// Issuing and revoking keys is an admin's work.
test.beforeEach(({ page }) => signIn(page, 'admin'));

interface ListedKey {
  id: string;
  prefix: string;
  state: string;
  lastUsedAt: string | null;
}

async function send(s: E2EStack, key: string): Promise<number> {
  const res = await fetch(`${s.ingestUrl}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ event_type: 'page_view', data: { path: '/keys-e2e' } }),
  });
  return res.status;
}

/** The key as the management API lists it (the stored state, not the page). */
async function listedKey(s: E2EStack, id: string): Promise<ListedKey | undefined> {
  const res = await fetch(`${s.webUrl}/api/v1/keys`, { headers: { authorization: `Bearer ${s.apiKey}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: ListedKey[] }).items.find((k) => k.id === id);
}

test('an admin issues a write key, it sends events, and once revoked ingest refuses it within 5 s', async ({
  page,
}, testInfo) => {
  const s = stack();
  const name = `e2e-${randomUUID().slice(0, 8)}`;

  // 1. Issue a write key for the demo source; the secret is shown once.
  await page.goto(`${s.webUrl}/keys`);
  await page.getByTestId('issue-key-type').selectOption('write');
  await page.getByTestId('issue-key-source').selectOption('demo');
  await page.getByTestId('issue-key-name').fill(name);
  await page.getByTestId('issue-key-submit').click();
  const issued = page.getByTestId('issued-key');
  await expect(issued).toBeVisible();
  const key = (await page.getByTestId('issued-key-secret').textContent())?.trim() ?? '';
  expect(key).toMatch(/^trb_wk_/);
  const id = (await issued.getAttribute('data-key-id')) ?? '';
  const row = page.locator(`[data-testid="key-row"][data-key-id="${id}"]`);
  await expect(row).toContainText(name);
  await expect(row.getByTestId('key-state')).toHaveText('active');
  await page.screenshot({ path: testInfo.outputPath('keys-issued.png'), fullPage: true });

  // The list shows the prefix only, never the secret.
  await page.getByTestId('dismiss-key').click();
  await expect(page.getByTestId('issued-key')).toHaveCount(0);
  expect(await page.locator('body').textContent()).not.toContain(key);

  // 2. The key sends an event; its last use is recorded.
  expect(await send(s, key)).toBe(200);
  await expect.poll(async () => (await listedKey(s, id))?.lastUsedAt ?? null).not.toBeNull();
  await page.reload();
  await expect(row.getByTestId('key-last-used')).not.toHaveText('never');

  // 3. Revoke it in the console, with the confirmation.
  await row.getByTestId('revoke-key').click();
  await row.getByTestId('confirm-revoke').click();
  await expect(row.getByTestId('key-state')).toHaveText('revoked');
  expect((await listedKey(s, id))?.state).toBe('revoked');

  // 4. Ingest refuses it within 5 s.
  await expect.poll(() => send(s, key), { timeout: 5000, intervals: [100] }).toBe(401);
  // The demo's own key still works.
  expect(await send(s, s.writeKey)).toBe(200);
  await page.screenshot({ path: testInfo.outputPath('keys-revoked.png'), fullPage: true });
});
