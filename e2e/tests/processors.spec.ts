import { randomUUID } from 'node:crypto';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { signIn } from './sign-in.ts';
import { clickhouse, sendEvents, stack, type E2EStack } from './stack.ts';

// Writing processors is a schema owner's work (processors:write); an admin holds it too.
test.beforeEach(({ page }) => signIn(page, 'schema_owner'));

/** Registers a schema version through the management API, as a data owner's script would. */
async function registerSchema(s: E2EStack, subject: string, body: object): Promise<void> {
  const res = await fetch(`${s.webUrl}/api/v1/schemas/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, `register ${subject}: ${await res.clone().text()}`).toBe(201);
}

const schema = {
  type: 'object',
  properties: { plan: { type: 'string' }, email: { type: 'string' } },
  required: ['plan'],
  additionalProperties: false,
};

// Addresses in different countries of the bundled geo data, and browsers of different kinds.
const visitors = [
  {
    ip: '8.8.8.8',
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  },
  {
    ip: '81.2.69.142',
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  },
  { ip: '1.1.1.1', ua: 'Googlebot/2.1 (+http://www.google.com/bot.html)' },
];

function events(subject: string, tag: string, batch: string, n: number) {
  return Array.from({ length: n }, (_, i) => {
    const v = visitors[i % visitors.length] ?? visitors[0];
    return {
      event_id: `proc-${tag}-${batch}-${i}`,
      event_type: subject,
      user_id: `u-${i}`,
      // Every third event is on the free plan: the filter drops it.
      data: { plan: i % 3 === 2 ? 'free' : 'pro', email: `person${i}@example.com` },
      metadata: { ip: v?.ip, user_agent: v?.ua },
    };
  });
}

async function sendUntilAccepted(s: E2EStack, batch: object[]): Promise<void> {
  const res = await sendEvents(s, batch);
  expect(res.status, await res.clone().text()).toBe(200);
}

/** The running version every worker reports for the processor, once they agree. */
async function workersAllRun(page: Page, version: number): Promise<void> {
  const rows = page.getByTestId('processor-workers').getByTestId('worker-row');
  await expect(rows.first()).toBeVisible({ timeout: 30_000 });
  await expect
    .poll(
      async () => {
        const versions = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-version')));
        return versions.length > 0 && versions.every((v) => v === String(version));
      },
      { timeout: 30_000, message: `every worker runs v${version}` },
    )
    .toBe(true);
}

async function fillExpression(field: Locator, text: string): Promise<void> {
  const input = field.locator('input');
  await input.fill(text);
  await expect(input).toHaveAttribute('data-check', 'ok');
}

async function confirm(page: Page): Promise<void> {
  // The editor holds more than one confirmation; the open one is asked.
  const dialog = page.locator('dialog[open][data-testid="confirm-dialog"]');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('confirm-ok').click();
  await expect(dialog).toBeHidden();
}

test('a processor is created, previewed, published, edited, rolled out to every worker and rolled back', async ({
  page,
}, testInfo) => {
  const s = stack();
  const tag = randomUUID().slice(0, 8);
  const subject = `e2e_proc_${tag}`;
  const name = `signups_${tag}`;
  const table = `${name}_agg`;

  // Input events exist before the processor does: the preview reads them from ClickHouse.
  await registerSchema(s, subject, { schema, fieldTags: { '/email': ['pii'] } });
  await sendUntilAccepted(s, events(subject, tag, 'before', 9));
  await expect
    .poll(
      async () => Number(await clickhouse(s, `SELECT count() FROM events WHERE event_type = '${subject}'`)),
      {
        timeout: 30_000,
      },
    )
    .toBe(9);

  // 1. Create it.
  await page.goto(`${s.webUrl}/processors`);
  await page.getByTestId('new-processor').click();
  await page.getByTestId('processor-name-input').fill(name);
  await page.getByTestId('processor-description-input').fill('pro sign-ups per country per minute');
  await page.getByTestId('create-processor').click();
  await expect(page).toHaveURL(new RegExp(`/processors/${name}$`));
  await expect(page.getByTestId('processor-state')).toHaveText('draft');

  // 2. Its steps, as forms: filter, user agent, geo, pii hash, 1-minute tumbling count by country.
  await page.getByTestId('input-event-types').getByLabel(subject).check();
  const steps = page.getByTestId('step');
  const filter = steps.nth(0).getByTestId('filter-expression');
  // A typo is caught while typing, before anything is saved.
  await filter.locator('input').fill('data.plan == ');
  await expect(filter.locator('input')).toHaveAttribute('data-check', 'invalid');
  await expect(filter.getByTestId('field-error')).toBeVisible();
  await fillExpression(filter, 'data.plan == "pro"');
  for (const kind of ['enrich_ua', 'enrich_geo', 'pii_hash', 'aggregate']) {
    await page.getByTestId('add-step-kind').selectOption(kind);
    await page.getByTestId('add-step').click();
  }
  await expect(steps).toHaveCount(5);
  await expect(page.getByTestId('geo-data-notice')).toBeVisible();
  const aggregate = steps.nth(4);
  await expect(aggregate.getByTestId('window-type')).toHaveValue('tumbling');
  await expect(aggregate.getByTestId('window-size')).toHaveValue('60');
  await aggregate.getByTestId('add-group-by').click();
  await expect(page.getByTestId('output-kind')).toHaveValue('aggregate');
  await expect(page.getByTestId('output-table')).toHaveValue(table);

  // 3. Preview on the events already stored: 6 of 9 are pro, each step's cost is shown.
  await page.getByTestId('preview-run').click();
  await expect(page.getByTestId('preview-input')).toHaveText('9');
  await expect(page.getByTestId('preview-kept')).toHaveText('6');
  await expect(page.getByTestId('preview-dropped')).toHaveText('3');
  await expect(page.getByTestId('preview-dead-lettered')).toHaveText('0');
  await expect(page.getByTestId('preview-step')).toHaveCount(5);
  await expect(page.getByTestId('preview-event').filter({ hasText: 'kept' })).toHaveCount(6);
  await page.getByTestId('preview-event').filter({ hasText: 'kept' }).first().locator('summary').click();
  await expect(page.getByTestId('preview-diff').first()).toContainText('derived.geo');

  // 4. Save v1 and publish it; every worker switches.
  await page.getByTestId('version-note').fill('first cut');
  await page.getByTestId('save-version-button').click();
  await expect(page.getByTestId('version-row')).toHaveCount(1);
  await page.getByTestId('version-row').filter({ hasText: 'v1' }).getByTestId('publish-version').click();
  await confirm(page);
  await expect(page.getByTestId('processor-state')).toHaveText('active');
  await expect(page.getByTestId('processor-active-version')).toHaveText('v1 published');
  await workersAllRun(page, 1);

  // 5. Live events fill its aggregate table (read back from ClickHouse as any client would).
  await sendUntilAccepted(s, events(subject, tag, 'live1', 12));
  await expect
    .poll(
      async () =>
        Number(await clickhouse(s, `SELECT count() FROM proc_${table} WHERE processor_version = 1`)),
      {
        timeout: 60_000,
      },
    )
    .toBeGreaterThan(0);
  // The editor's Output panel shows the table filling: windows counted per country.
  const output = page.getByTestId('processor-output');
  await expect(output.getByTestId('output-version').filter({ hasText: 'v1' })).toBeVisible({
    timeout: 30_000,
  });
  const firstWindow = output.getByTestId('output-window').first();
  await expect(firstWindow.locator('[data-group="country"]')).toHaveText(/^[A-Z]{2}$|^$/);
  await expect
    .poll(async () => Number(await firstWindow.locator('[data-measure="events"]').textContent()), {
      timeout: 30_000,
    })
    .toBeGreaterThan(0);

  // 6. Edit (free sign-ups count too), save v2, publish it: every worker switches to v2.
  await fillExpression(
    steps.nth(0).getByTestId('filter-expression'),
    'data.plan == "pro" || data.plan == "free"',
  );
  await page.getByTestId('version-note').fill('count free sign-ups too');
  await page.getByTestId('save-version-button').click();
  await expect(page.getByTestId('version-row')).toHaveCount(2);
  await page.getByTestId('version-row').filter({ hasText: 'v2' }).getByTestId('publish-version').click();
  await confirm(page);
  await expect(page.getByTestId('processor-active-version')).toHaveText('v2 published');
  await workersAllRun(page, 2);
  await sendUntilAccepted(s, events(subject, tag, 'live2', 6));
  await expect
    .poll(
      async () =>
        Number(await clickhouse(s, `SELECT count() FROM proc_${table} WHERE processor_version = 2`)),
      {
        timeout: 60_000,
      },
    )
    .toBeGreaterThan(0);

  // 7. Roll back to v1.
  await page.getByTestId('version-row').filter({ hasText: 'v1' }).getByTestId('rollback-version').click();
  await confirm(page);
  await expect(page.getByTestId('processor-active-version')).toHaveText('v1 published');
  await workersAllRun(page, 1);

  // 8. Backfill v1 over the last hour of stored events: its own row set holds every pro sign-up
  // (18 of the 27 sent), and starting the same backfill again changes nothing.
  const backfill = page.getByTestId('processor-backfill');
  const local = (ms: number) =>
    new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  await backfill.getByTestId('backfill-version').selectOption('1');
  await backfill.getByTestId('backfill-from').fill(local(Date.now() - 3600_000));
  await backfill.getByTestId('backfill-to').fill(local(Date.now() + 5 * 60_000));
  await backfill.getByTestId('backfill-start').click();
  const run = backfill.getByTestId('backfill-row');
  await expect(run).toHaveCount(1);
  await expect(run.first()).toHaveAttribute('data-state', 'finished', { timeout: 60_000 });
  await expect(run.first()).toHaveAttribute('data-progress', '1');
  const backfilled = async () =>
    Number(await clickhouse(s, `SELECT countMerge(events) FROM proc_${table} WHERE run != ''`));
  expect(await backfilled()).toBe(18);
  await backfill.getByTestId('backfill-start').click();
  await expect(run).toHaveCount(1);
  expect(await backfilled()).toBe(18);

  await page.screenshot({ path: testInfo.outputPath('processor-editor.png'), fullPage: true });

  // 9. The list shows it active at v1, with the workers running v1.
  await page.goto(`${s.webUrl}/processors`);
  const row = page.getByTestId('processor-row').filter({ hasText: name });
  await expect(row.getByTestId('processor-state')).toHaveText('active');
  await expect(row.getByTestId('processor-active')).toHaveText('v1');
  await expect(row.getByTestId('processor-running')).toContainText('v1');

  // Rates come from the workers' counters (flushed every 5 s): events went in, a third dropped.
  await expect
    .poll(async () => Number(await row.getByTestId('processor-in-rate').getAttribute('data-value')), {
      timeout: 30_000,
    })
    .toBeGreaterThan(0);
  await expect
    .poll(async () => Number(await row.getByTestId('processor-drop-rate').getAttribute('data-value')), {
      timeout: 30_000,
    })
    .toBeGreaterThan(0);
  await page.screenshot({ path: testInfo.outputPath('processors-list.png'), fullPage: true });

  // 10. The Pipeline page lists it with the workers running v1; the Live page names it.
  await page.goto(`${s.webUrl}/pipeline`);
  const stage = page.getByTestId('pipeline-processor').filter({ hasText: name });
  await expect(stage).toContainText('v1');
  await expect(stage.getByTestId('processor-in-rate')).toBeVisible();
  await page.goto(`${s.webUrl}/live`);
  await expect(page.locator(`[data-testid="live-processor"][data-processor="${name}"]`)).toContainText('v1');
});

test('a refused version names each problem beside its step, and nothing is stored', async ({ page }) => {
  const s = stack();
  const name = `refused_${randomUUID().slice(0, 8)}`;
  await page.goto(`${s.webUrl}/processors/new`);
  await page.getByTestId('processor-name-input').fill(name);
  await page.getByTestId('create-processor').click();
  await expect(page).toHaveURL(new RegExp(`/processors/${name}$`));
  // An unknown field parses as CEL but the compiler refuses it.
  await page
    .getByTestId('step')
    .nth(0)
    .getByTestId('filter-expression')
    .locator('input')
    .fill('data.nope.deeper == 1 && nosuchvar');
  await page.getByTestId('save-version-button').click();
  await expect(page.getByTestId('version-refused')).toBeVisible();
  await expect(page.getByTestId('step').nth(0).getByTestId('step-problems')).toContainText('steps[0]');
  await expect(page.getByTestId('version-row')).toHaveCount(0);
});
