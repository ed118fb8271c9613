import { TributaryError } from '@tributary/contracts';
import { findApiKey, writeAudit } from '@tributary/db';
import { z } from 'zod';
import { permissionsOf } from '../auth/actor.ts';
import { getDb } from '../db.ts';
import { publicProcedure, router } from '../trpc.ts';
import { PII_SCOPES, viewerCookie } from '../viewer.ts';

export const viewerRouter = router({
  // NOTE: `permissions` is what useCan (lib/use-can.ts) reads; the `me` that replaces this keeps it.
  me: publicProcedure.query(async ({ ctx }) => ({
    ...(await ctx.viewer()),
    permissions: ctx.actor ? [...permissionsOf(ctx.actor)] : [],
  })),

  /** Unlocks pii values for this browser with an API key holding a pii scope. Audited. */
  unlockPii: publicProcedure
    .input(z.object({ apiKey: z.string().trim().min(1, 'paste an API key').max(200) }))
    .mutation(async ({ ctx, input }) => {
      const key = await findApiKey(getDb(), input.apiKey);
      if (!key) throw new TributaryError('unauthorized', 'unknown or revoked API key');
      if (!key.scopes.some((s) => (PII_SCOPES as readonly string[]).includes(s))) {
        throw new TributaryError(
          'forbidden',
          `API key "${key.name}" has no pii scope (${PII_SCOPES.join(' or ')})`,
        );
      }
      await writeAudit(getDb(), {
        actor: `api_key:${key.name}`,
        action: 'viewer.unlock_pii',
        entity: 'api_key',
        entityId: key.id,
      });
      ctx.resHeaders.append('set-cookie', viewerCookie(input.apiKey));
      return { actor: `api_key:${key.name}`, canSeePii: true, keyName: key.name };
    }),

  lockPii: publicProcedure.mutation(({ ctx }) => {
    ctx.resHeaders.append('set-cookie', viewerCookie(null));
    return { actor: 'console', canSeePii: false, keyName: null };
  }),
});
