'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { formatCount, formatTimestamp } from '../../lib/format.ts';
import { useCan } from '../../lib/use-can.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { ErrorBanner, QueryError } from '../error-banner.tsx';

const stateTone: Record<string, string> = {
  running: 'pill-warn',
  completed: 'pill-good',
  failed: 'pill-bad',
  interrupted: 'pill-bad',
};

/**
 * The last replays, whoever started them: what each sent and what failed again. One that was
 * interrupted or failed can be resumed: it sends what it had not sent yet.
 */
export function RecentReplays() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const replays = useQuery(
    trpc.dlq.replays.queryOptions(undefined, {
      refetchInterval: (q) => (q.state.data?.some((r) => r.state === 'running') ? 1000 : 10_000),
    }),
  );
  const rows = replays.data ?? [];
  const canResume = useCan('dlq:operate');
  const resume = useMutation(
    trpc.dlq.resumeReplay.mutationOptions({
      onSettled: () => queryClient.invalidateQueries(trpc.dlq.replays.pathFilter()),
    }),
  );
  // When the last running replay ends, statuses changed: refresh the lists.
  const running = rows.filter((r) => r.state === 'running').length;
  useEffect(() => {
    if (running > 0) return;
    void Promise.all([
      queryClient.invalidateQueries(trpc.dlq.list.pathFilter()),
      queryClient.invalidateQueries(trpc.dlq.groups.pathFilter()),
    ]);
  }, [running, queryClient, trpc]);
  return (
    <section className="card table-card">
      <h2 className="card-title">Recent replays</h2>
      <QueryError queries={replays} title="Could not load replays" compact />
      <ErrorBanner error={resume.error} title="Could not resume" compact testId="resume-error" />
      {rows.length === 0 ? (
        <p className="muted empty-row">
          {replays.isLoading ? (replays.failureReason ? '' : 'Loading…') : 'No replays yet.'}
        </p>
      ) : (
        <table className="table" data-testid="recent-replays">
          <thead>
            <tr>
              <th>Started</th>
              <th>By</th>
              <th>State</th>
              <th className="num">Entries</th>
              <th className="num">Sent</th>
              <th className="num">Failed again</th>
              <th className="num">Rate</th>
              <th>Finished</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="replay-row" data-state={r.state}>
                <td className="muted small nowrap">{formatTimestamp(r.startedAt)}</td>
                <td className="small">{r.actor}</td>
                <td>
                  <span className={`pill ${stateTone[r.state] ?? ''}`} title={r.error ?? undefined}>
                    {r.state}
                  </span>
                </td>
                <td className="num">
                  {formatCount(r.processed)} / {formatCount(r.total)}
                </td>
                <td className="num">{formatCount(r.sent)}</td>
                <td className="num">{formatCount(r.failedAgain)}</td>
                <td className="num">{formatCount(r.rate)}/s</td>
                <td className="muted small nowrap">{r.finishedAt ? formatTimestamp(r.finishedAt) : '—'}</td>
                <td>
                  {r.resumable && canResume && (
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={resume.isPending}
                      onClick={() => resume.mutate({ id: r.id })}
                      title="Send the entries this replay had not sent yet"
                      data-testid="replay-resume"
                    >
                      Resume
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
