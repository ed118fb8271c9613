// Every mutation of the console router, called by every role and by a key with each scope, against
// real Postgres, ClickHouse and Kafka: refused with FORBIDDEN exactly when ROLE_PERMISSIONS (or
// the key's scopes) lack the procedure's permission; otherwise the call gets past the check (it
// may still fail on the data, e.g. NOT_FOUND for an entry that does not exist).
import { randomUUID } from 'node:crypto';
import { createClickHouse, type QueryTarget } from '@tributary/clickhouse';
import { createDb, DEMO_SOURCE_NAME } from '@tributary/db';
import { registerVersion } from '@tributary/registry';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../../../../scripts/test-infra/fixtures.ts';
import { auditName, can, KEY_SCOPES, ROLES, type Actor } from './auth/actor.ts';
import { callPath, walkProcedures } from './auth/router-walk.ts';
import { keyActor, userActor } from './auth/test-actors.ts';

let iso: Isolated;
let target: QueryTarget;
const subject = `matrix_${randomUUID().slice(0, 8)}`;
const missing = randomUUID();
const matrixRule = {
  name: 'matrix-lag',
  title: 'Consumer lag',
  query: { kind: 'signal', signal: { kind: 'consumer_lag' } },
  condition: { kind: 'threshold', op: 'above', threshold: 60 },
};

/**
 * Inputs that pass each mutation's validation, so an allowed call runs its body. A mutation not
 * listed here is still called (with no input): the permission check runs before input parsing,
 * so FORBIDDEN vs. anything else is decided the same way.
 */
const INPUTS: Record<string, unknown> = {
  'dlq.dryRun': { selection: { kind: 'ids', ids: [missing] } },
  'dlq.replay': { selection: { kind: 'ids', ids: [missing] }, rate: 100 },
  'dlq.resumeReplay': { id: missing },
  'dlq.discard': { selection: { kind: 'ids', ids: [missing] }, reason: 'role matrix' },
  'dlq.setRetention': { days: 30 },
  'schemas.trafficCheck': { subject, text: '{"type":"object"}' },
  'schemas.register': { subject, text: '{"type":"object"}' },
  'schemas.setMode': { subject, mode: 'BACKWARD' },
  'schemas.setEnforcement': { subject, enforcement: 'enforce' },
  'schemas.deprecate': { subject, version: 999 },
  'schemas.delete': { subject, version: 999 },
  'sources.setPolicy': { source: DEMO_SOURCE_NAME, policy: 'allow' },
  'sources.setRateLimit': { source: DEMO_SOURCE_NAME, eventsPerSecond: 50_000, burst: 100_000 },
  // The first allowed caller creates; the next ones meet CONFLICT, which is past the check too.
  'alerts.rules.create': { rule: matrixRule },
  'alerts.rules.update': { name: matrixRule.name, revision: 1, rule: matrixRule },
  'alerts.rules.delete': { name: 'matrix-missing' },
  'alerts.silences.create': {
    silence: {
      matchers: [{ name: 'alertname', op: '=', value: matrixRule.name }],
      startsAt: Date.now(),
      end: { kind: 'until_resolved' },
      comment: 'role matrix',
    },
  },
  'alerts.silences.expire': { id: missing },
  // No instance of the rule is active: an allowed caller meets NOT_FOUND, past the check.
  'alerts.acknowledge': { rule: matrixRule.name, groupKey: '[]' },
  'alerts.receivers.create': {
    receiver: { kind: 'email', name: 'matrix-mail', to: ['matrix@example.test'] },
  },
  'alerts.receivers.update': {
    name: 'matrix-mail',
    revision: 1,
    receiver: { kind: 'email', name: 'matrix-mail', to: ['matrix@example.test'] },
  },
  'alerts.receivers.delete': { name: 'matrix-missing' },
  'alerts.muteTimings.create': { muteTiming: { name: 'matrix-nights', intervals: [{}] } },
  'alerts.muteTimings.delete': { name: 'matrix-missing' },
  'alerts.routing.replace': { revision: 0, policy: { receiver: 'matrix-missing' } },
  'alertTools.sendTest': { name: 'matrix-missing' },
};

const ACTORS: [string, Actor][] = [
  ...ROLES.map((role): [string, Actor] => [role, userActor(role)]),
  ['viewer+pii', userActor('viewer', { piiGrant: true })],
  ...KEY_SCOPES.map((scope): [string, Actor] => [`key:${scope}`, keyActor([scope])]),
];

beforeAll(async () => {
  iso = await isolate();
  target = { client: createClickHouse({ url: iso.clickhouseUrl }), database: iso.clickhouseDatabase };
  const db = createDb(iso.databaseUrl);
  await registerVersion(db, subject, { type: 'object' }, { actor: 'test' });
  await db.$disconnect();
  // NOTE: the console's env is parsed when first imported, so the router loads only after this.
  process.env.DATABASE_URL = iso.databaseUrl;
  process.env.KAFKA_BROKERS = iso.brokers;
  process.env.TOPIC_PREFIX = iso.topicPrefix;
});

afterAll(async () => {
  const { getDb } = await import('./db.ts');
  const { closeControlProducer } = await import('./control.ts');
  await closeControlProducer();
  await getDb().$disconnect();
  await target?.client.close();
  await iso?.cleanup();
});

describe('role matrix', () => {
  it('refuses each mutation with FORBIDDEN exactly for actors lacking its permission', async () => {
    const { appRouter } = await import('./routers/index.ts');
    const { callerContext } = await import('./trpc.ts');
    const mutations = walkProcedures(appRouter).filter(
      (p) => p.type === 'mutation' && p.access?.kind === 'permission',
    );
    expect(mutations.map((m) => m.path)).toEqual(expect.arrayContaining(Object.keys(INPUTS)));

    const outcomes: string[] = [];
    const wrong: string[] = [];
    for (const m of mutations) {
      if (m.access?.kind !== 'permission') continue;
      for (const [label, actor] of ACTORS) {
        const allowed = can(actor, m.access.permission);
        const caller = appRouter.createCaller(callerContext(target, actor));
        const err = await callPath(caller, m.path, INPUTS[m.path]).then(
          () => null,
          (e: unknown) => e,
        );
        const code = err === null ? 'ok' : err instanceof TRPCError ? err.code : `non-trpc ${String(err)}`;
        outcomes.push(`${m.path} ${label} ${code}`);
        const refused = code === 'FORBIDDEN' || code === 'UNAUTHORIZED';
        if (allowed ? refused : code !== 'FORBIDDEN') {
          wrong.push(`${m.path} as ${label}: ${allowed ? 'allowed' : 'forbidden'} expected, got ${code}`);
        }
        // An allowed call must have run its body, not died of an unrelated failure.
        if (allowed && code === 'INTERNAL_SERVER_ERROR') wrong.push(`${m.path} as ${label}: internal error`);
      }
    }
    expect(wrong).toEqual([]);
    // Each mutation was both allowed and refused for someone: the matrix is not one-sided.
    for (const m of mutations) {
      const rows = outcomes.filter((o) => o.startsWith(`${m.path} `));
      expect(
        rows.some((o) => o.endsWith(' FORBIDDEN')),
        m.path,
      ).toBe(true);
      expect(
        rows.some((o) => !o.endsWith(' FORBIDDEN')),
        m.path,
      ).toBe(true);
    }

    // What the allowed calls changed is audited under the caller's own name, with a request id;
    // nothing in the matrix was written as an anonymous "console".
    const { getDb } = await import('./db.ts');
    const names = new Set(ACTORS.map(([, a]) => auditName(a)));
    const rows = await getDb().auditLog.findMany({ where: { actor: { not: 'test' } } });
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows.filter((row) => row.actor !== 'seed' && row.actor !== 'system')) {
      expect(names.has(r.actor), r.actor).toBe(true);
      expect(r.requestId, r.action).not.toBeNull();
    }
    // dlq.setRetention audits every call (other mutations skip setting a value already set).
    expect(
      rows
        .filter((r) => r.action === 'dlq.retention')
        .map((r) => r.actor)
        .sort(),
    ).toEqual(
      ACTORS.filter(([, a]) => can(a, 'dlq:operate'))
        .map(([, a]) => auditName(a))
        .sort(),
    );
  });
});
