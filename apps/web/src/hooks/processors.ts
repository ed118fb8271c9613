'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { pollUnlessFailed } from '../lib/error-text.ts';
import { useDebounced } from '../lib/use-debounced.ts';
import { useTRPC } from '../trpc/react.tsx';

/**
 * Data access for processors, in one place (STYLE.md: one hook file per domain). Pages and
 * components call these; none builds a processors query of its own.
 */

/** How often the list and the workers' running versions refresh: a switch shows within 2 s. */
export const PROCESSORS_REFRESH_MS = 2000;
/** Typing pauses this long before an expression is checked. */
export const EXPRESSION_CHECK_DELAY_MS = 300;

export function useProcessorList() {
  const trpc = useTRPC();
  return useQuery(
    trpc.processors.list.queryOptions(undefined, {
      refetchInterval: pollUnlessFailed(PROCESSORS_REFRESH_MS),
    }),
  );
}

export function useProcessor(name: string) {
  const trpc = useTRPC();
  return useQuery(trpc.processors.get.queryOptions({ name }));
}

/** Each worker's running version of each processor, refreshed every 2 s. */
export function useWorkers() {
  const trpc = useTRPC();
  return useQuery(
    trpc.processors.workers.queryOptions(undefined, {
      refetchInterval: pollUnlessFailed(PROCESSORS_REFRESH_MS),
    }),
  );
}

/** What the processor wrote lately (rows per version, newest aggregate windows), every 2 s. */
export function useProcessorOutput(name: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.processors.output.queryOptions(
      { name },
      { refetchInterval: pollUnlessFailed(PROCESSORS_REFRESH_MS) },
    ),
  );
}

export function useLookupTables() {
  const trpc = useTRPC();
  return useQuery(trpc.processors.lookupTables.list.queryOptions());
}

/**
 * The server's syntax check of a CEL expression, run once typing pauses. `checking` is true
 * while the shown verdict belongs to an older text.
 */
export function useExpressionCheck(expression: string) {
  const trpc = useTRPC();
  const debounced = useDebounced(expression, EXPRESSION_CHECK_DELAY_MS);
  const query = useQuery(
    trpc.processors.checkExpression.queryOptions(
      { expression: debounced },
      { enabled: debounced.trim() !== '', staleTime: Infinity, retry: false },
    ),
  );
  return { query, checking: debounced !== expression || query.isFetching };
}

/** Every write on processors; each success refreshes whatever shows processors. */
export function useProcessorActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.processors.pathFilter());
  return {
    create: useMutation(trpc.processors.create.mutationOptions({ onSuccess: refresh })),
    createVersion: useMutation(trpc.processors.createVersion.mutationOptions({ onSuccess: refresh })),
    publish: useMutation(trpc.processors.publish.mutationOptions({ onSuccess: refresh })),
    pause: useMutation(trpc.processors.pause.mutationOptions({ onSuccess: refresh })),
    resume: useMutation(trpc.processors.resume.mutationOptions({ onSuccess: refresh })),
    rollback: useMutation(trpc.processors.rollback.mutationOptions({ onSuccess: refresh })),
    uploadLookupTable: useMutation(
      trpc.processors.lookupTables.upload.mutationOptions({ onSuccess: refresh }),
    ),
  };
}

/**
 * The whole draft judged as saving would judge it (every problem with its path), storing
 * nothing. A function rather than a query: it runs when asked (Check, or after a refused save),
 * not on every edit.
 */
export function useDefinitionCheck() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (definition: unknown, name?: string) =>
    queryClient.fetchQuery({ ...trpc.processors.check.queryOptions({ definition, name }), staleTime: 0 });
}

/** Preview and whole-definition checks change nothing, so they refresh nothing. */
export function usePreview() {
  const trpc = useTRPC();
  return useMutation(trpc.processors.preview.mutationOptions());
}

/** The processor's backfills, newest first, refreshed every 2 s (a running one's progress moves). */
export function useBackfills(processor: string) {
  const trpc = useTRPC();
  return useQuery(
    trpc.backfills.list.queryOptions(
      { processor },
      { refetchInterval: pollUnlessFailed(PROCESSORS_REFRESH_MS) },
    ),
  );
}

export function useBackfillActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.backfills.pathFilter());
  return {
    start: useMutation(trpc.backfills.start.mutationOptions({ onSuccess: refresh })),
    stop: useMutation(trpc.backfills.stop.mutationOptions({ onSuccess: refresh })),
  };
}
