import {
  createAlertMuteTiming,
  createAlertReceiver,
  deleteAlertMuteTiming,
  deleteAlertReceiver,
  getAlertMuteTiming,
  getAlertReceiver,
  getAlertRouting,
  listAlertMuteTimings,
  listAlertReceivers,
  replaceAlertRouting,
  updateAlertMuteTiming,
  updateAlertReceiver,
} from '@tributary/alerts';
import { z } from 'zod';
import { auditName, can } from '../auth/actor.ts';
import { getDb } from '../db.ts';
import { procedure, router } from '../trpc.ts';

// Where alerts go: receivers, mute timings and the routing tree. Everyone who may read sees them
// (receiver secrets masked unless the caller is an admin); only admins change them, since a
// receiver's URL or a route decides who is woken at night. The store (@tributary/alerts)
// validates, checks cross-references and audits.

const name = z.object({ name: z.string().min(1).max(64) });
const change = <K extends string>(key: K) =>
  z.object({ name: z.string().min(1).max(64), revision: z.number() }).extend({
    [key]: z.unknown(),
  } as Record<K, z.ZodUnknown>);

export const receiversRouter = router({
  list: procedure('read').query(({ ctx }) =>
    listAlertReceivers(getDb(), { reveal: can(ctx.actor, 'admin') }),
  ),
  get: procedure('read')
    .input(name)
    .query(({ ctx, input }) => getAlertReceiver(getDb(), input.name, { reveal: can(ctx.actor, 'admin') })),
  create: procedure('admin')
    .input(z.object({ receiver: z.unknown() }))
    .mutation(({ ctx, input }) =>
      createAlertReceiver(getDb(), input.receiver, { actor: auditName(ctx.actor) }),
    ),
  update: procedure('admin')
    .input(change('receiver'))
    .mutation(({ ctx, input }) =>
      updateAlertReceiver(
        getDb(),
        input.name,
        { revision: input.revision, receiver: input.receiver },
        { actor: auditName(ctx.actor) },
      ),
    ),
  delete: procedure('admin')
    .input(name)
    .mutation(({ ctx, input }) => deleteAlertReceiver(getDb(), input.name, { actor: auditName(ctx.actor) })),
});

export const muteTimingsRouter = router({
  list: procedure('read').query(() => listAlertMuteTimings(getDb())),
  get: procedure('read')
    .input(name)
    .query(({ input }) => getAlertMuteTiming(getDb(), input.name)),
  create: procedure('admin')
    .input(z.object({ muteTiming: z.unknown() }))
    .mutation(({ ctx, input }) =>
      createAlertMuteTiming(getDb(), input.muteTiming, { actor: auditName(ctx.actor) }),
    ),
  update: procedure('admin')
    .input(change('muteTiming'))
    .mutation(({ ctx, input }) =>
      updateAlertMuteTiming(
        getDb(),
        input.name,
        { revision: input.revision, muteTiming: input.muteTiming },
        { actor: auditName(ctx.actor) },
      ),
    ),
  delete: procedure('admin')
    .input(name)
    .mutation(({ ctx, input }) =>
      deleteAlertMuteTiming(getDb(), input.name, { actor: auditName(ctx.actor) }),
    ),
});

export const routingRouter = router({
  get: procedure('read').query(() => getAlertRouting(getDb())),
  /** The whole tree, from the revision it was edited from (0 for the first). */
  replace: procedure('admin')
    .input(z.object({ revision: z.number(), policy: z.unknown() }))
    .mutation(({ ctx, input }) => replaceAlertRouting(getDb(), input, { actor: auditName(ctx.actor) })),
});
