// Walks the whole console router: every procedure declares a permission or is on the public
// allowlist, and an anonymous call to any procedure outside the allowlist is refused with 401 by
// the permission check itself (before its input is even parsed).
import { createClickHouse } from '@tributary/clickhouse';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { callPath, walkProcedures } from './auth/router-walk.ts';
import { appRouter } from './routers/index.ts';
import {
  AccessDenied,
  callerContext,
  isPublicPath,
  PUBLIC_PROCEDURES,
  publicProcedure,
  router,
} from './trpc.ts';

// Never reached: every call below is refused before a procedure body runs.
const unreachable = { client: createClickHouse({ url: 'http://127.0.0.1:1' }), database: 'none' };

/** The AccessDenied the permission middleware threw, found under tRPC's wrapping, or null. */
function accessDenied(err: unknown): AccessDenied | null {
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (e instanceof AccessDenied) return e;
  return null;
}

const procedures = walkProcedures(appRouter);

describe('the console router', () => {
  it('has procedures to walk, each declaring a permission or listed as public', () => {
    expect(procedures.length).toBeGreaterThan(20);
    const undeclared = procedures.filter((p) => p.access === null).map((p) => p.path);
    expect(undeclared).toEqual([]);
    const publicUnlisted = procedures
      .filter((p) => p.access?.kind === 'public' && !isPublicPath(p.path))
      .map((p) => p.path);
    expect(publicUnlisted).toEqual([]);
    // And the allowlist names nothing but real public procedures (no stale entries).
    for (const entry of PUBLIC_PROCEDURES) {
      const matched = procedures.filter((p) => isPublicPath(p.path, [entry]));
      expect(matched.length, `allowlist entry ${entry}`).toBeGreaterThan(0);
      expect(
        matched.every((p) => p.access?.kind === 'public'),
        `allowlist entry ${entry}`,
      ).toBe(true);
    }
  });

  const guarded = procedures.filter((p) => !isPublicPath(p.path));
  it.each(guarded.map((p) => [p.path, p] as const))(
    '%s refuses an anonymous call at the permission check',
    async (_path, p) => {
      const caller = appRouter.createCaller(callerContext(unreachable, null));
      // No input at all: had the input been parsed first this would be BAD_REQUEST, not 401.
      const err = await callPath(caller, p.path, undefined).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe('UNAUTHORIZED');
      expect(accessDenied(err)?.requires).toBe(
        p.access?.kind === 'permission' ? p.access.permission : 'none',
      );
    },
  );

  it('refuses a publicProcedure left off the allowlist, and the walk finds it', async () => {
    const sneaky = router({ open: publicProcedure.query(() => 'data') });
    const walked = walkProcedures(sneaky);
    expect(walked.filter((p) => p.access?.kind === 'public' && !isPublicPath(p.path))).toHaveLength(1);
    const err = await sneaky
      .createCaller(callerContext(unreachable, null))
      .open()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((err as TRPCError).code).toBe('INTERNAL_SERVER_ERROR');
    const messages: string[] = [];
    for (let e: unknown = err; e instanceof Error; e = e.cause) messages.push(e.message);
    expect(messages.join(' | ')).toMatch(/open is public but not in PUBLIC_PROCEDURES/);
  });
});
