import { errorCodes, TributaryError } from '@tributary/contracts';
import { initTRPC, TRPCError } from '@trpc/server';
import { env } from '../env.ts';
import { getClickHouse } from './clickhouse.ts';
import type { QueryTarget } from './queries/run.ts';
import { webMetrics } from './metrics.ts';
import { getDb } from './db.ts';
import { ANONYMOUS, resolveViewer, type Viewer } from './viewer.ts';

export interface Context {
  clickhouse: QueryTarget;
  headers: Headers;
  /** Response headers (cookies) a procedure may set. */
  resHeaders: Headers;
  /** Who is looking, resolved from the request on first use. */
  viewer(): Promise<Viewer>;
}

export function createContext(opts: { headers: Headers; resHeaders?: Headers }): Context {
  let viewer: Promise<Viewer> | null = null;
  return {
    clickhouse: { client: getClickHouse(), database: env.CLICKHOUSE_DATABASE },
    headers: opts.headers,
    resHeaders: opts.resHeaders ?? new Headers(),
    viewer: () => (viewer ??= resolveViewer(getDb(), opts.headers)),
  };
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        // Same vocabulary as the ingest API, so a client can branch on one set of codes.
        tributaryCode: cause instanceof TributaryError ? cause.code : null,
      },
    };
  },
});

/** Domain errors thrown by server functions become tRPC errors with the matching status. */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof TributaryError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: errorCodes[cause.code].trpc, message: cause.message, cause });
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
/** Read-only console views; authenticated procedures arrive with the management API. */
export const publicProcedure = t.procedure.use(timed).use(domainErrors);

/** A context for server-side callers and tests: a given ClickHouse target and viewer. */
export function callerContext(clickhouse: QueryTarget, viewer: Viewer = ANONYMOUS): Context {
  return { clickhouse, headers: new Headers(), resHeaders: new Headers(), viewer: async () => viewer };
}
