import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { signIn } from './sign-in.ts';
import { clickhouse, sendEvents, stack, type E2EStack } from './stack.ts';

interface IngestAnswer {
  accepted: number;
  rejected: number;
  results: { index: number; event_id: string | null; status: string; code?: string; reasons?: string[] }[];
}

/** Registers a schema version through the management API, as a data owner's script would. */
async function registerSchema(s: E2EStack, subject: string, body: object): Promise<void> {
  const res = await fetch(`${s.webUrl}/api/v1/schemas/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, `register ${subject}: ${await res.clone().text()}`).toBe(201);
}

async function deduplicatedSoFar(s: E2EStack): Promise<number> {
  return Number(await clickhouse(s, `SELECT sum(count) FROM pipeline_metrics WHERE stage = 'deduplicated'`));
}

/** Replays everything the current filter matches, watches the bar, and returns the replay's id. */
async function replayEverythingMatching(page: Page, rate: number, previous?: string): Promise<string> {
  await page.getByTestId('scope-filter').click();
  await page.getByTestId('rate-input').fill(String(rate));
  await page.getByTestId('replay-button').click();
  await expect(page.getByTestId('replay-confirm-box')).toContainText(`${N} events`);
  await page.getByTestId('replay-confirm').click();
  const progress = page.getByTestId('replay-progress');
  const bar = page.getByRole('progressbar', { name: 'Replay progress' });
  await expect(bar).toBeVisible();
  if (previous) await expect(progress).not.toHaveAttribute('data-replay-id', previous);
  await expect(bar).toHaveAttribute('aria-valuemax', '20');
  await expect(bar).toHaveAttribute('aria-valuenow', '20', { timeout: 30_000 });
  await expect(page.getByTestId('replay-progress')).toHaveAttribute('data-state', 'completed');
  await expect(page.getByTestId('replay-sent')).toHaveText('20');
  await expect(page.getByTestId('replay-failed-again')).toHaveText('0');
  return (await progress.getAttribute('data-replay-id')) ?? '';
}

// v1 refuses fields it does not name; the producer started sending a coupon code before the
// schema knew about it. v2 (an optional field added: BACKWARD compatible) is the fix.
const v1 = {
  type: 'object',
  properties: { plan: { type: 'string' }, email: { type: 'string' } },
  required: ['plan'],
  additionalProperties: false,
};
const v2 = { ...v1, properties: { ...v1.properties, coupon: { type: 'string' } } };
const N = 20;

test('on call: failures grouped by reason, fixed schema, dry run, replay by button — exactly once', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  // Server and browser must render the same text (UTC times, anchored ranges): no hydration errors.
  const hydrationErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /hydrat|#418|#423|#425/i.test(m.text())) hydrationErrors.push(m.text());
  });
  const s = stack();
  // On call: an operator (replay, discard, dry run), without the pii grant.
  await signIn(page, 'operator');
  const tag = randomUUID().slice(0, 8);
  const subject = `dlq_e2e_${tag}`;
  const ours = `event_type = '${subject}' AND event_id LIKE 'bad-${tag}-%'`;

  // 1. A strict schema (email tagged pii), enforced; ingest applies it over the control topic.
  await registerSchema(s, subject, { schema: v1, fieldTags: { '/email': ['pii'] } });
  // Until it does, a probe may be accepted and stored; those count in the final check.
  let probe = 0;
  let acceptedProbes = 0;
  await expect
    .poll(
      async () => {
        const res = await sendEvents(s, [
          { event_id: `probe-${tag}-${probe++}`, event_type: subject, data: { plan: 7 } },
        ]);
        const probed = (await res.json()) as IngestAnswer;
        acceptedProbes += probed.accepted;
        return probed.results[0]?.code;
      },
      { timeout: 30_000, message: 'ingest enforces v1' },
    )
    .toBe('schema_violation');

  const events = Array.from({ length: N }, (_, i) => ({
    event_id: `bad-${tag}-${i}`,
    event_type: subject,
    user_id: `user-${i}`,
    data: { plan: 'pro', email: `person${i}.${tag}@example.com`, coupon: 'SPRING' },
  }));
  const res = await sendEvents(s, events);
  expect(res.status).toBe(200);
  const answer = (await res.json()) as IngestAnswer;
  expect(answer).toMatchObject({ accepted: 0, rejected: N });
  expect(answer.results[0]?.reasons?.join(' ')).toContain('coupon');

  // 2. The DLQ page groups them by reason, with the count.
  await page.goto(`${s.webUrl}/dlq`);
  await expect(page.getByRole('link', { name: 'Dead letters' })).toHaveClass(/active/);
  await expect(page.getByTestId('retention-days')).toHaveText('14 days');
  await page.getByTestId('filter-event-type').fill(subject);
  const group = page.getByTestId('dlq-group').filter({ hasText: "unknown field 'coupon'" });
  await expect(group.getByTestId('dlq-group-count')).toHaveText(String(N), { timeout: 60_000 });
  await expect(group.getByTestId('dlq-group-pending')).toHaveText(String(N));
  await expect(group).toContainText('schema_violation');
  await expect(group).toContainText('ingest');
  await group.getByTestId('dlq-group-reason').click();
  await expect(page.getByTestId('filter-reason')).toContainText('coupon');
  await expect(page.getByTestId('dlq-total')).toHaveText(`${N} matching`);
  await expect(page.getByTestId('dlq-entry')).toHaveCount(N);
  await expect(page.getByTestId('page-range')).toHaveText(`1–${N} of ${N}`);
  await expect(page).toHaveURL(/reason=/);
  const filteredUrl = page.url();
  // pii is masked in the list as well.
  await expect(page.getByTestId('dlq-entries')).not.toContainText(`@example.com`);
  await page.screenshot({ path: testInfo.outputPath('dlq-groups.png'), fullPage: true });
  // Nor can a masked value be found by searching for it; the list says which types it skipped.
  await page.getByTestId('filter-text').fill('@example.com');
  await expect(page.getByTestId('dlq-total')).toHaveText('0 matching');
  await expect(page.getByTestId('filter-text-skipped')).toContainText(subject);
  await page.getByTestId('filter-text').fill('');
  await expect(page.getByTestId('dlq-total')).toHaveText(`${N} matching`);

  // 3. The dry run against the current schema (v1) says they still fail, and why.
  await page.getByTestId('scope-filter').click();
  await page.getByTestId('dry-run-button').click();
  await expect(page.getByTestId('dry-run-fail')).toHaveText(String(N));
  await expect(page.getByTestId('dry-run-pass')).toHaveText('0');
  await expect(page.getByTestId('dry-run-reasons')).toContainText('coupon');

  // 4. Detail: the error in words, pii masked for a person without the pii grant.
  await page
    .getByTestId('dlq-entry')
    .filter({ hasText: `bad-${tag}-3` })
    .getByTestId('entry-link')
    .click();
  await expect(page.getByTestId('entry-event-id')).toHaveText(`bad-${tag}-3`);
  await expect(page.getByTestId('entry-explanation')).toContainText('register a compatible new version');
  await expect(page.getByTestId('entry-payload')).toContainText('••• pii •••');
  await expect(page.getByTestId('entry-payload')).not.toContainText('@example.com');
  await expect(page.getByTestId('masked-fields')).toContainText('/email');
  await expect(page.getByTestId('edit-locked')).toBeVisible();
  await expect(page.getByTestId('pii-control')).toHaveAttribute('data-state', 'masked');
  // An admin holds the pii grant: the same entry, signed in as one, shows the value.
  await signIn(page, 'admin');
  await page.reload();
  await expect(page.getByTestId('pii-control')).toHaveAttribute('data-state', 'revealed');
  await expect(page.getByTestId('entry-payload')).toContainText(`person3.${tag}@example.com`);

  // 5. Edit & replay: validated as you type; a dry run of the fixed event passes v1.
  const editor = page.getByTestId('edit-payload');
  await expect(editor).toHaveValue(/"coupon"/);
  await editor.fill('{ "event_type": ');
  await expect(page.getByTestId('edit-status')).toContainText('Not JSON');
  await expect(page.getByTestId('edit-replay')).toBeDisabled();
  await expect(page.getByTestId('edit-dry-run')).toBeDisabled();
  const fixed = {
    event_id: `bad-${tag}-3`,
    event_type: subject,
    data: { plan: 'pro', email: 'x@example.org' },
  };
  await editor.fill(JSON.stringify(fixed, null, 2));
  await expect(page.getByTestId('edit-status')).toContainText('Valid JSON');
  await page.getByTestId('edit-dry-run').click();
  await expect(page.getByTestId('dry-run-pass')).toHaveText('1');
  await page.screenshot({ path: testInfo.outputPath('dlq-entry.png'), fullPage: true });

  // 6. Replaying an entry that no longer exists (it expired between showing and clicking) is
  // refused with the server's words. The request is rewritten to name an id the store lacks.
  const gone = `gone-${tag}`;
  const replayCall = (url: URL) => url.pathname.endsWith('/api/trpc/dlq.replay');
  await page.route(replayCall, async (route) => {
    const body = route.request().postDataJSON() as Record<string, { selection: { ids: string[] } }>;
    for (const call of Object.values(body)) call.selection.ids = [gone];
    await route.continue({ postData: JSON.stringify(body) });
  });
  await page.getByTestId('replay-button').click();
  await page.getByTestId('replay-confirm').click();
  await expect(page.getByTestId('replay-error')).toContainText('no longer exist');
  await expect(page.getByTestId('replay-error')).toContainText(gone);
  await page.unroute(replayCall);
  // Back to the operator: masked again, by the server.
  await signIn(page, 'operator');
  await page.reload();
  await expect(page.getByTestId('entry-payload')).toContainText('••• pii •••');

  // An entry that is not in the store says so.
  await page.goto(`${s.webUrl}/dlq/${gone}`);
  await expect(page.getByTestId('entry-error')).toContainText(`dead-letter entry ${gone} does not exist`);

  // 7. Fix the schema: v2 allows the coupon. The dry run now passes all of them.
  await registerSchema(s, subject, { schema: v2 });
  await page.goto(filteredUrl);
  await expect(page.getByTestId('dlq-total')).toHaveText(`${N} matching`);
  await page.getByTestId('scope-filter').click();
  await page.getByTestId('dry-run-button').click();
  await expect(page.getByTestId('dry-run-pass')).toHaveText(String(N));
  await expect(page.getByTestId('dry-run-fail')).toHaveText('0');
  await expect(page.getByTestId('dry-run-verdict').first()).toHaveAttribute('data-ok', 'true');

  // 8. Replay by button, paced (10 events/s: two steps), with a progress bar and a summary.
  const first = await replayEverythingMatching(page, 10);
  await page.screenshot({ path: testInfo.outputPath('dlq-replayed.png'), fullPage: true });
  await expect
    .poll(async () => clickhouse(s, `SELECT count(), uniqExact(event_id) FROM events WHERE ${ours}`), {
      timeout: 60_000,
      message: 'replayed events reach tributary.events',
    })
    .toBe(`${N}\t${N}`);
  await expect(page.getByTestId('entry-status').filter({ hasText: 'replayed' })).toHaveCount(N);
  await expect(page.getByTestId('replay-row').first()).toHaveAttribute('data-state', 'completed');

  // 9. Replay the replayed ones again: the pipeline drops them as duplicates.
  const dedupedBefore = await deduplicatedSoFar(s);
  await page.getByTestId('filter-status').selectOption('replayed');
  await expect(page.getByTestId('dlq-total')).toHaveText(`${N} matching`);
  await replayEverythingMatching(page, 10_000, first);
  await expect
    .poll(async () => (await deduplicatedSoFar(s)) - dedupedBefore, {
      timeout: 60_000,
      message: 'the workers saw the second replay and dropped it as duplicates',
    })
    .toBeGreaterThanOrEqual(N);
  expect(await clickhouse(s, `SELECT count(), uniqExact(event_id) FROM events WHERE ${ours}`)).toBe(
    `${N}\t${N}`,
  );
  const all = N + acceptedProbes;
  expect(
    await clickhouse(s, `SELECT count(), uniqExact(event_id) FROM events WHERE event_type = '${subject}'`),
  ).toBe(`${all}\t${all}`);

  // 10. A filter with a control character is refused with the reason.
  await page.getByTestId('filter-text').fill('coupon\u0001');
  await expect(page.getByTestId('filter-error')).toContainText(
    'payload text contains control or unpaired characters',
  );
  await page.getByTestId('filter-text').fill('SPRING');
  await expect(page.getByTestId('filter-error')).toHaveCount(0);
  await expect(page.getByTestId('dlq-total')).toHaveText(`${N} matching`);

  // 11. Pipeline health charts the dead-letter rate per stage.
  // The 5-minute window has 15 s buckets; the chart shows complete buckets only.
  await page.goto(`${s.webUrl}/pipeline?window=5m`);
  const deadChart = page.getByTestId('dead-letter-chart');
  await expect(deadChart).toContainText('ingest');
  await expect
    .poll(async () => Number(await deadChart.getAttribute('data-total')), { timeout: 45_000 })
    .toBeGreaterThanOrEqual(N);
  await page.screenshot({ path: testInfo.outputPath('pipeline.png'), fullPage: true });
  expect(hydrationErrors).toEqual([]);
});

test('on call pages through many entries by cursor and discards a selection with a reason', async ({
  page,
}) => {
  const s = stack();
  await signIn(page, 'operator');
  const tag = randomUUID().slice(0, 8);
  // No event_type: refused at ingest as an invalid envelope, kept in the dead-letter store.
  const events = Array.from({ length: 55 }, (_, i) => ({ event_id: `page-${tag}-${i}`, data: { tag, i } }));
  const res = await sendEvents(s, events);
  expect(((await res.json()) as IngestAnswer).rejected).toBe(55);

  await page.goto(`${s.webUrl}/dlq?q=${tag}`);
  await expect(page.getByTestId('dlq-total')).toHaveText('55 matching', { timeout: 60_000 });
  await expect(page.getByTestId('dlq-group').filter({ hasText: 'invalid_envelope' })).toBeVisible();
  await expect(page.getByTestId('dlq-entry')).toHaveCount(50);
  await expect(page.getByTestId('page-range')).toHaveText('1–50 of 55');
  await expect(page.getByTestId('page-newer')).toBeDisabled();
  await page.getByTestId('page-older').click();
  await expect(page.getByTestId('page-range')).toHaveText('51–55 of 55');
  await expect(page.getByTestId('dlq-entry')).toHaveCount(5);
  await expect(page.getByTestId('page-older')).toBeDisabled();
  // Select the last page's five, and two on the first page: a selection spans pages.
  await page.getByTestId('select-page').check();
  await page.getByTestId('page-newer').click();
  await expect(page.getByTestId('page-range')).toHaveText('1–50 of 55');
  await page.getByTestId('select-entry').nth(0).check();
  await page.getByTestId('select-entry').nth(1).check();
  await expect(page.getByTestId('scope-selected')).toHaveText('Selected (7)');

  // A reason too short is refused with the server's words; a real one discards the seven.
  await page.getByTestId('discard-button').click();
  await page.getByTestId('discard-reason').fill('ab');
  await page.getByTestId('discard-confirm').click();
  await expect(page.getByTestId('discard-error')).toContainText('say why (at least 3 characters)');
  await page.getByTestId('discard-reason').fill('test traffic from the e2e suite');
  await page.getByTestId('discard-confirm').click();
  await expect(page.getByTestId('discard-notice')).toHaveText('Discarded 7 entries.');
  await page.getByTestId('filter-status').selectOption('discarded');
  await expect(page.getByTestId('dlq-total')).toHaveText('7 matching');
  await page.getByTestId('filter-status').selectOption('pending');
  await expect(page.getByTestId('dlq-total')).toHaveText('48 matching');
  await expect(page.getByTestId('dlq-group').filter({ hasText: 'invalid_envelope' })).toContainText('48');

  // Retention: shown, changeable, a value out of range refused in words (then set back).
  await expect(page.getByTestId('retention-days')).toHaveText('14 days');
  await page.getByTestId('retention-change').click();
  await page.getByTestId('retention-input').fill('0');
  await page.getByTestId('retention-save').click();
  await expect(page.getByTestId('retention-error')).toContainText('days');
  await page.getByTestId('retention-input').fill('30');
  await page.getByTestId('retention-save').click();
  await expect(page.getByTestId('retention-days')).toHaveText('30 days');
  await page.getByTestId('retention-change').click();
  await page.getByTestId('retention-input').fill('14');
  await page.getByTestId('retention-save').click();
  await expect(page.getByTestId('retention-days')).toHaveText('14 days');
});
