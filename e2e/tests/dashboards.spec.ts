import { randomUUID } from 'node:crypto';
import { expect, test, type Locator } from '@playwright/test';
import { signIn } from './sign-in.ts';
import { clickhouse, sendEvents, stack, type E2EStack } from './stack.ts';

// Building dashboards needs dashboards:write; a schema owner has it.
test.beforeEach(({ page }) => signIn(page, 'schema_owner'));

async function send(s: E2EStack, type: string, n: number, tag: string): Promise<void> {
  const res = await sendEvents(
    s,
    Array.from({ length: n }, (_, i) => ({
      event_id: `${tag}-${type}-${randomUUID()}`,
      event_type: type,
      user_id: `u-${i % 4}`,
      data: { n: i },
    })),
  );
  expect(res.status, await res.clone().text()).toBe(200);
  expect(((await res.json()) as { accepted: number }).accepted).toBe(n);
}

async function statValue(panel: Locator): Promise<number> {
  return Number((await panel.getByTestId('stat-value').getAttribute('data-value')) ?? 'NaN');
}

test('an analyst builds a dashboard, filters it with a variable, watches it update and shares it', async ({
  page,
  browser,
}, testInfo) => {
  const s = stack();
  const tag = randomUUID().slice(0, 8);
  const views = `e2e_dash_${tag}_view`;
  const signups = `e2e_dash_${tag}_signup`;
  await send(s, views, 30, tag);
  await send(s, signups, 6, tag);
  await expect
    .poll(
      async () => Number(await clickhouse(s, `SELECT count() FROM events WHERE event_type = '${signups}'`)),
      {
        timeout: 30_000,
      },
    )
    .toBe(6);

  // 1. Create it.
  await page.goto(`${s.webUrl}/dashboards`);
  await page.getByTestId('dashboard-title').fill(`Growth ${tag}`);
  await expect(page.getByTestId('dashboard-slug')).toHaveValue(`growth-${tag}`);
  await page.getByTestId('create-dashboard').click();
  await expect(page).toHaveURL(new RegExp(`/dashboards/growth-${tag}$`));
  await expect(page.getByTestId('dashboard-name')).toHaveText(`Growth ${tag}`);

  // 2. A variable, then a timeseries filtered by it and a stat that is not.
  await page.getByTestId('variable-name').fill('type');
  await page.getByTestId('add-variable').click();
  await expect(page.locator('[data-testid="dashboard-variable"][data-variable="type"]')).toBeVisible();

  const builder = page.getByTestId('panel-builder');
  await builder.getByTestId('panel-title').fill('Events by type');
  await builder.getByTestId('panel-types').fill(`${views}, ${signups}`);
  await builder.getByTestId('panel-group-by').fill('event_type');
  await builder.getByTestId('panel-interval').selectOption('60');
  await builder.locator('[data-variable="type"]').check();
  await builder.getByTestId('add-panel').click();
  const series = page.locator('[data-testid="panel"][data-panel="events-by-type"]');
  await expect(series).toBeVisible();

  await builder.getByTestId('panel-title').fill('Sign-ups');
  await builder.getByTestId('panel-viz').selectOption('stat');
  await builder.getByTestId('panel-types').fill(signups);
  await builder.getByTestId('panel-group-by').fill('');
  await builder.locator('[data-variable="type"]').uncheck();
  await builder.getByTestId('add-panel').click();
  const stat = page.locator('[data-testid="panel"][data-panel="sign-ups"]');
  await expect(stat).toBeVisible();

  // 3. The numbers: 6 sign-ups so far; the timeseries says where it read them from. Refreshing
  // every 5 s, the panels pick the events up once the workers have stored them.
  await page.getByTestId('dashboard-refresh').selectOption('5');
  await expect.poll(() => statValue(stat), { timeout: 30_000 }).toBe(6);
  await expect(series.getByTestId('panel-source')).toContainText(
    /from (raw events|1-minute rollup|1-hour rollup)/,
  );
  await expect(series.locator('.recharts-legend-item')).toHaveCount(2);
  // Freshness from the workers' committed progress (the lag sampler runs every 5 s): green once caught up.
  await expect(series.getByTestId('panel-freshness')).toHaveAttribute('data-tone', 'good', {
    timeout: 30_000,
  });

  // 4. The variable narrows the timeseries to one type.
  await page.locator('[data-testid="dashboard-variable"][data-variable="type"]').fill(views);
  await expect(series.locator('.recharts-legend-item')).toHaveCount(1);
  await expect(series.locator('.recharts-legend-item')).toContainText(views);

  // 5. Live: with the 5 s refresh, new sign-ups show without a reload.
  await send(s, signups, 4, tag);
  await expect.poll(() => statValue(stat), { timeout: 30_000 }).toBe(10);
  await page.screenshot({ path: testInfo.outputPath('dashboard.png'), fullPage: true });

  // 6. Share: the link opens signed out, read-only, with the same numbers.
  await page.getByTestId('share-dashboard').click();
  const tokenText = (await page.getByTestId('share-token').textContent()) ?? '';
  const token = /trs_[A-Za-z0-9_-]+/.exec(tokenText)?.[0] ?? '';
  expect(token).not.toBe('');
  const anonymous = await browser.newContext();
  const visitor = await anonymous.newPage();
  await visitor.goto(`${s.webUrl}/shared/${token}`);
  await expect(visitor.getByTestId('dashboard-name')).toHaveText(`Growth ${tag}`);
  const sharedStat = visitor.locator('[data-testid="panel"][data-panel="sign-ups"]');
  await expect.poll(() => statValue(sharedStat), { timeout: 30_000 }).toBe(10);
  await expect(visitor.getByTestId('panel-builder')).toHaveCount(0);
  // A made-up link opens nothing.
  await visitor.goto(`${s.webUrl}/shared/trs_${'x'.repeat(43)}`);
  await expect(visitor.getByText(/does not open a dashboard/)).toBeVisible();
  // Revoked, the link stops opening the dashboard.
  await page.getByTestId('revoke-share').click();
  await expect(page.getByTestId('share-row').first()).toHaveAttribute('data-revoked', 'true');
  await visitor.goto(`${s.webUrl}/shared/${token}`);
  await expect(visitor.getByText(/does not open a dashboard/)).toBeVisible();
  await anonymous.close();
});
