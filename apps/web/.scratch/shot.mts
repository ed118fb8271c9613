import { chromium } from 'playwright-core';
const base = process.argv[2] ?? 'http://127.0.0.1:3310';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const errors: string[] = [];
page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`); });
page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
for (const [path, file] of [['/live', 'live'], ['/pipeline', 'pipeline']] as const) {
  await page.goto(base + path, { waitUntil: 'networkidle' }).catch(() => undefined);
  await page.waitForTimeout(2500);
  if (path === '/live') { const row = page.getByTestId('tail-row').first(); if (await row.count()) await row.locator('summary').click(); await page.waitForTimeout(300); }
  await page.screenshot({ path: `/tmp/web-ch/${file}.png`, fullPage: true });
}
console.log(errors.join('\n') || 'no console errors');
await browser.close();
