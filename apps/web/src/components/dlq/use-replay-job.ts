'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '../../trpc/react.tsx';

/** Progress polling while a replay runs; the brief for the bar is "moves while you watch". */
const POLL_MS = 500;

/**
 * Starts a replay and follows it: the server returns at once with a running job, then its
 * progress is polled until it settles, when the lists are refreshed (statuses changed).
 */
export function useReplayJob() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [id, setId] = useState<string | null>(null);
  const start = useMutation(
    trpc.dlq.replay.mutationOptions({
      onSuccess: (replay) => {
        queryClient.setQueryData(trpc.dlq.replayStatus.queryKey({ id: replay.id }), replay);
        setId(replay.id);
      },
    }),
  );
  const status = useQuery(
    trpc.dlq.replayStatus.queryOptions(
      { id: id ?? '00000000-0000-0000-0000-000000000000' },
      {
        enabled: id !== null,
        refetchInterval: (q) => (q.state.data?.state === 'running' ? POLL_MS : false),
        staleTime: 0,
      },
    ),
  );
  const state = id === null ? undefined : status.data?.state;
  useEffect(() => {
    if (state === undefined || state === 'running') return;
    void Promise.all([
      queryClient.invalidateQueries(trpc.dlq.list.pathFilter()),
      queryClient.invalidateQueries(trpc.dlq.groups.pathFilter()),
      queryClient.invalidateQueries(trpc.dlq.entry.pathFilter()),
      queryClient.invalidateQueries(trpc.dlq.replays.pathFilter()),
    ]);
  }, [state, queryClient, trpc]);
  return {
    start,
    replay: id === null ? undefined : status.data,
    // While React Query retries, the error is only in failureReason: show it then too.
    statusError: id === null ? null : (status.error ?? status.failureReason),
    running: start.isPending || state === 'running',
    clear() {
      setId(null);
      start.reset();
    },
  };
}
