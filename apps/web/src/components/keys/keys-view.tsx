'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { IssuedKeyView } from '@tributary/contracts';
import { useState } from 'react';
import { useTRPC } from '../../trpc/react.tsx';
import { ErrorBanner, QueryError } from '../error-banner.tsx';
import { IssueKeyForm } from './issue-key-form.tsx';
import { IssuedKey } from './issued-key.tsx';
import { KeysTable } from './keys-table.tsx';

/** Write keys and API keys for admins: issue (shown once), see when each was last used, revoke. */
export function KeysView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.keys.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries(trpc.keys.list.pathFilter());
  const [issued, setIssued] = useState<IssuedKeyView | null>(null);
  const revoke = useMutation(trpc.keys.revoke.mutationOptions({ onSuccess: refresh }));
  const onRevoke = (k: { id: string }) => revoke.mutate({ id: k.id });
  const revoking = revoke.isPending ? (revoke.variables?.id ?? null) : null;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Keys</h1>
          <div className="muted small">
            Write keys let producers send events for one source; API keys open the management API with the
            scopes they carry. A revoked or expired key is refused everywhere within seconds.
          </div>
        </div>
      </div>
      {issued && <IssuedKey issued={issued} onDismiss={() => setIssued(null)} />}
      <IssueKeyForm
        onIssued={(k) => {
          setIssued(k);
          void refresh();
        }}
      />
      <QueryError queries={list} title="Could not load the keys" />
      <ErrorBanner error={revoke.error} title="Key not revoked" testId="revoke-key-error" />
      {list.data && (
        <>
          <section className="card table-card">
            <h2 className="card-title">Write keys</h2>
            <KeysTable kind="write" keys={list.data.writeKeys} onRevoke={onRevoke} revoking={revoking} />
            {list.data.writeKeys.length === 0 && <p className="muted empty-row">No write keys yet.</p>}
          </section>
          <section className="card table-card">
            <h2 className="card-title">API keys</h2>
            <KeysTable kind="api" keys={list.data.apiKeys} onRevoke={onRevoke} revoking={revoking} />
            {list.data.apiKeys.length === 0 && <p className="muted empty-row">No API keys yet.</p>}
          </section>
        </>
      )}
      {!list.data && !list.error && <p className="muted">Loading…</p>}
    </>
  );
}
