import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { appRouter } from '../../../../server/routers/index.ts';
import { createContext } from '../../../../server/trpc.ts';
import { batchSize, MAX_BATCH_SIZE } from '../../../../server/trpc-batch.ts';

export const dynamic = 'force-dynamic';

function handler(req: Request) {
  const size = batchSize(req.url);
  if (size > MAX_BATCH_SIZE) {
    return Response.json(
      { error: `a batch may carry at most ${MAX_BATCH_SIZE} procedures (this one has ${size})` },
      { status: 400 },
    );
  }
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: ({ resHeaders }) => createContext({ headers: req.headers, resHeaders }),
    onError({ path, error }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'} failed:`, error);
    },
  });
}

export { handler as GET, handler as POST };
