import type { DashboardCaller } from '@tributary/analytics';
import { auditName, can, type Actor } from '../auth/actor.ts';

/** The caller as a dashboard's access lists see it: a person by role, a key by its admin scope only. */
export function dashboardCaller(actor: Actor): DashboardCaller {
  return {
    actor: auditName(actor),
    role: actor.kind === 'user' ? actor.role : null,
    admin: can(actor, 'admin'),
  };
}
