'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { KEY_SCOPES, type IssuedKeyView, type KeyScope } from '@tributary/contracts';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../../trpc/react.tsx';
import { ErrorBanner } from '../error-banner.tsx';
import { EXPIRY_PRESETS, expiresAtOf, type ExpiryPreset } from './expiry.ts';
import styles from './keys.module.css';

const SCOPE_HINTS: Record<KeyScope, string> = {
  'ingest:write': 'send events',
  'schemas:read': 'read schemas',
  'schemas:write': 'register schemas, modes, policies',
  'processors:write': 'processor versions, publish, rollback',
  'topics:write': 'create and configure topics, reset offsets',
  'dashboards:write': 'create, edit and share dashboards',
  'dashboards:sql': 'write and run raw SQL panels',
  'alerts:write': 'alert rules and silences',
  'dlq:operate': 'replay and discard dead letters',
  'pii:read': 'see pii unmasked',
  admin: 'everything, keys and users included',
};

/** Issue a write key (for one source) or an API key (with scopes), optionally expiring. */
export function IssueKeyForm({ onIssued }: { onIssued: (issued: IssuedKeyView) => void }) {
  const trpc = useTRPC();
  const sources = useQuery(trpc.sources.list.queryOptions());
  const [type, setType] = useState<'write' | 'api'>('write');
  const [name, setName] = useState('');
  const [source, setSource] = useState('');
  const [scopes, setScopes] = useState<KeyScope[]>([]);
  const [expiry, setExpiry] = useState<ExpiryPreset>('never');
  const issue = useMutation(trpc.keys.issue.mutationOptions({ onSuccess: onIssued }));

  const sourceNames = sources.data?.sources.map((s) => s.name) ?? [];
  const chosenSource = source || sourceNames[0] || '';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const expiresAt = expiresAtOf(expiry);
    if (type === 'write') {
      issue.mutate({ type: 'write', source: chosenSource, name: name.trim() || undefined, expiresAt });
    } else {
      issue.mutate({ type: 'api', name: name.trim(), scopes, expiresAt });
    }
  };
  const toggle = (scope: KeyScope, on: boolean) =>
    setScopes((prev) => (on ? [...prev, scope] : prev.filter((s) => s !== scope)));
  const ready = type === 'write' ? chosenSource !== '' : name.trim() !== '' && scopes.length > 0;

  return (
    <section className="card">
      <h2 className="card-title">Issue a key</h2>
      <form className={styles.form} onSubmit={submit} data-testid="issue-key-form">
        <label className="field">
          <span className="field-label">Kind</span>
          <select
            className="select"
            value={type}
            onChange={(e) => setType(e.target.value as 'write' | 'api')}
            data-testid="issue-key-type"
          >
            <option value="write">Write key (ingest)</option>
            <option value="api">API key (management API)</option>
          </select>
        </label>
        {type === 'write' && (
          <label className="field">
            <span className="field-label">Source</span>
            <select
              className="select"
              value={chosenSource}
              onChange={(e) => setSource(e.target.value)}
              data-testid="issue-key-source"
            >
              {sourceNames.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span className="field-label">Name{type === 'write' ? ' (optional)' : ''}</span>
          <input
            className={`input ${styles.name}`}
            value={name}
            maxLength={100}
            placeholder={type === 'write' ? 'e.g. checkout service' : 'e.g. schema CI'}
            onChange={(e) => setName(e.target.value)}
            data-testid="issue-key-name"
          />
        </label>
        {type === 'api' && (
          <fieldset className="field">
            <span className="field-label">Scopes</span>
            <div className={styles.scopes}>
              {KEY_SCOPES.map((scope) => (
                <label key={scope} title={SCOPE_HINTS[scope]}>
                  <input
                    type="checkbox"
                    checked={scopes.includes(scope)}
                    onChange={(e) => toggle(scope, e.target.checked)}
                    data-testid={`issue-key-scope-${scope}`}
                  />
                  <span className="mono">{scope}</span>
                </label>
              ))}
            </div>
          </fieldset>
        )}
        <label className="field">
          <span className="field-label">Expires</span>
          <select
            className="select"
            value={expiry}
            onChange={(e) => setExpiry(e.target.value as ExpiryPreset)}
            data-testid="issue-key-expiry"
          >
            {EXPIRY_PRESETS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={!ready || issue.isPending}
          data-testid="issue-key-submit"
        >
          {issue.isPending ? 'Issuing…' : 'Issue key'}
        </button>
      </form>
      <ErrorBanner error={issue.error} compact title="Key not issued" testId="issue-key-error" />
    </section>
  );
}
