import type { QueryTarget } from '@tributary/clickhouse';
import { TributaryError, type ProcessorDefinition } from '@tributary/contracts';
import { enqueueControl, type PrismaTx as DbTx } from '@tributary/control';
import { writeAudit, type Db } from '@tributary/db';
import { checkDefinition, definitionRefused } from './check-definition.ts';
import type { ProcessorContextOptions } from './context.ts';
import { assertProcessorName, processorNotFound, TX_OPTIONS, type ActorOptions } from './processors.ts';
import { ensureProcessorTables } from './tables/index.ts';
import { stateSnapshot, toProcessorView, type ProcessorView } from './views.ts';

export interface LifecycleDeps extends ProcessorContextOptions {
  db: Db;
  /** The privileged ClickHouse target that may create and alter the processor's output table. */
  clickhouseDdl: QueryTarget;
}

// NOTE: one lock for every change that can make a processor write to `events`, so two
// concurrent publishes of two such processors cannot both pass the "at most one" check.
const EVENTS_OUTPUT_LOCK = 'tributary:processors:events_output';

/**
 * Makes `version` the one that runs: state active, activeVersion = version. The version is
 * checked again against the registry and lookup tables as they are now (a field or table it
 * names may be gone), its output table is created or migrated first, and at most one active
 * processor may write to `events`. Audited; the processor hint is written to the outbox in the
 * same transaction, so every worker switches once it commits.
 */
export async function publishVersion(
  deps: LifecycleDeps,
  name: string,
  version: number,
  opts: ActorOptions,
): Promise<ProcessorView> {
  return goLive(deps, name, version, { ...opts, action: 'processor.publish' });
}

/** Runs an earlier version again: the same as publishing it (checked, table migrated, audited). */
export async function rollbackTo(
  deps: LifecycleDeps,
  name: string,
  version: number,
  opts: ActorOptions,
): Promise<ProcessorView> {
  assertProcessorName(name);
  const row = await deps.db.processor.findUnique({ where: { name } });
  if (!row) throw processorNotFound(name);
  if (row.activeVersion === null) {
    throw new TributaryError(
      'conflict',
      `processor ${JSON.stringify(name)} was never published, so there is nothing to roll back; publish a version`,
    );
  }
  if (version === row.activeVersion) {
    throw new TributaryError(
      'conflict',
      `version ${version} of ${JSON.stringify(name)} is already the active version; roll back to another one`,
    );
  }
  return goLive(deps, name, version, { ...opts, action: 'processor.rollback' });
}

async function goLive(
  deps: LifecycleDeps,
  name: string,
  version: number,
  opts: ActorOptions & { action: string },
): Promise<ProcessorView> {
  assertProcessorName(name);
  const { db } = deps;
  const found = await db.processor.findUnique({
    where: { name },
    include: { versions: { where: { version }, take: 1 } },
  });
  if (!found) throw processorNotFound(name);
  const stored = found.versions[0];
  if (!stored) {
    throw new TributaryError(
      'not_found',
      `processor ${JSON.stringify(name)} has no version ${version}` +
        (found.lastVersion > 0 ? ` (versions 1-${found.lastVersion})` : ' (it has no versions yet)'),
    );
  }
  if (found.state === 'active' && found.activeVersion === version) return toProcessorView(found);
  const check = await checkDefinition(db, stored.definition, deps);
  if (!check.ok) {
    throw definitionRefused(
      check.errors,
      `version ${version} of ${JSON.stringify(name)} was not published; it has`,
    );
  }
  const definition = check.definition;
  if (definition.output.kind === 'events') await assertNoOtherEventsWriter(db, name);
  await prepareOutput(deps, name, version, definition);

  return db.$transaction(async (tx) => {
    if (definition.output.kind === 'events') {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${EVENTS_OUTPUT_LOCK}))`;
      await assertNoOtherEventsWriter(tx, name);
    }
    const before = await lockProcessor(tx, name);
    const after = await tx.processor.update({
      where: { id: before.id },
      data: { state: 'active', activeVersion: version },
    });
    await writeAudit(tx, {
      actor: opts.actor,
      action: opts.action,
      entity: 'processor',
      entityId: before.id,
      before: stateSnapshot(before),
      after: stateSnapshot(after),
    });
    await enqueueControl(tx, [{ kind: 'processor', name }]);
    return toProcessorView(after);
  }, TX_OPTIONS);
}

/** Stops the processor at the workers' next batch boundary; its active version is kept for resume. */
export async function pauseProcessor(db: Db, name: string, opts: ActorOptions): Promise<ProcessorView> {
  assertProcessorName(name);
  return db.$transaction(async (tx) => {
    const before = await lockProcessor(tx, name);
    if (before.state === 'paused') return toProcessorView(before);
    if (before.state !== 'active') {
      throw new TributaryError(
        'conflict',
        `processor ${JSON.stringify(name)} is a draft (never published), so it cannot be paused`,
      );
    }
    const after = await tx.processor.update({ where: { id: before.id }, data: { state: 'paused' } });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'processor.pause',
      entity: 'processor',
      entityId: before.id,
      before: stateSnapshot(before),
      after: stateSnapshot(after),
    });
    await enqueueControl(tx, [{ kind: 'processor', name }]);
    return toProcessorView(after);
  }, TX_OPTIONS);
}

/** Runs the version that was active before the pause again. */
export async function resumeProcessor(
  deps: LifecycleDeps,
  name: string,
  opts: ActorOptions,
): Promise<ProcessorView> {
  assertProcessorName(name);
  const row = await deps.db.processor.findUnique({ where: { name } });
  if (!row) throw processorNotFound(name);
  if (row.state === 'active') return toProcessorView(row);
  if (row.state !== 'paused' || row.activeVersion === null) {
    throw new TributaryError(
      'conflict',
      `processor ${JSON.stringify(name)} is not paused (it is a ${row.state}); publish a version instead`,
    );
  }
  const version = row.activeVersion;
  const stored = await deps.db.processorVersion.findUniqueOrThrow({
    where: { processorId_version: { processorId: row.id, version } },
  });
  const check = await checkDefinition(deps.db, stored.definition, deps);
  if (!check.ok) {
    throw definitionRefused(
      check.errors,
      `version ${version} of ${JSON.stringify(name)} cannot resume; it has`,
    );
  }
  if (check.definition.output.kind === 'events') await assertNoOtherEventsWriter(deps.db, name);
  await prepareOutput(deps, name, version, check.definition);
  return deps.db.$transaction(async (tx) => {
    if (check.definition.output.kind === 'events') {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${EVENTS_OUTPUT_LOCK}))`;
      await assertNoOtherEventsWriter(tx, name);
    }
    const before = await lockProcessor(tx, name);
    if (before.state !== 'paused' || before.activeVersion !== version) {
      throw new TributaryError(
        'conflict',
        `processor ${JSON.stringify(name)} changed while resuming (now ${before.state}, version ${before.activeVersion}); try again`,
      );
    }
    const after = await tx.processor.update({ where: { id: before.id }, data: { state: 'active' } });
    await writeAudit(tx, {
      actor: opts.actor,
      action: 'processor.resume',
      entity: 'processor',
      entityId: before.id,
      before: stateSnapshot(before),
      after: stateSnapshot(after),
    });
    await enqueueControl(tx, [{ kind: 'processor', name }]);
    return toProcessorView(after);
  }, TX_OPTIONS);
}

async function lockProcessor(tx: DbTx, name: string) {
  const rows = await tx.$queryRaw<
    Array<{ id: string }>
  >`SELECT id FROM processors WHERE name = ${name} FOR UPDATE`;
  const id = rows[0]?.id;
  if (!id) throw processorNotFound(name);
  return tx.processor.findUniqueOrThrow({ where: { id } });
}

/** The active processor (other than `exceptName`) writing to `events`, if any. */
export async function activeEventsWriter(
  db: Db | DbTx,
  exceptName = '',
): Promise<{ name: string; version: number } | null> {
  const rows = await db.$queryRaw<Array<{ name: string; version: number }>>`
    SELECT p.name, p.active_version AS version
    FROM processors p
    JOIN processor_versions v ON v.processor_id = p.id AND v.version = p.active_version
    WHERE p.state = 'active' AND p.name <> ${exceptName} AND v.definition->'output'->>'kind' = 'events'
    LIMIT 1`;
  return rows[0] ?? null;
}

/** Refuses a second processor writing to `events` while one is active. */
async function assertNoOtherEventsWriter(db: Db | DbTx, name: string): Promise<void> {
  const other = await activeEventsWriter(db, name);
  if (other) {
    throw new TributaryError(
      'conflict',
      `processor ${JSON.stringify(other.name)} (version ${other.version}) already writes to the events table; ` +
        'at most one active processor may — pause it first, or give this one a table of its own',
      { activeEventsWriter: other.name },
    );
  }
}

/** Creates or migrates the output table; a failure refuses the publish with its reason. */
async function prepareOutput(
  deps: LifecycleDeps,
  name: string,
  version: number,
  definition: ProcessorDefinition,
): Promise<void> {
  try {
    await ensureProcessorTables(deps.clickhouseDdl, name, definition);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const code = err instanceof TributaryError && err.code !== 'internal' ? err.code : 'conflict';
    throw new TributaryError(
      code,
      `version ${version} of ${JSON.stringify(name)} was not published: its output table could not be prepared (${reason})`,
      undefined,
      { cause: err },
    );
  }
}
