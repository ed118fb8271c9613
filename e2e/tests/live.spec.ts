import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { signIn } from './sign-in.ts';
import { clickhouse, sendEvents, stack } from './stack.ts';

// Reading the console is what a viewer does.
test.beforeEach(({ page }) => signIn(page, 'viewer'));

test('events sent through ingest appear on the Live chart and in the tail', async ({ page }, testInfo) => {
  const s = stack();
  await page.goto(`${s.webUrl}/live`);
  await expect(page.getByTestId('live-chart')).toBeVisible();
  const before = Number((await page.getByTestId('total-events').textContent())?.replace(/\D/g, '') || '0');

  const runTag = randomUUID().slice(0, 8);
  const events = Array.from({ length: 5 }, (_, i) => ({
    event_id: `e2e-${runTag}-${i}`,
    event_type: 'e2e_click',
    user_id: `user-${i}`,
    data: { button: 'signup', run: runTag, i },
  }));
  const res = await sendEvents(s, events);
  expect(res.status).toBe(200);

  // The tail shows each new event, with its payload, without a reload.
  for (const e of events) {
    await expect(page.getByTestId('live-tail').getByText(e.event_id)).toBeVisible();
  }
  await expect(page.getByTestId('live-tail')).toContainText(runTag);
  await expect
    .poll(async () =>
      Number((await page.getByTestId('total-events').textContent())?.replace(/\D/g, '') || '0'),
    )
    .toBeGreaterThanOrEqual(before + 5);
  await expect(page.getByTestId('live-chart')).toContainText('e2e_click');

  // And the stored result agrees with what the page shows.
  expect(await clickhouse(s, `SELECT count() FROM events WHERE event_id LIKE 'e2e-${runTag}-%'`)).toBe('5');

  const shot = await page.screenshot({ fullPage: true });
  await testInfo.attach('live-page', { body: shot, contentType: 'image/png' });
  await page.screenshot({ path: testInfo.outputPath('live-page.png'), fullPage: true });
});

test('the Pipeline page shows per-stage counts and freshness', async ({ page }) => {
  const s = stack();
  const res = await sendEvents(s, [{ event_type: 'e2e_pipeline', data: {} }, { data: {} }]);
  expect(res.status).toBe(200);
  await page.goto(`${s.webUrl}/pipeline`);
  await expect
    .poll(
      async () => Number((await page.getByTestId('stage-received').textContent())?.replace(/\D/g, '') || '0'),
      {
        timeout: 30_000,
      },
    )
    .toBeGreaterThanOrEqual(2);
  await expect
    .poll(
      async () => Number((await page.getByTestId('stage-rejected').textContent())?.replace(/\D/g, '') || '0'),
      {
        timeout: 30_000,
      },
    )
    .toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId('freshness-p50')).toContainText(/\d/);
  await expect(page.getByTestId('freshness-p99')).toContainText(/\d/);
});
