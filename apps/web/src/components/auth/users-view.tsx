'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { errorText } from '../../lib/error-text.ts';
import { formatTimestamp as formatTime } from '../../lib/format.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { QueryError } from '../error-banner.tsx';
import styles from './auth.module.css';

const ROLES = [
  { value: 'viewer', label: 'Viewer' },
  { value: 'operator', label: 'Operator' },
  { value: 'schema_owner', label: 'Schema owner' },
  { value: 'admin', label: 'Admin' },
] as const;
type RoleValue = (typeof ROLES)[number]['value'];

/** People and invites, for admins: invite with a one-time link, change role, pii grant, deactivate. */
export function UsersView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.users.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries(trpc.users.list.pathFilter());
  const update = useMutation(trpc.users.update.mutationOptions({ onSuccess: refresh }));

  return (
    <>
      <div className="page-head">
        <h1>Users</h1>
      </div>
      <InviteForm onInvited={refresh} />
      <QueryError queries={list} title="Could not load the users" />
      {update.error && (
        <p className="field-error" role="alert" data-testid="user-update-error">
          {errorText(update.error)}
        </p>
      )}
      {list.data && (
        <div className="card table-card">
          <table className="table" data-testid="users-table">
            <thead>
              <tr>
                <th>Email</th>
                <th>Role</th>
                <th>pii</th>
                <th>Since</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {list.data.users.map((u) => (
                <tr key={u.id} data-testid="user-row" data-email={u.email}>
                  <td>{u.email}</td>
                  <td>
                    <select
                      className="select"
                      aria-label={`role of ${u.email}`}
                      value={u.role}
                      disabled={update.isPending}
                      onChange={(e) => update.mutate({ id: u.id, role: e.target.value as RoleValue })}
                      data-testid="user-role-select"
                    >
                      {ROLES.map((r) => (
                        <option key={r.value} value={r.value}>
                          {r.label}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`pii grant of ${u.email}`}
                      checked={u.piiGrant || u.role === 'admin'}
                      disabled={update.isPending || u.role === 'admin'}
                      onChange={(e) => update.mutate({ id: u.id, piiGrant: e.target.checked })}
                      data-testid="user-pii"
                    />
                  </td>
                  <td className="muted small">{formatTime(u.createdAt)}</td>
                  <td>
                    {u.deactivatedAt ? <span className="pill pill-bad">deactivated</span> : null}{' '}
                    <button
                      type="button"
                      className={u.deactivatedAt ? 'btn btn-small' : 'btn btn-small btn-danger-outline'}
                      disabled={update.isPending}
                      onClick={() => update.mutate({ id: u.id, deactivated: !u.deactivatedAt })}
                      data-testid="user-toggle-active"
                    >
                      {u.deactivatedAt ? 'Reactivate' : 'Deactivate'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data && list.data.invites.length > 0 && (
        <div className="card table-card">
          <h2 className="card-title">Open invites</h2>
          <table className="table" data-testid="invites-table">
            <thead>
              <tr>
                <th>Email</th>
                <th>Role</th>
                <th>Invited by</th>
                <th>Expires</th>
              </tr>
            </thead>
            <tbody>
              {list.data.invites.map((i) => (
                <tr key={i.id}>
                  <td>{i.email}</td>
                  <td>{i.role}</td>
                  <td className="muted small">{i.createdBy}</td>
                  <td className="muted small">{formatTime(i.expiresAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function InviteForm({ onInvited }: { onInvited: () => unknown }) {
  const trpc = useTRPC();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<RoleValue>('viewer');
  const [piiGrant, setPiiGrant] = useState(false);
  const [link, setLink] = useState<string | null>(null);
  const invite = useMutation(
    trpc.users.invite.mutationOptions({
      onSuccess: (res) => {
        // Shown once: the server keeps only the token's hash.
        setLink(`${window.location.origin}${res.path}`);
        setEmail('');
        return onInvited();
      },
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setLink(null);
    invite.mutate({ email, role, piiGrant });
  };
  return (
    <form className="card" onSubmit={submit} data-testid="invite-user-form">
      <div className={styles.inviteRow}>
        <label className={styles.label}>
          Email
          <input
            className="input"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            data-testid="invite-email"
          />
        </label>
        <label className={styles.label}>
          Role
          <select
            className="select"
            value={role}
            onChange={(e) => setRole(e.target.value as RoleValue)}
            data-testid="invite-role"
          >
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.label}>
          <span>
            <input type="checkbox" checked={piiGrant} onChange={(e) => setPiiGrant(e.target.checked)} /> may
            see pii
          </span>
        </label>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={invite.isPending}
          data-testid="invite-send"
        >
          Create invite link
        </button>
      </div>
      {invite.error && (
        <p className="field-error" role="alert">
          {errorText(invite.error)}
        </p>
      )}
      {link && (
        <div className={styles.link}>
          <span className="muted small">One-time link (shown once, valid 72 h):</span>
          <code className={styles.linkText} data-testid="invite-link">
            {link}
          </code>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void navigator.clipboard?.writeText(link)}
          >
            Copy
          </button>
        </div>
      )}
    </form>
  );
}
