// A console whose ClickHouse is down: the page says so in plain words, "retrying…", the raw
// error only behind "Details", never a stack; /api/readyz names what is down; and once
// ClickHouse answers again the page recovers by itself. A second console process is started
// for this (the same build and Postgres, its ClickHouse and Kafka on ports where nothing listens), so the shared
// stack the other specs use stays healthy.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { signIn } from './sign-in.ts';
import { stack } from './stack.ts';

const REPO = resolve(import.meta.dirname, '../..');

let web: ChildProcess | null = null;
let webUrl = '';
let output = '';
let clickhousePort = 0;
let proxy: Server | null = null;
const sockets = new Set<Socket>();

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => done(port));
    });
  });
}

/** Makes ClickHouse reachable on the port the console was given: a TCP relay to the real one. */
async function bringClickHouseBack(target: URL): Promise<void> {
  proxy = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  proxy.listen(clickhousePort, '127.0.0.1');
  await once(proxy, 'listening');
}

test.beforeAll(async () => {
  const s = stack();
  const [webPort, chPort, kafkaPort] = await Promise.all([freePort(), freePort(), freePort()]);
  clickhousePort = chPort;
  web = spawn(
    process.execPath,
    [resolve(REPO, 'node_modules/next/dist/bin/next'), 'start', '-p', String(webPort), '-H', '127.0.0.1'],
    {
      cwd: resolve(REPO, 'apps/web'),
      env: {
        ...process.env,
        NEXT_TELEMETRY_DISABLED: '1',
        CLICKHOUSE_URL: `http://127.0.0.1:${chPort}`,
        CLICKHOUSE_DATABASE: s.clickhouseDatabase,
        ...(s.clickhouseConsole
          ? { CLICKHOUSE_USER: s.clickhouseConsole.user, CLICKHOUSE_PASSWORD: s.clickhouseConsole.password }
          : {}),
        // The run's real Postgres: people sign in to this console too (sessions live there).
        DATABASE_URL: s.databaseUrl,
        KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
        REPLAY_SUPERVISOR_INTERVAL_MS: '0',
        INGEST_PUBLIC_URL: s.ingestUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  web.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  web.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  webUrl = `http://127.0.0.1:${webPort}`;
  await expect
    .poll(async () => (await fetch(`${webUrl}/api/healthz`).catch(() => null))?.status ?? 0, {
      timeout: 60_000,
      message: `second console did not start:\n${output}`,
    })
    .toBe(200);
});

test.afterAll(async () => {
  for (const s of sockets) s.destroy();
  proxy?.close();
  if (web && web.exitCode === null) {
    web.kill('SIGTERM');
    await once(web, 'exit');
  }
});

test('ClickHouse down: plain words and retrying, raw text behind Details, recovery on its own', async ({
  page,
}, testInfo) => {
  await signIn(page, 'viewer', webUrl);
  await page.goto(`${webUrl}/live`);
  const banner = page.getByTestId('error-banner');
  await expect(banner.getByTestId('error-message')).toHaveText('ClickHouse is not answering');
  await expect(banner.getByTestId('error-retrying')).toBeVisible();
  await expect(banner).toHaveAttribute('data-code', 'clickhouse_unavailable');
  // The raw text is not on the page until asked for.
  await expect(banner.getByTestId('error-details')).toHaveCount(0);
  await expect(page.locator('main')).not.toContainText('ECONNREFUSED');

  await banner.getByTestId('error-details-toggle').click();
  await expect(banner.getByTestId('error-details')).toContainText(`ECONNREFUSED 127.0.0.1:${clickhousePort}`);
  // Never a stack: no "at fn (file:line:col)" frames anywhere on the page.
  expect(await page.locator('main').innerText()).not.toMatch(/^\s*at .+:\d+:\d+\)?$/m);
  const shot = await page.screenshot({ fullPage: true });
  await testInfo.attach('live-clickhouse-down', { body: shot, contentType: 'image/png' });
  await page.screenshot({ path: testInfo.outputPath('live-clickhouse-down.png'), fullPage: true });

  // Readiness of this console names what is down; the shared stack's console is ready.
  const readyz = await fetch(`${webUrl}/api/readyz`);
  expect(readyz.status).toBe(503);
  const body = (await readyz.json()) as { down: string[]; checks: Record<string, { code?: string }> };
  expect(body.down).toEqual(['clickhouse', 'kafka']);
  expect(body.checks.clickhouse?.code).toBe('clickhouse_unavailable');
  expect((await fetch(`${stack().webUrl}/api/readyz`)).status).toBe(200);

  // ClickHouse answers again: the page's own retries bring the figures in, the banner goes.
  await bringClickHouseBack(new URL(stack().clickhouseUrl));
  await expect(banner).toHaveCount(0, { timeout: 90_000 });
  await expect(page.getByTestId('total-events')).toContainText(/\d/);
});
