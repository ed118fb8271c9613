import { dehydrate, type QueryClient } from '@tanstack/react-query';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { headers } from 'next/headers';
import { cache } from 'react';
import { appRouter } from '../server/routers/index.ts';
import { createContext } from '../server/trpc.ts';
import { makeQueryClient } from './query-client.ts';

/** One query client per server request, shared by everything rendered for it. */
export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy({
  ctx: async () => createContext({ headers: new Headers(await headers()) }),
  router: appRouter,
  queryClient: getQueryClient,
});

export function dehydrated(queryClient: QueryClient = getQueryClient()) {
  return dehydrate(queryClient);
}
