import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
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

/** Waits for a stat panel to show `n`; a failure says what the panel showed (an error, its source). */
async function expectStat(panel: Locator, n: number): Promise<void> {
  try {
    await expect.poll(() => statValue(panel), { timeout: 30_000 }).toBe(n);
  } catch (err) {
    const shown = `state=${await panel.getAttribute('data-state')}: ${await panel.innerText()}`;
    throw new Error(`the stat panel did not reach ${n}; it shows ${shown}`, { cause: err });
  }
}

async function expectStored(s: E2EStack, type: string, n: number): Promise<void> {
  await expect
    .poll(
      async () => Number(await clickhouse(s, `SELECT count() FROM events WHERE event_type = '${type}'`)),
      {
        timeout: 30_000,
      },
    )
    .toBe(n);
}

type Layout = { x: number; y: number; w: number; h: number };

/** The stored layout of every panel, read through the management API. */
async function storedLayouts(
  s: E2EStack,
  slug: string,
): Promise<{ revision: number; layouts: Record<string, Layout> }> {
  const res = await fetch(`${s.webUrl}/api/v1/dashboards/${slug}`, {
    headers: { authorization: `Bearer ${s.apiKey}` },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const d = (await res.json()) as {
    revision: number;
    definition: { panels: { id: string; layout: Layout }[] };
  };
  return {
    revision: d.revision,
    layouts: Object.fromEntries(d.definition.panels.map((p) => [p.id, p.layout])),
  };
}

/** Where a panel is drawn, in grid cells (12 columns, 64 px rows, 12 px gaps), from its box. */
async function cellOf(page: Page, panel: Locator): Promise<Layout> {
  const g = (await page.getByTestId('dashboard-grid').boundingBox())!;
  const b = (await panel.boundingBox())!;
  const col = (g.width + 12) / 12;
  const row = 64 + 12;
  return {
    x: Math.round((b.x - g.x) / col),
    y: Math.round((b.y - g.y) / row),
    w: Math.round((b.width + 12) / col),
    h: Math.round((b.height + 12) / row),
  };
}

/** Presses the mouse on `from`, moves it by (dx, dy) in steps (react-draggable reads each move), lets go. */
async function dragBy(page: Page, from: Locator, dx: number, dy: number): Promise<void> {
  const box = await from.boundingBox();
  if (!box) throw new Error('nothing to drag');
  const x = box.x + Math.min(box.width / 2, 40);
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, { steps: 12 });
  await page.mouse.up();
}

async function downloadFrom(page: Page, panel: Locator, item: 'export-csv' | 'export-png') {
  await panel.getByTestId('panel-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByTestId(item).click()]);
  return { name: download.suggestedFilename(), bytes: readFileSync(await download.path()) };
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
  await expectStored(s, signups, 6);

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
  await expectStat(stat, 6);
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
  await expectStored(s, signups, 10);
  await expectStat(stat, 10);
  await page.screenshot({ path: testInfo.outputPath('dashboard.png'), fullPage: true });

  // 6. Export: the timeseries' current result as CSV (what it shows: the views, 30 in all), and
  // its picture as PNG.
  const csv = await downloadFrom(page, series, 'export-csv');
  expect(csv.name).toBe('events-by-type.csv');
  const lines = csv.bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter(Boolean);
  expect(lines[0]).toBe('time,event_type,count');
  const rows = lines.slice(1).map((l) => l.split(','));
  expect(rows.every((r) => r[1] === views && /^\d{4}-\d\d-\d\dT/.test(r[0] ?? ''))).toBe(true);
  expect(rows.reduce((n, r) => n + Number(r[2] || 0), 0)).toBe(30);
  const png = await downloadFrom(page, series, 'export-png');
  expect(png.name).toBe('events-by-type.png');
  expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const pngWidth = png.bytes.readUInt32BE(16);
  expect(pngWidth).toBeGreaterThanOrEqual(Math.floor((await series.boundingBox())!.width));

  // 7. Layout: in "Edit layout" the stat is dragged beside the timeseries and made taller; Save
  // stores every panel's cell, the grid stays that way after a reload. Cancel drops a change;
  // a save over someone else's meanwhile is refused with a plain message.
  const slug = `growth-${tag}`;
  const before = await storedLayouts(s, slug);
  expect(before.layouts['events-by-type']).toEqual({ x: 0, y: 0, w: 6, h: 5 });
  expect(before.layouts['sign-ups']).toEqual({ x: 0, y: 5, w: 6, h: 3 });
  await expect(page.getByTestId('edit-layout')).toBeVisible();
  await page.getByTestId('edit-layout').click();
  await expect(page.getByTestId('dashboard-grid')).toHaveAttribute('data-editing', 'true');
  const seriesBox = (await series.boundingBox())!;
  const statBox = (await stat.boundingBox())!;
  await dragBy(page, stat.locator('header h3'), seriesBox.width + 12, seriesBox.y - statBox.y);
  const statItem = page.locator('[data-testid="grid-item"][data-panel="sign-ups"]');
  // The grid animates a drop (200 ms): the handle is grabbed where the panel came to rest.
  await expect
    .poll(async () => {
      const b = (await statItem.boundingBox())!;
      return [Math.round(b.x - seriesBox.x - seriesBox.width), Math.round(b.y - seriesBox.y)];
    })
    .toEqual([12, 0]);
  await dragBy(page, statItem.locator('.react-resizable-handle'), 0, 2 * (64 + 12));
  await page.getByTestId('save-layout').click();
  await expect(page.getByTestId('dashboard-grid')).not.toHaveAttribute('data-editing', 'true');
  const after = await storedLayouts(s, slug);
  expect(after.revision).toBe(before.revision + 1);
  expect(after.layouts['sign-ups']).toEqual({ x: 6, y: 0, w: 6, h: 5 });
  expect(after.layouts['events-by-type']).toEqual({ x: 0, y: 0, w: 6, h: 5 });
  await page.reload();
  await expect.poll(() => cellOf(page, stat)).toEqual({ x: 6, y: 0, w: 6, h: 5 });

  // Back under the timeseries (panels float up, so it lands right below it), then Cancel.
  const back = async () => {
    await page.getByTestId('edit-layout').click();
    await dragBy(page, stat.locator('header h3'), -(seriesBox.width + 12), 6 * (64 + 12));
    await expect.poll(() => cellOf(page, stat)).toEqual({ x: 0, y: 5, w: 6, h: 5 });
  };
  await back();
  await page.getByTestId('cancel-layout').click();
  await expect.poll(() => cellOf(page, stat)).toEqual({ x: 6, y: 0, w: 6, h: 5 });
  expect((await storedLayouts(s, slug)).revision).toBe(after.revision);

  await back();
  const meanwhile = await fetch(`${s.webUrl}/api/v1/dashboards/${slug}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ revision: after.revision, description: 'edited elsewhere' }),
  });
  expect(meanwhile.status, await meanwhile.clone().text()).toBe(200);
  await page.getByTestId('save-layout').click();
  await expect(page.getByTestId('layout-conflict')).toContainText(/Someone else saved this dashboard/);
  expect((await storedLayouts(s, slug)).layouts['sign-ups']).toEqual({ x: 6, y: 0, w: 6, h: 5 });
  await page.getByTestId('cancel-layout').click();
  await expect(page.getByText('edited elsewhere')).toBeVisible();

  // 8. Share: the link opens signed out, read-only, with the same numbers.
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
