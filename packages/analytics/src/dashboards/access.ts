import { TributaryError } from '@tributary/contracts';
import { writeAudit, type Db } from '@tributary/db';
import { z } from 'zod';

/**
 * Per-dashboard access on top of the permissions: a dashboard may be opened only by some roles
 * and changed only by some of the roles that hold dashboards:write. Empty lists mean no
 * narrowing. Its creator and admins always may do both, so nobody locks a dashboard away from
 * the person who made it. Share links stay what they are: an editor's explicit, revocable
 * consent to show it to anyone holding the link.
 */

export const dashboardRoles = ['viewer', 'operator', 'schema_owner', 'admin'] as const;
export type DashboardRole = (typeof dashboardRoles)[number];

export interface DashboardAccess {
  viewRoles: DashboardRole[];
  editRoles: DashboardRole[];
}

/** Who asks: their audit name, their role (null for an API key), whether they are an admin. */
export interface DashboardCaller {
  actor: string;
  role: string | null;
  admin: boolean;
}

export const dashboardAccessSchema = z.strictObject({
  viewRoles: z.array(z.enum(dashboardRoles)).max(dashboardRoles.length).default([]),
  editRoles: z.array(z.enum(dashboardRoles)).max(dashboardRoles.length).default([]),
});

/** Stored roles, read back strictly: an unknown word in the column narrows to nobody. */
export function accessOf(row: { viewRoles: string[]; editRoles: string[] }): DashboardAccess {
  const known = (list: string[]) =>
    list.filter((r): r is DashboardRole => (dashboardRoles as readonly string[]).includes(r));
  return { viewRoles: known(row.viewRoles), editRoles: known(row.editRoles) };
}

function allowed(roles: readonly string[], d: { createdBy: string }, who: DashboardCaller): boolean {
  if (who.admin || d.createdBy === who.actor || roles.length === 0) return true;
  return who.role !== null && roles.includes(who.role);
}

export function mayView(d: { access: DashboardAccess; createdBy: string }, who: DashboardCaller): boolean {
  return allowed(d.access.viewRoles, d, who);
}

/** Beyond dashboards:write, which the caller's procedure checks. */
export function mayEdit(d: { access: DashboardAccess; createdBy: string }, who: DashboardCaller): boolean {
  return allowed(d.access.editRoles, d, who) && mayView(d, who);
}

export function assertMayView(
  d: { slug: string; access: DashboardAccess; createdBy: string },
  who: DashboardCaller,
): void {
  if (!mayView(d, who)) {
    throw new TributaryError(
      'forbidden',
      `dashboard ${JSON.stringify(d.slug)} is open to ${d.access.viewRoles.join(', ')} only (and its creator and admins)`,
      { requires: 'dashboard access' },
    );
  }
}

export function assertMayEdit(
  d: { slug: string; access: DashboardAccess; createdBy: string },
  who: DashboardCaller,
): void {
  assertMayView(d, who);
  if (!mayEdit(d, who)) {
    throw new TributaryError(
      'forbidden',
      `dashboard ${JSON.stringify(d.slug)} may be changed by ${d.access.editRoles.join(', ')} only (and its creator and admins)`,
      { requires: 'dashboard access' },
    );
  }
}

/** Narrows (or opens) who may open and change a dashboard; revision-guarded and audited. */
export async function setDashboardAccess(
  db: Db,
  slug: string,
  input: { revision: number; viewRoles: unknown; editRoles: unknown },
  opts: { actor: string },
): Promise<DashboardAccess & { revision: number }> {
  const parsed = dashboardAccessSchema.safeParse({ viewRoles: input.viewRoles, editRoles: input.editRoles });
  if (!parsed.success) {
    throw new TributaryError('bad_request', `dashboard access refused: ${z.prettifyError(parsed.error)}`);
  }
  const next = {
    viewRoles: [...new Set(parsed.data.viewRoles)],
    editRoles: [...new Set(parsed.data.editRoles)],
  };
  return db.$transaction(async (tx) => {
    const before = await tx.dashboard.findUnique({ where: { slug } });
    if (!before) throw new TributaryError('not_found', `no dashboard ${JSON.stringify(slug)}`);
    const updated = await tx.dashboard.updateMany({
      where: { id: before.id, revision: input.revision },
      data: { ...next, revision: { increment: 1 }, updatedBy: opts.actor },
    });
    if (updated.count === 0) {
      throw new TributaryError(
        'conflict',
        `dashboard ${JSON.stringify(slug)} is at revision ${before.revision}, not ${input.revision}: reload and try again`,
      );
    }
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'dashboard.access',
      entity: 'dashboard',
      entityId: before.id,
      before: { viewRoles: before.viewRoles, editRoles: before.editRoles, revision: before.revision },
      after: { ...next, revision: before.revision + 1 },
    });
    return { ...next, revision: before.revision + 1 };
  });
}
