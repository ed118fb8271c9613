'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ErrorLike } from '../../lib/error-text.ts';
import { useCan } from '../../lib/use-can.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { ErrorBanner, QueryError } from '../error-banner.tsx';
import { unknownEventTypePolicies, type UnknownEventTypePolicy } from './modes.ts';
import { describeRateLimit, RateLimitForm } from './rate-limit-form.tsx';

/**
 * Per source: whether ingest accepts events whose type has no registered subject, and the
 * events rate of each of its write keys.
 */
export function SourcesPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.sources.list.queryOptions());
  const canWrite = useCan('schemas:write');
  const [error, setError] = useState<ErrorLike | null>(null);
  const setPolicy = useMutation(
    trpc.sources.setPolicy.mutationOptions({
      onSuccess: () => {
        setError(null);
        return queryClient.invalidateQueries(trpc.sources.pathFilter());
      },
      onError: (err) => setError(err),
    }),
  );
  const setRateLimit = useMutation(
    trpc.sources.setRateLimit.mutationOptions({
      onSuccess: () => {
        setError(null);
        return queryClient.invalidateQueries(trpc.sources.pathFilter());
      },
      onError: (err) => setError(err),
    }),
  );
  const sources = list.data?.sources ?? [];
  return (
    <section className="card table-card" data-testid="sources-panel">
      <h2 className="card-title">Sources</h2>
      <QueryError queries={list} compact />
      <ErrorBanner error={error} compact testId="source-policy-error" />
      <table className="table" data-testid="sources-table">
        <thead>
          <tr>
            <th>Source</th>
            <th>Unknown event types</th>
            <th>Rate limit per write key</th>
          </tr>
        </thead>
        <tbody>
          {sources.map((s) => (
            <tr key={s.name} data-testid="source-row" data-source={s.name}>
              <td>
                <span className="mono">{s.name}</span>
                {s.description && <div className="muted small ellipsis">{s.description}</div>}
              </td>
              <td>
                {canWrite ? (
                  <select
                    className="select"
                    aria-label={`Unknown event types from ${s.name}`}
                    value={s.unknownEventTypes}
                    disabled={setPolicy.isPending}
                    onChange={(e) =>
                      setPolicy.mutate({ source: s.name, policy: e.target.value as UnknownEventTypePolicy })
                    }
                    data-testid={`source-policy-${s.name}`}
                  >
                    {unknownEventTypePolicies.map((p) => (
                      <option key={p} value={p}>
                        {p}
                      </option>
                    ))}
                  </select>
                ) : (
                  <span className="mono" data-testid={`source-policy-value-${s.name}`}>
                    {s.unknownEventTypes}
                  </span>
                )}
              </td>
              <td>
                {canWrite ? (
                  <RateLimitForm
                    key={`${s.rateLimit.eventsPerSecond}-${s.rateLimit.burst}`}
                    source={s.name}
                    value={s.rateLimit}
                    pending={setRateLimit.isPending}
                    onSave={(limit) => setRateLimit.mutate({ source: s.name, ...limit })}
                  />
                ) : (
                  <span className="mono" data-testid={`source-rate-value-${s.name}`}>
                    {describeRateLimit(s.rateLimit)}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && sources.length === 0 && <p className="muted empty-row">No sources yet.</p>}
      {!list.data && !list.error && <p className="muted empty-row">Loading…</p>}
    </section>
  );
}
