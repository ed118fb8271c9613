'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useCallback, useState, type FormEvent } from 'react';
import { useAlertRule, useAlertRuleActions } from '../../../hooks/alert-config.ts';
import { errorText } from '../../../lib/error-text.ts';
import { useCan } from '../../../lib/use-can.ts';
import { QueryError } from '../../error-banner.tsx';
import { Button, ConfirmDialog, Field, FieldRow, Loading, TextArea, TextInput } from '../../ui/index.ts';
import { BacktestPanel } from './backtest-panel.tsx';
import { CONDITION_PATHS, ConditionFields, TIMING_PATHS, TimingFields } from './condition-fields.tsx';
import { QUERY_PATHS, QueryFields } from './query-fields.tsx';
import {
  buildRule,
  emptyRuleForm,
  formFromRule,
  problemsAt,
  problemsInRefusal,
  unplacedProblems,
  type Problem,
  type RuleForm,
} from './rule-draft.ts';
import styles from './rules.module.css';

const PLACED = [
  'name',
  'title',
  'description',
  'enabled',
  ...QUERY_PATHS,
  ...CONDITION_PATHS,
  ...TIMING_PATHS,
];

/** /alerts/rules/new (name null) and /alerts/rules/[name]: the rule's form, its backtest, save and delete. */
export function RuleEditor({ name }: { name: string | null }) {
  const stored = useAlertRule(name);
  if (name === null) return <RuleEditorForm stored={null} />;
  if (stored.isLoading) return <Loading what="the rule" />;
  if (!stored.data) return <QueryError queries={stored} title={`Rule ${name}`} />;
  // Keyed by revision: a saved change starts the form again from what was stored.
  return <RuleEditorForm key={stored.data.revision} stored={stored.data} />;
}

type StoredRule = NonNullable<ReturnType<typeof useAlertRule>['data']>;

function RuleEditorForm({ stored }: { stored: StoredRule | null }) {
  const router = useRouter();
  const canWrite = useCan('alerts:write');
  const actions = useAlertRuleActions();
  const [form, setForm] = useState<RuleForm>(() => (stored ? formFromRule(stored.rule) : emptyRuleForm()));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const update = useCallback((edit: (f: RuleForm) => void) => {
    setForm((previous) => {
      const next = structuredClone(previous);
      edit(next);
      return next;
    });
  }, []);
  const build = useCallback(() => buildRule(form), [form]);
  const section = { form, update, problems };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSaveError(null);
    const { rule, problems: found } = buildRule(form);
    setProblems(found);
    if (found.length > 0) return;
    try {
      if (stored) {
        await actions.update.mutateAsync({ name: stored.name, revision: stored.revision, rule });
      } else {
        const created = await actions.create.mutateAsync({ rule });
        router.push(`/alerts/rules/${encodeURIComponent(created.name)}`);
      }
    } catch (err) {
      const text = errorText(err as Error);
      const placed = problemsInRefusal(text);
      if (placed) setProblems(placed);
      setSaveError(text);
    }
  };

  const remove = async () => {
    if (!stored) return;
    try {
      await actions.remove.mutateAsync({ name: stored.name });
      router.push('/alerts/rules');
    } catch (err) {
      setConfirmDelete(false);
      setSaveError(errorText(err as Error));
    }
  };

  const unplaced = unplacedProblems(problems, PLACED);
  const saving = actions.create.isPending || actions.update.isPending;
  const textField = (key: 'name' | 'title', label: string, hint: string, disabled = false) => (
    <Field label={label} hint={hint} error={problemsAt(problems, key)}>
      {(id, d) => (
        <TextInput
          id={id}
          aria-describedby={d}
          mono={key === 'name'}
          disabled={disabled}
          invalid={problemsAt(problems, key) !== undefined}
          value={form[key]}
          onChange={(e) => {
            const v = e.target.value;
            update((f) => (f[key] = v));
          }}
          data-testid={`rule-${key}`}
        />
      )}
    </Field>
  );

  return (
    <>
      <div className="crumbs">
        <Link href="/alerts/rules">Rules</Link> / {stored ? stored.name : 'new'}
      </div>
      <div className="page-head">
        <h1>{stored ? stored.rule.title : 'New alert rule'}</h1>
      </div>
      <div className={styles.editor}>
        <form
          onSubmit={save}
          noValidate
          aria-label="Alert rule"
          data-testid="rule-form"
          className={styles.form}
        >
          <fieldset className={styles.section}>
            <legend>Rule</legend>
            <FieldRow>
              {textField('title', 'Title', 'what is wrong, in words on-call reads at night')}
              {textField(
                'name',
                'Name',
                stored ? 'a rule keeps its name' : 'lower-case letters, digits, - and _',
                stored !== null,
              )}
            </FieldRow>
            <Field label="Description (optional)" error={problemsAt(problems, 'description')}>
              {(id) => (
                <TextArea
                  id={id}
                  rows={2}
                  value={form.description}
                  onChange={(e) => {
                    const v = e.target.value;
                    update((f) => (f.description = v));
                  }}
                  data-testid="rule-description"
                />
              )}
            </Field>
            <label className="small">
              <input
                type="checkbox"
                checked={form.enabled}
                onChange={(e) => {
                  const v = e.target.checked;
                  update((f) => (f.enabled = v));
                }}
                data-testid="rule-enabled"
              />{' '}
              Enabled (evaluated by the jobs service)
            </label>
          </fieldset>
          <QueryFields {...section} />
          <ConditionFields {...section} />
          <TimingFields {...section} />
          {unplaced.length > 0 && (
            <ul className="field-error" role="alert" data-testid="rule-problems">
              {unplaced.map((p, i) => (
                <li key={i}>
                  <span className="mono">{p.path}</span>: {p.message}
                </li>
              ))}
            </ul>
          )}
          {saveError && (
            <p className="field-error" role="alert" data-testid="rule-save-error">
              {saveError}
            </p>
          )}
          {canWrite ? (
            <div className={styles.buttons}>
              <Button type="submit" variant="primary" disabled={saving} testId="rule-save">
                {saving ? 'Saving…' : stored ? 'Save' : 'Create rule'}
              </Button>
              {stored && (
                <Button variant="danger" onClick={() => setConfirmDelete(true)} testId="rule-delete">
                  Delete
                </Button>
              )}
            </div>
          ) : (
            <p className="muted small">
              You may backtest this rule; saving it needs the alerts:write permission.
            </p>
          )}
        </form>
        <BacktestPanel build={build} onProblems={setProblems} />
      </div>
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete rule ${stored?.name ?? ''}?`}
        confirmLabel="Delete"
        danger
        busy={actions.remove.isPending}
        onConfirm={() => void remove()}
        onCancel={() => setConfirmDelete(false)}
        testId="rule-delete-dialog"
      >
        Its alerts stop at once; its history stays for 30 days.
      </ConfirmDialog>
    </>
  );
}
