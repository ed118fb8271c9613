'use client';

import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { useState, type ReactNode } from 'react';
import type { AppRouter } from '../server/routers/index.ts';
import { MAX_BATCH_SIZE } from '../server/trpc-batch.ts';
import { makeQueryClient } from './query-client.ts';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/**
 * A dashboard's panels ask in one batch; streamed, each panel draws as soon as its own result is
 * back (a rollup answers in milliseconds, a raw panel may take a second) instead of every panel
 * waiting for the slowest. docs/decisions/dashboard-first-render.md has the figures.
 */
const STREAMED = new Set(['dashboards.panel', 'shared.panel']);

let browserQueryClient: QueryClient | undefined;

function getQueryClient(): QueryClient {
  // A fresh client per server render; one for the whole browser session.
  if (typeof window === 'undefined') return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      // The server refuses batches over MAX_BATCH_SIZE (server/trpc-batch.ts); larger ones are split.
      links: [
        splitLink({
          condition: (op) => STREAMED.has(op.path),
          true: httpBatchStreamLink({ url: '/api/trpc', maxItems: MAX_BATCH_SIZE }),
          false: httpBatchLink({ url: '/api/trpc', maxItems: MAX_BATCH_SIZE }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
