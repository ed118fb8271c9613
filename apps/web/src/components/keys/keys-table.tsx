'use client';

import type { KeyView } from '@tributary/contracts';
import { useState } from 'react';
import { formatTimestamp } from '../../lib/format.ts';
import styles from './keys.module.css';

interface Props {
  kind: 'api' | 'write';
  keys: KeyView[];
  onRevoke: (key: KeyView) => void;
  /** The id being revoked right now, if any. */
  revoking: string | null;
}

const when = (iso: string | null, none = '—') => (iso ? formatTimestamp(iso) : none);

/** API keys or write keys; revoked and expired ones stay listed (greyed) for the record. */
export function KeysTable({ kind, keys, onRevoke, revoking }: Props) {
  return (
    <table className="table" data-testid={`${kind}-keys-table`}>
      <thead>
        <tr>
          <th>Key</th>
          <th>Name</th>
          <th>{kind === 'api' ? 'Scopes' : 'Source'}</th>
          <th>Created</th>
          <th>Last used</th>
          <th>Expires</th>
          <th>State</th>
          <th aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => (
          <tr
            key={k.id}
            className={k.state === 'active' ? undefined : styles.inactive}
            data-testid="key-row"
            data-key-id={k.id}
            data-prefix={k.prefix}
            data-state={k.state}
          >
            <td className="mono nowrap">{k.prefix}…</td>
            <td>{k.name ?? <span className="muted">—</span>}</td>
            <td className="mono small">{kind === 'api' ? k.scopes.join(', ') : k.source}</td>
            <td className="nowrap small" title={`by ${k.createdBy}`}>
              {when(k.createdAt)}
              <div className="muted small">{k.createdBy}</div>
            </td>
            <td className="nowrap small" data-testid="key-last-used">
              {when(k.lastUsedAt, 'never')}
            </td>
            <td className="nowrap small">{when(k.expiresAt, 'never')}</td>
            <td>
              <span
                className={`badge ${styles.state}${k.state === 'active' ? '' : ` ${styles.inactiveBadge}`}`}
                data-testid="key-state"
              >
                {k.state}
              </span>
              {k.revokedAt && <div className="muted small nowrap">{when(k.revokedAt)}</div>}
            </td>
            <td className="nowrap">
              {k.state !== 'revoked' && (
                <RevokeButton prefix={k.prefix} pending={revoking === k.id} onConfirm={() => onRevoke(k)} />
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Revoking cannot be undone, so it takes a second, explicit click. */
function RevokeButton({
  prefix,
  pending,
  onConfirm,
}: {
  prefix: string;
  pending: boolean;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className="btn btn-small btn-danger-outline"
        onClick={() => setAsking(true)}
        data-testid="revoke-key"
      >
        Revoke
      </button>
    );
  }
  return (
    <span className={styles.confirm} role="group" aria-label={`Revoke ${prefix}…?`}>
      <span className="small">Revoke {prefix}…? It stops working within seconds.</span>
      <button
        type="button"
        className="btn btn-small btn-danger"
        disabled={pending}
        onClick={onConfirm}
        data-testid="confirm-revoke"
      >
        {pending ? 'Revoking…' : 'Revoke'}
      </button>
      <button
        type="button"
        className="btn btn-small"
        disabled={pending}
        onClick={() => setAsking(false)}
        data-testid="cancel-revoke"
      >
        Cancel
      </button>
    </span>
  );
}
