import { identifierSchema, TributaryError } from '@tributary/contracts';
import { enqueueControl } from '@tributary/control';
import { writeAudit, type Db } from '@tributary/db';
import { requireValidDefinition } from './check-definition.ts';
import type { QueryTarget } from '@tributary/clickhouse';
import type { ProcessorContextOptions } from './context.ts';
import {
  stateSnapshot,
  toProcessorView,
  toVersionView,
  type ProcessorDetail,
  type ProcessorVersionView,
  type ProcessorView,
} from './views.ts';

export interface ActorOptions {
  /** `user:<email>` or `api_key:<name>`, as audit rows name who acted. */
  actor: string;
}

export const TX_OPTIONS = { maxWait: 10_000, timeout: 30_000 };
export const MAX_DESCRIPTION = 2000;
export const MAX_NOTE = 2000;

export function assertProcessorName(name: string): void {
  const r = identifierSchema.safeParse(name);
  if (!r.success) {
    throw new TributaryError(
      'bad_request',
      `processor name ${JSON.stringify(name)} is not valid: ${r.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
}

export function processorNotFound(name: string): TributaryError {
  return new TributaryError('not_found', `no processor ${JSON.stringify(name)}`);
}

/** A new processor in state draft, with no versions yet. */
export async function createProcessor(
  db: Db,
  input: { name: string; description?: string },
  opts: ActorOptions,
): Promise<ProcessorView> {
  assertProcessorName(input.name);
  const description = input.description ?? '';
  if (description.length > MAX_DESCRIPTION) {
    throw new TributaryError('bad_request', `description is longer than ${MAX_DESCRIPTION} characters`);
  }
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.processor.create({
        data: { name: input.name, description, createdBy: opts.actor },
      });
      await writeAudit(tx, {
        actor: opts.actor,
        action: 'processor.create',
        entity: 'processor',
        entityId: row.id,
        after: { ...stateSnapshot(row), description },
      });
      await enqueueControl(tx, [{ kind: 'processor', name: row.name }]);
      return toProcessorView(row);
    }, TX_OPTIONS);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new TributaryError('conflict', `a processor named ${JSON.stringify(input.name)} already exists`);
    }
    throw err;
  }
}

/**
 * Stores `definition` as the processor's next version once it passes every check (shape, then
 * compile against the registry and lookup tables as they are now); a refused definition stores
 * nothing and the error's details carry every problem. A version is immutable and does not run
 * until it is published.
 */
export async function createVersion(
  db: Db,
  name: string,
  definition: unknown,
  opts: ActorOptions &
    ProcessorContextOptions & {
      note?: string;
      /** When given, the output table is asked (read-only) whether it could take the version. */
      clickhouse?: QueryTarget;
    },
): Promise<ProcessorVersionView> {
  assertProcessorName(name);
  const note = opts.note ?? '';
  if (note.length > MAX_NOTE)
    throw new TributaryError('bad_request', `note is longer than ${MAX_NOTE} characters`);
  const exists = await db.processor.findUnique({ where: { name }, select: { id: true } });
  if (!exists) throw processorNotFound(name);
  const checked = await requireValidDefinition(db, definition, {
    ...(opts.piiSecret ? { piiSecret: opts.piiSecret } : {}),
    ...(opts.clickhouse ? { outputTable: { clickhouse: opts.clickhouse, processorName: name } } : {}),
  });
  return db.$transaction(async (tx) => {
    // NOTE: the increment takes the row lock, so concurrent versions get distinct numbers.
    const row = await tx.processor.update({ where: { name }, data: { lastVersion: { increment: 1 } } });
    const created = await tx.processorVersion.create({
      data: {
        processorId: row.id,
        version: row.lastVersion,
        definition: checked.definition as object,
        note,
        createdBy: opts.actor,
      },
    });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'processor_version.create',
      entity: 'processor_version',
      entityId: created.id,
      after: { processor: name, version: created.version, note, definition: checked.definition as object },
    });
    await enqueueControl(tx, [{ kind: 'processor', name }]);
    return toVersionView(created);
  }, TX_OPTIONS);
}

export async function listProcessors(db: Db): Promise<ProcessorView[]> {
  const rows = await db.processor.findMany({ orderBy: { name: 'asc' } });
  return rows.map(toProcessorView);
}

export async function getProcessor(db: Db, name: string): Promise<ProcessorDetail> {
  const row = await db.processor.findUnique({
    where: { name },
    include: { versions: { orderBy: { version: 'asc' } } },
  });
  if (!row) throw processorNotFound(name);
  return { ...toProcessorView(row), versions: row.versions.map(toVersionView) };
}

export async function getProcessorVersion(
  db: Db,
  name: string,
  version: number,
): Promise<ProcessorVersionView> {
  const row = await db.processor.findUnique({
    where: { name },
    include: { versions: { where: { version }, take: 1 } },
  });
  if (!row) throw processorNotFound(name);
  const v = row.versions[0];
  if (!v)
    throw new TributaryError('not_found', `processor ${JSON.stringify(name)} has no version ${version}`);
  return toVersionView(v);
}

export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'P2002';
}
