import { TributaryError } from '@tributary/contracts';
import {
  createInvite,
  InviteError,
  LastAdminError,
  listOpenInvites,
  listUsers,
  updateUser,
  USER_ROLES,
  type UserRole,
} from '@tributary/db';
import { z } from 'zod';
import { auditName } from '../auth/actor.ts';
import { getDb } from '../db.ts';
import { procedure, router } from '../trpc.ts';

const role = z.enum(USER_ROLES as [UserRole, ...UserRole[]]);

/** People and invites; admins only. */
export const usersRouter = router({
  list: procedure('admin').query(async () => {
    const db = getDb();
    const [users, invites] = await Promise.all([listUsers(db), listOpenInvites(db)]);
    // Times as ISO strings: the console's tRPC has no transformer, so a Date would arrive as one anyway.
    return {
      users: users.map((u) => ({
        ...u,
        createdAt: u.createdAt.toISOString(),
        deactivatedAt: u.deactivatedAt?.toISOString() ?? null,
      })),
      invites: invites.map((i) => ({
        id: i.id,
        email: i.email,
        role: i.role,
        piiGrant: i.piiGrant,
        createdBy: i.createdBy,
        createdAt: i.createdAt.toISOString(),
        expiresAt: i.expiresAt.toISOString(),
      })),
    };
  }),

  /** A one-time invite link for `email`. The token is in this answer only; the database keeps its hash. */
  invite: procedure('admin')
    .input(z.object({ email: z.email().max(320), role, piiGrant: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      try {
        const { token, invite } = await createInvite(getDb(), input, { actor: auditName(ctx.actor) });
        return {
          email: invite.email,
          role: invite.role,
          expiresAt: invite.expiresAt.toISOString(),
          path: `/invite/${token}`,
        };
      } catch (err) {
        if (err instanceof InviteError) throw new TributaryError('conflict', err.message);
        throw err;
      }
    }),

  /** Role, pii grant, deactivate/reactivate. Deactivating ends the person's sessions at once. */
  update: procedure('admin')
    .input(
      z
        .object({
          id: z.uuid(),
          role: role.optional(),
          piiGrant: z.boolean().optional(),
          deactivated: z.boolean().optional(),
        })
        .refine((v) => v.role !== undefined || v.piiGrant !== undefined || v.deactivated !== undefined, {
          message: 'change role, piiGrant or deactivated',
        }),
    )
    .mutation(async ({ ctx, input }) => {
      const { id, ...change } = input;
      try {
        const row = await updateUser(getDb(), id, change, { actor: auditName(ctx.actor) });
        if (!row) throw new TributaryError('not_found', `no user ${id}`);
        return {
          id: row.id,
          role: row.role,
          piiGrant: row.piiGrant,
          deactivated: row.deactivatedAt !== null,
        };
      } catch (err) {
        if (err instanceof LastAdminError) throw new TributaryError('conflict', err.message);
        throw err;
      }
    }),
});
