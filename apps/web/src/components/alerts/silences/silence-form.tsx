'use client';

import { useState, type FormEvent } from 'react';
import { useAlertActions, useMe, useSilencePreview } from '../../../hooks/alerts.ts';
import { errorText } from '../../../lib/error-text.ts';
import { Button, Field, FieldRow, MutationError, Select, TextArea, TextInput } from '../../ui/index.ts';
import { LabelChips } from '../now/label-chips.tsx';
import { StateBadge } from '../now/state-badge.tsx';
import {
  buildSilence,
  DURATION_PRESETS,
  filledMatchers,
  OP_OPTIONS,
  type DraftProblems,
  type MatcherDraft,
  type SilenceDraft,
} from './silence-draft.ts';
import styles from './silences.module.css';

/**
 * The one silence form (Alerts page's "Silence", Silences page's "New silence"): matchers, when it
 * starts and ends (presets or "until resolved"), the author (whoever is signed in: the server signs
 * it) and a required comment, with a live preview of the active alerts it would hold.
 */
export function SilenceForm(props: { initial: SilenceDraft; onSaved: () => void; onCancel?: () => void }) {
  const [draft, setDraft] = useState(props.initial);
  const [problems, setProblems] = useState<DraftProblems>({});
  const [tried, setTried] = useState(false);
  const me = useMe();
  const { createSilence } = useAlertActions();
  const matchers = filledMatchers(draft.matchers);
  const preview = useSilencePreview(matchers);

  const change = (next: SilenceDraft) => {
    setDraft(next);
    // Once a send was refused, problems follow the edits; before that, typing is not judged.
    if (tried) {
      const built = buildSilence(next, Date.now());
      setProblems(built.ok ? {} : built.problems);
    }
  };
  const setMatcher = (i: number, patch: Partial<MatcherDraft>) =>
    change({ ...draft, matchers: draft.matchers.map((m, j) => (j === i ? { ...m, ...patch } : m)) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    const built = buildSilence(draft, Date.now());
    if (!built.ok) {
      setProblems(built.problems);
      return;
    }
    setProblems({});
    createSilence.mutate({ silence: built.silence }, { onSuccess: () => props.onSaved() });
  };

  return (
    <form className={styles.form} onSubmit={submit} aria-label="Silence" noValidate>
      <fieldset className={styles.matchers}>
        <legend className={styles.legend}>Matchers (an alert is silenced when every one holds)</legend>
        {draft.matchers.map((m, i) => (
          <div className={styles.matcherRow} key={i}>
            <TextInput
              mono
              value={m.name}
              placeholder="label"
              aria-label={`Matcher ${i + 1} label`}
              onChange={(e) => setMatcher(i, { name: e.target.value })}
            />
            <Select
              options={OP_OPTIONS}
              value={m.op}
              onValue={(op) => setMatcher(i, { op })}
              aria-label={`Matcher ${i + 1} operator`}
            />
            <TextInput
              mono
              value={m.value}
              placeholder="value"
              aria-label={`Matcher ${i + 1} value`}
              onChange={(e) => setMatcher(i, { value: e.target.value })}
            />
            <Button
              size="small"
              variant="ghost"
              aria-label={`Remove matcher ${i + 1}`}
              disabled={draft.matchers.length === 1}
              onClick={() => change({ ...draft, matchers: draft.matchers.filter((_, j) => j !== i) })}
            >
              ✕
            </Button>
          </div>
        ))}
        <div>
          <Button
            size="small"
            disabled={draft.matchers.length >= 20}
            onClick={() =>
              change({ ...draft, matchers: [...draft.matchers, { name: '', op: '=', value: '' }] })
            }
          >
            Add matcher
          </Button>
        </div>
        {problems.matchers && (
          <p className="field-error" role="alert">
            {problems.matchers}
          </p>
        )}
      </fieldset>

      <FieldRow>
        <Field label="Starts (UTC)" hint="Empty: now" error={problems.startsAt}>
          {(id, describedBy) => (
            <TextInput
              id={id}
              type="datetime-local"
              value={draft.startsAt}
              aria-describedby={describedBy}
              invalid={problems.startsAt !== undefined}
              onChange={(e) => change({ ...draft, startsAt: e.target.value })}
            />
          )}
        </Field>
        <fieldset className={styles.matchers}>
          <legend className={styles.legend}>Duration</legend>
          <div className={styles.warning}>
            {DURATION_PRESETS.map((p) => (
              <label key={p.value}>
                <input
                  type="radio"
                  name="silence-duration"
                  value={p.value}
                  checked={draft.duration === p.value}
                  onChange={() => change({ ...draft, duration: p.value })}
                />{' '}
                {p.label}
              </label>
            ))}
          </div>
        </fieldset>
      </FieldRow>
      {draft.duration === 'custom' && (
        <Field label="Ends (UTC)" error={problems.endsAt}>
          {(id, describedBy) => (
            <TextInput
              id={id}
              type="datetime-local"
              value={draft.endsAt}
              aria-describedby={describedBy}
              invalid={problems.endsAt !== undefined}
              onChange={(e) => change({ ...draft, endsAt: e.target.value })}
            />
          )}
        </Field>
      )}
      {draft.duration !== 'custom' && problems.endsAt && (
        <p className="field-error" role="alert">
          {problems.endsAt}
        </p>
      )}

      <FieldRow>
        <Field label="Author" hint="Silences are signed by whoever creates them">
          {(id, describedBy) => (
            <TextInput id={id} readOnly value={me.data?.name ?? '…'} aria-describedby={describedBy} />
          )}
        </Field>
      </FieldRow>
      <Field
        label="Comment (required)"
        error={problems.comment}
        hint="Why: a ticket, a maintenance, a known cause"
      >
        {(id, describedBy) => (
          <TextArea
            id={id}
            value={draft.comment}
            required
            aria-describedby={describedBy}
            invalid={problems.comment !== undefined}
            onChange={(e) => change({ ...draft, comment: e.target.value })}
          />
        )}
      </Field>

      <SilencePreview matchersGiven={matchers.length > 0} preview={preview} />

      <MutationError error={createSilence.error} testId="silence-create-error" />
      <div className={styles.buttons}>
        {props.onCancel && <Button onClick={props.onCancel}>Cancel</Button>}
        <Button type="submit" variant="primary" disabled={createSilence.isPending}>
          {createSilence.isPending ? 'Creating…' : 'Create silence'}
        </Button>
      </div>
    </form>
  );
}

function SilencePreview({
  matchersGiven,
  preview,
}: {
  matchersGiven: boolean;
  preview: ReturnType<typeof useSilencePreview>;
}) {
  const { query, checking } = preview;
  const alerts = query.data ?? [];
  return (
    <section className={styles.preview} aria-label="Matching alerts" aria-busy={checking}>
      {!matchersGiven ? (
        <p className="muted">Add a matcher to see which active alerts it would silence.</p>
      ) : query.error ? (
        <p className="field-error" role="alert">
          {errorText(query.error)}
        </p>
      ) : !query.data ? (
        <p className="muted">Checking which alerts match…</p>
      ) : (
        <>
          <h3 data-testid="silence-preview-count">
            {alerts.length === 0
              ? 'Matches no active alert now'
              : `Would silence ${alerts.length} active alert${alerts.length === 1 ? '' : 's'}`}
            {checking && <span className="muted"> · checking…</span>}
          </h3>
          <ul className={styles.previewList}>
            {alerts.slice(0, 50).map((a) => (
              <li key={`${a.rule}\n${a.groupKey}`}>
                <StateBadge state={a.state} /> <strong>{a.ruleTitle}</strong>{' '}
                <LabelChips labels={a.labels} label={`Labels of ${a.ruleTitle}`} />
              </li>
            ))}
          </ul>
          {alerts.length > 50 && <p className="muted small">and {alerts.length - 50} more</p>}
        </>
      )}
    </section>
  );
}
