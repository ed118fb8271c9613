'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorText } from '../../lib/error-text.ts';
import { useTRPC } from '../../trpc/react.tsx';

/**
 * Fields tagged pii are masked unless this browser was unlocked with an API key holding a pii
 * scope (kept server-side in an http-only cookie; every unlock is audited).
 */
export function PiiControl() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.viewer.me.queryOptions());
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState('');
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.viewer.pathFilter()),
      queryClient.invalidateQueries(trpc.dlq.list.pathFilter()),
      queryClient.invalidateQueries(trpc.dlq.groups.pathFilter()),
      queryClient.invalidateQueries(trpc.dlq.entry.pathFilter()),
    ]);
  const unlock = useMutation(
    trpc.viewer.unlockPii.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        setKey('');
        return refresh();
      },
    }),
  );
  const lock = useMutation(trpc.viewer.lockPii.mutationOptions({ onSuccess: refresh }));

  const viewer = me.data;
  if (viewer?.canSeePii) {
    return (
      <div className="pii-control" data-testid="pii-control" data-state="revealed">
        <span className="pill pill-warn">pii visible</span>
        <span className="muted small" data-testid="pii-viewer">
          as {viewer.actor}
        </span>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => lock.mutate()}
          disabled={lock.isPending}
          data-testid="pii-hide"
        >
          Hide
        </button>
        {lock.error && <span className="field-error">{errorText(lock.error)}</span>}
      </div>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    unlock.mutate({ apiKey: key });
  };
  return (
    <div className="pii-control" data-testid="pii-control" data-state="masked">
      {open ? (
        <form className="pii-form" onSubmit={submit}>
          <input
            type="password"
            className="input small-input"
            placeholder="API key with a pii scope"
            aria-label="API key"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            autoComplete="off"
            data-testid="pii-key"
          />
          <button
            type="submit"
            className="btn btn-small btn-primary"
            disabled={unlock.isPending}
            data-testid="pii-unlock"
          >
            {unlock.isPending ? 'Checking…' : 'Unlock'}
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              setOpen(false);
              unlock.reset();
            }}
          >
            Cancel
          </button>
          {unlock.error && (
            <span className="field-error" role="alert" data-testid="pii-error">
              {errorText(unlock.error)}
            </span>
          )}
        </form>
      ) : (
        <>
          <span className="muted small">pii masked</span>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setOpen(true)}
            data-testid="pii-reveal"
          >
            Reveal pii
          </button>
        </>
      )}
    </div>
  );
}
