'use client';

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LabelMatcher } from '@tributary/contracts';
import { useMemo } from 'react';
import {
  HISTORY_PAGE_SIZE,
  mergePages,
  olderRequest,
  type OlderRequest,
} from '../components/alerts/history/history-paging.ts';
import { pollUnlessFailed } from '../lib/error-text.ts';
import { useCan } from '../lib/use-can.ts';
import { useDebounced } from '../lib/use-debounced.ts';
import { useTRPC } from '../trpc/react.tsx';

/**
 * Data access for the on-call pages (Alerts now, Silences, History, the nav bar's badge and the
 * lineage badges), in one place (STYLE.md: one hook file per domain).
 */

/** The jobs service evaluates most rules every minute or more; 5 s shows a change promptly. */
export const ALERTS_REFRESH_MS = 5_000;
/** The nav bar polls on every page: slower, and one grouped count. */
export const ALERTS_SUMMARY_REFRESH_MS = 15_000;
/** Typing pauses this long before the silence preview asks again. */
export const SILENCE_PREVIEW_DELAY_MS = 300;
/** Silences ending within this are warned about while they still hold firing alerts. */
export const SILENCE_WARNING_MINUTES = 15;

export function useAlertsNow() {
  const trpc = useTRPC();
  return useQuery(
    trpc.alerts.active.queryOptions(undefined, { refetchInterval: pollUnlessFailed(ALERTS_REFRESH_MS) }),
  );
}

/** Counts per state for the nav bar; asked only once the person may read (not on sign-in). */
export function useAlertsSummary() {
  const trpc = useTRPC();
  const canRead = useCan('read');
  return useQuery(
    trpc.alerts.summary.queryOptions(undefined, {
      enabled: canRead,
      refetchInterval: pollUnlessFailed(ALERTS_SUMMARY_REFRESH_MS),
    }),
  );
}

/** The active alerts by the lineage node they are about (the lineage page's badges). */
export function useAlertsByLineageNode() {
  const alerts = useAlertsNow();
  const byNode = useMemo(() => {
    const out = new Map<string, NonNullable<typeof alerts.data>>();
    for (const a of alerts.data ?? []) {
      if (a.lineageNode === null) continue;
      out.set(a.lineageNode, [...(out.get(a.lineageNode) ?? []), a]);
    }
    return out;
  }, [alerts.data]);
  return { query: alerts, byNode };
}

export function useSilences(includeEnded: boolean) {
  const trpc = useTRPC();
  return useQuery(
    trpc.alerts.silences.list.queryOptions(
      { includeEnded },
      { refetchInterval: pollUnlessFailed(ALERTS_REFRESH_MS), placeholderData: (prev) => prev },
    ),
  );
}

export function useSilenceWarnings() {
  const trpc = useTRPC();
  return useQuery(
    trpc.alerts.silences.expiring.queryOptions(
      { withinMinutes: SILENCE_WARNING_MINUTES },
      { refetchInterval: pollUnlessFailed(ALERTS_REFRESH_MS) },
    ),
  );
}

/**
 * The active alerts the matchers would silence, asked once typing pauses and refreshed with the
 * alerts. `checking` is true while the shown answer belongs to older matchers.
 */
export function useSilencePreview(matchers: LabelMatcher[]) {
  const trpc = useTRPC();
  const key = JSON.stringify(matchers);
  const debouncedKey = useDebounced(key, SILENCE_PREVIEW_DELAY_MS);
  const debounced = useMemo(() => JSON.parse(debouncedKey) as LabelMatcher[], [debouncedKey]);
  const query = useQuery(
    trpc.alerts.silences.preview.queryOptions(
      { matchers: debounced },
      {
        enabled: debounced.length > 0,
        retry: false,
        placeholderData: (prev) => prev,
        refetchInterval: pollUnlessFailed(ALERTS_REFRESH_MS),
      },
    ),
  );
  return { query, checking: debouncedKey !== key || query.isFetching };
}

/**
 * History newest first (per rule when named), a page at a time. Not polled: "Load older" pages
 * would all be fetched again on every poll; the page offers Refresh instead.
 */
export function useAlertHistory(rule: string | undefined) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useInfiniteQuery({
    queryKey: [...trpc.alerts.history.queryKey({ rule }), 'pages'],
    // The first page has no cursor; each older one is olderRequest's answer.
    initialPageParam: null as OlderRequest | null,
    queryFn: async ({ pageParam }: { pageParam: OlderRequest | null }) => {
      const limit = pageParam?.limit ?? HISTORY_PAGE_SIZE;
      const rows = await queryClient.fetchQuery({
        ...trpc.alerts.history.queryOptions({
          ...(rule === undefined ? {} : { rule }),
          ...(pageParam === null ? {} : { before: pageParam.before }),
          limit,
        }),
        staleTime: 0,
      });
      return { rows, requested: limit };
    },
    getNextPageParam: (last, pages) =>
      olderRequest(
        mergePages(pages.map((p) => p.rows)),
        { requested: last.requested, received: last.rows.length },
        HISTORY_PAGE_SIZE,
      ),
  });
  const rows = useMemo(() => mergePages((query.data?.pages ?? []).map((p) => p.rows)), [query.data]);
  return { query, rows };
}

export function useAlertRuleNames() {
  const trpc = useTRPC();
  return useQuery(trpc.alerts.rules.list.queryOptions(undefined, { staleTime: 60_000 }));
}

/** Every write the on-call pages make; each success refreshes whatever shows alerts. */
export function useAlertActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.alerts.pathFilter());
  return {
    acknowledge: useMutation(trpc.alerts.acknowledge.mutationOptions({ onSuccess: refresh })),
    createSilence: useMutation(trpc.alerts.silences.create.mutationOptions({ onSuccess: refresh })),
    expireSilence: useMutation(trpc.alerts.silences.expire.mutationOptions({ onSuccess: refresh })),
  };
}

/** Who is signed in (the silence form shows its author). */
export function useMe() {
  const trpc = useTRPC();
  return useQuery(trpc.viewer.me.queryOptions());
}
