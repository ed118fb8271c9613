import { issueKeyInputSchema, issuedKeySchema, keyViewSchema } from '@tributary/contracts';
import { z } from 'zod';
import { auditName } from '../auth/actor.ts';
import { getDb } from '../db.ts';
import { issueKey, listKeys, revokeKey } from '../keys/manage-keys.ts';
import { procedure, router } from '../trpc.ts';

// Keys open the platform: every procedure here is for admins only.
const keysProcedure = procedure('admin').use(({ next }) => next({ ctx: { db: getDb() } }));

export const keysRouter = router({
  list: keysProcedure
    .output(z.object({ apiKeys: z.array(keyViewSchema), writeKeys: z.array(keyViewSchema) }))
    .query(({ ctx }) => listKeys(ctx.db)),

  /** The answer carries the plaintext key: the only time anyone sees it. */
  issue: keysProcedure
    .input(issueKeyInputSchema)
    .output(issuedKeySchema)
    .mutation(({ ctx, input }) => issueKey(ctx.db, input, auditName(ctx.actor))),

  revoke: keysProcedure
    .input(z.object({ id: z.string().min(1).max(100) }))
    .output(keyViewSchema)
    .mutation(({ ctx, input }) => revokeKey(ctx.db, input.id, auditName(ctx.actor))),
});
