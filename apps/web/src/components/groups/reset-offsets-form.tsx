'use client';

import { useState, type FormEvent } from 'react';
import { Card, Field, MutationError, Select, TextInput, TypedConfirm } from '../ui/index.ts';
import { useResetOffsets } from '../topics/use-topics.ts';
import styles from './groups.module.css';

const TARGETS = [
  { value: 'earliest', label: 'earliest (re-read everything retained)' },
  { value: 'latest', label: 'latest (skip to now)' },
  { value: 'timestamp', label: 'a time (first message at or after it)' },
] as const;
type Target = (typeof TARGETS)[number]['value'];

/** Moves an inactive group's offsets on one topic; refused by the server while the group has members. */
export function ResetOffsetsForm(props: { groupId: string; topics: string[]; active: boolean }) {
  const reset = useResetOffsets();
  const [topic, setTopic] = useState(props.topics[0] ?? '');
  const [to, setTo] = useState<Target>('earliest');
  const [when, setWhen] = useState('');
  const [confirm, setConfirm] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // The time field is read as UTC, the console's one time zone.
    const target = to === 'timestamp' ? { to, timestamp: Date.parse(`${when}Z`) } : { to };
    reset.mutate({ groupId: props.groupId, topic, target, confirm }, { onSuccess: () => setConfirm('') });
  };
  return (
    <Card title="Reset offsets">
      <p className={styles.note}>
        Only for a group with no members: stop its consumers first, or their next commit overwrites the reset.
        {props.active && ' This group has members now, so a reset will be refused.'}
      </p>
      <form className={styles.form} onSubmit={submit} noValidate data-testid="reset-offsets">
        <Field label="Topic">
          {(id) => (
            <Select
              id={id}
              options={props.topics.map((t) => ({ value: t, label: t }))}
              value={topic}
              onValue={setTopic}
              data-testid="reset-topic"
            />
          )}
        </Field>
        <Field label="To">
          {(id) => <Select id={id} options={TARGETS} value={to} onValue={setTo} data-testid="reset-target" />}
        </Field>
        {to === 'timestamp' && (
          <Field label="Time (UTC)">
            {(id) => (
              <TextInput
                id={id}
                type="datetime-local"
                step={1}
                value={when}
                onChange={(e) => setWhen(e.target.value)}
                data-testid="reset-time"
              />
            )}
          </Field>
        )}
        <TypedConfirm
          label="Type the group id to confirm"
          className={styles.wide}
          expected={props.groupId}
          value={confirm}
          onChange={setConfirm}
          pending={reset.isPending}
          action="Reset offsets"
          pendingAction="Resetting…"
          testId="reset"
          submitTestId="reset-submit"
          blocked={topic === ''}
          danger
        />
      </form>
      <MutationError error={reset.error} testId="reset-error" />
      {reset.data && (
        <p className={styles.ok} data-testid="reset-done">
          Reset {reset.data.partitions.length} partitions of {reset.data.topic}.
        </p>
      )}
    </Card>
  );
}
