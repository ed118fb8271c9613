'use client';

import type { Receiver } from '@tributary/contracts';
import { useState, type FormEvent } from 'react';
import { useReceiverActions } from '../../../hooks/alert-config.ts';
import { errorText } from '../../../lib/error-text.ts';
import { problemsInRefusal } from '../rules/rule-draft.ts';
import { Button, Card, Field, FieldRow, Select, TextArea, TextInput } from '../../ui/index.ts';
import {
  buildReceiver,
  emptyReceiverForm,
  formFromReceiver,
  type Problem,
  type ReceiverForm,
} from './receiver-draft.ts';
import styles from './receivers.module.css';

function at(problems: readonly Problem[], path: string): string | undefined {
  const mine = problems.filter((p) => p.path === path || p.path.startsWith(`${path}.`));
  return mine.length ? mine.map((p) => p.message).join('; ') : undefined;
}

/** Creating or editing one receiver (admins). A receiver keeps its name: routing refers to it. */
export function ReceiverFormCard(props: {
  stored: { name: string; revision: number; receiver: Receiver } | null;
  onDone: () => void;
}) {
  const actions = useReceiverActions();
  const [form, setForm] = useState<ReceiverForm>(() =>
    props.stored ? formFromReceiver(props.stored.receiver) : emptyReceiverForm(),
  );
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const set = <K extends keyof ReceiverForm>(key: K, value: ReceiverForm[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const pending = actions.create.isPending || actions.update.isPending;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const { receiver, problems: found } = buildReceiver(form);
    setProblems(found);
    if (found.length > 0) return;
    try {
      if (props.stored) {
        await actions.update.mutateAsync({
          name: props.stored.name,
          revision: props.stored.revision,
          receiver,
        });
      } else await actions.create.mutateAsync({ receiver });
      props.onDone();
    } catch (err) {
      const text = errorText(err as Error);
      setProblems(problemsInRefusal(text) ?? []);
      setError(text);
    }
  };

  const text = (key: 'name' | 'url' | 'to' | 'subjectPrefix', label: string, hint?: string) => (
    <Field label={label} hint={hint} error={at(problems, key)}>
      {(id, d) => (
        <TextInput
          id={id}
          aria-describedby={d}
          mono={key !== 'subjectPrefix'}
          disabled={key === 'name' && props.stored !== null}
          invalid={at(problems, key) !== undefined}
          value={form[key]}
          onChange={(e) => set(key, e.target.value)}
          data-testid={`receiver-${key}`}
        />
      )}
    </Field>
  );

  return (
    <Card
      title={props.stored ? `Edit receiver ${props.stored.name}` : 'New receiver'}
      testId="receiver-form-card"
    >
      <form onSubmit={submit} noValidate aria-label="Receiver" className={styles.form}>
        <FieldRow>
          <Field label="Kind">
            {(id) => (
              <Select
                id={id}
                value={form.kind}
                disabled={props.stored !== null}
                onValue={(k) => set('kind', k)}
                options={[
                  { value: 'webhook', label: 'webhook' },
                  { value: 'email', label: 'email' },
                ]}
                data-testid="receiver-kind"
              />
            )}
          </Field>
          {text('name', 'Name', 'lower-case letters, digits, - and _')}
        </FieldRow>
        {form.kind === 'webhook' ? (
          <>
            <FieldRow>
              {text('url', 'URL', 'http:// or https://; kept secret (only admins see it)')}
              <Field label="Body">
                {(id) => (
                  <Select
                    id={id}
                    value={form.format}
                    onValue={(v) => set('format', v)}
                    options={[
                      { value: 'json', label: "Tributary's JSON (payload v1)" },
                      { value: 'slack', label: 'Slack-compatible' },
                    ]}
                    data-testid="receiver-format"
                  />
                )}
              </Field>
            </FieldRow>
            <Field
              label="Headers (Name: value, one a line)"
              hint="values are kept secret"
              error={at(problems, 'headers')}
            >
              {(id, d) => (
                <TextArea
                  id={id}
                  aria-describedby={d}
                  mono
                  rows={2}
                  invalid={at(problems, 'headers') !== undefined}
                  value={form.headers}
                  onChange={(e) => set('headers', e.target.value)}
                  data-testid="receiver-headers"
                />
              )}
            </Field>
          </>
        ) : (
          <FieldRow>
            {text('to', 'To (comma-separated addresses)')}
            {text('subjectPrefix', 'Subject prefix')}
          </FieldRow>
        )}
        {error && (
          <p className="field-error" role="alert" data-testid="receiver-save-error">
            {error}
          </p>
        )}
        <div className={styles.actions}>
          <Button type="submit" variant="primary" disabled={pending} testId="receiver-save">
            {pending ? 'Saving…' : props.stored ? 'Save' : 'Create receiver'}
          </Button>
          <Button variant="ghost" onClick={props.onDone}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}
