// The processor service functions against a real Postgres (migrated, seeded) and a real
// ClickHouse database of this file's own: bad definitions refused with their reasons and nothing
// stored, audit rows and the control outbox written in the change's own transaction, publishing,
// pausing, rolling back, lookup tables, and the preview over seeded events and dead letters.
import { createClickHouse, insertRows, toDateTime64, type ClickHouseClient } from '@tributary/clickhouse';
import { TributaryError, type ProcessorDefinitionInput } from '@tributary/contracts';
import { createDb, type Db } from '@tributary/db';
import { registerVersion } from '@tributary/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../scripts/test-infra/fixtures.ts';
import {
  createProcessor,
  createVersion,
  getProcessor,
  listLookupTables,
  listLookupVersions,
  listProcessors,
  pauseProcessor,
  insertProcessorOutput,
  PII_MASK,
  previewDefinition,
  recentOutput,
  publishVersion,
  resumeProcessor,
  rollbackTo,
  uploadLookupTable,
  type LifecycleDeps,
} from './index.ts';

let iso: Isolated;
let db: Db;
let ch: ClickHouseClient;
let deps: LifecycleDeps;
const actor = 'user:owner@example.test';
const SECRET = 'it-secret-0123456789abcdef';

const TYPE = 'proc_it.order';

beforeAll(async () => {
  iso = await isolate();
  db = createDb(iso.databaseUrl);
  ch = createClickHouse({ url: iso.clickhouseUrl });
  deps = { db, clickhouseDdl: { client: ch, database: iso.clickhouseDatabase }, piiSecret: SECRET };
  await registerVersion(
    db,
    TYPE,
    {
      type: 'object',
      properties: { plan: { type: 'string' }, amount: { type: 'number' }, email: { type: 'string' } },
      additionalProperties: false,
    },
    { actor: 'system', fieldTags: { '/email': ['pii'] } },
  );
});

afterAll(async () => {
  await db?.$disconnect();
  await ch?.close();
  await iso?.cleanup();
});

const def = (over: Partial<ProcessorDefinitionInput> = {}): ProcessorDefinitionInput => ({
  inputs: { eventTypes: [TYPE] },
  steps: [{ id: 'paid', kind: 'filter', expression: "data.plan == 'paid'" }],
  output: {
    kind: 'table',
    table: 'paid_orders',
    columns: [{ name: 'amount', field: 'data.amount', type: 'Float64' }],
  },
  ...over,
});

async function rejection(p: Promise<unknown>): Promise<TributaryError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TributaryError);
  return err as TributaryError;
}

async function outboxCount(kind: string, name: string): Promise<number> {
  return db.controlOutbox.count({ where: { kind, name } });
}

/** The id of the Postgres transaction that last wrote the row (xmin). */
async function xminOf(table: 'processors' | 'control_outbox' | 'audit_logs', id: string | bigint) {
  const rows = await db.$queryRawUnsafe<Array<{ x: string }>>(
    `SELECT xmin::text AS x FROM ${table} WHERE id = $1`,
    id,
  );
  return rows[0]?.x;
}

describe('creating processors and versions', () => {
  it('creates a draft and a first version, audited, with the hint in the same transaction', async () => {
    const p = await createProcessor(db, { name: 'paid_orders', description: 'paid only' }, { actor });
    expect(p).toMatchObject({ name: 'paid_orders', state: 'draft', activeVersion: null, lastVersion: 0 });
    const v = await createVersion(db, 'paid_orders', def(), { actor, note: 'first', piiSecret: SECRET });
    expect(v.version).toBe(1);
    const detail = await getProcessor(db, 'paid_orders');
    expect(detail.lastVersion).toBe(1);
    expect(detail.versions.map((x) => x.version)).toEqual([1]);

    const row = await db.processorVersion.findFirstOrThrow({
      where: { version: 1, processor: { name: 'paid_orders' } },
    });
    const audit = await db.auditLog.findFirstOrThrow({
      where: { entityId: row.id, action: 'processor_version.create' },
    });
    expect(audit.actor).toBe(actor);
    const outbox = await db.controlOutbox.findMany({
      where: { kind: 'processor', name: 'paid_orders' },
      orderBy: { id: 'desc' },
    });
    expect(outbox.length).toBe(2);
    // The same Postgres transaction wrote the version's audit row and its hint.
    const [a, o] = [await xminOf('audit_logs', audit.id), await xminOf('control_outbox', outbox[0]!.id)];
    expect(a).toBeDefined();
    expect(o).toBe(a);
  });

  it('refuses a second processor of the same name', async () => {
    const err = await rejection(createProcessor(db, { name: 'paid_orders' }, { actor }));
    expect(err.code).toBe('conflict');
  });

  const bad: Array<[string, ProcessorDefinitionInput, RegExp]> = [
    [
      'an invalid expression',
      def({ steps: [{ id: 'f', kind: 'filter', expression: "data.plan == 'paid' &&" }] }),
      /steps\[0\]\.expression: invalid expression/,
    ],
    [
      'an unknown field',
      def({ steps: [{ id: 'f', kind: 'filter', expression: "data.plann == 'paid'" }] }),
      /unknown field data\.plann/,
    ],
    [
      'a cyclic step list',
      def({
        steps: [
          { id: 'f', kind: 'filter', expression: "derived.tier == 'gold'" },
          { id: 't', kind: 'transform', ops: [{ op: 'set', field: 'derived.tier', expression: "'gold'" }] },
        ],
      }),
      /cyclic step list/,
    ],
    ['an empty step list', def({ steps: [] }), /at least one step/],
    [
      'a window without grace',
      def({
        steps: [
          // @ts-expect-error graceSeconds is missing on purpose
          {
            id: 'w',
            kind: 'aggregate',
            window: { type: 'tumbling', sizeSeconds: 60 },
            measures: [{ name: 'n', fn: 'count' }],
          },
        ],
        output: { kind: 'aggregate', table: 'paid_per_minute' },
      }),
      /explicit grace period/,
    ],
  ];
  it.each(bad)('refuses %s with a clear reason, storing nothing', async (_what, definition, reason) => {
    const before = await db.processor.findUniqueOrThrow({ where: { name: 'paid_orders' } });
    const outboxBefore = await outboxCount('processor', 'paid_orders');
    const err = await rejection(createVersion(db, 'paid_orders', definition, { actor, piiSecret: SECRET }));
    expect(err.code).toBe('bad_request');
    expect(err.message).toMatch(reason);
    const errors = (err.details as { errors: Array<{ path: string; message: string }> }).errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map((e) => `${e.path}: ${e.message}`).join('\n')).toMatch(reason);
    const after = await db.processor.findUniqueOrThrow({ where: { name: 'paid_orders' } });
    expect(after.lastVersion).toBe(before.lastVersion);
    expect(await db.processorVersion.count({ where: { processorId: after.id } })).toBe(before.lastVersion);
    expect(await outboxCount('processor', 'paid_orders')).toBe(outboxBefore);
  });

  it('refuses a pii_hash step when the deployment has no secret', async () => {
    const err = await rejection(
      createVersion(db, 'paid_orders', def({ steps: [{ id: 'h', kind: 'pii_hash' }] }), { actor }),
    );
    expect(err.code).toBe('bad_request');
    expect(err.message).toMatch(/steps\[0\]/);
  });
});

describe('publishing', () => {
  it('publishes a version: table created, state active, audited, hint in the same transaction', async () => {
    const p = await publishVersion(deps, 'paid_orders', 1, { actor });
    expect(p).toMatchObject({ state: 'active', activeVersion: 1 });
    const row = await db.processor.findUniqueOrThrow({ where: { name: 'paid_orders' } });
    const audit = await db.auditLog.findFirstOrThrow({
      where: { entityId: row.id, action: 'processor.publish' },
      orderBy: { at: 'desc' },
    });
    expect(audit.before).toMatchObject({ state: 'draft', activeVersion: null });
    expect(audit.after).toMatchObject({ state: 'active', activeVersion: 1 });
    const hint = await db.controlOutbox.findFirstOrThrow({
      where: { kind: 'processor', name: 'paid_orders' },
      orderBy: { id: 'desc' },
    });
    expect(await xminOf('control_outbox', hint.id)).toBe(await xminOf('processors', row.id));
    const tables = await ch.query({
      query: `SELECT name FROM system.tables WHERE database = {db:String} AND name LIKE '%paid_orders%'`,
      query_params: { db: iso.clickhouseDatabase },
      format: 'JSONEachRow',
    });
    expect(((await tables.json()) as unknown[]).length).toBeGreaterThan(0);
  });

  it('pauses, resumes, and rolls back to an earlier version', async () => {
    await createVersion(
      db,
      'paid_orders',
      def({
        steps: [{ id: 'paid', kind: 'filter', expression: "data.plan == 'paid' && data.amount > 10.0" }],
      }),
      { actor, piiSecret: SECRET },
    );
    expect((await publishVersion(deps, 'paid_orders', 2, { actor })).activeVersion).toBe(2);
    expect((await pauseProcessor(db, 'paid_orders', { actor })).state).toBe('paused');
    expect(await resumeProcessor(deps, 'paid_orders', { actor })).toMatchObject({
      state: 'active',
      activeVersion: 2,
    });
    expect(await rollbackTo(deps, 'paid_orders', 1, { actor })).toMatchObject({
      state: 'active',
      activeVersion: 1,
    });
    const row = await db.processor.findUniqueOrThrow({ where: { name: 'paid_orders' } });
    const actions = (await db.auditLog.findMany({ where: { entityId: row.id }, orderBy: { at: 'asc' } })).map(
      (a) => a.action,
    );
    expect(actions).toEqual([
      'processor.create',
      'processor.publish',
      'processor.publish',
      'processor.pause',
      'processor.resume',
      'processor.rollback',
    ]);
  });

  it('refuses what cannot happen, clearly, changing nothing', async () => {
    expect((await rejection(publishVersion(deps, 'paid_orders', 9, { actor }))).code).toBe('not_found');
    expect((await rejection(publishVersion(deps, 'nope', 1, { actor }))).code).toBe('not_found');
    expect((await rejection(rollbackTo(deps, 'paid_orders', 1, { actor }))).message).toMatch(
      /already the active/,
    );
    await createProcessor(db, { name: 'drafty' }, { actor });
    expect((await rejection(pauseProcessor(db, 'drafty', { actor }))).message).toMatch(/draft/);
    expect((await rejection(rollbackTo(deps, 'drafty', 1, { actor }))).message).toMatch(/never published/);
  });

  it("refuses, when the version is written, an output table that is another processor's", async () => {
    await createProcessor(db, { name: 'thief' }, { actor });
    const err = await rejection(
      createVersion(db, 'thief', def(), {
        actor,
        piiSecret: SECRET,
        clickhouse: { client: ch, database: iso.clickhouseDatabase },
      }),
    );
    expect(err.code).toBe('bad_request');
    expect(err.message).toMatch(
      /output\.table: output table 'paid_orders' cannot take this version: it belongs to processor 'paid_orders'/,
    );
    expect((await db.processor.findUniqueOrThrow({ where: { name: 'thief' } })).lastVersion).toBe(0);
  });

  it('refuses to publish when the output table cannot take the version, changing nothing', async () => {
    // Both versions are written before either table exists, so only publishing can tell.
    const shared = def({
      output: {
        kind: 'table',
        table: 'shared_out',
        columns: [{ name: 'amount', field: 'data.amount', type: 'Float64' }],
      },
    });
    await createProcessor(db, { name: 'first_out' }, { actor });
    await createProcessor(db, { name: 'second_out' }, { actor });
    await createVersion(db, 'first_out', shared, { actor });
    await createVersion(db, 'second_out', shared, { actor });
    await publishVersion(deps, 'first_out', 1, { actor });
    const outboxBefore = await outboxCount('processor', 'second_out');
    const err = await rejection(publishVersion(deps, 'second_out', 1, { actor }));
    expect(err.message).toMatch(
      /version 1 of "second_out" was not published: its output table could not be prepared .*belongs to processor 'first_out'/,
    );
    expect((await db.processor.findUniqueOrThrow({ where: { name: 'second_out' } })).state).toBe('draft');
    expect(await outboxCount('processor', 'second_out')).toBe(outboxBefore);
    await pauseProcessor(db, 'first_out', { actor });
  });

  it('allows at most one active processor writing to events', async () => {
    const events = def({ steps: [{ id: 'geo', kind: 'enrich_geo' }], output: { kind: 'events' } });
    await createProcessor(db, { name: 'enrich_a' }, { actor });
    await createProcessor(db, { name: 'enrich_b' }, { actor });
    await createVersion(db, 'enrich_a', events, { actor, piiSecret: SECRET });
    await createVersion(db, 'enrich_b', events, { actor, piiSecret: SECRET });
    await publishVersion(deps, 'enrich_a', 1, { actor });
    const outboxBefore = await outboxCount('processor', 'enrich_b');
    const err = await rejection(publishVersion(deps, 'enrich_b', 1, { actor }));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/"enrich_a" \(version 1\) already writes to the events table/);
    expect((await db.processor.findUniqueOrThrow({ where: { name: 'enrich_b' } })).state).toBe('draft');
    expect(await outboxCount('processor', 'enrich_b')).toBe(outboxBefore);
    // Once the first is paused, the second may go live; the first then cannot resume.
    await pauseProcessor(db, 'enrich_a', { actor });
    await publishVersion(deps, 'enrich_b', 1, { actor });
    expect((await rejection(resumeProcessor(deps, 'enrich_a', { actor }))).code).toBe('conflict');
    await pauseProcessor(db, 'enrich_b', { actor });
    const names = (await listProcessors(db)).map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['paid_orders', 'enrich_a', 'enrich_b', 'drafty', 'thief', 'first_out']),
    );
  });
});

describe('lookup tables', () => {
  it('refuses a CSV with broken rows, naming their lines, and stores nothing', async () => {
    const csv = 'plan,tier\npaid,gold\n"broken,silver\nfree\n';
    const err = await rejection(uploadLookupTable(db, { name: 'plans', keyColumn: 'plan', csv }, { actor }));
    expect(err.code).toBe('bad_request');
    expect(err.message).toMatch(/line \d+/);
    const errors = (err.details as { errors: Array<{ line: number }> }).errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(await db.lookupTable.count({ where: { name: 'plans' } })).toBe(0);
    expect(await outboxCount('lookup_table', 'plans')).toBe(0);
  });

  it('stores versions, newest used, each with a lookup_table hint', async () => {
    const v1 = await uploadLookupTable(
      db,
      { name: 'plans', keyColumn: 'plan', csv: 'plan,tier\npaid,gold\nfree,basic\n' },
      { actor },
    );
    expect(v1).toMatchObject({ version: 1, keyColumn: 'plan', columns: ['plan', 'tier'], rowCount: 2 });
    const v2 = await uploadLookupTable(
      db,
      { name: 'plans', keyColumn: 'plan', csv: 'plan,tier\npaid,platinum\nfree,basic\ntrial,basic\n' },
      { actor },
    );
    expect(v2.version).toBe(2);
    expect((await listLookupVersions(db, 'plans')).map((v) => v.version)).toEqual([2, 1]);
    expect((await listLookupTables(db)).find((t) => t.name === 'plans')?.latest?.rowCount).toBe(3);
    expect(await outboxCount('lookup_table', 'plans')).toBe(2);
  });

  it('refuses a lookup step naming a table that does not exist', async () => {
    const err = await rejection(
      createVersion(
        db,
        'paid_orders',
        def({
          steps: [{ id: 'l', kind: 'enrich_lookup', table: 'no_such', key: 'data.plan', to: 'derived.plan' }],
        }),
        { actor, piiSecret: SECRET },
      ),
    );
    expect(err.message).toMatch(/no_such/);
  });
});

describe('preview', () => {
  const now = Date.now();
  beforeAll(async () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({
      event_id: `ev-${i}`,
      event_type: TYPE,
      timestamp: toDateTime64(now - (30 - i) * 1000),
      user_id: `user-${i % 3}`,
      data: { plan: i % 3 === 0 ? 'paid' : 'free', amount: i, email: `person${i}@example.test` },
      metadata: { ip: '8.8.8.8' },
      source: 'demo',
      schema_version: 1,
      received_at: toDateTime64(now - (30 - i) * 1000),
      processed_at: toDateTime64(now - (30 - i) * 1000),
    }));
    // Another type: not an input of the previewed processor, so never read.
    rows.push({ ...rows[0]!, event_id: 'other', event_type: 'proc_it.other' });
    await insertRows(ch, `${iso.clickhouseDatabase}.events`, rows);
    await insertRows(ch, `${iso.clickhouseDatabase}.dead_letters`, [
      {
        id: 'dl-1',
        event_id: 'dl-ev-1',
        stage: 'ingest',
        code: 'schema_violation',
        message: 'x',
        details: '{}',
        payload: JSON.stringify({
          event_type: TYPE,
          data: { plan: 'paid', amount: 'lots', email: 'dl@example.test' },
        }),
        payload_encoding: 'utf8',
        source: 'demo',
        write_key_id: null,
        event_type: TYPE,
        schema_version: 1,
        origin_topic: null,
        origin_partition: null,
        origin_offset: null,
        failed_at: toDateTime64(now - 5000),
        first_failed_at: toDateTime64(now - 5000),
        attempts: 1,
      },
    ]);
  });

  const target = () => ({ client: ch, database: iso.clickhouseDatabase });

  it('counts kept, dropped and dead-lettered over the newest events and dead letters, with step costs', async () => {
    const result = await previewDefinition(
      { db, clickhouse: target(), piiSecret: SECRET },
      {
        definition: def({
          steps: [
            { id: 'paid', kind: 'filter', expression: "data.plan == 'paid'" },
            {
              id: 'tag',
              kind: 'transform',
              ops: [{ op: 'set', field: 'derived.big', expression: 'data.amount > 20.0' }],
            },
          ],
        }),
        limit: 20,
      },
      { revealPii: true },
    );
    // The newest 20 events are ev-10 … ev-29: 6 of them paid (ev-12, 15, …, 27).
    expect(result.counts.events).toEqual({ input: 20, kept: 6, dropped: 14, deadLettered: 0 });
    expect(result.counts.deadLetters.input).toBe(1);
    expect(result.steps.map((s) => [s.id, s.in])).toEqual([
      ['paid', 21],
      ['tag', 7],
    ]);
    for (const s of result.steps) expect(s.microsPerEvent).toBeGreaterThanOrEqual(0);
    const kept = result.events.find((e) => e.event_id === 'ev-27')!;
    expect(kept.outcome).toBe('kept');
    expect(kept.changes).toEqual([{ path: 'derived.big', change: 'added', after: true }]);
    expect(result.events.find((e) => e.event_id === 'ev-28')?.outcome).toBe('dropped');
    // The dead letter's amount is text: comparing it with a number is a step error.
    const dl = result.events.find((e) => e.origin === 'dead_letter')!;
    expect(dl).toMatchObject({ outcome: 'dead_lettered', code: 'processor_error', deadLetterId: 'dl-1' });
    expect(result.counts.deadLetters).toEqual({ input: 1, kept: 0, dropped: 0, deadLettered: 1 });
    expect(result.output.invalid).toBe(0);
  });

  it('validates what the output would receive', async () => {
    const result = await previewDefinition(
      { db, clickhouse: target(), piiSecret: SECRET },
      { definition: def(), limit: 20 },
      { revealPii: true },
    );
    // Kept, but its amount is text: the Float64 column would not take it.
    const dl = result.events.find((e) => e.origin === 'dead_letter')!;
    expect(dl.outcome).toBe('kept');
    expect(dl.outputProblems.join(' ')).toMatch(
      /column amount: data\.amount \(a string\) cannot be stored as Float64/,
    );
    expect(result.output).toMatchObject({ kind: 'table', checked: 7, invalid: 1 });
  });

  it('masks pii for a caller without pii:read, also where a step copied it', async () => {
    const definition = def({
      steps: [
        { id: 'paid', kind: 'filter', expression: "data.plan == 'paid'" },
        {
          id: 'copy',
          kind: 'transform',
          ops: [{ op: 'set', field: 'derived.who', expression: 'data.email' }],
        },
        { id: 'hash', kind: 'pii_hash' },
      ],
    });
    const masked = await previewDefinition(
      { db, clickhouse: target(), piiSecret: SECRET },
      { definition, limit: 20 },
      { revealPii: false },
    );
    const text = JSON.stringify(masked);
    expect(text).not.toMatch(/person\d+@example\.test/);
    expect(text).not.toMatch(/dl@example\.test/);
    const ev = masked.events.find((e) => e.event_id === 'ev-27')!;
    expect(ev.changes.find((c) => c.path === 'derived.who')?.after).toBe(PII_MASK);
    const email = ev.changes.find((c) => c.path === 'data.email')!;
    expect(email.before).toBe(PII_MASK);
    expect(email.after).toMatch(/^[0-9a-f]{64}$/);
    const revealed = await previewDefinition(
      { db, clickhouse: target(), piiSecret: SECRET },
      { definition, limit: 20 },
      { revealPii: true },
    );
    expect(JSON.stringify(revealed)).toMatch(/person27@example\.test/);
  });

  it('shows an aggregate draft its contributions and refuses an invalid draft', async () => {
    const result = await previewDefinition(
      { db, clickhouse: target(), piiSecret: SECRET },
      {
        definition: def({
          steps: [
            {
              id: 'per_min',
              kind: 'aggregate',
              window: { type: 'tumbling', sizeSeconds: 60 },
              graceSeconds: 3600,
              groupBy: [{ name: 'plan', field: 'data.plan' }],
              measures: [{ name: 'n', fn: 'count' }],
            },
          ],
          output: { kind: 'aggregate', table: 'plans_per_minute' },
        }),
        limit: 10,
      },
      { revealPii: true },
    );
    expect(result.output.kind).toBe('aggregate');
    expect(result.output.contributionCount).toBeGreaterThanOrEqual(10);
    const err = await rejection(
      previewDefinition(
        { db, clickhouse: target() },
        { definition: def({ steps: [] }) },
        { revealPii: true },
      ),
    );
    expect(err.code).toBe('bad_request');
  });
});

describe('recent output', () => {
  it('reads windows back merged over versions, rows per version, and masks unhashed pii groups', async () => {
    const name = 'per_email';
    const aggregate = (measure: string) => ({
      id: 'per_min',
      kind: 'aggregate' as const,
      window: { type: 'tumbling' as const, sizeSeconds: 60 },
      graceSeconds: 60,
      groupBy: [{ name: 'email', field: 'data.email' }],
      measures: [{ name: measure, fn: 'count' as const }],
    });
    const definition = def({ steps: [aggregate('n')], output: { kind: 'aggregate', table: name } });
    await createProcessor(db, { name }, { actor });
    const v1 = await createVersion(db, name, definition, { actor, piiSecret: SECRET });
    await publishVersion(deps, name, 1, { actor });
    const now = Date.now();
    const start = Math.floor(now / 60_000) * 60_000 - 120_000;
    const contribution = (minute: number, email: string, n: number) => ({
      eventIndex: 0,
      windowStart: start + minute * 60_000,
      windowEnd: start + (minute + 1) * 60_000,
      groups: { email },
      values: { n },
    });
    const target = { client: ch, database: iso.clickhouseDatabase };
    await insertProcessorOutput(target, {
      processor: name,
      version: 1,
      definition: v1.definition,
      contributions: [contribution(0, 'a@example.test', 2), contribution(1, 'a@example.test', 1)],
      token: `${name}:1:t:0:0-1`,
    });
    // The same window flushed again by version 2: one merged row (a count counts contributions).
    await insertProcessorOutput(target, {
      processor: name,
      version: 2,
      definition: v1.definition,
      contributions: [contribution(1, 'a@example.test', 4)],
      token: `${name}:2:t:0:2-2`,
    });

    const shown = await recentOutput({ db, clickhouse: target }, name, { revealPii: true });
    expect(shown).toMatchObject({ kind: 'aggregate', table: `proc_${name}`, piiMasked: false });
    expect(shown.byVersion.map((v) => [v.version, v.rows])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(shown.windows.map((w) => [w.windowStart - start, w.groups.email, w.values.n])).toEqual([
      [60_000, 'a@example.test', 2],
      [0, 'a@example.test', 1],
    ]);

    const masked = await recentOutput({ db, clickhouse: target }, name, { revealPii: false });
    expect(masked.piiMasked).toBe(true);
    expect(JSON.stringify(masked)).not.toContain('a@example.test');
    expect(masked.windows[0]?.groups.email).toBe(PII_MASK);
  });
});
