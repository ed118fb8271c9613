import { issueApiKeyIn, revokeApiKeyIn } from './api-keys.ts';
import { writeAudit } from './audit.ts';
import type { Db } from './client.ts';
import { issueWriteKeyIn, revokeWriteKeyIn } from './write-keys.ts';

export const DEMO_SOURCE_NAME = 'demo';
export const DEMO_API_KEY_NAME = 'demo';
/** `createdBy` of the keys the seed mints; only those are ever retired by a later seed. */
export const SEED_ACTOR = 'seed';

// Any constant shared by every process that seeds the same database.
const SEED_KEYS_LOCK = 0x7472_6b79; // "trky"

export interface DemoSeed {
  sourceName: string;
  sourceId: string;
  writeKey: string;
  apiKey: string;
}

/**
 * Makes sure the demo source and the demo's event schemas (DEMO_SUBJECTS) exist and returns a
 * usable write key and admin API key.
 *
 * NOTE: only key hashes are stored, so a key issued by an earlier start cannot be shown again.
 * Each call therefore issues a fresh pair and revokes the pair(s) earlier calls minted (keys
 * created by SEED_ACTOR: the demo API key and the demo source's seeded write key), so running
 * `npm start` twice leaves one active demo admin key, the one in .tributary/demo.env. Keys people
 * issued themselves, for the demo source too, are never touched.
 */
export async function seedDemo(db: Db): Promise<DemoSeed> {
  const source = await db.source.upsert({
    where: { name: DEMO_SOURCE_NAME },
    create: { name: DEMO_SOURCE_NAME, description: 'Demo source created by npm start' },
    update: {},
  });
  for (const subject of DEMO_SUBJECTS) await seedSubject(db, subject);
  const { writeKey, apiKey } = await db.$transaction(async (tx) => {
    // Two seeds at once (two starts against one database) would otherwise revoke each other's
    // new keys and leave none active.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_KEYS_LOCK})`;
    const opts = { actor: SEED_ACTOR };
    const wk = await issueWriteKeyIn(tx, source.id, { ...opts, name: 'demo (npm start)' });
    const ak = await issueApiKeyIn(tx, { name: DEMO_API_KEY_NAME, scopes: ['admin'] }, opts);
    const oldWriteKeys = await tx.writeKey.findMany({
      where: { sourceId: source.id, createdBy: SEED_ACTOR, revokedAt: null, id: { not: wk.id } },
      select: { id: true },
    });
    for (const k of oldWriteKeys) await revokeWriteKeyIn(tx, k.id, opts);
    const oldApiKeys = await tx.apiKey.findMany({
      where: { name: DEMO_API_KEY_NAME, createdBy: SEED_ACTOR, revokedAt: null, id: { not: ak.id } },
      select: { id: true },
    });
    for (const k of oldApiKeys) await revokeApiKeyIn(tx, k.id, opts);
    return { writeKey: wk.key, apiKey: ak.key };
  });
  return { sourceName: source.name, sourceId: source.id, writeKey, apiKey };
}

/**
 * Registers a demo subject with all its versions unless a subject of that name exists: once
 * people have evolved it (or deleted versions), a restart must not touch it.
 * NOTE: written directly rather than through @tributary/registry (which depends on this
 * package); the registry's tests check these versions pass its own validation and checker.
 */
async function seedSubject(db: Db, subject: DemoSubject): Promise<void> {
  if (await db.subject.findUnique({ where: { name: subject.name } })) return;
  try {
    await db.$transaction(async (tx) => {
      const row = await tx.subject.create({
        data: {
          name: subject.name,
          description: subject.description,
          owner: subject.owner,
          lastVersion: subject.versions.length,
        },
      });
      await writeAudit(tx, {
        actor: 'seed',
        action: 'subject.create',
        entity: 'subject',
        entityId: row.id,
        after: { name: row.name, compatibility: row.compatibility, enforcement: row.enforcement },
      });
      for (const [i, v] of subject.versions.entries()) {
        const created = await tx.schemaVersion.create({
          data: {
            subjectId: row.id,
            version: i + 1,
            schema: v.schema as object,
            description: v.description,
            examples: v.examples as object,
            createdBy: 'seed',
          },
        });
        await writeAudit(tx, {
          actor: 'seed',
          action: 'schema_version.register',
          entity: 'schema_version',
          entityId: created.id,
          after: { subject: subject.name, version: created.version, schema: v.schema as object },
        });
      }
    });
  } catch (err) {
    // Another process seeding at the same moment created it first: that is the goal anyway.
    if ((err as { code?: unknown }).code !== 'P2002') throw err;
  }
}

// The demo's event types (scripts/demo.ts sends them), registered on first start so the console
// and ingest have schemas to show and check from the beginning. Each schema describes `data`.
// Closed models (additionalProperties: false) so that adding an optional field, as page_view v2
// does, is a backward-compatible change under the registry's checker.
const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

export interface DemoSubject {
  name: string;
  description: string;
  owner: string;
  versions: { schema: Record<string, unknown>; description: string; examples: unknown[] }[];
}

const pagePath = { type: 'string', minLength: 1, description: 'URL path of the page, e.g. /pricing' };

export const DEMO_SUBJECTS: DemoSubject[] = [
  {
    name: 'page_view',
    description: 'A page of the website was shown',
    owner: 'web-team',
    versions: [
      {
        description: 'First version: the page path',
        schema: {
          $schema: DRAFT,
          title: 'page_view',
          type: 'object',
          properties: { path: pagePath },
          required: ['path'],
          additionalProperties: false,
        },
        examples: [{ path: '/pricing' }],
      },
      {
        description: 'Adds the optional referrer',
        schema: {
          $schema: DRAFT,
          title: 'page_view',
          type: 'object',
          properties: {
            path: pagePath,
            referrer: { type: 'string', description: 'Where the visitor came from, e.g. google' },
          },
          required: ['path'],
          additionalProperties: false,
        },
        examples: [{ path: '/pricing', referrer: 'google' }, { path: '/' }],
      },
    ],
  },
  {
    name: 'user_signup',
    description: 'A visitor created an account',
    owner: 'growth-team',
    versions: [
      {
        description: 'First version',
        schema: {
          $schema: DRAFT,
          title: 'user_signup',
          type: 'object',
          properties: {
            plan: { type: 'string', minLength: 1, description: 'Plan chosen at signup, e.g. starter' },
            method: { type: 'string', enum: ['email', 'sso'] },
          },
          required: ['plan', 'method'],
          additionalProperties: false,
        },
        examples: [{ plan: 'starter', method: 'email' }],
      },
    ],
  },
  {
    name: 'purchase',
    description: 'A customer bought a plan',
    owner: 'billing-team',
    versions: [
      {
        description: 'First version',
        schema: {
          $schema: DRAFT,
          title: 'purchase',
          type: 'object',
          properties: {
            sku: { type: 'string', minLength: 1 },
            amount: { type: 'number', minimum: 0, description: 'Price paid, in currency units' },
            currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' },
          },
          required: ['sku', 'amount', 'currency'],
          additionalProperties: false,
        },
        examples: [{ sku: 'team', amount: 99, currency: 'USD' }],
      },
    ],
  },
];
