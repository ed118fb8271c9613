import { randomUUID } from 'node:crypto';
import type { Actor, KeyScope, Role } from './actor.ts';

/** A signed-in person with `role`, for server-side callers in tests. */
export function userActor(role: Role, opts: { piiGrant?: boolean } = {}): Actor {
  return {
    kind: 'user',
    userId: randomUUID(),
    name: `${role}@test.example`,
    role,
    piiGrant: opts.piiGrant ?? false,
    sessionId: randomUUID(),
  };
}

/** An API-key actor carrying `scopes`. */
export function keyActor(scopes: readonly KeyScope[]): Actor {
  return { kind: 'key', keyId: randomUUID(), name: `test-${scopes.join('+') || 'none'}`, scopes };
}
