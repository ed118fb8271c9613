'use client';

import { useState } from 'react';
import { useReceiverActions, useReceivers, useSendTest } from '../../../hooks/alert-config.ts';
import { errorText } from '../../../lib/error-text.ts';
import { useCan } from '../../../lib/use-can.ts';
import { QueryError } from '../../error-banner.tsx';
import { Badge, Button, Card, ConfirmDialog, EmptyState, Loading, Table } from '../../ui/index.ts';
import { outcomeText } from './receiver-draft.ts';
import { ReceiverFormCard } from './receiver-form.tsx';
import styles from './receivers.module.css';

type ReceiverRow = NonNullable<ReturnType<typeof useReceivers>['data']>[number];

/**
 * /alerts/receivers: where notifications go (webhooks, email), each with "Send test". Everyone
 * who may read sees them, secrets masked unless they are an admin; only admins change them.
 */
export function ReceiversView() {
  const receivers = useReceivers();
  const isAdmin = useCan('admin');
  const actions = useReceiverActions();
  const [editing, setEditing] = useState<ReceiverRow | 'new' | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const list = receivers.data ?? [];

  const remove = async () => {
    if (!deleting) return;
    try {
      await actions.remove.mutateAsync({ name: deleting });
      if (editing !== 'new' && editing?.name === deleting) setEditing(null);
    } catch (err) {
      setDeleteError(errorText(err as Error));
    }
    setDeleting(null);
  };

  return (
    <>
      <div className="page-head">
        <h1>Receivers</h1>
        {isAdmin && (
          <Button variant="primary" onClick={() => setEditing('new')} testId="new-receiver">
            New receiver
          </Button>
        )}
      </div>
      <QueryError queries={receivers} />
      {receivers.isLoading && <Loading what="receivers" />}
      {deleteError && (
        <p className="field-error" role="alert" data-testid="receiver-delete-error">
          {deleteError}
        </p>
      )}
      {editing && isAdmin && (
        <ReceiverFormCard
          key={editing === 'new' ? 'new' : `${editing.name}:${editing.revision}`}
          stored={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      {receivers.data && list.length === 0 && (
        <EmptyState title="No receiver yet">
          A receiver is a webhook (Tributary&apos;s JSON or a Slack-compatible body) or a list of email
          addresses; routing sends each alert group to one.
        </EmptyState>
      )}
      {list.length > 0 && (
        <Card flush testId="receivers-table">
          <Table label="Receivers">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Sends to</th>
                {isAdmin && <th>Actions</th>}
              </tr>
            </thead>
            <tbody>
              {list.map((r) => (
                <ReceiverTableRow
                  key={r.name}
                  row={r}
                  isAdmin={isAdmin}
                  onEdit={() => setEditing(r)}
                  onDelete={() => {
                    setDeleteError(null);
                    setDeleting(r.name);
                  }}
                />
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      {!isAdmin && list.some((r) => r.masked) && (
        <p className="muted small">Webhook addresses and header values are secrets: only admins see them.</p>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete receiver ${deleting ?? ''}?`}
        confirmLabel="Delete"
        danger
        busy={actions.remove.isPending}
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(null)}
        testId="receiver-delete-dialog"
      >
        Refused while a route sends to it.
      </ConfirmDialog>
    </>
  );
}

function ReceiverTableRow(props: {
  row: ReceiverRow;
  isAdmin: boolean;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const { row } = props;
  const test = useSendTest();
  const r = row.receiver;
  const outcome = test.data ? outcomeText(test.data.outcome) : null;
  return (
    <tr data-testid="receiver-row" data-receiver={row.name}>
      <td className="mono">{row.name}</td>
      <td>
        <Badge tone="info">{r.kind === 'webhook' ? `webhook · ${r.format}` : 'email'}</Badge>
      </td>
      <td className={styles.target}>
        {r.kind === 'webhook' ? (
          <>
            <span className="mono small">{r.url}</span>
            {Object.keys(r.headers).length > 0 && (
              <div className="muted small">headers: {Object.keys(r.headers).join(', ')}</div>
            )}
          </>
        ) : (
          <>
            <span className="small">{r.to.join(', ')}</span>
            <div className="muted small">subject prefix {r.subjectPrefix || '(none)'}</div>
          </>
        )}
      </td>
      {props.isAdmin && (
        <td>
          <div className={styles.actions}>
            <Button
              size="small"
              onClick={() => test.mutate({ name: row.name })}
              disabled={test.isPending}
              aria-label={`Send test to ${row.name}`}
              testId="receiver-send-test"
            >
              {test.isPending ? 'Sending…' : 'Send test'}
            </Button>
            <Button size="small" variant="ghost" onClick={props.onEdit} aria-label={`Edit ${row.name}`}>
              Edit
            </Button>
            <Button size="small" variant="ghost" onClick={props.onDelete} aria-label={`Delete ${row.name}`}>
              Delete
            </Button>
          </div>
          {outcome && (
            <p
              role="status"
              className={outcome.ok ? styles.ok : styles.failed}
              data-testid="receiver-test-outcome"
              data-outcome={test.data?.outcome.kind}
            >
              {outcome.text}
            </p>
          )}
          {test.error && (
            <p className="field-error" role="alert">
              {errorText(test.error)}
            </p>
          )}
        </td>
      )}
    </tr>
  );
}
