'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { formatCount } from '../../lib/format.ts';
import { useCan } from '../../lib/use-can.ts';
import { useTRPC } from '../../trpc/react.tsx';
import type { ErrorLike } from '../../lib/error-text.ts';
import { ErrorBanner, failureOf, QueryError } from '../error-banner.tsx';
import { Stat } from '../stat.tsx';
import { formatDateTime, subjectHref } from './display.ts';
import {
  compatibilityModes,
  enforcementHelp,
  enforcements,
  modeHelp,
  type Enforcement,
  type Mode,
} from './modes.ts';
import { FieldImpact } from './field-impact.tsx';
import { VersionDiff } from './version-diff.tsx';

export function SubjectView({ subject, registered }: { subject: string; registered: number | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const detail = useQuery(trpc.schemas.detail.queryOptions({ subject }));
  // Schema owners and admins change subjects; everyone else reads them.
  const canWrite = useCan('schemas:write');
  const [actionError, setActionError] = useState<ErrorLike | null>(null);
  const [notice, setNotice] = useState<string | null>(
    registered === null ? null : `Registered v${registered}.`,
  );
  const [confirmDelete, setConfirmDelete] = useState<number | null>(null);
  const [diffPick, setDiffPick] = useState<{ left: number | null; right: number | null }>({
    left: null,
    right: null,
  });

  const refresh = () => queryClient.invalidateQueries(trpc.schemas.pathFilter());
  const onError = (err: ErrorLike) => {
    setNotice(null);
    setActionError(err);
  };
  const setMode = useMutation(
    trpc.schemas.setMode.mutationOptions({
      onSuccess: (r) => {
        setActionError(null);
        setNotice(`Mode set to ${r.mode}.`);
        return refresh();
      },
      onError,
    }),
  );
  const setEnforcement = useMutation(
    trpc.schemas.setEnforcement.mutationOptions({
      onSuccess: (r) => {
        setActionError(null);
        setNotice(`Enforcement set to ${r.enforcement}.`);
        return refresh();
      },
      onError,
    }),
  );
  const deprecate = useMutation(
    trpc.schemas.deprecate.mutationOptions({
      onSuccess: (r) => {
        setActionError(null);
        setNotice(`v${r.version} deprecated: it stays readable but no longer constrains new versions.`);
        return refresh();
      },
      onError,
    }),
  );
  const remove = useMutation(
    trpc.schemas.delete.mutationOptions({
      onSuccess: (r) => {
        setActionError(null);
        setConfirmDelete(null);
        setNotice(`v${r.version} deleted. Its number will not be issued again.`);
        return refresh();
      },
      onError: (err) => {
        setConfirmDelete(null);
        onError(err);
      },
    }),
  );

  const failure = failureOf(detail);
  if (failure && !detail.data) {
    const notFound = failure.data?.tributaryCode === 'not_found';
    return (
      <>
        <div className="page-head">
          <h1 className="mono">{subject}</h1>
        </div>
        {notFound ? (
          <section className="card empty">
            <h2>No subject “{subject}” is registered</h2>
            <p>Register its first schema to create it.</p>
            {canWrite && (
              <Link href={subjectHref(subject, '/new')} className="btn btn-primary">
                Write the first schema
              </Link>
            )}
          </section>
        ) : (
          <QueryError queries={detail} />
        )}
      </>
    );
  }
  const d = detail.data;
  if (!d) return <p className="muted">Loading…</p>;

  const versions = d.versions;
  const newest = versions.at(-1)?.version ?? null;
  const left = diffPick.left ?? versions.at(-2)?.version ?? newest ?? 0;
  const right = diffPick.right ?? newest ?? 0;
  const busy = setMode.isPending || setEnforcement.isPending || deprecate.isPending || remove.isPending;

  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link href="/schemas">Schemas</Link> /
          </div>
          <h1 className="mono" data-testid="subject-name">
            {d.subject.name}
          </h1>
        </div>
        {canWrite && (
          <Link
            href={subjectHref(subject, '/new')}
            className="btn btn-primary"
            data-testid="new-version-link"
          >
            New version
          </Link>
        )}
      </div>
      <ErrorBanner error={actionError} testId="action-error" />
      {notice && (
        <div className="banner banner-ok" role="status" data-testid="action-notice">
          {notice}
        </div>
      )}
      <div className="stats">
        <Stat
          label="Versions"
          value={d.subject.versionCount}
          hint={newest === null ? 'none' : `latest v${newest}`}
        />
        <Stat
          label="Events · 24 h"
          value={d.subject.events24h === null ? '—' : formatCount(d.subject.events24h)}
          hint={d.trafficError ? d.trafficError.message : `of type ${d.subject.name}`}
          testId="subject-events"
        />
        <Stat
          label="Last seen"
          value={
            <span className="stat-small">
              {d.subject.lastSeenAt === null ? 'never' : formatDateTime(d.subject.lastSeenAt)}
            </span>
          }
        />
        <Stat
          label="Enforcement"
          value={<span className="stat-small">{d.subject.enforcement}</span>}
          hint={
            d.subject.enforcement === 'enforce' ? 'invalid events are rejected' : 'invalid events are flagged'
          }
        />
      </div>
      <section className="card">
        <div className="mode-row">
          <label htmlFor="mode-select">
            <h2>Compatibility mode</h2>
          </label>
          {canWrite ? (
            <select
              id="mode-select"
              className="select"
              value={d.subject.mode}
              disabled={busy}
              onChange={(e) => setMode.mutate({ subject, mode: e.target.value as Mode })}
              data-testid="mode-select"
            >
              {compatibilityModes.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          ) : (
            <strong className="mono" data-testid="mode-value">
              {d.subject.mode}
            </strong>
          )}
          <span className="muted">{modeHelp[d.subject.mode]}. Existing versions are not re-checked.</span>
        </div>
        <div className="mode-row">
          <label htmlFor="enforcement-select">
            <h2>Enforcement</h2>
          </label>
          {canWrite ? (
            <select
              id="enforcement-select"
              className="select"
              value={d.subject.enforcement}
              disabled={busy}
              onChange={(e) => setEnforcement.mutate({ subject, enforcement: e.target.value as Enforcement })}
              data-testid="enforcement-select"
            >
              {enforcements.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          ) : (
            <strong className="mono" data-testid="enforcement-value">
              {d.subject.enforcement}
            </strong>
          )}
          <span className="muted">
            {enforcementHelp[d.subject.enforcement]}. Applies to ingest within seconds.
          </span>
        </div>
      </section>
      <section className="card table-card">
        <h2 className="card-title">Version history</h2>
        <table className="table" data-testid="versions-table">
          <thead>
            <tr>
              <th>Version</th>
              <th>Status</th>
              <th>Registered</th>
              <th>By</th>
              <th>Description</th>
              <th className="actions-col" />
            </tr>
          </thead>
          <tbody>
            {[...versions].reverse().map((v) => (
              <tr key={v.version} data-testid="version-row" data-version={v.version}>
                <td className="mono">v{v.version}</td>
                <td>
                  <span
                    className={`pill ${v.status === 'active' ? 'pill-good' : 'pill-warn'}`}
                    data-testid="version-status"
                  >
                    {v.status}
                  </span>
                </td>
                <td className="muted">{formatDateTime(v.createdAt)}</td>
                <td className="muted">{v.createdBy}</td>
                <td className="ellipsis">{v.description ?? <span className="muted">—</span>}</td>
                <td className="actions">
                  {canWrite && v.status === 'active' && (
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={busy}
                      onClick={() => deprecate.mutate({ subject, version: v.version })}
                      data-testid="deprecate-button"
                    >
                      Deprecate
                    </button>
                  )}
                  {!canWrite ? null : confirmDelete === v.version ? (
                    <>
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        disabled={busy}
                        onClick={() => remove.mutate({ subject, version: v.version })}
                        data-testid="confirm-delete-button"
                      >
                        Delete v{v.version}
                      </button>
                      <button type="button" className="btn btn-small" onClick={() => setConfirmDelete(null)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      className="btn btn-small btn-danger-outline"
                      disabled={busy}
                      onClick={() => setConfirmDelete(v.version)}
                      data-testid="delete-button"
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {versions.length === 0 && <p className="muted empty-row">Every version was deleted.</p>}
      </section>
      {versions.length > 0 && (
        <section className="card">
          <h2>Compare versions</h2>
          <VersionDiff
            versions={versions}
            left={left}
            right={right}
            onLeft={(v) => setDiffPick({ left: v, right })}
            onRight={(v) => setDiffPick({ left, right: v })}
          />
        </section>
      )}
      <FieldImpact subject={subject} />
    </>
  );
}
