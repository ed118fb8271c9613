// Alert configuration against a real, migrated Postgres database of this file's own: inputs
// refused with the paths of their problems and nothing stored; revision conflicts; routing that
// names only existing receivers and mute timings; deletions refused while routing uses them;
// every change audited in its own transaction; secrets masked on read.
import { TributaryError, type AlertRuleInput } from '@tributary/contracts';
import { createDb, createTestDatabase, databaseUrlFromEnv, type Db, type TestDatabase } from '@tributary/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASK } from './receiver-secrets.ts';
import {
  createAlertMuteTiming,
  createAlertReceiver,
  createAlertRule,
  createAlertSilence,
  deleteAlertMuteTiming,
  deleteAlertReceiver,
  deleteAlertRule,
  expireAlertSilence,
  getAlertReceiver,
  getAlertRouting,
  getAlertRule,
  listAlertReceivers,
  listAlertRules,
  listAlertSilences,
  loadAlertReceivers,
  putAlertRule,
  replaceAlertRouting,
  updateAlertMuteTiming,
  updateAlertReceiver,
  updateAlertRule,
} from './index.ts';

let testDb: TestDatabase;
let db: Db;
const actor = 'user:oncall@example.test';

beforeAll(async () => {
  testDb = await createTestDatabase(databaseUrlFromEnv());
  db = createDb(testDb.url);
});
afterAll(async () => {
  await db?.$disconnect();
  await testDb?.drop();
});

async function rejection(p: Promise<unknown>): Promise<TributaryError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TributaryError);
  return err as TributaryError;
}

async function auditActions(entity: string): Promise<string[]> {
  const rows = await db.auditLog.findMany({ where: { entity }, orderBy: { at: 'asc' } });
  return rows.map((r) => r.action);
}

const rule: AlertRuleInput = {
  name: 'dead-letters',
  title: 'Dead-letter rate above 1%',
  query: { kind: 'signal', signal: { kind: 'dead_letter_rate' } },
  condition: { kind: 'threshold', op: 'above', threshold: 0.01, recovery: 0.005 },
  pendingSeconds: 300,
};

const webhook = {
  kind: 'webhook',
  name: 'ops-hook',
  url: 'https://hooks.example.test/services/T000/B000/secret-token',
  headers: { Authorization: 'Bearer hook-secret' },
};

describe('alert rules', () => {
  it('refuses an invalid rule naming the field, and stores nothing', async () => {
    const err = await rejection(
      createAlertRule(
        db,
        { ...rule, condition: { kind: 'threshold', op: 'above', threshold: 1, recovery: 2 } },
        { actor },
      ),
    );
    expect(err.code).toBe('bad_request');
    expect(err.message).toMatch(/condition\.recovery: the recovery threshold \(2\) must not be above/);
    expect(await listAlertRules(db)).toEqual([]);
    expect(await auditActions('alert_rule')).toEqual([]);
  });

  it('creates, updates with the revision guard, puts as code and deletes, each audited', async () => {
    const created = await createAlertRule(db, rule, { actor });
    expect(created).toMatchObject({ name: 'dead-letters', revision: 1, enabled: true, createdBy: actor });
    expect(created.rule.windowSeconds).toBe(300);
    expect((await rejection(createAlertRule(db, rule, { actor }))).code).toBe('conflict');

    const updated = await updateAlertRule(
      db,
      'dead-letters',
      { revision: 1, rule: { ...rule, enabled: false } },
      { actor },
    );
    expect(updated).toMatchObject({ revision: 2, enabled: false });

    const stale = await rejection(
      updateAlertRule(db, 'dead-letters', { revision: 1, rule: { ...rule, title: 'x' } }, { actor }),
    );
    expect(stale.code).toBe('conflict');
    expect(stale.message).toMatch(/at revision 2, not 1/);
    expect((await getAlertRule(db, 'dead-letters')).rule.title).toBe(rule.title);

    const renamed = await rejection(
      updateAlertRule(db, 'dead-letters', { revision: 2, rule: { ...rule, name: 'other' } }, { actor }),
    );
    expect(renamed.message).toMatch(/^alert rule refused: name: a rule keeps its name/);

    // As code: no revision replaces whatever is stored; a stated one is checked.
    const { name: _name, ...withoutName } = rule;
    const put = await putAlertRule(db, 'dead-letters', { ...withoutName, title: 'From CI' }, { actor });
    expect(put).toMatchObject({ created: false, view: { revision: 3, enabled: true } });
    expect((await rejection(putAlertRule(db, 'dead-letters', rule, { actor, revision: 2 }))).code).toBe(
      'conflict',
    );
    expect((await putAlertRule(db, 'lag', { ...rule, name: 'lag' }, { actor })).created).toBe(true);

    await deleteAlertRule(db, 'lag', { actor });
    expect((await rejection(getAlertRule(db, 'lag'))).code).toBe('not_found');
    expect(await auditActions('alert_rule')).toEqual([
      'alert_rule.create',
      'alert_rule.update',
      'alert_rule.update',
      'alert_rule.create',
      'alert_rule.delete',
    ]);
  });
});

describe('receivers, mute timings and routing', () => {
  it('masks receiver secrets unless revealed, in audit rows too', async () => {
    await createAlertReceiver(db, webhook, { actor });
    await createAlertReceiver(
      db,
      { kind: 'email', name: 'ops-mail', to: ['oncall@example.test'] },
      { actor },
    );

    const masked = await getAlertReceiver(db, 'ops-hook');
    expect(masked.masked).toBe(true);
    expect(masked.receiver).toMatchObject({
      url: `https://hooks.example.test/${MASK}`,
      headers: { Authorization: MASK },
    });
    const listed = await listAlertReceivers(db);
    expect(JSON.stringify(listed)).not.toContain('secret');
    const revealed = await getAlertReceiver(db, 'ops-hook', { reveal: true });
    expect(revealed.receiver).toMatchObject({ url: webhook.url, headers: webhook.headers });
    expect((await loadAlertReceivers(db)).map((r) => r.name)).toEqual(['ops-hook', 'ops-mail']);

    const audit = await db.auditLog.findMany({ where: { entity: 'alert_receiver' } });
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toContain('secret');

    const bad = await rejection(
      createAlertReceiver(db, { ...webhook, name: 'x', url: 'ftp://x' }, { actor }),
    );
    expect(bad.message).toMatch(/url: a webhook URL is an http/);
  });

  it('refuses routing that names a missing receiver or mute timing, with the path', async () => {
    const err = await rejection(
      replaceAlertRouting(
        db,
        {
          revision: 0,
          policy: {
            receiver: 'ops-hook',
            routes: [
              {
                matchers: [{ name: 'team', op: '=', value: 'db' }],
                receiver: 'nobody',
                muteTimings: ['nights'],
              },
            ],
          },
        },
        { actor },
      ),
    );
    expect(err.code).toBe('bad_request');
    expect(err.message).toMatch(/policy\.routes\.0\.receiver: no receiver named nobody/);
    expect(err.message).toMatch(/policy\.routes\.0\.muteTimings\.0: no mute timing named nights/);
    const shape = await rejection(
      replaceAlertRouting(
        db,
        { revision: 0, policy: { receiver: 'ops-hook', groupWaitSeconds: -1 } },
        { actor },
      ),
    );
    expect(shape.message).toMatch(/policy\.groupWaitSeconds: group_wait is at least 0 s/);
    expect(await getAlertRouting(db)).toMatchObject({ policy: null, revision: 0 });
  });

  it('saves routing with the revision guard and refuses deleting what it uses, naming the route', async () => {
    await createAlertMuteTiming(
      db,
      { name: 'nights', intervals: [{ times: [{ start: '00:00', end: '06:00' }] }] },
      { actor },
    );
    const saved = await replaceAlertRouting(
      db,
      {
        revision: 0,
        policy: {
          receiver: 'ops-mail',
          routes: [
            {
              matchers: [{ name: 'team', op: '=', value: 'db' }],
              receiver: 'ops-hook',
              muteTimings: ['nights'],
            },
          ],
        },
      },
      { actor },
    );
    expect(saved.revision).toBe(1);
    expect(
      (await rejection(replaceAlertRouting(db, { revision: 0, policy: { receiver: 'ops-mail' } }, { actor })))
        .code,
    ).toBe('conflict');

    const used = await rejection(deleteAlertReceiver(db, 'ops-hook', { actor }));
    expect(used.code).toBe('conflict');
    expect(used.message).toBe(
      'receiver "ops-hook" is used by routing: route routes[0] (team="db"); change those routes first',
    );
    const root = await rejection(deleteAlertReceiver(db, 'ops-mail', { actor }));
    expect(root.message).toMatch(/used by routing: the root route/);
    const timing = await rejection(deleteAlertMuteTiming(db, 'nights', { actor }));
    expect(timing.message).toMatch(
      /mute timing "nights" is used by routing: route routes\[0\] \(team="db"\)/,
    );

    await updateAlertMuteTiming(
      db,
      'nights',
      { revision: 1, muteTiming: { name: 'nights', timeZone: 'Europe/Berlin', intervals: [{}] } },
      { actor },
    );
    await updateAlertReceiver(
      db,
      'ops-hook',
      { revision: 1, receiver: { ...webhook, format: 'slack' } },
      { actor },
    );

    // Once routing no longer uses them, they go.
    await replaceAlertRouting(db, { revision: 1, policy: { receiver: 'ops-mail' } }, { actor });
    await deleteAlertReceiver(db, 'ops-hook', { actor });
    await deleteAlertMuteTiming(db, 'nights', { actor });
    expect((await listAlertReceivers(db)).map((r) => r.name)).toEqual(['ops-mail']);

    expect(await auditActions('alert_routing')).toEqual(['alert_routing.replace', 'alert_routing.replace']);
    expect(await auditActions('alert_mute_timing')).toEqual([
      'alert_mute_timing.create',
      'alert_mute_timing.update',
      'alert_mute_timing.delete',
    ]);
  });
});

describe('silences', () => {
  it('records its author as the actor, needs a comment, and expires once', async () => {
    const now = Date.now();
    const missing = await rejection(
      createAlertSilence(
        db,
        {
          matchers: [{ name: 'alertname', op: '=', value: 'lag' }],
          startsAt: now,
          end: { kind: 'until_resolved' },
          comment: ' ',
        },
        { actor },
      ),
    );
    expect(missing.message).toMatch(/comment: say why/);

    const s = await createAlertSilence(
      db,
      {
        matchers: [{ name: 'alertname', op: '=', value: 'lag' }],
        startsAt: now,
        end: { kind: 'at', endsAt: now + 3_600_000 },
        createdBy: 'someone-else',
        comment: 'broker maintenance',
      },
      { actor },
    );
    expect(s).toMatchObject({ createdBy: actor, comment: 'broker maintenance', endedAt: null });
    const forever = await createAlertSilence(
      db,
      {
        matchers: [{ name: 'source', op: '=', value: 'shop' }],
        startsAt: now,
        end: { kind: 'until_resolved' },
        comment: 'known',
      },
      { actor },
    );
    expect(forever.end).toEqual({ kind: 'until_resolved' });
    expect((await listAlertSilences(db)).map((x) => x.id).sort()).toEqual([s.id, forever.id].sort());

    const expired = await expireAlertSilence(db, s.id, { actor });
    expect(expired.endedAt).not.toBeNull();
    expect(expired.expiredBy).toBe(actor);
    expect((await rejection(expireAlertSilence(db, s.id, { actor }))).code).toBe('conflict');
    expect((await listAlertSilences(db)).map((x) => x.id)).toEqual([forever.id]);
    expect(await listAlertSilences(db, { includeEnded: true })).toHaveLength(2);
    expect(await auditActions('alert_silence')).toEqual([
      'alert_silence.create',
      'alert_silence.create',
      'alert_silence.expire',
    ]);
  });
});
