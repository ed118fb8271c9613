import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { signIn } from './sign-in.ts';
import { stack, type E2EStack } from './stack.ts';

/** The management API (rules as code), as an on-call team's scripts call it. */
async function alertsApi(s: E2EStack, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${s.webUrl}/api/v1/alerts${path}`, {
    method,
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

const BUILTIN_RULES = ['consumer-lag', 'dead-letter-rate', 'demo-source-silent', 'table-freshness'];

test('on call: an alert fires, reaches the inbox through the built-in route, is silenced from its row and recorded silenced', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const s = stack();
  const tag = randomUUID().slice(0, 8);
  const rule = `e2e-quiet-${tag}`;

  // The stack seeded the built-in rules (and the routing to the console's inbox) as npm start does.
  const listed = await alertsApi(s, 'GET', '');
  expect(listed.status).toBe(200);
  const names = ((await listed.json()) as { items: { name: string }[] }).items.map((r) => r.name);
  expect(names).toEqual(expect.arrayContaining(BUILTIN_RULES));

  // A rule of this test, like the built-in "demo source silent" but for a source that never sent
  // anything and evaluated every 10 s: it fires at its first evaluation, whatever other specs send.
  const put = await alertsApi(s, 'PUT', `/${rule}`, {
    title: `Source ${tag} silent`,
    query: { kind: 'signal', signal: { kind: 'source_silence', sources: [`quiet_${tag}`], minutes: 1 } },
    condition: { kind: 'threshold', op: 'below', threshold: 1 },
    intervalSeconds: 10,
    windowSeconds: 60,
    labels: { severity: 'info', e2e: tag },
  });
  expect(put.status, await put.clone().text()).toBe(201);

  try {
    await signIn(page, 'operator');
    await page.goto(`${s.webUrl}/alerts`);
    const row = page.locator(`[data-testid="alert-row"][data-rule="${rule}"]`);
    await expect(row).toHaveAttribute('data-state', 'firing', { timeout: 90_000 });
    // The nav bar says something fires, on every page.
    await expect(page.getByTestId('nav-firing')).toBeVisible();

    // The seeded routing sends it to the seeded receiver `inbox`, which posts to this console.
    const subnav = page.getByRole('navigation', { name: 'Alerting' });
    await subnav.getByRole('link', { name: 'Inbox' }).click();
    await expect(page).toHaveURL(/\/alerts\/inbox$/);
    const delivered = page.locator(`[data-testid="inbox-alert"][data-rule="${rule}"]`).first();
    await expect(delivered).toBeVisible({ timeout: 90_000 });
    await expect(delivered).toHaveAttribute('data-status', 'firing');
    await expect(delivered).toContainText(`Source ${tag} silent`);
    await expect(delivered).toContainText('below 1');
    await expect(delivered.getByTestId('inbox-alert-value')).toHaveText('0');
    await expect(delivered.getByRole('link', { name: 'lineage' })).toHaveAttribute(
      'href',
      /\/lineage\?focus=source%3Aquiet_/,
    );
    await expect(page.getByTestId('nav-firing')).toBeVisible();

    // Silence it from its row: the form comes pre-filled with the alert's rule and labels.
    await subnav.getByRole('link', { name: 'Alerts', exact: true }).click();
    await expect(row).toBeVisible();
    await row.getByRole('button', { name: 'Silence' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByLabel('Matcher 1 label')).toHaveValue('alertname');
    await expect(dialog.getByLabel('Matcher 1 value')).toHaveValue(rule);
    await expect(dialog.getByTestId('silence-preview-count')).toHaveText(/Would silence 1 active alert/);
    await dialog.getByLabel('Comment (required)').fill(`e2e ${tag}: a test source, quiet on purpose`);
    await dialog.getByRole('button', { name: 'Create silence' }).click();
    await expect(dialog).toBeHidden();
    await expect(row.getByTestId('alert-silenced')).toContainText(`e2e ${tag}: a test source`);

    // The next look at its group (group_interval) records the notification as silenced.
    await page.goto(`${s.webUrl}/alerts/history?rule=${rule}`);
    const silenced = page.locator('[data-testid="history-row"][data-outcome="silenced"]');
    await expect(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect(silenced.first()).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 150_000, intervals: [2_000] });
    await expect(silenced.first()).toContainText('silenced');
    await expect(silenced.first()).toContainText(rule);
    // The firing notification before it is in the history too, delivered to the inbox.
    await expect(page.locator('[data-testid="history-row"][data-kind="notification"]').first()).toBeVisible();
  } finally {
    await alertsApi(s, 'DELETE', `/${rule}`);
  }
});

test('a new rule from the editor, backtested as a chart before it is saved', async ({ page }) => {
  test.setTimeout(180_000);
  const s = stack();
  const tag = randomUUID().slice(0, 8);
  const rule = `e2e-editor-${tag}`;
  await signIn(page, 'operator');
  await page.goto(`${s.webUrl}/alerts/rules/new`);
  try {
    await page.getByTestId('rule-title').fill(`Demo source quiet (${tag})`);
    await page.getByTestId('rule-name').fill(rule);
    await page.getByTestId('rule-signal').selectOption('source_silence');
    await page.getByTestId('rule-signal-sources').fill('demo');
    await page.getByTestId('rule-signal-minutes').fill('10');
    await page.getByTestId('rule-condition-kind').selectOption('below');
    await page.getByTestId('rule-condition-threshold').fill('1');

    // The backtest runs the unsaved form over the last day of stored data and draws it.
    await page.getByTestId('backtest-days').fill('1');
    await page.getByTestId('backtest-run').click();
    await expect(page.getByTestId('backtest-result')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('backtest-chart')).toBeVisible();
    await expect(page.getByTestId('backtest-summary')).not.toBeEmpty();
    // Nothing was saved by it.
    expect((await alertsApi(s, 'GET', `/${rule}`)).status).toBe(404);

    await page.getByTestId('rule-save').click();
    await expect(page).toHaveURL(new RegExp(`/alerts/rules/${rule}$`));
    const stored = await alertsApi(s, 'GET', `/${rule}`);
    expect(stored.status).toBe(200);
    expect(await stored.json()).toMatchObject({
      name: rule,
      createdBy: 'user:operator@e2e.tributary.local',
      rule: {
        title: `Demo source quiet (${tag})`,
        query: { kind: 'signal', signal: { kind: 'source_silence', sources: ['demo'], minutes: 10 } },
        condition: { kind: 'threshold', op: 'below', threshold: 1 },
      },
    });
  } finally {
    await alertsApi(s, 'DELETE', `/${rule}`);
  }
});
