import { KEY_SCOPES, type KeyScope } from '@tributary/contracts';

/**
 * Who is calling the console, and what they may do. The session layer (a signed-in person) and
 * the API-key layer (a machine) both resolve a request to an Actor; tRPC procedures and the
 * management API check a Permission against it and never look at cookies or keys themselves.
 */

/** What a procedure may require. `pii:read` is a grant on top of a role, not a role. */
export type Permission =
  | 'read'
  | 'pii:read'
  | 'dlq:operate'
  | 'schemas:read'
  | 'schemas:write'
  /** Processors and lookup tables: versions, publish, pause, rollback, backfills. */
  | 'processors:write'
  /** Topics (create, partitions, retention) and consumer-group offset resets. */
  | 'topics:write'
  /** Dashboards: create, edit, share links. */
  | 'dashboards:write'
  /** Raw SQL panels: save and preview them (anyone who may read runs saved ones). */
  | 'dashboards:sql'
  /** Alert rules (create, edit, delete) and silences (create, expire). Receivers and routing: admin. */
  | 'alerts:write'
  | 'ingest:write'
  | 'admin';

export type Role = 'viewer' | 'operator' | 'schema_owner' | 'admin';

export const ROLES: readonly Role[] = ['viewer', 'operator', 'schema_owner', 'admin'];

/** What each role may do. Admin may do everything, the pii grant included. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: ['read', 'schemas:read'],
  operator: ['read', 'schemas:read', 'dlq:operate', 'dashboards:write', 'dashboards:sql', 'alerts:write'],
  schema_owner: [
    'read',
    'schemas:read',
    'schemas:write',
    'processors:write',
    'topics:write',
    'dashboards:write',
    'dashboards:sql',
    'alerts:write',
  ],
  admin: [
    'read',
    'pii:read',
    'dlq:operate',
    'schemas:read',
    'schemas:write',
    'processors:write',
    'topics:write',
    'dashboards:write',
    'dashboards:sql',
    'alerts:write',
    'ingest:write',
    'admin',
  ],
};

/** API-key scopes map onto the same permissions (a scope is a permission a key carries). */
export { KEY_SCOPES, type KeyScope };

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  /** Echoed as X-Request-Id and written to every audit row of the request. */
  requestId: string;
}

export type Actor =
  | {
      kind: 'user';
      userId: string;
      /** How audit rows and the UI name this person (their email). */
      name: string;
      role: Role;
      piiGrant: boolean;
      sessionId: string;
    }
  | {
      kind: 'key';
      keyId: string;
      /** `api_key:<name>` in audit rows. */
      name: string;
      scopes: readonly KeyScope[];
    };

export function permissionsOf(actor: Actor): ReadonlySet<Permission> {
  if (actor.kind === 'key') {
    const perms = new Set<Permission>(actor.scopes);
    if (perms.has('admin')) for (const p of ROLE_PERMISSIONS.admin) perms.add(p);
    // A key that may operate or write schemas may also read what it acts on.
    if (perms.size > 0) perms.add('read');
    if (perms.has('schemas:write')) perms.add('schemas:read');
    return perms;
  }
  const perms = new Set<Permission>(ROLE_PERMISSIONS[actor.role]);
  if (actor.piiGrant) perms.add('pii:read');
  return perms;
}

export function can(actor: Actor | null, permission: Permission): boolean {
  return actor !== null && permissionsOf(actor).has(permission);
}

/** The name an audit row gives the actor. */
export function auditName(actor: Actor): string {
  return actor.kind === 'user' ? `user:${actor.name}` : `api_key:${actor.name}`;
}
