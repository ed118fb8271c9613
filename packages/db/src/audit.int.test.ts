// Real Postgres: audit rows carry the request that caused them, and nobody can change or remove
// them afterwards — not the app's Prisma client, not raw SQL as the table's owner (here a
// superuser), not a separate role granted every privilege, not with triggers set to "replica".
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAuditRequest, writeAudit } from './audit.ts';
import { createDb, type Db } from './client.ts';
import { databaseUrlFromEnv } from './env.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

const serverUrl = databaseUrlFromEnv();
const appRole = `tributary_app_${randomBytes(4).toString('hex')}`;
let testDb: TestDatabase;
let db: Db;

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** The message Postgres refused `text` with, or null when it ran. */
async function refusal(url: string, text: string): Promise<string | null> {
  return sql(url, text).then(
    () => null,
    (err: unknown) => (err as Error).message,
  );
}

beforeAll(async () => {
  testDb = await createTestDatabase(serverUrl);
  db = createDb(testDb.url);
  // A non-owner login role with every table privilege: what a deployment's app role could have.
  await sql(testDb.url, `CREATE ROLE ${appRole} LOGIN; GRANT ALL ON audit_logs TO ${appRole}`);
});

afterAll(async () => {
  await db?.$disconnect();
  await testDb?.drop();
  await sql(serverUrl, `DROP ROLE IF EXISTS ${appRole}`).catch(() => {});
});

describe('audit rows', () => {
  it('record the actor kind and the request (ip, user agent, request id) they were written in', async () => {
    const request = { ip: '203.0.113.7', userAgent: 'curl/8.5', requestId: 'req-audit-0001' };
    await withAuditRequest(request, () =>
      writeAudit(db, { actor: 'user:ops@example.com', action: 'test.inside', entity: 't', entityId: '1' }),
    );
    await writeAudit(db, { actor: 'api_key:ci', action: 'test.outside', entity: 't', entityId: '2' });
    await writeAudit(db, { actor: 'system', action: 'test.system', entity: 't', entityId: '3' });

    const rows = await db.auditLog.findMany({ where: { entity: 't' }, orderBy: { entityId: 'asc' } });
    expect(rows.map((r) => [r.actorKind, r.ip, r.userAgent, r.requestId])).toEqual([
      ['user', '203.0.113.7', 'curl/8.5', 'req-audit-0001'],
      ['key', null, null, null],
      ['system', null, null, null],
    ]);
  });

  it('cannot be updated, deleted or truncated by any role', async () => {
    await writeAudit(db, { actor: 'system', action: 'test.keep', entity: 'keep', entityId: 'k' });
    const count = () => db.auditLog.count({ where: { entity: 'keep' } });

    await expect(db.auditLog.updateMany({ where: { entity: 'keep' }, data: { actor: 'x' } })).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(db.auditLog.deleteMany({ where: { entity: 'keep' } })).rejects.toThrow(
      /append-only: DELETE refused/,
    );

    // As the owner (a superuser here, whom privileges do not bind).
    expect(await refusal(testDb.url, `UPDATE audit_logs SET actor = 'x'`)).toMatch(/append-only: UPDATE/);
    expect(await refusal(testDb.url, `DELETE FROM audit_logs`)).toMatch(/append-only: DELETE/);
    expect(await refusal(testDb.url, `TRUNCATE audit_logs`)).toMatch(/append-only: TRUNCATE/);
    // "replica" mode skips ordinary triggers; these are ENABLE ALWAYS.
    expect(
      await refusal(testDb.url, `SET session_replication_role = replica; DELETE FROM audit_logs`),
    ).toMatch(/append-only: DELETE/);

    // As a separate role granted ALL on the table: still refused.
    const asApp = new URL(testDb.url);
    asApp.username = appRole;
    asApp.password = '';
    const appUrl = asApp.toString();
    expect(
      await refusal(
        appUrl,
        `INSERT INTO audit_logs (id, actor, action, entity, entity_id)
      VALUES ('${crypto.randomUUID()}', 'system', 'test.app', 'keep', 'a')`,
      ),
    ).toBeNull();
    expect(await refusal(appUrl, `UPDATE audit_logs SET actor = 'x'`)).toMatch(/append-only: UPDATE/);
    expect(await refusal(appUrl, `DELETE FROM audit_logs`)).toMatch(/append-only: DELETE/);
    expect(await refusal(appUrl, `TRUNCATE audit_logs`)).toMatch(/append-only: TRUNCATE/);

    expect(await count()).toBe(2);
  });
});
