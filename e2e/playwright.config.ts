import { defineConfig } from '@playwright/test';
import { CHROMIUM_LAUNCH } from '../scripts/lib/chromium.ts';

// Debian's chromium, never a downloaded browser. The flags keep it off the (closed) network.
export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  outputDir: './test-results',
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT ?? 'test-results/results.json' }],
  ],
  use: {
    headless: true,
    trace: process.env.CI ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
    launchOptions: CHROMIUM_LAUNCH,
  },
});
