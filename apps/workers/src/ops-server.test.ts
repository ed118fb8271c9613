import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '@tributary/telemetry';
import { startWorkerOpsServer } from './ops-server.ts';

const servers: Array<{ close(): void }> = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function start(metricsToken?: string): Promise<string> {
  const server = await startWorkerOpsServer({
    host: '127.0.0.1',
    port: 0,
    registry: createMetricsRegistry('workers-test'),
    ...(metricsToken ? { metricsToken } : {}),
    health: () => ({ ok: true, body: { status: 'ok' } }),
    readiness: async () => ({ ready: true, body: { status: 'ready' } }),
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('workers ops listener', () => {
  it('serves metrics to anyone on loopback when no token is set', async () => {
    const url = await start();
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });

  it('asks for the token on /metrics when one is set; probes stay open', async () => {
    const url = await start('metrics-token-0123456789');
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const ok = await fetch(`${url}/metrics`, {
      headers: { authorization: 'Bearer metrics-token-0123456789' },
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('# HELP');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });
});
