import { expect, type Page } from '@playwright/test';
import { stack, type E2ERole } from './stack.ts';

/**
 * Signs `page`'s browser context in as the run's person with `role` (through the console's own
 * sign-in route; the session cookie lands in the context like a browser sign-in would).
 * NOTE: Playwright's request context sends no Origin; the console's CSRF check refuses a
 * cookie-carrying POST without one, so the helper says where it comes from as a browser would.
 */
export async function signIn(page: Page, role: E2ERole, webUrl = stack().webUrl): Promise<void> {
  const s = stack();
  const res = await page.request.post(`${webUrl}/api/auth/sign-in`, {
    data: s.users[role],
    headers: { origin: webUrl },
  });
  expect(res.status(), `sign in as ${role}: ${await res.text()}`).toBe(200);
}
