'use client';

import { useState, type FormEvent } from 'react';
import { Card, Field, MutationError, Select, TypedConfirm } from '../ui/index.ts';
import { formatRetention, RETENTION_CHOICES } from './format-topic.ts';
import styles from './topics.module.css';
import { useSetTopicConfig } from './use-topics.ts';

const POLICIES = [
  { value: 'delete', label: 'delete' },
  { value: 'compact', label: 'compact' },
  { value: 'compact,delete', label: 'compact,delete' },
] as const;
type Policy = (typeof POLICIES)[number]['value'];
const asPolicy = (v: string | null): Policy => POLICIES.find((p) => p.value === v)?.value ?? 'delete';

/** Retention and cleanup policy; saving needs the topic's name typed again. */
export function TopicConfigForm(props: {
  name: string;
  retentionMs: number | null;
  cleanupPolicy: string | null;
  platform: boolean;
}) {
  const save = useSetTopicConfig();
  const current = String(props.retentionMs ?? 7 * 86_400_000);
  const choices = RETENTION_CHOICES.map((c) => ({ value: String(c.ms), label: c.label }));
  if (!choices.some((c) => c.value === current)) {
    choices.unshift({ value: current, label: `${formatRetention(props.retentionMs)} (current)` });
  }
  const [retention, setRetention] = useState(current);
  const [policy, setPolicy] = useState<Policy>(asPolicy(props.cleanupPolicy));
  const [confirm, setConfirm] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const change: { retentionMs?: number; cleanupPolicy?: Policy } = {};
    if (retention !== current) change.retentionMs = Number(retention);
    if (policy !== asPolicy(props.cleanupPolicy)) change.cleanupPolicy = policy;
    save.mutate({ name: props.name, ...change, confirm }, { onSuccess: () => setConfirm('') });
  };
  return (
    <Card title="Retention and cleanup">
      <form className={styles.form} onSubmit={submit} noValidate data-testid="topic-config">
        <Field label="Retention">
          {(id) => (
            <Select
              id={id}
              options={choices}
              value={retention}
              onValue={setRetention}
              data-testid="config-retention"
            />
          )}
        </Field>
        <Field label="Cleanup policy" hint={props.platform ? 'fixed for platform topics' : undefined}>
          {(id, d) => (
            <Select
              id={id}
              aria-describedby={d}
              options={POLICIES}
              value={policy}
              onValue={setPolicy}
              disabled={props.platform}
              data-testid="config-policy"
            />
          )}
        </Field>
        <TypedConfirm
          label="Type the topic name to confirm"
          className={styles.name}
          expected={props.name}
          value={confirm}
          onChange={setConfirm}
          pending={save.isPending}
          action="Save"
          pendingAction="Saving…"
          testId="config"
          submitTestId="config-save"
        />
      </form>
      <MutationError error={save.error} testId="config-error" />
      {save.isSuccess && !save.isPending && (
        <p className={styles.ok} data-testid="config-saved">
          Saved.
        </p>
      )}
    </Card>
  );
}
