import { permissionsOf, type Permission, type Role } from '../auth/actor.ts';
import { publicProcedure, router } from '../trpc.ts';

/** Who is looking, as the console shows it; null when nobody is signed in. */
export interface Me {
  name: string;
  kind: 'user' | 'key';
  /** null for an API key (its scopes are its permissions). */
  role: Role | null;
  piiGrant: boolean;
  /** What useCan (lib/use-can.ts) checks; the server checks the same set on every call. */
  permissions: Permission[];
}

export const viewerRouter = router({
  // Public on purpose: the sign-in redirect and the user menu need an answer before sign-in.
  me: publicProcedure.query(({ ctx }): Me | null => {
    const { actor } = ctx;
    if (!actor) return null;
    const permissions = [...permissionsOf(actor)].sort();
    return {
      name: actor.name,
      kind: actor.kind,
      role: actor.kind === 'user' ? actor.role : null,
      piiGrant: permissions.includes('pii:read'),
      permissions,
    };
  }),
});
