'use client';

import type { DashboardVariable } from '@tributary/contracts';
import { useState, type FormEvent } from 'react';
import { Button, Field, FieldRow, Select, TextInput } from '../ui/index.ts';

const KINDS = [
  { value: 'event_type', label: 'event type' },
  { value: 'source', label: 'source' },
  { value: 'field', label: 'a field' },
] as const;

/** A dashboard variable: a value chosen in the toolbar that the panels using it filter by. */
export function VariableForm(props: { pending: boolean; onAdd: (variable: DashboardVariable) => void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<DashboardVariable['kind']>('event_type');
  const [field, setField] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    props.onAdd({
      name: name.trim(),
      kind,
      default: null,
      ...(kind === 'field' ? { field: field.trim() as NonNullable<DashboardVariable['field']> } : {}),
    });
    setName('');
  };
  return (
    <form onSubmit={submit} noValidate data-testid="variable-form">
      <FieldRow>
        <Field label="Name">
          {(id) => (
            <TextInput
              id={id}
              mono
              value={name}
              onChange={(e) => setName(e.target.value)}
              data-testid="variable-name"
            />
          )}
        </Field>
        <Field label="Values of">
          {(id) => (
            <Select id={id} value={kind} onValue={setKind} options={KINDS} data-testid="variable-kind" />
          )}
        </Field>
        {kind === 'field' && (
          <Field label="Field" hint="e.g. data.plan">
            {(id, d) => (
              <TextInput
                id={id}
                aria-describedby={d}
                mono
                value={field}
                onChange={(e) => setField(e.target.value)}
              />
            )}
          </Field>
        )}
      </FieldRow>
      <Button type="submit" disabled={name.trim() === '' || props.pending} testId="add-variable">
        Add variable
      </Button>
    </form>
  );
}
