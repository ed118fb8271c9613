import { createHash, randomBytes } from 'node:crypto';
import { TributaryError } from '@tributary/contracts';
import { writeAudit, type Db } from '@tributary/db';
import { getDashboard, type DashboardView } from './dashboards.ts';

/**
 * Read-only links to a dashboard that open without signing in. The token (32 random bytes) is
 * returned once; only its SHA-256 is stored, so a database dump opens nothing. Revoking takes
 * effect on the next request: every resolve reads Postgres.
 */

const TOKEN_PREFIX = 'trs_';
const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

export interface ShareView {
  id: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export async function createShare(
  db: Db,
  slug: string,
  opts: { actor: string },
): Promise<ShareView & { token: string }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return db.$transaction(async (tx) => {
    const dashboard = await tx.dashboard.findUnique({ where: { slug }, select: { id: true } });
    if (!dashboard) throw new TributaryError('not_found', `no dashboard ${JSON.stringify(slug)}`);
    const row = await tx.dashboardShare.create({
      data: { dashboardId: dashboard.id, tokenHash: hashToken(token), createdBy: opts.actor },
    });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'dashboard.share',
      entity: 'dashboard_share',
      entityId: row.id,
      after: { dashboard: slug },
    });
    return { ...toShareView(row), token };
  }, TX_OPTIONS);
}

export async function listShares(db: Db, slug: string): Promise<ShareView[]> {
  const rows = await db.dashboardShare.findMany({
    where: { dashboard: { slug } },
    orderBy: { createdAt: 'desc' },
    take: 200,
  });
  return rows.map(toShareView);
}

export async function revokeShare(db: Db, id: string, opts: { actor: string }): Promise<ShareView> {
  return db.$transaction(async (tx) => {
    const row = await tx.dashboardShare.findUnique({ where: { id } });
    if (!row) throw new TributaryError('not_found', 'no such share link');
    if (row.revokedAt) return toShareView(row);
    const revoked = await tx.dashboardShare.update({ where: { id }, data: { revokedAt: new Date() } });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'dashboard.share.revoke',
      entity: 'dashboard_share',
      entityId: id,
    });
    return toShareView(revoked);
  }, TX_OPTIONS);
}

/** The slug of the dashboard a share link belongs to (for the caller's access check). */
export async function shareDashboardSlug(db: Db, id: string): Promise<string> {
  const row = await db.dashboardShare.findUnique({
    where: { id },
    select: { dashboard: { select: { slug: true } } },
  });
  if (!row) throw new TributaryError('not_found', 'no such share link');
  return row.dashboard.slug;
}

/** The dashboard a share token opens; not_found for an unknown or revoked token (the same words). */
export async function resolveShare(db: Db, token: string): Promise<DashboardView> {
  const refused = new TributaryError('not_found', 'this link does not open a dashboard (unknown or revoked)');
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) throw refused;
  const row = await db.dashboardShare.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { revokedAt: true, dashboard: { select: { slug: true } } },
  });
  if (!row || row.revokedAt) throw refused;
  return getDashboard(db, row.dashboard.slug);
}

function toShareView(row: { id: string; createdAt: Date; createdBy: string; revokedAt: Date | null }) {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
