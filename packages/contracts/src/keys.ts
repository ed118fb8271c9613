import { z } from 'zod';

/**
 * What an API key may be allowed to do. A scope is a console permission a key carries (the
 * console's actor.ts maps them; `admin` implies every other one). Shared here because the
 * database layer, the management API and the console all check or store these names.
 */
export const KEY_SCOPES = [
  'ingest:write',
  'schemas:read',
  'schemas:write',
  'processors:write',
  'topics:write',
  'dashboards:write',
  /** Write and run raw SQL panels (read with the analyst ClickHouse user). */
  'dashboards:sql',
  /** Alert rules and silences (receivers and routing need admin). */
  'alerts:write',
  'dlq:operate',
  'pii:read',
  'admin',
] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export function isKeyScope(value: string): value is KeyScope {
  return (KEY_SCOPES as readonly string[]).includes(value);
}

/** active, or why it no longer opens anything. An expired key is refused like a revoked one. */
export const keyStates = ['active', 'expired', 'revoked'] as const;
export type KeyState = (typeof keyStates)[number];

const keyName = z.string().trim().min(1, 'give the key a name').max(100);
// A date in the past would issue a key that never works; the console offers presets.
const expiresAt = z.coerce
  .date()
  .refine((d) => d.getTime() > Date.now(), 'expiry must be in the future')
  .nullable()
  .optional();

/** POST /api/v1/keys and the console's issue form. */
export const issueKeyInputSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('api'),
    name: keyName,
    scopes: z.array(z.enum(KEY_SCOPES)).min(1, 'choose at least one scope').max(KEY_SCOPES.length),
    expiresAt,
  }),
  z.object({
    type: z.literal('write'),
    /** The source (by name) whose events the key may send. */
    source: z.string().trim().min(1).max(200),
    name: keyName.optional(),
    expiresAt,
  }),
]);
export type IssueKeyInput = z.infer<typeof issueKeyInputSchema>;

/** A key as lists show it: never the secret, only the prefix it starts with. */
export const keyViewSchema = z.object({
  id: z.string(),
  type: z.enum(['api', 'write']),
  name: z.string().nullable(),
  prefix: z.string(),
  /** API keys only (write keys carry none). */
  scopes: z.array(z.string()),
  /** Write keys only. */
  source: z.string().nullable(),
  state: z.enum(keyStates),
  createdAt: z.string(),
  createdBy: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type KeyView = z.infer<typeof keyViewSchema>;

/** What issuing answers: the view plus the plaintext key, which is never shown again. */
export const issuedKeySchema = keyViewSchema.extend({ key: z.string() });
export type IssuedKeyView = z.infer<typeof issuedKeySchema>;
