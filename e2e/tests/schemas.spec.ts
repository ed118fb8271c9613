import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { signIn } from './sign-in.ts';
import { clickhouse, sendEvents, stack, type E2EStack } from './stack.ts';

// Registering versions is a schema owner's work and the traffic check an operator's; an admin
// does both (each role's controls are in auth.spec.ts and the role matrix).
test.beforeEach(({ page }) => signIn(page, 'admin'));

interface IngestAnswer {
  accepted: number;
  rejected: number;
  results: { index: number; event_id: string | null; status: string; code?: string; reasons?: string[] }[];
}

async function api(s: E2EStack, path: string): Promise<unknown> {
  const res = await fetch(`${s.webUrl}/api/v1/schemas${path}`, {
    headers: { authorization: `Bearer ${s.apiKey}` },
  });
  expect(res.status, `GET /api/v1/schemas${path}`).toBe(200);
  return res.json();
}

async function writeSchema(page: Page, schema: object) {
  await page.getByTestId('schema-editor').fill(JSON.stringify(schema, null, 2));
}

const v1 = {
  type: 'object',
  properties: {
    plan: { type: 'string' },
    method: { type: 'string', enum: ['email', 'sso'] },
  },
  required: ['plan'],
  additionalProperties: false,
};
const v2 = { ...v1, properties: { ...v1.properties, seats: { type: 'integer', minimum: 1 } } };

test('a data owner creates a subject, evolves it under BACKWARD and FULL, and checks traffic', async ({
  page,
}, testInfo) => {
  const s = stack();
  const tag = randomUUID().slice(0, 8);
  const subject = `user_signup_e2e_${tag}`;

  // 1. Create the subject in the UI.
  await page.goto(`${s.webUrl}/schemas`);
  await expect(page.getByTestId('subject-row').filter({ hasText: 'page_view' })).toBeVisible();
  await page.getByTestId('new-subject-name').fill(subject);
  await page.getByTestId('new-subject-button').click();
  await expect(page).toHaveURL(new RegExp(`/schemas/${subject}/new$`));

  const verdict = page.getByTestId('compat-verdict');
  const register = page.getByTestId('register-button');
  await page.getByTestId('schema-editor').fill('{ "type": "object", ');
  await expect(verdict).toHaveAttribute('data-state', 'invalid');
  await expect(verdict).toContainText('Invalid JSON');
  await expect(register).toBeDisabled();

  await writeSchema(page, v1);
  await expect(verdict).toHaveAttribute('data-state', 'compatible');
  await expect(register).toBeEnabled();
  await register.click();
  await expect(page).toHaveURL(new RegExp(`/schemas/${subject}(\\?|$)`));
  await expect(page.getByTestId('version-row')).toHaveCount(1);
  await expect(page.getByTestId('action-notice')).toContainText('Registered v1');

  // 2. Ingest enforces v1 once the change has propagated (asynchronously, over the control topic).
  // Until then a probe may be accepted and stored; those count in the traffic check below.
  let acceptedProbes = 0;
  await expect
    .poll(
      async () => {
        const res = await sendEvents(s, [
          { event_id: `probe-${tag}-${acceptedProbes}`, event_type: subject, data: { plan: 7 } },
        ]);
        const answer = (await res.json()) as IngestAnswer;
        if (answer.accepted === 1) acceptedProbes++;
        return answer.results[0]?.status;
      },
      { timeout: 15_000, message: 'ingest starts rejecting events that break v1' },
    )
    .toBe('rejected');

  const res = await sendEvents(s, [
    { event_id: `ok-a-${tag}`, event_type: subject, data: { plan: 'pro', method: 'sso' } },
    { event_id: `ok-b-${tag}`, event_type: subject, data: { plan: 'free' } },
    { event_id: `bad-c-${tag}`, event_type: subject, data: { plan: 5 } },
    { event_id: `bad-d-${tag}`, event_type: subject, data: { plan: 'x', method: 'fax' } },
  ]);
  expect(res.status).toBe(200);
  const answer = (await res.json()) as IngestAnswer;
  expect(answer).toMatchObject({ accepted: 2, rejected: 2 });
  expect(answer.results.map((r) => [r.event_id, r.status])).toEqual([
    [`ok-a-${tag}`, 'accepted'],
    [`ok-b-${tag}`, 'accepted'],
    [`bad-c-${tag}`, 'rejected'],
    [`bad-d-${tag}`, 'rejected'],
  ]);
  expect(answer.results[2]?.reasons?.join(' ')).toMatch(/plan/);
  expect(answer.results[3]?.reasons?.join(' ')).toMatch(/method|allowed values/);

  // 3. An optional property is BACKWARD compatible: register v2.
  await page.getByTestId('new-version-link').click();
  await expect(page.getByTestId('schema-editor')).toHaveValue(/"plan"/);
  await writeSchema(page, v2);
  await expect(verdict).toHaveAttribute('data-state', 'compatible');
  await expect(verdict).toContainText('Compatible under BACKWARD with v1');
  await register.click();
  await expect(page.getByTestId('version-row')).toHaveCount(2);
  await expect(page.getByTestId('diff-view')).toBeVisible();
  await expect(page.getByTestId('diff-added').filter({ hasText: '"seats"' })).toBeVisible();

  // 4. Switch the mode to FULL.
  await page.getByTestId('mode-select').selectOption('FULL');
  await expect(page.getByTestId('action-notice')).toContainText('Mode set to FULL');
  const subjectShot = await page.screenshot({ fullPage: true });
  await testInfo.attach('subject-page', { body: subjectShot, contentType: 'image/png' });

  // 5. Requiring "method" and removing "seats" breaks FULL: specific reasons, no Register.
  await page.getByTestId('new-version-link').click();
  await expect(page.getByTestId('schema-editor')).toHaveValue(/"seats"/);
  const broken = { ...v1, required: ['plan', 'method'] };
  await writeSchema(page, broken);
  await expect(verdict).toHaveAttribute('data-state', 'incompatible');
  await expect(verdict).toContainText('Not compatible under FULL');
  const reasons = page.getByTestId('compat-reason');
  await expect(reasons.filter({ hasText: 'method' }).first()).toBeVisible();
  await expect(reasons.filter({ hasText: 'seats' }).first()).toBeVisible();
  await expect(register).toBeDisabled();
  await expect(page.getByTestId('register-blocked')).toContainText('compatibility problem');

  // 6. Check the candidate against the stored traffic: ok-b has no method, probes have a bad plan.
  const expectedStored = 2 + acceptedProbes;
  await expect
    .poll(
      async () =>
        Number(await clickhouse(s, `SELECT uniqExact(event_id) FROM events WHERE event_type = '${subject}'`)),
      {
        timeout: 30_000,
        message: 'accepted events reach ClickHouse',
      },
    )
    .toBe(expectedStored);
  await page.getByTestId('traffic-check-button').click();
  const traffic = page.getByTestId('traffic-result');
  await expect(traffic).toBeVisible();
  await expect(page.getByTestId('traffic-checked')).toHaveText(String(expectedStored));
  await expect(page.getByTestId('traffic-failing')).toHaveText(String(1 + acceptedProbes));
  await expect(traffic).toContainText(`ok-b-${tag}`);
  await expect(traffic).toContainText("must have required property 'method'");

  const editorShot = await page.screenshot({ fullPage: true });
  await testInfo.attach('schema-editor', { body: editorShot, contentType: 'image/png' });
  await page.screenshot({ path: testInfo.outputPath('schema-editor.png'), fullPage: true });

  // 7. The stored registry agrees with what the pages showed.
  const versions = (await api(s, `/${subject}/versions`)) as {
    versions: { version: number; status: string; schema: Record<string, unknown> }[];
  };
  expect(versions.versions.map((v) => [v.version, v.status])).toEqual([
    [1, 'active'],
    [2, 'active'],
  ]);
  expect(versions.versions[1]?.schema).toEqual(v2);
  expect(await api(s, `/${subject}`)).toMatchObject({
    name: subject,
    compatibility: 'FULL',
    versionCount: 2,
  });

  // 8. The subjects list shows the new subject with its versions, mode and traffic.
  await page.goto(`${s.webUrl}/schemas`);
  const row = page.getByTestId('subject-row').filter({ hasText: subject });
  await expect(row).toContainText('FULL');
  await expect(row).toContainText(`latest v2`);
  await expect(row.locator('td').nth(4)).toHaveText(String(expectedStored));
  await page.screenshot({ path: testInfo.outputPath('schemas-list.png'), fullPage: true });
  await page.goto(`${s.webUrl}/schemas/${subject}`);
  await expect(page.getByTestId('version-row')).toHaveCount(2);
  await page.screenshot({ path: testInfo.outputPath('subject-page.png'), fullPage: true });
});

test('deleting a version that stored events reference is refused with a clear message', async ({ page }) => {
  const s = stack();
  const tag = randomUUID().slice(0, 8);
  const subject = `user_signup_e2e_del_${tag}`;
  await page.goto(`${s.webUrl}/schemas/${subject}/new`);
  await writeSchema(page, v1);
  await expect(page.getByTestId('compat-verdict')).toHaveAttribute('data-state', 'compatible');
  await page.getByTestId('register-button').click();
  await expect(page.getByTestId('version-row')).toHaveCount(1);

  // Wait until ingest validates against v1 and a stored event names it.
  await expect
    .poll(
      async () => {
        await sendEvents(s, [{ event_id: `del-${tag}`, event_type: subject, data: { plan: 'pro' } }]);
        return clickhouse(
          s,
          `SELECT count() FROM events WHERE event_type = '${subject}' AND schema_version = 1`,
        );
      },
      { timeout: 30_000, message: 'an event stored with schema_version 1' },
    )
    .not.toBe('0');

  await page.getByTestId('delete-button').click();
  await page.getByTestId('confirm-delete-button').click();
  await expect(page.getByTestId('action-error')).toContainText('stored events reference it');
  await expect(page.getByTestId('version-row')).toHaveCount(1);

  await page.getByTestId('deprecate-button').click();
  await expect(page.getByTestId('version-status')).toHaveText('deprecated');
});

test('a schema owner sets and clears a source rate limit from the Sources panel', async ({ page }) => {
  await page.goto(`${stack().webUrl}/schemas`);
  const form = page.getByTestId('source-rate-demo');
  await form.getByLabel('Events per second from demo').fill('900000');
  await form.getByLabel('Burst from demo').fill('1800000');
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('sources.setRateLimit') && r.ok()),
    form.getByRole('button', { name: 'Save' }).click(),
  ]);
  await page.reload();
  await expect(page.getByTestId('source-rate-demo').getByLabel('Events per second from demo')).toHaveValue(
    '900000',
  );
  await expect(page.getByTestId('source-rate-demo').getByLabel('Burst from demo')).toHaveValue('1800000');
  // Back to ingest's defaults, so the other specs' traffic is held to what they expect.
  const again = page.getByTestId('source-rate-demo');
  await again.getByLabel('Events per second from demo').fill('');
  await again.getByLabel('Burst from demo').fill('');
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('sources.setRateLimit') && r.ok()),
    again.getByRole('button', { name: 'Save' }).click(),
  ]);
  await page.reload();
  await expect(page.getByTestId('source-rate-demo').getByLabel('Events per second from demo')).toHaveValue(
    '',
  );
});
