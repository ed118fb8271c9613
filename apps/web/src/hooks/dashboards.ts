'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DashboardRange } from '@tributary/contracts';
import { pollUnlessFailed } from '../lib/error-text.ts';
import { useTRPC } from '../trpc/react.tsx';

/** Data access for dashboards, in one place; components never build a dashboards query of their own. */

export function useDashboards() {
  const trpc = useTRPC();
  return useQuery(trpc.dashboards.list.queryOptions());
}

export function useDashboard(slug: string) {
  const trpc = useTRPC();
  return useQuery(trpc.dashboards.get.queryOptions({ slug }));
}

/** The values a variable suggests over the range shown (fetched when its input is used). */
export function useVariableValues(slug: string, variable: string, range: DashboardRange, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery(
    trpc.dashboards.variableValues.queryOptions({ slug, variable, range }, { enabled, staleTime: 30_000 }),
  );
}

/**
 * A live panel whose query failed for good (ran out of its time on a busy moment, read too much)
 * asks again at this pace rather than never: the server keeps a failure for its refresh bucket,
 * so this costs at most one query a minute per panel.
 */
const PANEL_RETRY_AFTER_FAILURE_MS = 60_000;

/** Where a panel's data comes from: the console's own dashboard, or a share link (signed out). */
export type PanelOrigin = { kind: 'dashboard'; slug: string } | { kind: 'shared'; token: string };

/**
 * One panel's data, refetched every `refreshMs` (0: only when its inputs change). The query key
 * holds only this panel's variables, so changing another variable does not refetch it; a saved
 * change invalidates every dashboards query (useDashboardActions), panels included.
 */
export function usePanelData(
  origin: PanelOrigin,
  panelId: string,
  variables: Record<string, string | null>,
  range: DashboardRange,
  refreshMs: number,
) {
  const trpc = useTRPC();
  const poll = {
    refetchInterval:
      refreshMs > 0
        ? pollUnlessFailed(refreshMs, { afterFailureMs: PANEL_RETRY_AFTER_FAILURE_MS })
        : (false as const),
    placeholderData: <T>(previous: T | undefined) => previous,
  };
  return useQuery(
    origin.kind === 'dashboard'
      ? trpc.dashboards.panel.queryOptions({ slug: origin.slug, panelId, variables, range }, poll)
      : trpc.shared.panel.queryOptions({ token: origin.token, panelId }, poll),
  );
}

/** A dashboard opened by its share link. */
export function useSharedDashboard(token: string) {
  const trpc = useTRPC();
  return useQuery(trpc.shared.dashboard.queryOptions({ token }, { retry: false }));
}

export function useDashboardActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.dashboards.pathFilter());
  return {
    create: useMutation(trpc.dashboards.create.mutationOptions({ onSuccess: refresh })),
    update: useMutation(trpc.dashboards.update.mutationOptions({ onSuccess: refresh })),
    share: useMutation(trpc.dashboards.share.mutationOptions({ onSuccess: refresh })),
    setAccess: useMutation(trpc.dashboards.setAccess.mutationOptions({ onSuccess: refresh })),
    revokeShare: useMutation(trpc.dashboards.revokeShare.mutationOptions({ onSuccess: refresh })),
  };
}
