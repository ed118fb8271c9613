// The schema registry's HTTP API (/api/v1/schemas/...). Route files only bind these to paths;
// the registry's server functions do the work.
import { TributaryError } from '@tributary/contracts';
import type { Db } from '@tributary/db';
import {
  assertSubjectName,
  getSubject,
  getVersion,
  listSubjects,
  listVersions,
  MAX_METADATA_BYTES,
  MAX_SCHEMA_BYTES,
  enforcements,
  registerVersion,
  setEnforcement,
  setMode,
  testCompatibility,
  type VersionRef,
} from '@tributary/registry';
import { z } from 'zod';
import { compatibilityModes } from '../../components/schemas/modes.ts';
import { authenticate } from './auth.ts';
import { readJson } from './body.ts';
import { handleAudited, json } from './responses.ts';

// Room for the JSON around the schema and its metadata; the schema's own limit is checked after
// parsing, so an oversized schema gets the registry's precise 413 message.
const BODY_LIMIT_BYTES = MAX_SCHEMA_BYTES + MAX_METADATA_BYTES + 64 * 1024;

export interface SubjectParams {
  params: Promise<{ subject: string }>;
}
export interface VersionParams {
  params: Promise<{ subject: string; version: string }>;
}

const registerBody = z.object({
  schema: z.unknown(),
  description: z.string().max(2000).optional(),
  examples: z.unknown().optional(),
  fieldTags: z.unknown().optional(),
});
const compatibilityBody = z.object({ schema: z.unknown() });

function parseBody<T>(schema: z.ZodType<T>, body: unknown, shape: string): T {
  const result = schema.safeParse(body);
  if (!result.success || (result.data as { schema?: unknown }).schema === undefined) {
    const issue = result.success ? undefined : result.error.issues[0];
    throw new TributaryError(
      'bad_request',
      `body must be ${shape}` + (issue ? ` (${issue.path.join('.') || 'body'}: ${issue.message})` : ''),
    );
  }
  return result.data;
}

async function subjectName(params: Promise<{ subject: string }>): Promise<string> {
  const { subject } = await params;
  assertSubjectName(subject);
  return subject;
}

export function parseVersionRef(raw: string): VersionRef {
  if (raw === 'latest') return 'latest';
  if (/^[1-9][0-9]{0,8}$/.test(raw)) return Number(raw);
  throw new TributaryError(
    'bad_request',
    `version must be a positive integer or "latest", got ${JSON.stringify(raw)}`,
  );
}

export function listSubjectsHandler(req: Request, db: Db): Promise<Response> {
  return handleAudited(req, async () => {
    await authenticate(req, db, 'read');
    return json({ subjects: await listSubjects(db) });
  });
}

export function getSubjectHandler(req: Request, ctx: SubjectParams, db: Db): Promise<Response> {
  return handleAudited(req, async () => {
    await authenticate(req, db, 'read');
    return json(await getSubject(db, await subjectName(ctx.params)));
  });
}

export function listVersionsHandler(req: Request, ctx: SubjectParams, db: Db): Promise<Response> {
  return handleAudited(req, async () => {
    await authenticate(req, db, 'read');
    const subject = await subjectName(ctx.params);
    return json({ subject, versions: await listVersions(db, subject) });
  });
}

export function getVersionHandler(req: Request, ctx: VersionParams, db: Db): Promise<Response> {
  return handleAudited(req, async () => {
    await authenticate(req, db, 'read');
    const subject = await subjectName(ctx.params);
    const ref = parseVersionRef((await ctx.params).version);
    return json(await getVersion(db, subject, ref));
  });
}

/** 201 with the new version; 200 with the existing one when the schema already is the latest. */
export function registerHandler(req: Request, ctx: SubjectParams, db: Db): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authenticate(req, db, 'write');
    const subject = await subjectName(ctx.params);
    const body = parseBody(
      registerBody,
      await readJson(req, BODY_LIMIT_BYTES),
      '{"schema": {...}, "description"?, "examples"?, "fieldTags"?}',
    );
    const result = await registerVersion(db, subject, body.schema, {
      actor: caller.actor,
      description: body.description,
      examples: body.examples,
      fieldTags: body.fieldTags,
    });
    return json(result.version, result.created ? 201 : 200);
  });
}

export function compatibilityHandler(req: Request, ctx: SubjectParams, db: Db): Promise<Response> {
  return handleAudited(req, async () => {
    await authenticate(req, db, 'read');
    const subject = await subjectName(ctx.params);
    const body = parseBody(compatibilityBody, await readJson(req, BODY_LIMIT_BYTES), '{"schema": {...}}');
    return json(await testCompatibility(db, subject, body.schema));
  });
}

const configBody = z.strictObject({
  mode: z.enum(compatibilityModes).optional(),
  enforcement: z.enum(enforcements).optional(),
});
const CONFIG_SHAPE = `{"mode"?: ${compatibilityModes.join('|')}, "enforcement"?: ${enforcements.join('|')}}`;

/**
 * Sets the subject's compatibility mode and/or enforcement; 200 with the subject. Both values are
 * checked before either is written, so a bad value changes nothing.
 */
export function configHandler(req: Request, ctx: SubjectParams, db: Db): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authenticate(req, db, 'write');
    const subject = await subjectName(ctx.params);
    const parsed = configBody.safeParse(await readJson(req, 64 * 1024));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TributaryError(
        'bad_request',
        `body must be ${CONFIG_SHAPE}` +
          (issue ? ` (${issue.path.join('.') || 'body'}: ${issue.message})` : ''),
      );
    }
    const { mode, enforcement } = parsed.data;
    if (mode === undefined && enforcement === undefined) {
      throw new TributaryError(
        'bad_request',
        `body must set at least one of "mode", "enforcement": ${CONFIG_SHAPE}`,
      );
    }
    // Answers 404 for an unknown subject even when the body only repeats defaults.
    let view = await getSubject(db, subject);
    if (mode !== undefined) view = await setMode(db, subject, mode, { actor: caller.actor });
    if (enforcement !== undefined)
      view = await setEnforcement(db, subject, enforcement, { actor: caller.actor });
    return json(view);
  });
}
