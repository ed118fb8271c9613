// The built-in alerts against a real, migrated Postgres database of this file's own: a first
// seed creates the four rules, the inbox receiver and the routing, audited as `system`; seeding
// again changes nothing; what an operator changed stays as they left it.
import { alertRuleSchema } from '@tributary/contracts';
import { createDb, createTestDatabase, databaseUrlFromEnv, type Db, type TestDatabase } from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAlertReceiver,
  getAlertReceiver,
  getAlertRouting,
  getAlertRule,
  listAlertRules,
  replaceAlertRouting,
  updateAlertReceiver,
  updateAlertRule,
} from '../store/index.ts';
import { BUILTIN_ALERTS_ACTOR, BUILTIN_INBOX_RECEIVER, builtinAlertRules } from './builtin-rules.ts';
import { seedBuiltinAlerts } from './seed-builtin-alerts.ts';

let testDb: TestDatabase;
let db: Db;
const opts = {
  inboxUrl: 'http://127.0.0.1:3000/api/alerts/inbox',
  inboxToken: 'first-token-0123456789abcdef',
  demoSource: 'demo',
};

beforeAll(async () => {
  testDb = await createTestDatabase(databaseUrlFromEnv());
  db = createDb(testDb.url);
});
afterAll(async () => {
  await db?.$disconnect();
  await testDb?.drop();
});

const auditCount = () => db.auditLog.count();

describe('seedBuiltinAlerts', () => {
  it('every built-in rule passes the rule schema (a bad one would fail every npm start)', () => {
    for (const rule of builtinAlertRules('demo')) expect(alertRuleSchema.safeParse(rule).success).toBe(true);
  });

  it('creates the four rules, the inbox receiver with its bearer token and the root routing', async () => {
    const result = await seedBuiltinAlerts(db, opts);
    expect(result).toEqual({
      rulesCreated: ['table-freshness', 'dead-letter-rate', 'consumer-lag', 'demo-source-silent'],
      rulesKept: [],
      receiver: 'created',
      routing: 'created',
    });

    const rules = await listAlertRules(db);
    expect(rules.map((r) => r.name).sort()).toEqual(
      ['consumer-lag', 'dead-letter-rate', 'demo-source-silent', 'table-freshness'].sort(),
    );
    for (const r of rules) {
      expect(r.createdBy).toBe(BUILTIN_ALERTS_ACTOR);
      expect(r.enabled).toBe(true);
      expect(r.rule.labels.severity).toBeDefined();
      expect(r.rule.intervalSeconds).toBeGreaterThanOrEqual(15);
      expect(r.rule.intervalSeconds).toBeLessThanOrEqual(30);
    }
    const silent = rules.find((r) => r.name === 'demo-source-silent')!.rule;
    expect(silent.query).toEqual({
      kind: 'signal',
      signal: { kind: 'source_silence', sources: ['demo'], minutes: 10 },
    });
    expect(silent.condition).toEqual({ kind: 'threshold', op: 'below', threshold: 1 });
    const freshness = rules.find((r) => r.name === 'table-freshness')!.rule;
    expect(freshness.condition).toMatchObject({ op: 'above', threshold: 30 });
    expect(freshness.windowSeconds).toBe(300);
    const deadLetters = rules.find((r) => r.name === 'dead-letter-rate')!.rule;
    expect(deadLetters.condition).toMatchObject({ op: 'above', threshold: 0.01 });
    expect(deadLetters.pendingSeconds).toBe(300);
    expect(rules.find((r) => r.name === 'consumer-lag')!.rule.condition).toMatchObject({ threshold: 60 });

    const receiver = await getAlertReceiver(db, BUILTIN_INBOX_RECEIVER, { reveal: true });
    expect(receiver.receiver).toEqual({
      kind: 'webhook',
      name: 'inbox',
      url: opts.inboxUrl,
      format: 'json',
      headers: { Authorization: `Bearer ${opts.inboxToken}` },
    });
    // Everyone else sees the token masked.
    const masked = await getAlertReceiver(db, BUILTIN_INBOX_RECEIVER);
    expect(JSON.stringify(masked.receiver)).not.toContain(opts.inboxToken);

    const routing = await getAlertRouting(db);
    expect(routing.revision).toBe(1);
    expect(routing.updatedBy).toBe(BUILTIN_ALERTS_ACTOR);
    expect(routing.policy).toMatchObject({
      receiver: 'inbox',
      groupBy: ['alertname'],
      groupWaitSeconds: 10,
      groupIntervalSeconds: 60,
      repeatIntervalSeconds: 4 * 3600,
      routes: [],
    });

    const audit = await db.auditLog.findMany({ orderBy: { at: 'asc' } });
    expect(new Set(audit.map((a) => a.actor))).toEqual(new Set([BUILTIN_ALERTS_ACTOR]));
    expect(audit.map((a) => a.action).sort()).toEqual(
      [
        'alert_receiver.create',
        'alert_routing.replace',
        ...Array.from({ length: 4 }, () => 'alert_rule.create'),
      ].sort(),
    );
    // The audit row keeps the masked receiver, never the token.
    expect(JSON.stringify(audit)).not.toContain(opts.inboxToken);
  });

  it('a second seed with the same settings changes nothing', async () => {
    const before = await auditCount();
    const result = await seedBuiltinAlerts(db, opts);
    expect(result).toEqual({
      rulesCreated: [],
      rulesKept: ['table-freshness', 'dead-letter-rate', 'consumer-lag', 'demo-source-silent'],
      receiver: 'kept',
      routing: 'kept',
    });
    expect(await auditCount()).toBe(before);
    expect((await getAlertRouting(db)).revision).toBe(1);
  });

  it('a new token updates the receiver only while nobody but the seed changed it', async () => {
    const renewed = { ...opts, inboxToken: 'second-token-0123456789abcdef' };
    expect((await seedBuiltinAlerts(db, renewed)).receiver).toBe('updated');
    const updated = await getAlertReceiver(db, BUILTIN_INBOX_RECEIVER, { reveal: true });
    expect(updated.revision).toBe(2);
    expect(updated.receiver).toMatchObject({ headers: { Authorization: `Bearer ${renewed.inboxToken}` } });
  });

  it('keeps what an operator changed: a rule, the routing, the receiver', async () => {
    const actor = { actor: 'user:oncall@example.test' };
    const freshness = await getAlertRule(db, 'table-freshness');
    await updateAlertRule(
      db,
      'table-freshness',
      {
        revision: freshness.revision,
        rule: { ...freshness.rule, condition: { kind: 'threshold', op: 'above', threshold: 120 } },
      },
      actor,
    );
    await createAlertReceiver(
      db,
      { kind: 'webhook', name: 'pager', url: 'https://pager.example.test/hook' },
      actor,
    );
    const routing = await getAlertRouting(db);
    await replaceAlertRouting(
      db,
      { revision: routing.revision, policy: { ...routing.policy, receiver: 'pager' } },
      actor,
    );
    const receiver = await getAlertReceiver(db, BUILTIN_INBOX_RECEIVER, { reveal: true });
    await updateAlertReceiver(
      db,
      BUILTIN_INBOX_RECEIVER,
      { revision: receiver.revision, receiver: { ...receiver.receiver, url: 'http://127.0.0.1:4000/hook' } },
      actor,
    );

    const result = await seedBuiltinAlerts(db, { ...opts, inboxToken: 'third-token-0123456789abcdef' });
    expect(result.rulesCreated).toEqual([]);
    expect(result.receiver).toBe('kept');
    expect(result.routing).toBe('kept');
    expect((await getAlertRule(db, 'table-freshness')).rule.condition).toMatchObject({ threshold: 120 });
    expect((await getAlertRouting(db)).policy?.receiver).toBe('pager');
    expect((await getAlertReceiver(db, BUILTIN_INBOX_RECEIVER, { reveal: true })).receiver).toMatchObject({
      url: 'http://127.0.0.1:4000/hook',
      headers: { Authorization: 'Bearer second-token-0123456789abcdef' },
    });
  });

  it('creates a built-in rule again once it is missing, and leaves the others alone', async () => {
    await db.alertRule.delete({ where: { name: 'consumer-lag' } });
    const result = await seedBuiltinAlerts(db, opts);
    expect(result.rulesCreated).toEqual(['consumer-lag']);
    expect(result.rulesKept).toEqual(['table-freshness', 'dead-letter-rate', 'demo-source-silent']);
  });
});
