// People sign in, see what their role allows, and are signed out on the server: a viewer gets no
// replay, discard or register controls; an operator does; an admin invites a person with a
// one-time link and deactivates them; after sign-out the old cookie is refused (401). The
// console's own guards answer as a browser would meet them: cross-site Origin 403, unknown Host
// 421, a tRPC batch over the cap 400, and pages carry a CSP that forbids framing.
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { expect, test, type Page } from '@playwright/test';
import { signIn } from './sign-in.ts';
import { stack } from './stack.ts';

const COOKIE = 'tributary_session';

async function sessionCookie(page: Page): Promise<string> {
  const cookie = (await page.context().cookies()).find((c) => c.name === COOKIE);
  expect(cookie, 'session cookie').toBeDefined();
  return cookie!.value;
}

/** A tRPC mutation as a browser page of `origin` would send it, with the session cookie `token`. */
function mutate(path: string, input: unknown, token: string | null, origin: string): Promise<Response> {
  return fetch(`${stack().webUrl}/api/trpc/${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin,
      ...(token ? { cookie: `${COOKIE}=${token}` } : {}),
    },
    body: JSON.stringify(input),
  });
}

test('a viewer signs in through the form and sees no replay, discard or register controls', async ({
  page,
}) => {
  const s = stack();
  await page.goto(`${s.webUrl}/dlq`);
  // Anonymous: sent to the sign-in page, with the way back.
  await expect(page).toHaveURL(/\/signin\?next=%2Fdlq/);
  await page.getByTestId('signin-email').fill(s.users.viewer.email);
  await page.getByTestId('signin-password').fill('not the password');
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('signin-error')).toHaveText('wrong email or password');
  await page.getByTestId('signin-password').fill(s.users.viewer.password);
  await page.getByTestId('signin-submit').click();
  await expect(page).toHaveURL(/\/dlq$/);
  await expect(page.getByTestId('user-name')).toHaveText(s.users.viewer.email);
  await expect(page.getByTestId('user-role')).toHaveText('viewer');
  await expect(page.getByTestId('pii-control')).toHaveAttribute('data-state', 'masked');
  await expect(page.getByTestId('replay-button')).toHaveCount(0);
  await expect(page.getByTestId('discard-button')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await page.goto(`${s.webUrl}/schemas`);
  await expect(page.getByTestId('user-role')).toHaveText('viewer');
  await expect(page.getByTestId('new-subject-button')).toHaveCount(0);
  // The server refuses what the page hides.
  const res = await mutate('dlq.setRetention', { days: 30 }, await sessionCookie(page), s.webUrl);
  expect(res.status).toBe(403);
  // No credential in any cookie but the opaque session token.
  const cookies = await page.context().cookies();
  expect(cookies.map((c) => c.name)).toEqual([COOKIE]);
  expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
});

test('an operator sees the dead-letter actions; after sign-out the old session gets 401', async ({
  page,
}) => {
  const s = stack();
  await signIn(page, 'operator');
  await page.goto(`${s.webUrl}/dlq`);
  await expect(page.getByTestId('user-role')).toHaveText('operator');
  await expect(page.getByTestId('replay-button')).toBeVisible();
  await expect(page.getByTestId('discard-button')).toBeVisible();
  const token = await sessionCookie(page);
  expect((await mutate('dlq.setRetention', { days: 14 }, token, s.webUrl)).status).toBe(200);

  // Cross-site: the same cookie from another origin's page is refused before any procedure runs.
  expect((await mutate('dlq.setRetention', { days: 1 }, token, 'https://evil.example')).status).toBe(403);

  await page.getByTestId('sign-out').click();
  await expect(page).toHaveURL(/\/signin/);
  // The row is gone on the server: replaying the old cookie does not work.
  const after = await mutate('dlq.setRetention', { days: 14 }, token, s.webUrl);
  expect(after.status).toBe(401);
});

test('an admin invites a person with a one-time link, changes their role and deactivates them', async ({
  page,
  browser,
}) => {
  const s = stack();
  const email = `new-${randomUUID().slice(0, 8)}@e2e.tributary.local`;
  await signIn(page, 'admin');
  await page.goto(`${s.webUrl}/users`);
  await page.getByTestId('invite-email').fill(email);
  await page.getByTestId('invite-role').selectOption('viewer');
  await page.getByTestId('invite-send').click();
  const link = (await page.getByTestId('invite-link').textContent()) ?? '';
  expect(link).toMatch(/\/invite\/[a-z2-7]+$/);

  // The invited person, in a browser of their own.
  const theirs = await browser.newContext();
  const them = await theirs.newPage();
  await them.goto(link);
  await expect(them.getByTestId('invite-for')).toContainText(email);
  const password = `pw-${randomUUID()}`;
  await them.getByTestId('invite-password').fill(password);
  await them.getByTestId('invite-repeat').fill(password);
  await them.getByTestId('invite-submit').click();
  await expect(them).toHaveURL(/\/live$/);
  await expect(them.getByTestId('user-name')).toHaveText(email);
  await expect(them.getByTestId('user-role')).toHaveText('viewer');
  // The link worked once.
  await them.goto(link);
  await expect(them.getByTestId('invite-problem')).toHaveText('this invite link was already used');

  // The admin makes them an operator, then deactivates them.
  await page.reload();
  const row = page.getByTestId('user-row').filter({ hasText: email });
  await row.getByTestId('user-role-select').selectOption('operator');
  await expect(row.getByTestId('user-role-select')).toHaveValue('operator');
  await them.goto(`${s.webUrl}/dlq`);
  await expect(them.getByTestId('user-role')).toHaveText('operator');
  await row.getByTestId('user-toggle-active').click();
  await expect(row).toContainText('deactivated');
  // Their session ended with the deactivation: the next page sends them to sign in.
  await them.goto(`${s.webUrl}/dlq`);
  await expect(them).toHaveURL(/\/signin/);
  await theirs.close();
});

test('the console refuses unknown Host headers and oversized tRPC batches; pages forbid framing', async ({
  page,
}) => {
  const s = stack();
  const url = new URL(s.webUrl);
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: '/signin', headers: { host: 'evil.example' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
  expect(status).toBe(421);

  const batch = Array.from({ length: 21 }, () => 'viewer.me').join(',');
  expect((await fetch(`${s.webUrl}/api/trpc/${batch}?batch=1&input={}`)).status).toBe(400);

  await signIn(page, 'viewer');
  const res = await page.goto(`${s.webUrl}/live`);
  const csp = res?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  // The page still runs its scripts under the policy: the menu is a client component fed by tRPC.
  await expect(page.getByTestId('user-role')).toHaveText('viewer');
});
