import { errorCodes, TributaryError } from '@tributary/contracts';
import { withAuditRequest } from '@tributary/db';
import { initTRPC, TRPCError } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { env } from '../env.ts';
import { getClickHouse, getDdlTarget } from './clickhouse.ts';
import { classifyError, toPublicError, type ClassifyContext } from './errors/classify.ts';
import { endpointsFrom } from './errors/endpoints.ts';
import type { QueryTarget } from './queries/run.ts';
import { webMetrics } from './metrics.ts';
import { getDb } from './db.ts';
import { auditName, can, type Actor, type Permission, type RequestMeta } from './auth/actor.ts';
import { requestMeta } from './auth/request-meta.ts';
import { resolveActor } from './auth/resolve-actor.ts';

export interface Context {
  /** The console's own ClickHouse user: reads, bounded, and its one insert. */
  clickhouse: QueryTarget;
  /** The privileged user, for the one schema change the console makes (dead-letter retention). */
  clickhouseDdl: QueryTarget;
  headers: Headers;
  /** Response headers (cookies) a procedure may set. */
  resHeaders: Headers;
  /** Who is calling (a signed-in person or an API key), or null for an anonymous request. */
  actor: Actor | null;
  /** Where the request came from; written to every audit row it causes. */
  meta: RequestMeta;
}

export async function createContext(opts: { headers: Headers; resHeaders?: Headers }): Promise<Context> {
  const resHeaders = opts.resHeaders ?? new Headers();
  const meta = requestMeta(opts.headers);
  // Echoed so a person reporting a problem can quote the id their audit rows carry.
  resHeaders.set('x-request-id', meta.requestId);
  return {
    clickhouse: { client: getClickHouse(), database: env.CLICKHOUSE_DATABASE },
    clickhouseDdl: getDdlTarget(),
    headers: opts.headers,
    resHeaders,
    actor: await resolveActor(getDb(), opts.headers),
    meta,
  };
}

/** What each procedure declares: the permission it needs, or that it is deliberately public. */
export type ProcedureMeta = { access: 'public' } | { access: 'permission'; permission: Permission };

/**
 * The only procedures an anonymous caller may reach. `a.*` allows every procedure under `a.`.
 * NOTE: a procedure built with `publicProcedure` that is not listed here refuses every call
 * (and fails the router-walk test), so making something public takes an edit to this list.
 */
export const PUBLIC_PROCEDURES: readonly string[] = [
  // Who is signed in (null when nobody): the sign-in redirect and the user menu ask before sign-in.
  'viewer.me',
  // A dashboard's read-only share link opens without signing in (the token is the permission).
  'shared.dashboard',
  'shared.panel',
];

export function isPublicPath(path: string, allowlist: readonly string[] = PUBLIC_PROCEDURES): boolean {
  return allowlist.some((entry) =>
    entry.endsWith('.*') ? path.startsWith(entry.slice(0, -1)) : path === entry,
  );
}

/** The permission check's own refusal, so tests can tell it from any other 401/403. */
export class AccessDenied extends TributaryError {
  constructor(
    code: 'unauthorized' | 'forbidden',
    message: string,
    readonly requires: Permission,
  ) {
    super(code, message, { requires });
  }
}

let classifyContext: ClassifyContext | undefined;
/** Names the dependency behind a bare socket error by the addresses this console is configured with. */
function errorContext(): ClassifyContext {
  classifyContext ??= {
    endpoints: endpointsFrom({
      clickhouseUrl: env.CLICKHOUSE_URL,
      databaseUrl: env.DATABASE_URL,
      kafkaBrokers: env.KAFKA_BROKERS,
    }),
  };
  return classifyContext;
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    /**
     * Every failure the browser sees is in the shared vocabulary: plain words as the message, the
     * code, whether retrying may help, the raw text apart in `details`. The shape is built anew,
     * so tRPC's `stack` (sent by default outside production) never leaves the server.
     */
    errorFormatter({ shape, error }) {
      const classified = classifyError(error, errorContext());
      const pub = toPublicError(classified);
      const { trpc, http } = errorCodes[pub.code];
      return {
        message: pub.message,
        code: TRPC_ERROR_CODES_BY_KEY[trpc],
        data: {
          code: trpc,
          httpStatus: http,
          ...(shape.data.path === undefined ? {} : { path: shape.data.path }),
          // Same vocabulary as the ingest and management APIs: a client branches on these codes.
          tributaryCode: pub.code,
          retryable: pub.retryable,
          details: pub.details,
        },
      };
    },
  });

/**
 * Any failure in a procedure becomes a tRPC error with the status of its classified code, so
 * server-side callers (pages, tests) see the same code and words the browser does.
 */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const classified = classifyError(result.error, errorContext());
    throw new TRPCError({
      code: errorCodes[classified.code].trpc,
      message: classified.message,
      cause: classified,
    });
  }
  return result;
});

/** Every procedure's duration lands in /api/metrics. */
const timed = t.middleware(async ({ path, next }) => {
  const end = webMetrics().procedureSeconds.startTimer({ procedure: path });
  const result = await next();
  end({ result: result.ok ? 'ok' : 'error' });
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/** Every audit row written while a procedure runs (library code included) carries the request. */
const audited = t.middleware(({ ctx, next }) => withAuditRequest(ctx.meta, () => next()));

const base = t.procedure.use(timed).use(domainErrors).use(audited);

/**
 * A procedure callable only by an actor holding `permission`: 401 without an actor, 403 without
 * the permission. NOTE: the check is a middleware placed before `.input()`, so it runs before
 * the input is parsed: an anonymous caller learns nothing about the input shape.
 */
export function procedure(permission: Permission) {
  return base.meta({ access: 'permission', permission }).use(({ ctx, next }) => {
    const { actor } = ctx;
    if (!actor) {
      throw new AccessDenied('unauthorized', 'Sign in or send an API key', permission);
    }
    if (!can(actor, permission)) {
      throw new AccessDenied(
        'forbidden',
        `${auditName(actor)} may not do this (needs ${permission})`,
        permission,
      );
    }
    return next({ ctx: { actor } });
  });
}

/** Anonymous access, for the paths in PUBLIC_PROCEDURES only. */
export const publicProcedure = base.meta({ access: 'public' }).use(({ path, next }) => {
  if (!isPublicPath(path)) {
    // Fails closed: a forgotten allowlist entry is a refused call, never an open one.
    throw new TributaryError('internal', `procedure ${path} is public but not in PUBLIC_PROCEDURES`);
  }
  return next();
});

/** A context for server-side callers and tests: a given ClickHouse target and actor. */
export function callerContext(
  clickhouse: QueryTarget,
  actor: Actor | null,
  meta: Partial<RequestMeta> = {},
): Context {
  return {
    clickhouse,
    clickhouseDdl: clickhouse,
    headers: new Headers(),
    resHeaders: new Headers(),
    actor,
    meta: { ip: null, userAgent: null, requestId: crypto.randomUUID(), ...meta },
  };
}
