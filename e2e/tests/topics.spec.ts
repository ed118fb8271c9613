import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { createDb } from '@tributary/db';
import { signIn } from './sign-in.ts';
import { sendEvents, stack, type E2EStack } from './stack.ts';

// Topic changes need topics:write: a schema owner has it.
test.beforeEach(({ page }) => signIn(page, 'schema_owner'));

interface ApiTopic {
  name: string;
  partitions: number;
  retentionMs: number | null;
  cleanupPolicy: string | null;
  messages: number;
  platform: boolean;
}

/** The topic as /api/v1/topics answers (what Kafka holds, not the page). */
async function apiTopic(s: E2EStack, name: string): Promise<ApiTopic> {
  const res = await fetch(`${s.webUrl}/api/v1/topics/${encodeURIComponent(name)}`, {
    headers: { authorization: `Bearer ${s.apiKey}` },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as ApiTopic;
}

test('a schema owner creates a topic, sees it listed, and changes its retention with confirmation', async ({
  page,
}, testInfo) => {
  const s = stack();
  await page.goto(`${s.webUrl}/topics`);
  await expect(page.getByTestId('topics-table')).toBeVisible();
  // The platform's own topics are listed and marked.
  await expect(page.locator('[data-testid="topic-row"]', { hasText: 'platform' }).first()).toBeVisible();

  // 1. Create: the name field starts with the platform prefix; the button waits for the confirmation.
  const nameField = page.getByTestId('create-topic-name');
  const prefix = await nameField.inputValue();
  const name = `${prefix}e2e-${randomUUID().slice(0, 6)}`;
  await nameField.fill(name);
  await page.getByTestId('create-topic-partitions').fill('3');
  await page.getByTestId('create-topic-retention').selectOption(String(7 * 86_400_000));
  await expect(page.getByTestId('create-topic-submit')).toBeDisabled();
  await page.getByTestId('create-topic-confirm').fill(name);
  await page.getByTestId('create-topic-submit').click();
  await expect(page.getByTestId('create-topic-done')).toContainText(`Created ${name} with 3 partitions`);

  // 2. It is in the list, with its retention.
  const row = page.locator(`[data-testid="topic-row"][data-topic="${name}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId('topic-retention')).toHaveText('7 d');
  expect(await apiTopic(s, name)).toMatchObject({
    partitions: 3,
    retentionMs: 7 * 86_400_000,
    platform: false,
  });

  // 3. Retention to 1 day, confirmed by typing the name; Kafka holds the new value and it is audited.
  await row.getByRole('link', { name }).click();
  await expect(page.getByTestId('topic-name')).toContainText(name);
  await expect(page.getByTestId('stat-retention')).toHaveText('7 d');
  await page.getByTestId('config-retention').selectOption(String(86_400_000));
  await expect(page.getByTestId('config-save')).toBeDisabled();
  await page.getByTestId('config-confirm').fill(name);
  await page.getByTestId('config-save').click();
  await expect(page.getByTestId('stat-retention')).toHaveText('1 d');
  await expect(page.getByTestId('message-browser')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('topic-detail.png'), fullPage: true });
  expect((await apiTopic(s, name)).retentionMs).toBe(86_400_000);

  const db = createDb(s.databaseUrl);
  try {
    const rows = await db.auditLog.findMany({
      where: { entity: 'topic', entityId: name },
      orderBy: { at: 'asc' },
    });
    expect(rows.map((r) => r.action)).toEqual(['topic.create', 'topic.set_config']);
    expect(rows[1]).toMatchObject({
      actor: `user:${s.users.schema_owner.email}`,
      before: { 'retention.ms': String(7 * 86_400_000) },
      after: { 'retention.ms': '86400000' },
    });
  } finally {
    await db.$disconnect();
  }
});

test('the workers’ consumer group shows its members and lag per partition, and its lag history fills', async ({
  page,
}, testInfo) => {
  const s = stack();
  const runTag = randomUUID().slice(0, 8);
  const sent = await sendEvents(
    s,
    Array.from({ length: 50 }, (_, i) => ({
      event_type: 'page_view',
      data: { path: `/topics-e2e/${runTag}/${i}` },
    })),
  );
  expect(sent.status).toBe(200);

  await page.goto(`${s.webUrl}/groups`);
  // The workers' group on the events topic (its dead-letter group ends in -dead-letters).
  const groupRow = page.locator('[data-testid="group-row"][data-group$="-workers"]');
  await expect(groupRow).toBeVisible();
  await expect(groupRow.getByTestId('group-state')).toHaveText('STABLE');
  const groupId = (await groupRow.getAttribute('data-group')) ?? '';
  await groupRow.getByRole('link', { name: groupId }).click();

  await expect(page.getByTestId('group-members')).not.toHaveText('0');
  const rows = page.locator('[data-testid="lag-row"][data-topic$="events"]');
  await expect(rows.first()).toBeVisible();
  const events = (await rows.first().getAttribute('data-topic')) ?? '';
  // The workers catch up: lag reaches 0 on every partition, refreshed by the page itself (every 5 s).
  await expect(page.getByTestId('group-total-lag')).toHaveText('0', { timeout: 60_000 });
  const partitions = await rows.count();
  expect(partitions).toBe((await apiTopic(s, events)).partitions);
  // Caught up means committed = end offset: the sum of the page's committed offsets is the topic's messages.
  let committed = 0;
  for (let i = 0; i < partitions; i++) {
    committed += Number((await rows.nth(i).locator('td').nth(2).textContent())?.replace(/,/g, ''));
  }
  expect(committed).toBe((await apiTopic(s, events)).messages);

  // The console's sampler writes a sample every 5 s; the 24 h chart shows it after a reload.
  await expect(async () => {
    await page.reload();
    expect(Number(await page.getByTestId('lag-history').getAttribute('data-points'))).toBeGreaterThan(0);
  }).toPass({ timeout: 60_000, intervals: [2_000] });
  await page.screenshot({ path: testInfo.outputPath('group-detail.png'), fullPage: true });
});

test('the message browser finds one filtered event on the events topic, with its trace id', async ({
  page,
}, testInfo) => {
  const s = stack();
  const runTag = randomUUID().slice(0, 8);
  // 200 events, one of them the needle; ingest packs them into messages of several events.
  const sent = await sendEvents(
    s,
    Array.from({ length: 200 }, (_, i) => ({
      event_id: `browse-${runTag}-${i}`,
      event_type: 'page_view',
      data: { path: i === 137 ? `/needle/${runTag}` : `/hay/${runTag}/${i}` },
    })),
  );
  expect(sent.status).toBe(200);

  const res = await fetch(`${s.webUrl}/api/v1/topics`, { headers: { authorization: `Bearer ${s.apiKey}` } });
  const listed = (await res.json()) as { items: ApiTopic[] };
  const topic = listed.items.find((t) => t.platform && t.name.endsWith('events'));
  expect(topic, JSON.stringify(listed)).toBeDefined();
  await page.goto(`${s.webUrl}/topics/${encodeURIComponent(topic?.name ?? '')}`);
  const browser = page.getByTestId('message-browser');
  await browser.getByTestId('browser-start').selectOption('earliest');
  const filter = browser.getByTestId('browser-filter').locator('input');
  await filter.fill(`data.path == "/needle/${runTag}"`);
  await expect(browser.getByTestId('browser-filter').getByTestId('field-ok')).toBeVisible();
  await browser.getByTestId('browser-run').click();

  const found = browser.getByTestId('browsed-event');
  await expect(found).toHaveCount(1, { timeout: 30_000 });
  await found.locator('summary').click();
  await expect(found).toContainText(`browse-${runTag}-137`);
  await expect(found.getByTestId('trace-id')).toHaveText(/^[0-9a-f]{32}$/);
  await expect(browser.getByTestId('browser-end')).toBeVisible({ timeout: 30_000 });
  await expect(browser.getByTestId('browser-progress')).toContainText('1 matched');

  // A filter that does not compile is refused before anything is read.
  await filter.fill('data.path ==');
  await expect(browser.getByTestId('browser-filter').getByTestId('field-error')).toBeVisible();
  await expect(browser.getByTestId('browser-run')).toBeDisabled();
  await page.screenshot({ path: testInfo.outputPath('message-browser.png'), fullPage: true });
});
