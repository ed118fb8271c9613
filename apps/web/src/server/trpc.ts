import { errorCodes } from '@tributary/contracts';
import { initTRPC, TRPCError } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { env } from '../env.ts';
import { getClickHouse } from './clickhouse.ts';
import { classifyError, toPublicError, type ClassifyContext } from './errors/classify.ts';
import { endpointsFrom } from './errors/endpoints.ts';
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

const t = initTRPC.context<Context>().create({
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
/** Read-only console views; authenticated procedures arrive with the management API. */
export const publicProcedure = t.procedure.use(timed).use(domainErrors);

/** A context for server-side callers and tests: a given ClickHouse target and viewer. */
export function callerContext(clickhouse: QueryTarget, viewer: Viewer = ANONYMOUS): Context {
  return { clickhouse, headers: new Headers(), resHeaders: new Headers(), viewer: async () => viewer };
}
