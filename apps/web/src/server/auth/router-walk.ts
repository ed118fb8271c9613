import type { AnyRouter } from '@trpc/server';
import type { Permission } from './actor.ts';

/** One procedure of a router as the permission tests see it. */
export interface WalkedProcedure {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  /** null when the procedure was built without `procedure()` or `publicProcedure`. */
  access: { kind: 'public' } | { kind: 'permission'; permission: Permission } | null;
}

interface ProcedureDef {
  type: WalkedProcedure['type'];
  meta?: { access?: 'public' | 'permission'; permission?: Permission };
}

/** Every procedure of `router` with what it declared; tests iterate this, never a hand-kept list. */
export function walkProcedures(router: AnyRouter): WalkedProcedure[] {
  const procedures = router._def.procedures as Record<string, { _def: ProcedureDef }>;
  return Object.entries(procedures)
    .map(([path, proc]) => {
      const meta = proc._def.meta;
      const access: WalkedProcedure['access'] =
        meta?.access === 'public'
          ? { kind: 'public' }
          : meta?.access === 'permission' && meta.permission
            ? { kind: 'permission', permission: meta.permission }
            : null;
      return { path, type: proc._def.type, access };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** Calls `path` on a tRPC caller (`appRouter.createCaller(ctx)`) with `input`. */
export function callPath(caller: unknown, path: string, input: unknown): Promise<unknown> {
  let node = caller as Record<string, unknown>;
  for (const part of path.split('.')) node = node[part] as Record<string, unknown>;
  return (node as unknown as (input: unknown) => Promise<unknown>)(input);
}
