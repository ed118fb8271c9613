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
  keyState,
  LAST_USED_RESOLUTION_MS,
  type KeyState,
} from './keys.ts';
export {
  actorKindOf,
  withAuditRequest,
  writeAudit,
  type AuditActorKind,
  type AuditEntry,
  type AuditRequest,
  type DbTx,
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
  getWriteKey,
  issueWriteKey,
  issueWriteKeyIn,
  listWriteKeys,
  revokeWriteKey,
  revokeWriteKeyIn,
  type IssuedKey,
  type WriteKeyMatch,
  type WriteKeyRow,
} from './write-keys.ts';
export {
  findApiKey,
  getApiKey,
  issueApiKey,
  listApiKeys,
  revokeApiKey,
  type ApiKeyMatch,
  type ApiKeyRow,
} from './api-keys.ts';
export { DEMO_API_KEY_NAME, DEMO_SOURCE_NAME, SEED_ACTOR, seedDemo, type DemoSeed } from './seed.ts';
export {
  countActiveAdmins,
  createUser,
  findUserByEmail,
  getUser,
  LastAdminError,
  listUsers,
  normalizeEmail,
  setPassword,
  updateUser,
  USER_ROLES,
  verifyCredentials,
  type UserChange,
  type UserRole,
  type UserRow,
} from './users.ts';
export {
  createSession,
  deleteExpiredSessions,
  revokeSession,
  revokeUserSessions,
  SESSION_TTL_MS,
  validateSession,
  type NewSession,
  type SessionUser,
} from './sessions.ts';
export {
  acceptInvite,
  createInvite,
  findInvite,
  INVITE_TTL_MS,
  InviteError,
  listOpenInvites,
  type InviteRow,
} from './invites.ts';
export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './secrets.ts';
export { ensureFirstAdmin, FIRST_ADMIN_EMAIL, type FirstAdmin } from './seed-admin.ts';
export { createTestDatabase, type TestDatabase } from './test-database.ts';
