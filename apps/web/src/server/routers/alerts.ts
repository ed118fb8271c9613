import {
  acknowledgeAlertInstance,
  alertsSummary,
  createAlertRule,
  createAlertSilence,
  deleteAlertRule,
  expireAlertSilence,
  getAlertRule,
  listAlertHistory,
  listAlertRules,
  listAlertSilences,
  listAlertsNow,
  listSilenceExpiryWarnings,
  previewAlertSilence,
  updateAlertRule,
} from '@tributary/alerts';
import { z } from 'zod';
import { auditName } from '../auth/actor.ts';
import { getDb } from '../db.ts';
import { procedure, router } from '../trpc.ts';
import { muteTimingsRouter, receiversRouter, routingRouter } from './alerts-notification.ts';

// Alerts: reading needs `read`; rules and silences `alerts:write` (operators, schema owners and
// admins: on-call must be able to silence a page without an admin); receivers, mute timings and
// routing `admin` (alerts-notification.ts). The store validates with contracts' schemas (problems
// come back with their paths) and audits every change.

const name = z.object({ name: z.string().min(1).max(64) });

const rulesRouter = router({
  list: procedure('read').query(() => listAlertRules(getDb())),
  get: procedure('read')
    .input(name)
    .query(({ input }) => getAlertRule(getDb(), input.name)),
  create: procedure('alerts:write')
    .input(z.object({ rule: z.unknown() }))
    .mutation(({ ctx, input }) => createAlertRule(getDb(), input.rule, { actor: auditName(ctx.actor) })),
  /** The whole rule, from the revision it was edited from; a stale revision is a conflict. */
  update: procedure('alerts:write')
    .input(z.object({ name: z.string().min(1).max(64), revision: z.number(), rule: z.unknown() }))
    .mutation(({ ctx, input }) =>
      updateAlertRule(
        getDb(),
        input.name,
        { revision: input.revision, rule: input.rule },
        { actor: auditName(ctx.actor) },
      ),
    ),
  delete: procedure('alerts:write')
    .input(name)
    .mutation(({ ctx, input }) => deleteAlertRule(getDb(), input.name, { actor: auditName(ctx.actor) })),
});

const silencesRouter = router({
  /** Silences not yet ended (in force or starting later); with includeEnded, the ended ones too. */
  list: procedure('read')
    .input(z.object({ includeEnded: z.boolean().default(false) }).default({ includeEnded: false }))
    .query(({ input }) => listAlertSilences(getDb(), { includeEnded: input.includeEnded })),
  /** The author is the caller; a comment saying why is required. */
  create: procedure('alerts:write')
    .input(z.object({ silence: z.unknown() }))
    .mutation(({ ctx, input }) =>
      createAlertSilence(getDb(), input.silence, { actor: auditName(ctx.actor) }),
    ),
  expire: procedure('alerts:write')
    .input(z.object({ id: z.string().max(64) }))
    .mutation(({ ctx, input }) => expireAlertSilence(getDb(), input.id, { actor: auditName(ctx.actor) })),
  /**
   * The active alerts a silence with these matchers would hold, for the form's live preview.
   * Matchers are checked by the store as saving checks them (a refusal names the matcher).
   */
  preview: procedure('read')
    .input(z.object({ matchers: z.unknown() }))
    .query(({ input }) => previewAlertSilence(getDb(), input.matchers)),
  /** Silences in force that end soon while still holding firing alerts (they notify at the end). */
  expiring: procedure('read')
    .input(
      z
        .object({ withinMinutes: z.number().int().min(1).max(1440).default(15) })
        .default({ withinMinutes: 15 }),
    )
    .query(({ input }) => listSilenceExpiryWarnings(getDb(), { withinMs: input.withinMinutes * 60_000 })),
});

export const alertsRouter = router({
  rules: rulesRouter,
  silences: silencesRouter,
  receivers: receiversRouter,
  muteTimings: muteTimingsRouter,
  routing: routingRouter,
  /**
   * Instances pending, firing, without data or failing: what is wrong now, each with its lineage
   * node, who acknowledged it and the silence holding it.
   */
  active: procedure('read').query(() => listAlertsNow(getDb())),
  /** Counts per problem state for the nav bar's badge: one grouped count, polled by every page. */
  summary: procedure('read').query(() => alertsSummary(getDb())),
  /** "I have this one": who took an active alert, shown to everyone on call. */
  acknowledge: procedure('alerts:write')
    .input(z.object({ rule: z.string().min(1).max(64), groupKey: z.string().max(10_000) }))
    .mutation(({ ctx, input }) => acknowledgeAlertInstance(getDb(), input, { actor: auditName(ctx.actor) })),
  /** State changes and notification attempts, newest first (per rule when named), 30 days kept. */
  history: procedure('read')
    .input(
      z
        .object({
          rule: z.string().min(1).max(64).optional(),
          before: z.iso.datetime().optional(),
          limit: z.number().int().min(1).max(1000).default(200),
        })
        .default({ limit: 200 }),
    )
    .query(({ input }) =>
      listAlertHistory(getDb(), {
        ...(input.rule === undefined ? {} : { ruleName: input.rule }),
        ...(input.before === undefined ? {} : { before: new Date(input.before) }),
        limit: input.limit,
      }),
    ),
});
