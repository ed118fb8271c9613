export { createDb, type Db } from './client.ts';
export { DEFAULT_DATABASE_URL, databaseUrlFromEnv } from './env.ts';
export { ensureDatabase, migrate, dropDatabase, type MigrateResult } from './migrate.ts';
export {
  API_KEY_PREFIX,
  WRITE_KEY_PREFIX,
  displayPrefix,
  generateApiKey,
  generateWriteKey,
  hashKey,
} from './keys.ts';
export {
  actorKindOf,
  withAuditRequest,
  writeAudit,
  type AuditActorKind,
  type AuditEntry,
  type AuditRequest,
} from './audit.ts';
export {
  auditFacets,
  listAuditRows,
  type AuditCursor,
  type AuditFilter,
  type AuditRow,
} from './audit-list.ts';
export { createSource, findSourceByName, type SourceRow } from './sources.ts';
export {
  findWriteKey,
  issueWriteKey,
  revokeWriteKey,
  type IssuedKey,
  type WriteKeyMatch,
} from './write-keys.ts';
export { findApiKey, issueApiKey, revokeApiKey, type ApiKeyMatch } from './api-keys.ts';
export { DEMO_SOURCE_NAME, seedDemo, type DemoSeed } from './seed.ts';
export { createTestDatabase, type TestDatabase } from './test-database.ts';
