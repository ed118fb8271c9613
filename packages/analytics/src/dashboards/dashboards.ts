import {
  dashboardDefinitionSchema,
  dashboardSlugSchema,
  TributaryError,
  type DashboardDefinition,
} from '@tributary/contracts';
import { writeAudit, type Db } from '@tributary/db';
import { z } from 'zod';
import { accessOf, type DashboardAccess } from './access.ts';

/**
 * Dashboards as data: one row per dashboard holding its whole definition (panels, variables,
 * time range, refresh), audited on every change. An update names the revision it was made
 * from; a stale one is refused (conflict) so two editors never overwrite each other silently.
 */

export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 2000;
const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

export interface DashboardView {
  slug: string;
  title: string;
  description: string;
  definition: DashboardDefinition;
  revision: number;
  /** Who may open and change it, beyond the permissions (access.ts). */
  access: DashboardAccess;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface DashboardSummary {
  slug: string;
  title: string;
  description: string;
  panels: number;
  revision: number;
  access: DashboardAccess;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export const createDashboardInputSchema = z.strictObject({
  slug: dashboardSlugSchema,
  title: z.string().trim().min(1, 'give the dashboard a title').max(MAX_TITLE),
  description: z.string().max(MAX_DESCRIPTION).default(''),
  definition: dashboardDefinitionSchema,
});
export type CreateDashboardInput = z.input<typeof createDashboardInputSchema>;

export const updateDashboardInputSchema = z.strictObject({
  /** The revision this change was made from. */
  revision: z.number().int().positive(),
  title: z.string().trim().min(1).max(MAX_TITLE).optional(),
  description: z.string().max(MAX_DESCRIPTION).optional(),
  definition: dashboardDefinitionSchema.optional(),
});
export type UpdateDashboardInput = z.input<typeof updateDashboardInputSchema>;

type Row = NonNullable<Awaited<ReturnType<Db['dashboard']['findUnique']>>>;

function toView(row: Row): DashboardView {
  return {
    slug: row.slug,
    title: row.title,
    description: row.description,
    // Stored only after validation; parsed again so a hand-edited row fails loudly, not later.
    definition: dashboardDefinitionSchema.parse(row.definition),
    revision: row.revision,
    access: accessOf(row),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
}

/** The zod issues of a refused input, as one sentence naming each path. */
export function refusal(error: z.ZodError, what: string): TributaryError {
  const problems = error.issues.map((i) => ({ path: i.path.join('.') || what, message: i.message }));
  const text = problems
    .slice(0, 5)
    .map((p) => `${p.path}: ${p.message}`)
    .join('; ');
  return new TributaryError('bad_request', `${what} refused: ${text}`, { errors: problems });
}

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw refusal(result.error, what);
  return result.data;
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}

function notFound(slug: string): TributaryError {
  return new TributaryError('not_found', `no dashboard ${JSON.stringify(slug)}`);
}

export async function listDashboards(db: Db): Promise<DashboardSummary[]> {
  const rows = await db.dashboard.findMany({ orderBy: { title: 'asc' }, take: 1000 });
  return rows.map((r) => {
    const definition = dashboardDefinitionSchema.safeParse(r.definition);
    return {
      slug: r.slug,
      title: r.title,
      description: r.description,
      panels: definition.success ? definition.data.panels.length : 0,
      revision: r.revision,
      access: accessOf(r),
      createdBy: r.createdBy,
      updatedAt: r.updatedAt.toISOString(),
      updatedBy: r.updatedBy,
    };
  });
}

export async function getDashboard(db: Db, slug: string): Promise<DashboardView> {
  const row = await db.dashboard.findUnique({ where: { slug } });
  if (!row) throw notFound(slug);
  return toView(row);
}

export async function createDashboard(
  db: Db,
  input: unknown,
  opts: { actor: string },
): Promise<DashboardView> {
  const data = parse(createDashboardInputSchema, input, 'dashboard');
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.dashboard.create({
        data: {
          slug: data.slug,
          title: data.title,
          description: data.description,
          definition: data.definition,
          createdBy: opts.actor,
          updatedBy: opts.actor,
        },
      });
      await writeAudit(tx, {
        actor: opts.actor,
        action: 'dashboard.create',
        entity: 'dashboard',
        entityId: row.id,
        after: { slug: row.slug, title: row.title, revision: row.revision, definition: data.definition },
      });
      return toView(row);
    }, TX_OPTIONS);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new TributaryError('conflict', `a dashboard ${JSON.stringify(data.slug)} already exists`);
    }
    throw err;
  }
}

export async function updateDashboard(
  db: Db,
  slug: string,
  input: unknown,
  opts: { actor: string },
): Promise<DashboardView> {
  const change = parse(updateDashboardInputSchema, input, 'dashboard change');
  return db.$transaction(async (tx) => {
    const before = await tx.dashboard.findUnique({ where: { slug } });
    if (!before) throw notFound(slug);
    // The revision guard is in the WHERE: a concurrent save between the read and the write
    // makes this update match nothing instead of overwriting it.
    const updated = await tx.dashboard.updateMany({
      where: { id: before.id, revision: change.revision },
      data: {
        ...(change.title === undefined ? {} : { title: change.title }),
        ...(change.description === undefined ? {} : { description: change.description }),
        ...(change.definition === undefined ? {} : { definition: change.definition }),
        revision: { increment: 1 },
        updatedBy: opts.actor,
      },
    });
    if (updated.count === 0) {
      throw new TributaryError(
        'conflict',
        `dashboard ${JSON.stringify(slug)} is at revision ${before.revision}, not ${change.revision}: ` +
          'someone saved it meanwhile; reload and apply the change again',
      );
    }
    const row = await tx.dashboard.findUniqueOrThrow({ where: { id: before.id } });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'dashboard.update',
      entity: 'dashboard',
      entityId: row.id,
      before: { title: before.title, revision: before.revision, definition: before.definition ?? null },
      after: { title: row.title, revision: row.revision, definition: row.definition ?? null },
    });
    return toView(row);
  }, TX_OPTIONS);
}

export async function deleteDashboard(db: Db, slug: string, opts: { actor: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.dashboard.findUnique({ where: { slug } });
    if (!row) throw notFound(slug);
    await tx.dashboard.delete({ where: { id: row.id } });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'dashboard.delete',
      entity: 'dashboard',
      entityId: row.id,
      before: {
        slug: row.slug,
        title: row.title,
        revision: row.revision,
        definition: row.definition ?? null,
      },
    });
  }, TX_OPTIONS);
}
