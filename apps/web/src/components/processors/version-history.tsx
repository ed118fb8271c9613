'use client';

import { useState } from 'react';
import { useProcessorActions } from '../../hooks/processors.ts';
import { ErrorBanner } from '../error-banner.tsx';
import { Badge, Button, Card, ConfirmDialog, Table } from '../ui/index.ts';
import { formatWhen } from './when.ts';

interface VersionRow {
  version: number;
  note: string;
  createdAt: string | Date;
  createdBy: string;
}

type Action = { kind: 'publish' | 'rollback'; version: number };

/**
 * Every version, newest first, with publish (a version newer than the running one, or the first)
 * and roll back (an older one). Both ask first: they change what every worker runs.
 */
export function VersionHistory(props: {
  name: string;
  versions: readonly VersionRow[];
  activeVersion: number | null;
  shownVersion: number | null;
  canWrite: boolean;
  onShow: (version: number) => void;
}) {
  const actions = useProcessorActions();
  const [pending, setPending] = useState<Action | null>(null);
  const mutation = pending?.kind === 'rollback' ? actions.rollback : actions.publish;
  const failed = actions.publish.error ?? actions.rollback.error;
  const rows = [...props.versions].sort((a, b) => b.version - a.version);
  const confirm = () => {
    if (!pending) return;
    mutation.mutate({ name: props.name, version: pending.version }, { onSuccess: () => setPending(null) });
  };
  return (
    <Card title="Versions" flush testId="version-history">
      <ErrorBanner error={failed} compact title="Not changed" testId="version-action-error" />
      {rows.length === 0 ? (
        <p className="empty-row muted">No version saved yet: edit the steps and save.</p>
      ) : (
        <Table dense>
          <thead>
            <tr>
              <th>Version</th>
              <th>Note</th>
              <th>Saved</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((v) => (
              <tr key={v.version} data-testid="version-row" data-version={v.version}>
                <td>
                  v{v.version}{' '}
                  {v.version === props.activeVersion && (
                    <Badge tone="good" testId="version-active">
                      active
                    </Badge>
                  )}
                  {v.version === props.shownVersion && <Badge tone="info">shown</Badge>}
                </td>
                <td>{v.note || <span className="muted">—</span>}</td>
                <td className="nowrap small">
                  {formatWhen(v.createdAt)}
                  <div className="muted">{v.createdBy}</div>
                </td>
                <td className="actions">
                  {v.version !== props.shownVersion && (
                    <Button size="small" variant="ghost" onClick={() => props.onShow(v.version)}>
                      Show
                    </Button>
                  )}
                  {props.canWrite && v.version !== props.activeVersion && (
                    <Button
                      size="small"
                      variant={
                        props.activeVersion !== null && v.version < props.activeVersion
                          ? 'default'
                          : 'primary'
                      }
                      testId={
                        props.activeVersion !== null && v.version < props.activeVersion
                          ? 'rollback-version'
                          : 'publish-version'
                      }
                      onClick={() =>
                        setPending({
                          kind:
                            props.activeVersion !== null && v.version < props.activeVersion
                              ? 'rollback'
                              : 'publish',
                          version: v.version,
                        })
                      }
                    >
                      {props.activeVersion !== null && v.version < props.activeVersion
                        ? 'Roll back'
                        : 'Publish'}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <ConfirmDialog
        open={pending !== null}
        title={
          pending?.kind === 'rollback'
            ? `Roll back ${props.name} to v${pending.version}?`
            : `Publish v${pending?.version ?? ''} of ${props.name}?`
        }
        confirmLabel={pending?.kind === 'rollback' ? 'Roll back' : 'Publish'}
        danger={pending?.kind === 'rollback'}
        busy={mutation.isPending}
        onCancel={() => setPending(null)}
        onConfirm={confirm}
      >
        Every worker switches to this version at its next batch boundary; the running versions below show when
        each has.
      </ConfirmDialog>
    </Card>
  );
}
