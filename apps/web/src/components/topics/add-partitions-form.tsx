'use client';

import { useState, type FormEvent } from 'react';
import { Card, Field, MutationError, TextInput, TypedConfirm } from '../ui/index.ts';
import styles from './topics.module.css';
import { useAddPartitions } from './use-topics.ts';

/** Partitions only grow (Kafka cannot remove them); keyed data maps to new partitions from then on. */
export function AddPartitionsForm({ name, partitions }: { name: string; partitions: number }) {
  const add = useAddPartitions();
  const [count, setCount] = useState(String(partitions + 1));
  const [confirm, setConfirm] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate({ name, partitions: Number(count), confirm }, { onSuccess: () => setConfirm('') });
  };
  return (
    <Card title="Partitions">
      <p className={styles.note}>
        Kafka can add partitions but never remove them. Messages with a key may land on a different partition
        afterwards, so per-key order holds only from the change on.
      </p>
      <form className={styles.form} onSubmit={submit} noValidate data-testid="add-partitions">
        <Field label="New partition count" className={styles.narrow}>
          {(id) => (
            <TextInput
              id={id}
              type="number"
              min={partitions + 1}
              value={count}
              onChange={(e) => setCount(e.target.value)}
              data-testid="partitions-count"
            />
          )}
        </Field>
        <TypedConfirm
          label="Type the topic name to confirm"
          className={styles.name}
          expected={name}
          value={confirm}
          onChange={setConfirm}
          pending={add.isPending}
          action="Add partitions"
          pendingAction="Adding…"
          testId="partitions"
          submitTestId="partitions-save"
        />
      </form>
      <MutationError error={add.error} testId="partitions-error" />
    </Card>
  );
}
