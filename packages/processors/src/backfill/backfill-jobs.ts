import { TributaryError } from '@tributary/contracts';
import { writeAudit, type Db } from '@tributary/db';
import { z } from 'zod';
import { loadProcessorContext } from '../context.ts';
import { loadProcessorVersion } from '../runtime/load-active.ts';
import { ensureProcessorTables } from '../tables/ensure-tables.ts';
import type { OutputTarget } from '../tables/names.ts';
import { backfillKey } from './backfill-identity.ts';
import { planBackfill, runBackfill, type BackfillJob, type BackfillState } from './run-backfill.ts';

export interface BackfillDeps {
  db: Db;
  /** Reads events and writes output tables: a client that may INSERT (the console's DDL client). */
  target: OutputTarget;
  piiSecret?: string;
}

export const backfillStartSchema = z.object({
  processor: z.string().min(1).max(48),
  version: z.number().int().positive(),
  from: z.coerce.date(),
  to: z.coerce.date(),
  /** Events per second. */
  rate: z.number().int().positive().max(1_000_000).optional(),
});
export type BackfillStartInput = z.infer<typeof backfillStartSchema>;

/** What the console shows: a progress bar is rowsDone / total (progress, 0..1). */
export interface BackfillView {
  id: string;
  key: string;
  processor: string;
  version: number;
  from: string;
  to: string;
  rate: number | null;
  state: 'pending' | 'running' | 'stopped' | 'finished' | 'failed';
  run: string;
  total: number;
  rowsDone: number;
  progress: number;
  kept: number;
  dropped: number;
  deadLettered: number;
  chunksDone: number;
  error: string | null;
  actor: string;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
}

/** A running backfill's heartbeat older than this means its process died. */
export const BACKFILL_STALE_MS = 30_000;

type Row = NonNullable<Awaited<ReturnType<Db['processorBackfill']['findUnique']>>>;

const stateSchema = z.enum(['pending', 'running', 'stopped', 'finished', 'failed']);
const lastKeySchema = z.tuple([z.string(), z.string(), z.string()]).nullable();

export function toBackfillView(row: Row): BackfillView {
  return {
    id: row.id,
    key: row.key,
    processor: row.processorName,
    version: row.version,
    from: row.rangeFrom.toISOString(),
    to: row.rangeTo.toISOString(),
    rate: row.rate,
    state: stateSchema.parse(row.state),
    run: row.run,
    total: row.total,
    rowsDone: row.rowsDone,
    progress: row.total === 0 ? (row.state === 'finished' ? 1 : 0) : Math.min(1, row.rowsDone / row.total),
    kept: row.kept,
    dropped: row.dropped,
    deadLettered: row.deadLettered,
    chunksDone: row.chunksDone,
    error: row.error,
    actor: row.actor,
    startedAt: row.startedAt.toISOString(),
    heartbeatAt: row.heartbeatAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

function stateOf(row: Row): BackfillState {
  return {
    key: row.key,
    run: row.run,
    snapshotAt: row.snapshotAt.getTime(),
    total: row.total,
    rowsDone: row.rowsDone,
    kept: row.kept,
    dropped: row.dropped,
    deadLettered: row.deadLettered,
    chunksDone: row.chunksDone,
    lastKey: lastKeySchema.parse(row.lastKey ?? null),
    status: row.state === 'finished' ? 'finished' : 'pending',
  };
}

async function jobOf(deps: BackfillDeps, row: Row): Promise<BackfillJob> {
  const definition = await loadProcessorVersion(deps.db, row.processorName, row.version);
  if (!definition) {
    throw new TributaryError('not_found', `processor '${row.processorName}' has no version ${row.version}`);
  }
  return {
    processor: row.processorName,
    version: row.version,
    from: row.rangeFrom,
    to: row.rangeTo,
    definition,
    chunkSize: chunkSizeFor(row.rate),
  };
}

/**
 * About 5 s of work per chunk at the rate limit (at most 5,000 events): the heartbeat is
 * refreshed after every chunk, so a slow backfill must not look dead (BACKFILL_STALE_MS).
 */
function chunkSizeFor(rate: number | null | undefined): number {
  return rate ? Math.max(10, Math.min(5_000, rate * 5)) : 5_000;
}

// Backfills run in this process; each one's AbortController, so a stop here is immediate.
const local = new Map<string, AbortController>();

/**
 * Starts a backfill, or finds it: the same processor version over the same range is one
 * backfill (its key), so a second start returns the finished one, the running one, or resumes a
 * stopped, failed or interrupted one from its recorded chunk. `done` settles when it ends.
 */
export async function startBackfill(
  deps: BackfillDeps,
  input: BackfillStartInput,
  actor: string,
): Promise<{ backfill: BackfillView; done: Promise<BackfillView> }> {
  const spec = { processor: input.processor, version: input.version, from: input.from, to: input.to };
  const definition = await loadProcessorVersion(deps.db, spec.processor, spec.version);
  if (!definition) {
    throw new TributaryError('not_found', `processor '${spec.processor}' has no version ${spec.version}`);
  }
  const key = backfillKey(spec);
  const existing = await deps.db.processorBackfill.findUnique({ where: { key } });
  if (existing) {
    const view = toBackfillView(existing);
    if (existing.state === 'finished' || (existing.state === 'running' && !isStale(existing))) {
      return { backfill: view, done: Promise.resolve(view) };
    }
    return resume(deps, existing, actor, input.rate);
  }
  const job: BackfillJob = { ...spec, definition, chunkSize: chunkSizeFor(input.rate) };
  await ensureProcessorTables(deps.target, spec.processor, definition);
  const planned = await planBackfill(deps.target, job);
  const row = await deps.db.$transaction(async (tx) => {
    const created = await tx.processorBackfill.create({
      data: {
        key,
        processorName: spec.processor,
        version: spec.version,
        rangeFrom: spec.from,
        rangeTo: spec.to,
        rate: input.rate ?? null,
        state: 'running',
        run: planned.run,
        snapshotAt: new Date(planned.snapshotAt),
        total: planned.total,
        actor,
      },
    });
    await writeAudit(tx, {
      actor,
      action: 'processor.backfill',
      entity: 'processor_backfill',
      entityId: created.id,
      after: {
        processor: spec.processor,
        version: spec.version,
        from: spec.from.toISOString(),
        to: spec.to.toISOString(),
        rate: input.rate ?? null,
        total: planned.total,
      },
    });
    return created;
  });
  return { backfill: toBackfillView(row), done: runJob(deps, row, job, actor) };
}

function isStale(row: Row, now = Date.now()): boolean {
  return now - row.heartbeatAt.getTime() > BACKFILL_STALE_MS;
}

/** Claims a backfill that is not running (or whose runner died) and runs it from its record. */
async function resume(
  deps: BackfillDeps,
  row: Row,
  actor: string,
  rate?: number,
): Promise<{ backfill: BackfillView; done: Promise<BackfillView> }> {
  const claimed = await deps.db.processorBackfill.updateMany({
    where: {
      id: row.id,
      OR: [
        { state: { in: ['pending', 'stopped', 'failed'] } },
        { state: 'running', heartbeatAt: { lt: new Date(Date.now() - BACKFILL_STALE_MS) } },
      ],
    },
    data: {
      state: 'running',
      stopRequested: false,
      error: null,
      heartbeatAt: new Date(),
      ...(rate !== undefined ? { rate } : {}),
    },
  });
  const current = await deps.db.processorBackfill.findUniqueOrThrow({ where: { id: row.id } });
  if (claimed.count === 0) {
    const view = toBackfillView(current);
    return { backfill: view, done: Promise.resolve(view) };
  }
  await writeAudit(deps.db, {
    actor,
    action: 'processor.backfill_resumed',
    entity: 'processor_backfill',
    entityId: row.id,
    after: { rowsDone: current.rowsDone, chunksDone: current.chunksDone },
  });
  const job = await jobOf(deps, current);
  return { backfill: toBackfillView(current), done: runJob(deps, current, job, actor) };
}

async function runJob(deps: BackfillDeps, row: Row, job: BackfillJob, actor: string): Promise<BackfillView> {
  const stop = new AbortController();
  local.set(row.id, stop);
  let state: 'stopped' | 'finished' | 'failed' = 'finished';
  let error: string | null = null;
  try {
    const { context } = await loadProcessorContext(deps.db, job.definition, {
      ...(deps.piiSecret ? { piiSecret: deps.piiSecret } : {}),
    });
    const final = await runBackfill(deps.target, job, stateOf(row), {
      compileContext: context,
      ...(row.rate ? { rateLimitPerSecond: row.rate } : {}),
      signal: stop.signal,
      onProgress: async (s) => {
        // The record is the resume point: written only after the chunk's insert resolved.
        const updated = await deps.db.processorBackfill.update({
          where: { id: row.id },
          data: {
            rowsDone: s.rowsDone,
            kept: s.kept,
            dropped: s.dropped,
            deadLettered: s.deadLettered,
            chunksDone: s.chunksDone,
            lastKey: s.lastKey ?? undefined,
            heartbeatAt: new Date(),
          },
        });
        // A stop asked through another console reaches this one here.
        if (updated.stopRequested) stop.abort();
      },
    });
    state = final.status === 'stopped' ? 'stopped' : 'finished';
  } catch (err) {
    state = 'failed';
    error = err instanceof Error ? err.message : String(err);
  } finally {
    local.delete(row.id);
  }
  const ended = await deps.db.$transaction(async (tx) => {
    const updated = await tx.processorBackfill.update({
      where: { id: row.id },
      data: {
        state,
        error,
        heartbeatAt: new Date(),
        ...(state === 'finished' ? { finishedAt: new Date() } : {}),
      },
    });
    await writeAudit(tx, {
      actor,
      action: 'processor.backfill_ended',
      entity: 'processor_backfill',
      entityId: row.id,
      after: { state, error, total: updated.total, rowsDone: updated.rowsDone, kept: updated.kept },
    });
    return updated;
  });
  return toBackfillView(ended);
}

/** Asks a running backfill to stop after its current chunk (here at once, elsewhere at its next record). */
export async function stopBackfill(deps: BackfillDeps, id: string, actor: string): Promise<BackfillView> {
  const row = await deps.db.processorBackfill.findUnique({ where: { id } });
  if (!row) throw new TributaryError('not_found', `no backfill ${id}`);
  if (row.state !== 'running') {
    throw new TributaryError('conflict', `backfill ${id} is ${row.state}, not running`);
  }
  const updated = await deps.db.$transaction(async (tx) => {
    const u = await tx.processorBackfill.update({ where: { id }, data: { stopRequested: true } });
    await writeAudit(tx, {
      actor,
      action: 'processor.backfill_stop',
      entity: 'processor_backfill',
      entityId: id,
    });
    return u;
  });
  local.get(id)?.abort();
  return toBackfillView(updated);
}

export async function listBackfills(db: Db, filter: { processor?: string } = {}): Promise<BackfillView[]> {
  const rows = await db.processorBackfill.findMany({
    where: filter.processor ? { processorName: filter.processor } : {},
    orderBy: { startedAt: 'desc' },
    take: 100,
  });
  return rows.map(toBackfillView);
}

export async function getBackfill(db: Db, id: string): Promise<BackfillView> {
  const row = await db.processorBackfill.findUnique({ where: { id } });
  if (!row) throw new TributaryError('not_found', `no backfill ${id}`);
  return toBackfillView(row);
}

/**
 * Resumes backfills whose runner died (a running state with a stale heartbeat); the
 * conditional claim gives each to one caller. For a supervisor that sweeps now and then.
 */
export async function resumeInterruptedBackfills(
  deps: BackfillDeps,
  actor: string,
): Promise<Array<{ backfill: BackfillView; done: Promise<BackfillView> }>> {
  const stale = await deps.db.processorBackfill.findMany({
    where: { state: 'running', heartbeatAt: { lt: new Date(Date.now() - BACKFILL_STALE_MS) } },
  });
  const out = [];
  for (const row of stale) {
    const r = await resume(deps, row, actor);
    if (r.backfill.state === 'running') out.push(r);
  }
  return out;
}
