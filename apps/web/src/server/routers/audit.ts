import { auditFacets, listAuditRows } from '@tributary/db';
import { z } from 'zod';
import { getDb } from '../db.ts';
import { procedure, router } from '../trpc.ts';

export const AUDIT_PAGE_SIZE = 50;

const text = z.string().trim().max(200);
const instant = z.iso.datetime({ offset: true });

export const auditFilterSchema = z.object({
  actor: text.optional(),
  action: text.optional(),
  entity: text.optional(),
  entityId: text.optional(),
  from: instant.optional(),
  to: instant.optional(),
});

const cursorSchema = z.object({ at: instant, id: z.string().uuid() });

const rowOut = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  actorKind: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
});

const date = (iso: string | undefined) => (iso ? new Date(iso) : undefined);

/** Who changed what, for admins only: the rows name people, keys and where requests came from. */
export const auditRouter = router({
  list: procedure('admin')
    .input(
      z.object({
        filter: auditFilterSchema,
        cursor: cursorSchema.nullable().default(null),
        limit: z.number().int().min(1).max(200).default(AUDIT_PAGE_SIZE),
      }),
    )
    .output(z.object({ rows: z.array(rowOut), next: cursorSchema.nullable() }))
    .query(async ({ input }) => {
      const { filter } = input;
      const page = await listAuditRows(
        getDb(),
        {
          ...(filter.actor ? { actor: filter.actor } : {}),
          ...(filter.action ? { action: filter.action } : {}),
          ...(filter.entity ? { entity: filter.entity } : {}),
          ...(filter.entityId ? { entityId: filter.entityId } : {}),
          ...(filter.from ? { from: date(filter.from) } : {}),
          ...(filter.to ? { to: date(filter.to) } : {}),
        },
        {
          cursor: input.cursor ? { at: new Date(input.cursor.at), id: input.cursor.id } : null,
          limit: input.limit,
        },
      );
      return {
        rows: page.rows.map((r) => ({ ...r, at: r.at.toISOString() })),
        next: page.next ? { at: page.next.at.toISOString(), id: page.next.id } : null,
      };
    }),

  facets: procedure('admin')
    .output(z.object({ actions: z.array(z.string()), entities: z.array(z.string()) }))
    .query(() => auditFacets(getDb())),
});
