'use client';

import { useQuery } from '@tanstack/react-query';
import { pollUnlessFailed } from '../../../lib/error-text.ts';
import { useTRPC } from '../../../trpc/react.tsx';
import { INBOX_PAGE_SIZE, INBOX_REFRESH_MS } from './inbox-limits.ts';

export function useAlertInbox() {
  const trpc = useTRPC();
  return useQuery(
    trpc.alertInbox.list.queryOptions(
      { limit: INBOX_PAGE_SIZE },
      { refetchInterval: pollUnlessFailed(INBOX_REFRESH_MS) },
    ),
  );
}
