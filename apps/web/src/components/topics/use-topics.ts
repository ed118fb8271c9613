'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { pollUnlessFailed } from '../../lib/error-text.ts';
import { useTRPC } from '../../trpc/react.tsx';

/**
 * Data access for topics and consumer groups, in one place (STYLE.md: one hook file per domain).
 * Lists and lag refresh every 5 s; the 24 h history every 30 s (the sampler writes every 5 s).
 */
export const TOPICS_REFRESH_MS = 5000;
export const LAG_REFRESH_MS = 5000;
export const HISTORY_REFRESH_MS = 30_000;

export function useTopicList() {
  const trpc = useTRPC();
  return useQuery(
    trpc.topics.list.queryOptions(undefined, { refetchInterval: pollUnlessFailed(TOPICS_REFRESH_MS) }),
  );
}

export function useTopic(name: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.topics.get.queryOptions({ name }, { refetchInterval: pollUnlessFailed(TOPICS_REFRESH_MS) }),
  );
}

/** After any topic change, the list and that topic are read again. */
function useTopicInvalidation() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries(trpc.topics.list.pathFilter()),
      queryClient.invalidateQueries(trpc.topics.get.pathFilter()),
    ]);
  };
}

export function useCreateTopic() {
  const trpc = useTRPC();
  const invalidate = useTopicInvalidation();
  return useMutation(trpc.topics.create.mutationOptions({ onSuccess: invalidate }));
}

export function useAddPartitions() {
  const trpc = useTRPC();
  const invalidate = useTopicInvalidation();
  return useMutation(trpc.topics.addPartitions.mutationOptions({ onSuccess: invalidate }));
}

export function useSetTopicConfig() {
  const trpc = useTRPC();
  const invalidate = useTopicInvalidation();
  return useMutation(trpc.topics.setConfig.mutationOptions({ onSuccess: invalidate }));
}

export function useGroupList() {
  const trpc = useTRPC();
  return useQuery(
    trpc.groups.list.queryOptions(undefined, { refetchInterval: pollUnlessFailed(LAG_REFRESH_MS) }),
  );
}

export function useGroup(groupId: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.groups.get.queryOptions({ groupId }, { refetchInterval: pollUnlessFailed(LAG_REFRESH_MS) }),
  );
}

export function useLagHistory(groupId: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.groups.lagHistory.queryOptions(
      { groupId, hours: 24 },
      { refetchInterval: pollUnlessFailed(HISTORY_REFRESH_MS) },
    ),
  );
}

export function useResetOffsets() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.groups.resetOffsets.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.groups.get.pathFilter());
      },
    }),
  );
}
