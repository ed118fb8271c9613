'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { formatCount } from '../../lib/format.ts';
import { useDebounced } from '../../lib/use-debounced.ts';
import { errorText } from '../../lib/error-text.ts';
import { useCan } from '../../lib/use-can.ts';
import { useTRPC } from '../../trpc/react.tsx';
import { ErrorBanner, failureOf, QueryError } from '../error-banner.tsx';
import { sortedJson, STARTER_SCHEMA, subjectHref } from './display.ts';
import { describeSyntaxProblem, parseSchemaText, prettySchema } from './schema-text.ts';

const DEBOUNCE_MS = 300;

type VerdictState = 'invalid' | 'checking' | 'compatible' | 'incompatible' | 'identical' | 'error';

export function SchemaEditor({ subject }: { subject: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const detail = useQuery(trpc.schemas.detail.queryOptions({ subject }));
  const exists = detail.isSuccess;
  const latest = detail.data?.versions.at(-1);
  // A new subject is one the registry does not know; any other failure leaves the editor
  // waiting (and says why) rather than offering a starter schema over an existing subject.
  const isNew = detail.error?.data?.tributaryCode === 'not_found';
  const settled = detail.isSuccess || isNew;

  const [text, setText] = useState<string | null>(null);
  // The editor starts from the latest version (or a starter for a new subject) once known.
  const value = text ?? (settled ? (latest ? prettySchema(latest.schema) : STARTER_SCHEMA) : '');
  const debounced = useDebounced(value, DEBOUNCE_MS);
  const parsed = useMemo(() => parseSchemaText(value), [value]);
  const identical =
    parsed.ok && latest !== undefined && sortedJson(parsed.value) === sortedJson(latest.schema);

  const check = useQuery(
    trpc.schemas.check.queryOptions(
      { subject, text: debounced },
      { enabled: settled && parsed.ok, placeholderData: keepPreviousData, retry: false },
    ),
  );
  const [traffic, setTraffic] = useState<{ text: string } | null>(null);
  const trafficCheck = useMutation(trpc.schemas.trafficCheck.mutationOptions());
  // Registering is the schema owners'; checking a candidate against traffic is the operators'.
  const canRegisterRole = useCan('schemas:write');
  const canCheckTraffic = useCan('dlq:operate');
  const register = useMutation(
    trpc.schemas.register.mutationOptions({
      onSuccess: async (r) => {
        await queryClient.invalidateQueries(trpc.schemas.pathFilter());
        router.push(`${subjectHref(subject)}?registered=${r.version}`);
      },
    }),
  );

  const upToDate = debounced === value && !check.isPlaceholderData && !check.isFetching;
  const c = check.data;
  let state: VerdictState;
  let headline: string;
  if (!parsed.ok) {
    state = 'invalid';
    headline = `Invalid JSON — ${describeSyntaxProblem(parsed.problem)}`;
  } else if (failureOf(check)) {
    state = 'error';
    headline = `Could not check: ${errorText(failureOf(check))}`;
  } else if (!c || !upToDate) {
    state = 'checking';
    headline = 'Checking…';
  } else if (c.syntaxError) {
    state = 'invalid';
    headline = `Invalid JSON — ${c.syntaxError}`;
  } else if (c.documentErrors.length > 0) {
    state = 'invalid';
    headline = 'Not a valid event schema';
  } else if (identical) {
    state = 'identical';
    headline = `Same as the latest version (v${latest?.version}) — nothing to register`;
  } else if (c.compatible) {
    state = 'compatible';
    headline =
      c.mode === null
        ? 'Valid — the first version of a new subject (mode BACKWARD by default)'
        : c.checkedVersions.length === 0
          ? `Compatible under ${c.mode} (no active versions to compare with)`
          : `Compatible under ${c.mode} with ${c.checkedVersions.map((v) => `v${v}`).join(', ')}`;
  } else {
    state = 'incompatible';
    headline = `Not compatible under ${c.mode ?? 'BACKWARD'}`;
  }

  const canRegister = state === 'compatible' && !register.isPending;
  const blockedBecause =
    state === 'compatible'
      ? null
      : state === 'checking'
        ? 'Waiting for the check…'
        : state === 'identical'
          ? 'Identical to the latest version'
          : state === 'incompatible'
            ? `${c?.reasons.length ?? 0} compatibility problem${c?.reasons.length === 1 ? '' : 's'} to fix (listed above)`
            : state === 'error'
              ? 'The check failed'
              : 'Fix the schema first';
  const trafficStale = traffic !== null && traffic.text !== value;

  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link href="/schemas">Schemas</Link> /{' '}
            {exists ? <Link href={subjectHref(subject)}>{subject}</Link> : <span>{subject}</span>} /
          </div>
          <h1>
            {exists ? 'New version of ' : 'New subject '}
            <span className="mono">{subject}</span>
          </h1>
        </div>
        {exists && detail.data && (
          <span className="muted">
            Mode <span className="pill">{detail.data.subject.mode}</span>
            {latest && <> · latest v{latest.version}</>}
          </span>
        )}
      </div>
      {!isNew && <QueryError queries={detail} />}
      <div className="editor-grid">
        <section className="card editor-card">
          <h2>
            Schema for the event&apos;s <code>data</code> (JSON Schema 2020-12)
          </h2>
          <textarea
            className={`editor${parsed.ok ? '' : ' editor-invalid'}`}
            value={value}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
            aria-label="Schema"
            data-testid="schema-editor"
            disabled={!settled}
          />
        </section>
        <div className="editor-side">
          <section
            className={`card verdict verdict-${state}`}
            data-testid="compat-verdict"
            data-state={state}
            aria-live="polite"
          >
            <div className="verdict-head" data-testid="compat-headline">
              {headline}
            </div>
            {state === 'invalid' && c && !c.syntaxError && c.documentErrors.length > 0 && parsed.ok && (
              <ul className="reasons">
                {c.documentErrors.map((e, i) => (
                  <li key={i} data-testid="document-error">
                    {e}
                  </li>
                ))}
              </ul>
            )}
            {state === 'incompatible' && c && (
              <ul className="reasons">
                {c.reasons.map((r, i) => (
                  <li key={i} data-testid="compat-reason" data-rule={r.rule}>
                    <div>{r.message}</div>
                    <div className="muted small mono">
                      {r.path} · {r.rule} · {r.direction}
                      {r.againstVersion !== undefined && ` · vs v${r.againstVersion}`}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {canRegisterRole && (
            <section className="card">
              <div className="register-row">
                <button
                  type="button"
                  className="btn btn-primary"
                  disabled={!canRegister}
                  onClick={() => register.mutate({ subject, text: value })}
                  data-testid="register-button"
                >
                  {register.isPending ? 'Registering…' : exists ? 'Register new version' : 'Register subject'}
                </button>
                {blockedBecause && (
                  <span className="muted" data-testid="register-blocked">
                    {blockedBecause}
                  </span>
                )}
              </div>
              <ErrorBanner error={register.error} compact testId="register-error" />
            </section>
          )}
          {canCheckTraffic && (
            <section className="card">
              <div className="register-row">
                <button
                  type="button"
                  className="btn"
                  disabled={!parsed.ok || state === 'invalid' || trafficCheck.isPending}
                  onClick={() => {
                    setTraffic({ text: value });
                    trafficCheck.mutate({ subject, text: value });
                  }}
                  data-testid="traffic-check-button"
                >
                  {trafficCheck.isPending ? 'Checking traffic…' : 'Check against traffic'}
                </button>
                <span className="muted small">Newest 1,000 events of the last 24 h</span>
              </div>
              <ErrorBanner error={trafficCheck.error} compact testId="traffic-check-error" />
              {trafficCheck.data && (
                <div className={`traffic${trafficStale ? ' stale' : ''}`} data-testid="traffic-result">
                  <div className="traffic-counts">
                    <span>
                      <strong data-testid="traffic-checked">{formatCount(trafficCheck.data.checked)}</strong>{' '}
                      checked
                    </span>
                    <span className={trafficCheck.data.failing > 0 ? 'bad' : 'good'}>
                      <strong data-testid="traffic-failing">{formatCount(trafficCheck.data.failing)}</strong>{' '}
                      failing
                    </span>
                    {trafficStale && <span className="muted small">(for an earlier edit)</span>}
                  </div>
                  {trafficCheck.data.checked === 0 && (
                    <p className="muted small">No events of this type in the last 24 h.</p>
                  )}
                  {trafficCheck.data.examples.length > 0 && (
                    <ul className="reasons">
                      {trafficCheck.data.examples.map((e) => (
                        <li key={e.event_id} data-testid="traffic-example">
                          <div className="mono small">{e.event_id}</div>
                          {e.messages.map((m, i) => (
                            <div key={i}>{m}</div>
                          ))}
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              )}
            </section>
          )}
        </div>
      </div>
    </>
  );
}
