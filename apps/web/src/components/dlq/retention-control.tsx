'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorText } from '../../lib/error-text.ts';
import { useCan } from '../../lib/use-can.ts';
import { useTRPC } from '../../trpc/react.tsx';

/** How long dead letters are kept (the table's TTL), and a way to change it. */
export function RetentionControl() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const retention = useQuery(trpc.dlq.retention.queryOptions());
  const canChange = useCan('dlq:operate');
  const [editing, setEditing] = useState<string | null>(null);
  const save = useMutation(
    trpc.dlq.setRetention.mutationOptions({
      onSuccess: async () => {
        setEditing(null);
        await queryClient.invalidateQueries(trpc.dlq.retention.pathFilter());
      },
    }),
  );
  const days = retention.data?.days;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (editing === null) return;
    save.mutate({ days: Number(editing) });
  };
  return (
    <div className="retention" data-testid="retention">
      {editing === null ? (
        <>
          <span className="muted small">
            Kept{' '}
            <strong data-testid="retention-days">
              {days === undefined ? '…' : `${days} day${days === 1 ? '' : 's'}`}
            </strong>
          </span>
          {canChange && (
            <button
              type="button"
              className="btn btn-small"
              disabled={days === undefined}
              onClick={() => {
                save.reset();
                setEditing(String(days));
              }}
              data-testid="retention-change"
            >
              Change
            </button>
          )}
        </>
      ) : (
        // noValidate: the server's own words explain a value out of range.
        <form className="pii-form" onSubmit={submit} noValidate>
          <label className="muted small" htmlFor="retention-input">
            Keep for
          </label>
          <input
            id="retention-input"
            type="number"
            min={1}
            max={365}
            className="input small-input num-input"
            value={editing}
            onChange={(e) => setEditing(e.target.value)}
            data-testid="retention-input"
          />
          <span className="muted small">days</span>
          <button
            type="submit"
            className="btn btn-small btn-primary"
            disabled={save.isPending}
            data-testid="retention-save"
          >
            Save
          </button>
          <button type="button" className="btn btn-small" onClick={() => setEditing(null)}>
            Cancel
          </button>
        </form>
      )}
      {/* A failing read shows in the page's banner; a refused change is said here. */}
      {save.error && (
        <span className="field-error" role="alert" data-testid="retention-error">
          {errorText(save.error)}
        </span>
      )}
    </div>
  );
}
