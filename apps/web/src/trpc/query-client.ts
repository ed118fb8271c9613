import { defaultShouldDehydrateQuery, QueryClient } from '@tanstack/react-query';
import { shouldRetry } from '../lib/error-text.ts';

export function makeQueryClient(): QueryClient {
  const onServer = typeof window === 'undefined';
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Server-prefetched data is fresh on arrival; polling takes over from there.
        staleTime: 1000,
        // NOTE: never on the server: a page render must not wait out retries of a dependency
        // that is down. A failed prefetch is not sent along; the browser asks again and retries
        // with backoff what the server marked retryable (ClickHouse down), never a refusal.
        retry: onServer ? false : shouldRetry,
        refetchOnWindowFocus: false,
      },
      dehydrate: {
        shouldDehydrateQuery: (query) =>
          defaultShouldDehydrateQuery(query) || query.state.status === 'pending',
      },
    },
  });
}
