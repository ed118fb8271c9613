'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { fromPublicError } from '../../lib/error-text.ts';
import { formatCount } from '../../lib/format.ts';
import { useCan } from '../../lib/use-can.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { ErrorBanner, failureOf, QueryError } from '../error-banner.tsx';
import { formatDateTime, subjectHref } from './display.ts';
import { SourcesPanel } from './sources-panel.tsx';

// Same characters the registry (and ingest's event_type) accept.
const SUBJECT_NAME_RE = /^[A-Za-z0-9_.:-]{1,128}$/;

function NewSubjectForm({ existing }: { existing: Set<string> }) {
  const router = useRouter();
  const [name, setName] = useState('');
  const trimmed = name.trim();
  const problem =
    trimmed === ''
      ? null
      : !SUBJECT_NAME_RE.test(trimmed)
        ? 'Use 1-128 characters of A-Z a-z 0-9 _ . : -'
        : existing.has(trimmed)
          ? 'A subject with this name exists; open it to add a version'
          : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (trimmed !== '' && !problem) router.push(subjectHref(trimmed, '/new'));
  };
  return (
    <form className="new-subject" onSubmit={submit}>
      <label htmlFor="new-subject-name">New subject</label>
      <input
        id="new-subject-name"
        className="input mono"
        placeholder="event_type, e.g. checkout_started"
        value={name}
        onChange={(e) => setName(e.target.value)}
        data-testid="new-subject-name"
        autoComplete="off"
        spellCheck={false}
      />
      <button
        type="submit"
        className="btn btn-primary"
        disabled={trimmed === '' || !!problem}
        data-testid="new-subject-button"
      >
        Write schema
      </button>
      {problem && <span className="field-error">{problem}</span>}
    </form>
  );
}

export function SubjectsView() {
  const trpc = useTRPC();
  const canWrite = useCan('schemas:write');
  const list = useQuery(trpc.schemas.list.queryOptions(undefined, { refetchInterval: 15_000 }));
  const subjects = list.data?.subjects ?? [];
  return (
    <>
      <div className="page-head">
        <h1>Schemas</h1>
        <span className="muted">
          A subject is an event type; each registered version must stay compatible under the subject&apos;s
          mode.
        </span>
      </div>
      <QueryError queries={list} />
      {list.data?.trafficError && (
        <ErrorBanner
          error={fromPublicError(list.data.trafficError)}
          title="Event volumes are unavailable"
          testId="traffic-error"
        />
      )}
      {canWrite && (
        <section className="card">
          <NewSubjectForm existing={new Set(subjects.map((s) => s.name))} />
        </section>
      )}
      <section className="card table-card">
        <table className="table" data-testid="subjects-table">
          <thead>
            <tr>
              <th>Subject</th>
              <th className="num">Versions</th>
              <th>Mode</th>
              <th>Enforcement</th>
              <th className="num">Events · 24 h</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {subjects.map((s) => (
              <tr key={s.name} data-testid="subject-row" data-subject={s.name}>
                <td>
                  <Link href={subjectHref(s.name)} className="subject-link mono">
                    {s.name}
                  </Link>
                  {s.description && <div className="muted small ellipsis">{s.description}</div>}
                </td>
                <td className="num">
                  {s.versionCount}
                  {s.latestVersion !== null && (
                    <span className="muted small"> · latest v{s.latestVersion}</span>
                  )}
                </td>
                <td>
                  <span className="pill">{s.mode}</span>
                </td>
                <td>
                  <span className={`pill ${s.enforcement === 'enforce' ? 'pill-good' : 'pill-warn'}`}>
                    {s.enforcement}
                  </span>
                </td>
                <td className="num">{s.events24h === null ? '—' : formatCount(s.events24h)}</td>
                <td className="muted">{s.lastSeenAt === null ? 'never' : formatDateTime(s.lastSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && subjects.length === 0 && (
          <p className="muted empty-row">No subjects yet. Name one above to write its first schema.</p>
        )}
        {!list.data && !failureOf(list) && <p className="muted empty-row">Loading…</p>}
      </section>
      <SourcesPanel />
    </>
  );
}
