import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { signIn } from './sign-in.ts';
import { sendEvents, stack } from './stack.ts';

// An operator writes a raw SQL panel: statements that write or read system tables are refused
// with a plain message before anything runs; a valid SELECT previews, saves and shows its rows
// from the analyst user. A viewer sees the panel but no SQL tab.
test('raw SQL panels: refused statements say why, a SELECT previews and becomes a panel', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const s = stack();
  const tag = randomUUID().slice(0, 8);
  const type = `sql_${tag}.view`;
  const res = await sendEvents(
    s,
    Array.from({ length: 5 }, (_, i) => ({ event_id: `${tag}-${i}`, event_type: type, data: { i } })),
  );
  expect(res.status, await res.clone().text()).toBe(200);

  await signIn(page, 'operator');
  await page.goto(`${s.webUrl}/dashboards`);
  await page.getByTestId('dashboard-title').fill(`SQL ${tag}`);
  await page.getByTestId('create-dashboard').click();
  await expect(page).toHaveURL(new RegExp(`/dashboards/sql-${tag}$`));

  await page.getByTestId('panel-mode-sql').click();
  const form = page.getByTestId('sql-panel-form');
  const sqlText = form.getByTestId('sql-text');
  for (const [sql, why] of [
    ['DROP TABLE events', /SELECT/],
    ['SELECT name FROM system.tables', /system/],
    ["SELECT * FROM file('/etc/passwd', 'LineAsString')", /function|file/],
    ['SELECT 1; SELECT 2', /one|single|statement/],
  ] as const) {
    await sqlText.fill(sql);
    await form.getByTestId('sql-run').click();
    await expect(form.getByTestId('sql-error')).toContainText(why);
  }
  // Nothing was run: the events are all still there.
  await expect.poll(() => clickhouseCount(s, type), { timeout: 30_000 }).toBe('5');

  await form.getByTestId('sql-title').fill('Views by minute');
  await form.getByTestId('sql-viz').selectOption('table');
  await sqlText.fill(
    `SELECT event_type, count() AS v FROM events WHERE event_type = '${type}' AND timestamp >= {from:DateTime64(3)} GROUP BY event_type`,
  );
  await form.getByTestId('sql-run').click();
  await expect(form.getByTestId('sql-preview')).toContainText(type, { timeout: 30_000 });
  await form.getByTestId('sql-add-panel').click();
  const panel = page.locator('[data-testid="panel"][data-panel="views-by-minute"]');
  await expect(panel.getByTestId('panel-source')).toContainText('raw SQL (analyst user)', {
    timeout: 30_000,
  });
  await expect(panel.getByTestId('sql-table')).toContainText(type);
  await expect(panel.getByTestId('sql-table')).toContainText('5');

  // A viewer sees the result, but has no SQL tab to write one.
  const viewer = await browser.newPage();
  await signIn(viewer, 'viewer');
  await viewer.goto(`${s.webUrl}/dashboards/sql-${tag}`);
  await expect(
    viewer.locator('[data-testid="panel"][data-panel="views-by-minute"]').getByTestId('sql-table'),
  ).toContainText(type);
  await expect(viewer.getByTestId('panel-mode-sql')).toHaveCount(0);
  await viewer.close();
});

async function clickhouseCount(s: ReturnType<typeof stack>, type: string): Promise<string> {
  const { clickhouse } = await import('./stack.ts');
  return (await clickhouse(s, `SELECT count() FROM events WHERE event_type = '${type}'`)).trim();
}
