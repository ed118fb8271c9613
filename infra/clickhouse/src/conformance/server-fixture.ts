// One embedded server per conformance file, run as the platform runs it (its own process), with
// a client the way every service builds one. Assertions in these files hold for a ClickHouse
// server as well: they are the contract, the embedded server is one implementation of it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClickHouseError,
  ClickHouseLogLevel,
  createClient,
  type ClickHouseClient,
  type ClickHouseClientConfigOptions,
} from '@clickhouse/client';
import { afterAll, beforeAll, expect } from 'vitest';
import { spawnEmbeddedClickHouse, type SpawnedClickHouse } from '../spawn.ts';

export interface ServerFixture {
  readonly url: string;
  readonly client: ClickHouseClient;
  /** A further client, e.g. with compression or a short timeout. */
  newClient(options?: ClickHouseClientConfigOptions): ClickHouseClient;
  /** Resident memory of the server process, from the kernel. */
  rssBytes(): number;
}

export function useServer(
  env: Record<string, string> = {},
  options: { usersFile?: string } = {},
): ServerFixture {
  let dataDir = '';
  let server: SpawnedClickHouse | undefined;
  const clients: ClickHouseClient[] = [];
  let main: ClickHouseClient | undefined;
  const fixture: ServerFixture = {
    get url() {
      return server!.url;
    },
    get client() {
      return main!;
    },
    newClient(options = {}) {
      const c = createClient({
        url: server!.url,
        request_timeout: 120_000,
        log: { level: ClickHouseLogLevel.OFF },
        ...options,
      });
      clients.push(c);
      return c;
    },
    rssBytes() {
      const status = readFileSync(`/proc/${server!.child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    },
  };
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tributary-ch-conf-'));
    server = await spawnEmbeddedClickHouse({ dataDir, env, ...options });
    main = fixture.newClient();
  }, 90_000);
  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return fixture;
}

/** The ClickHouseError a promise rejects with. */
export async function chErrorOf(p: Promise<unknown>): Promise<ClickHouseError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClickHouseError);
  return err as ClickHouseError;
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Queries still running whose text contains `marker` (the probe itself excluded). */
export async function running(client: ClickHouseClient, marker: string): Promise<number> {
  const rs = await client.query({
    query: `SELECT count() AS n FROM system.processes WHERE position(query, {m:String}) > 0 AND position(query, 'system.processes') = 0`,
    query_params: { m: marker },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string | number }>();
  return Number(row?.n ?? 0);
}
