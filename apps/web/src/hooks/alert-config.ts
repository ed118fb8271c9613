'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../trpc/react.tsx';

/**
 * Data access for the alert configuration pages (rules, receivers, routing, mute timings, and the
 * backtest and send-test tools), in one place; components never build these queries themselves.
 */

export function useAlertRules() {
  const trpc = useTRPC();
  return useQuery(trpc.alerts.rules.list.queryOptions());
}

export function useAlertRule(name: string | null) {
  const trpc = useTRPC();
  return useQuery(trpc.alerts.rules.get.queryOptions({ name: name ?? '' }, { enabled: name !== null }));
}

/** Instances not normal now (pending, firing, no data, error): the list's state counts. */
export function useActiveAlerts() {
  const trpc = useTRPC();
  return useQuery(trpc.alerts.active.queryOptions(undefined, { refetchInterval: 30_000 }));
}

export function useAlertRuleActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.alerts.rules.pathFilter());
  return {
    create: useMutation(trpc.alerts.rules.create.mutationOptions({ onSuccess: refresh })),
    update: useMutation(trpc.alerts.rules.update.mutationOptions({ onSuccess: refresh })),
    // Only the list: refetching the deleted rule (its page is still open) would only answer 404.
    remove: useMutation(
      trpc.alerts.rules.delete.mutationOptions({
        onSuccess: () => queryClient.invalidateQueries(trpc.alerts.rules.list.queryFilter()),
      }),
    ),
  };
}

/**
 * A backtest of `request` (null: not asked yet). A query rather than a mutation: the answer for
 * the same draft and range is reused, and leaving the page aborts the server's work.
 */
export function useBacktest(request: { rule: unknown; days: number } | null) {
  const trpc = useTRPC();
  return useQuery(
    trpc.alertTools.backtest.queryOptions(request ?? { rule: null, days: 7 }, {
      enabled: request !== null,
      staleTime: 5 * 60_000,
      retry: false,
      trpc: { abortOnUnmount: true },
    }),
  );
}

export function useReceivers() {
  const trpc = useTRPC();
  return useQuery(trpc.alerts.receivers.list.queryOptions());
}

export function useReceiverActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.alerts.receivers.pathFilter());
  return {
    create: useMutation(trpc.alerts.receivers.create.mutationOptions({ onSuccess: refresh })),
    update: useMutation(trpc.alerts.receivers.update.mutationOptions({ onSuccess: refresh })),
    remove: useMutation(trpc.alerts.receivers.delete.mutationOptions({ onSuccess: refresh })),
  };
}

/** "Send test" on a stored receiver: the delivery outcome comes back as data. */
export function useSendTest() {
  const trpc = useTRPC();
  return useMutation(trpc.alertTools.sendTest.mutationOptions());
}

export function useRouting() {
  const trpc = useTRPC();
  return useQuery(trpc.alerts.routing.get.queryOptions());
}

export function useRoutingActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return {
    replace: useMutation(
      trpc.alerts.routing.replace.mutationOptions({
        onSuccess: () => queryClient.invalidateQueries(trpc.alerts.routing.pathFilter()),
      }),
    ),
  };
}

export function useMuteTimings() {
  const trpc = useTRPC();
  return useQuery(trpc.alerts.muteTimings.list.queryOptions());
}

export function useMuteTimingActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.alerts.muteTimings.pathFilter());
  return {
    create: useMutation(trpc.alerts.muteTimings.create.mutationOptions({ onSuccess: refresh })),
    update: useMutation(trpc.alerts.muteTimings.update.mutationOptions({ onSuccess: refresh })),
    remove: useMutation(trpc.alerts.muteTimings.delete.mutationOptions({ onSuccess: refresh })),
  };
}
