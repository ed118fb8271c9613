// The processors' HTTP API (/api/v1/processors/...), for keeping processors as code. Route files
// only bind these to paths; the same service functions as the console do the work, with the
// same checks and the same audit rows (actor api_key:<name>).
import { TributaryError } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import {
  assertProcessorName,
  checkDefinition,
  createProcessor,
  createVersion,
  definitionRefused,
  getProcessor,
  listProcessors,
  NO_EVENTS_RATES,
  pauseProcessor,
  previewDefinition,
  processorRates,
  publishVersion,
  resumeProcessor,
  rollbackTo,
  type LifecycleDeps,
  type PreviewDeps,
} from '@tributary/processors';
import { can, type Permission } from '../auth/actor.ts';
import { createInput, definitionInput, previewInput, versionNumber } from '../processors/types.ts';
import { detailOut, processorOut, versionOut } from '../processors/wire.ts';
import { authorize } from './auth.ts';
import { readJson } from './body.ts';
import { handleAudited, json } from './responses.ts';
import { z } from 'zod';

/** What the handlers need; the route files pass the console's own (tests pass theirs). */
export interface ProcessorsApiDeps {
  db: Db;
  lifecycle: () => LifecycleDeps;
  preview: () => PreviewDeps;
  /** Called after a change committed (the console kicks its outbox relay: workers switch at once). */
  afterChange?: () => void;
}

/** `value`, once the change that produced it committed; tells deps.afterChange. */
function changed<T>(deps: ProcessorsApiDeps, value: T): T {
  deps.afterChange?.();
  return value;
}

export interface NameParams {
  params: Promise<{ name: string }>;
}

const BODY_LIMIT_BYTES = 512 * 1024;
const READ: Permission = 'read';
const WRITE: Permission = 'processors:write';

function parseBody<T extends z.ZodType>(schema: T, body: unknown, shape: string): z.output<T> {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new TributaryError(
      'bad_request',
      `body must be ${shape}` + (issue ? ` (${issue.path.join('.') || 'body'}: ${issue.message})` : ''),
    );
  }
  return result.data;
}

async function nameOf(params: Promise<{ name: string }>): Promise<string> {
  const { name } = await params;
  assertProcessorName(name);
  return name;
}

const versionBody = z.object({ definition: definitionInput, note: z.string().max(2000).default('') });
const versionRefBody = z.object({ version: versionNumber });
const VERSION_SHAPE = '{"definition": {...}, "note"?: "…"}';

export function listHandler(req: Request, deps: ProcessorsApiDeps): Promise<Response> {
  return handleAudited(req, async () => {
    await authorize(req, deps.db, READ);
    const [processors, rates] = await Promise.all([
      listProcessors(deps.db),
      // Unknown (null) rather than failing the list when ClickHouse cannot be asked.
      processorRates(deps.preview().clickhouse).catch(() => null),
    ]);
    return json({
      items: processors.map((p) => ({
        ...processorOut(p),
        rates: rates ? (rates.get(p.name) ?? NO_EVENTS_RATES) : null,
      })),
    });
  });
}

/** 201 with the new draft; 409 when the name is taken. */
export function createHandler(req: Request, deps: ProcessorsApiDeps): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authorize(req, deps.db, WRITE);
    const body = parseBody(
      createInput,
      await readJson(req, BODY_LIMIT_BYTES),
      '{"name": "…", "description"?: "…"}',
    );
    return json(
      processorOut(changed(deps, await createProcessor(deps.db, body, { actor: caller.actor }))),
      201,
    );
  });
}

export function getHandler(req: Request, ctx: NameParams, deps: ProcessorsApiDeps): Promise<Response> {
  return handleAudited(req, async () => {
    await authorize(req, deps.db, READ);
    return json(detailOut(await getProcessor(deps.db, await nameOf(ctx.params))));
  });
}

/**
 * 201 with the new version. A processor that does not exist yet is created (as a draft) with
 * it, so one call applies a definition kept as code; a refused definition creates nothing and
 * answers 400 with every problem in `error.details.errors` ({path, message}).
 */
export function createVersionHandler(
  req: Request,
  ctx: NameParams,
  deps: ProcessorsApiDeps,
): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authorize(req, deps.db, WRITE);
    const name = await nameOf(ctx.params);
    const body = parseBody(versionBody, await readJson(req, BODY_LIMIT_BYTES), VERSION_SHAPE);
    const { piiSecret } = deps.lifecycle();
    const secret = piiSecret ? { piiSecret } : {};
    const exists = await deps.db.processor.findUnique({ where: { name }, select: { id: true } });
    if (!exists) {
      // Checked before the processor is created, so a refusal leaves nothing behind.
      const check = await checkDefinition(deps.db, body.definition, {
        ...secret,
        outputTable: { clickhouse: deps.preview().clickhouse, processorName: name },
      });
      if (!check.ok) throw definitionRefused(check.errors);
      await createProcessor(deps.db, { name }, { actor: caller.actor }).catch((err: unknown) => {
        // Created meanwhile by another call: add the version to it.
        if (!(err instanceof TributaryError && err.code === 'conflict')) throw err;
      });
    }
    const v = await createVersion(deps.db, name, body.definition, {
      actor: caller.actor,
      note: body.note,
      clickhouse: deps.preview().clickhouse,
      ...secret,
    });
    return json({ name, ...versionOut(changed(deps, v)) }, 201);
  });
}

/**
 * Runs a draft on recent events; needs processors:write, as the console's preview does. pii is
 * masked unless the key holds pii:read (or admin).
 */
export function previewHandler(req: Request, deps: ProcessorsApiDeps): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authorize(req, deps.db, WRITE);
    const body = parseBody(
      previewInput,
      await readJson(req, BODY_LIMIT_BYTES),
      '{"definition": {...}, "limit"?: 1-2000}',
    );
    return json(await previewDefinition(deps.preview(), body, { revealPii: can(caller.key, 'pii:read') }));
  });
}

export function publishHandler(req: Request, ctx: NameParams, deps: ProcessorsApiDeps): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authorize(req, deps.db, WRITE);
    const name = await nameOf(ctx.params);
    const body = parseBody(versionRefBody, await readJson(req, 4096), '{"version": N}');
    return json(
      processorOut(
        changed(deps, await publishVersion(deps.lifecycle(), name, body.version, { actor: caller.actor })),
      ),
    );
  });
}

export function rollbackHandler(req: Request, ctx: NameParams, deps: ProcessorsApiDeps): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authorize(req, deps.db, WRITE);
    const name = await nameOf(ctx.params);
    const body = parseBody(versionRefBody, await readJson(req, 4096), '{"version": N}');
    return json(
      processorOut(
        changed(deps, await rollbackTo(deps.lifecycle(), name, body.version, { actor: caller.actor })),
      ),
    );
  });
}

export function pauseHandler(req: Request, ctx: NameParams, deps: ProcessorsApiDeps): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authorize(req, deps.db, WRITE);
    return json(
      processorOut(
        changed(deps, await pauseProcessor(deps.db, await nameOf(ctx.params), { actor: caller.actor })),
      ),
    );
  });
}

export function resumeHandler(req: Request, ctx: NameParams, deps: ProcessorsApiDeps): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authorize(req, deps.db, WRITE);
    return json(
      processorOut(
        changed(
          deps,
          await resumeProcessor(deps.lifecycle(), await nameOf(ctx.params), { actor: caller.actor }),
        ),
      ),
    );
  });
}
