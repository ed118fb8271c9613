'use client';

import { useState, type FormEvent } from 'react';
import { Card, Field, MutationError, Select, TextInput, TypedConfirm } from '../ui/index.ts';
import { RETENTION_CHOICES } from './format-topic.ts';
import styles from './topics.module.css';
import { useCreateTopic } from './use-topics.ts';

const POLICIES = [
  { value: 'delete', label: 'delete (by retention)' },
  { value: 'compact', label: 'compact (latest per key)' },
  { value: 'compact,delete', label: 'compact, then delete' },
] as const;
type Policy = (typeof POLICIES)[number]['value'];

/** New topic: name under the platform prefix, partitions, retention, cleanup policy, and the name again to confirm. */
export function CreateTopicForm({ prefix }: { prefix: string }) {
  const create = useCreateTopic();
  const [name, setName] = useState(prefix);
  const [partitions, setPartitions] = useState('3');
  const [retention, setRetention] = useState(String(7 * 86_400_000));
  const [policy, setPolicy] = useState<Policy>('delete');
  const [confirm, setConfirm] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      {
        name,
        partitions: Number(partitions),
        retentionMs: Number(retention),
        cleanupPolicy: policy,
        confirm,
      },
      { onSuccess: () => setConfirm('') },
    );
  };
  return (
    <Card title="Create a topic">
      {/* noValidate: the server's own words explain a refused name or count. */}
      <form className={styles.form} onSubmit={submit} noValidate data-testid="create-topic">
        <Field label="Name" hint={`Must start with ${prefix}`} className={styles.name}>
          {(id, d) => (
            <TextInput
              id={id}
              aria-describedby={d}
              mono
              value={name}
              onChange={(e) => setName(e.target.value)}
              data-testid="create-topic-name"
            />
          )}
        </Field>
        <Field label="Partitions" className={styles.narrow}>
          {(id) => (
            <TextInput
              id={id}
              type="number"
              min={1}
              value={partitions}
              onChange={(e) => setPartitions(e.target.value)}
              data-testid="create-topic-partitions"
            />
          )}
        </Field>
        <Field label="Retention">
          {(id) => (
            <Select
              id={id}
              options={RETENTION_CHOICES.map((c) => ({ value: String(c.ms), label: c.label }))}
              value={retention}
              onValue={setRetention}
              data-testid="create-topic-retention"
            />
          )}
        </Field>
        <Field label="Cleanup policy">
          {(id) => (
            <Select
              id={id}
              options={POLICIES}
              value={policy}
              onValue={setPolicy}
              data-testid="create-topic-policy"
            />
          )}
        </Field>
        <TypedConfirm
          label="Type the name to confirm"
          className={styles.name}
          expected={name}
          value={confirm}
          onChange={setConfirm}
          pending={create.isPending}
          action="Create topic"
          pendingAction="Creating…"
          testId="create-topic"
          submitTestId="create-topic-submit"
        />
      </form>
      <MutationError error={create.error} testId="create-topic-error" />
      {create.data && (
        <p className={styles.ok} data-testid="create-topic-done">
          Created {create.data.name} with {create.data.partitions} partitions.
        </p>
      )}
    </Card>
  );
}
