import { randomUUID } from 'node:crypto';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { signIn } from './sign-in.ts';
import { sendEvents, stack } from './stack.ts';

// An analyst follows a number from the demo source to a dashboard panel, with live figures on
// every hop, and the figures are the Pipeline page's stage counts.
test.beforeEach(({ page }) => signIn(page, 'viewer'));

const edge = (page: Page, from: string, to: string): Locator =>
  page.locator(`[data-testid="lineage-edge"][data-edge-id="${from}->${to}"]`);
const edgeEndingAt = (page: Page, from: string, toSuffix: string): Locator =>
  page.locator(`[data-testid="lineage-edge"][data-edge-id^="${from}->"][data-edge-id$="${toSuffix}"]`);
const total = async (l: Locator) => Number(await l.getAttribute('data-total'));
const stageCount = async (page: Page, stage: string) =>
  Number(((await page.getByTestId(`stage-${stage}`).textContent()) ?? '').replace(/,/g, ''));

test('the lineage page shows the path from the demo source to a panel, with live figures that agree with the Pipeline page', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(180_000);
  const s = stack();
  const tag = randomUUID().slice(0, 8);
  const type = `lineage_${tag}.view`;
  const slug = `lineage-${tag}`;

  // A dashboard with a panel over the events of this test's type, kept as code.
  const created = await fetch(`${s.webUrl}/api/v1/dashboards`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      slug,
      title: `Lineage ${tag}`,
      definition: {
        range: '1h',
        panels: [
          {
            id: 'views',
            title: `Views ${tag}`,
            viz: 'line',
            query: { source: { kind: 'events', eventTypes: [type] }, measure: { fn: 'count' } },
            layout: { x: 0, y: 0, w: 6, h: 4 },
          },
        ],
      },
    }),
  });
  expect(created.status, await created.clone().text()).toBe(201);

  const res = await sendEvents(
    s,
    Array.from({ length: 12 }, (_, i) => ({ event_id: `${tag}-${i}`, event_type: type, data: { i } })),
  );
  expect(res.status, await res.clone().text()).toBe(200);

  await page.goto(`${s.webUrl}/lineage`);
  const graph = page.getByTestId('lineage-graph');
  await expect(graph).toBeVisible();

  // The whole path, hop by hop: demo → ingest → events topic → workers → events → the panel.
  const fromDemo = edge(page, 'source:demo', 'ingest');
  await expect(fromDemo).toHaveAttribute('data-status', 'flowing', { timeout: 30_000 });
  await expect.poll(() => total(fromDemo), { timeout: 30_000 }).toBeGreaterThanOrEqual(12);
  await expect(fromDemo).toContainText('/s');
  const toTopic = edgeEndingAt(page, 'ingest', 'events');
  await expect(toTopic).toHaveAttribute('data-status', 'flowing');
  const topicId = (await toTopic.getAttribute('data-edge-id'))!.split('->')[1]!;
  const consume = page.locator(`[data-testid="lineage-edge"][data-edge-id^="${topicId}->consumer:"]`).first();
  await expect(consume).toHaveAttribute('data-status', 'flowing', { timeout: 30_000 });
  await expect(consume).toContainText('lag');
  const workers = (await consume.getAttribute('data-edge-id'))!.split('->')[1]!;
  const store = edge(page, workers, 'table:events');
  await expect.poll(() => total(store), { timeout: 30_000 }).toBeGreaterThanOrEqual(12);
  await expect(store).toContainText('p95');
  await expect(edge(page, 'table:events', `panel:${slug}/views`)).toHaveAttribute('data-status', 'flowing');
  const panelNode = page.locator(`[data-testid="lineage-node"][data-node-id="panel:${slug}/views"]`);
  await expect(panelNode.getByTestId('node-freshness')).toContainText('s ago');

  // The same numbers as the Pipeline page's stage counts over the same 5 minutes (read side by
  // side until no flush lands between the two reads).
  const pipeline = await browser.newPage();
  await signIn(pipeline, 'viewer');
  await pipeline.goto(`${s.webUrl}/pipeline?window=5m`);
  await expect
    .poll(
      async () => [
        (await total(toTopic)) - (await stageCount(pipeline, 'accepted')),
        (await total(consume)) - (await stageCount(pipeline, 'processed')),
        (await total(store)) - (await stageCount(pipeline, 'inserted')),
      ],
      { timeout: 60_000, intervals: [1000] },
    )
    .toEqual([0, 0, 0]);
  await pipeline.close();

  // Focus on the panel, one hop: its table only.
  await page.getByLabel('Search nodes').fill(`Views ${tag}`);
  await expect(page.getByText('1 found')).toBeVisible();
  await page.getByLabel('Search nodes').press('Enter');
  await expect(page.getByTestId('lineage-node-detail')).toContainText(`Views ${tag}`);
  await page.getByLabel('Focus depth').selectOption('1');
  await page.getByTestId('lineage-focus-button').click();
  await expect(page.getByTestId('lineage-focus')).toContainText(`Views ${tag}`);
  await expect(graph).toHaveAttribute('data-nodes', '2');
  await expect(
    page.locator(`[data-testid="lineage-node"][data-node-id="panel:${slug}/views"]`),
  ).toBeInViewport();
  await expect(page.locator('[data-testid="lineage-node"][data-node-id="table:events"]')).toBeInViewport();
  await page.screenshot({ path: testInfo.outputPath('lineage-focus.png'), fullPage: true });
  await page.getByTestId('lineage-unfocus').click();
  await expect.poll(async () => Number(await graph.getAttribute('data-nodes'))).toBeGreaterThan(6);
  await page.screenshot({ path: testInfo.outputPath('lineage.png'), fullPage: true });

  // An edge opens the Live tail of its flow.
  await fromDemo.click();
  await expect(page.getByTestId('lineage-edge-detail')).toContainText('events in the last 5 min');
  await page.getByTestId('edge-live-link').click();
  await expect(page).toHaveURL(/\/live\?source=demo$/);
  await expect(page.getByTestId('tail-filter')).toContainText('source demo');

  // A panel node opens the panel.
  await page.goto(`${s.webUrl}/lineage`);
  await page.locator(`[data-testid="lineage-node"][data-node-id="panel:${slug}/views"]`).click();
  await expect(page).toHaveURL(new RegExp(`/dashboards/${slug}#panel-views$`));
});
