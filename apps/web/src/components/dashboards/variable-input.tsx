'use client';

import { useState } from 'react';
import type { DashboardRange } from '@tributary/contracts';
import { useVariableValues } from '../../hooks/dashboards.ts';
import { TextInput } from '../ui/index.ts';

/** A variable's value, typed or picked from the values seen in the range (asked on first focus). */
export function VariableInput(props: {
  id: string;
  slug: string;
  name: string;
  range: DashboardRange;
  value: string;
  onValue: (v: string) => void;
}) {
  const [asked, setAsked] = useState(false);
  const values = useVariableValues(props.slug, props.name, props.range, asked);
  const listId = `${props.id}-values`;
  return (
    <>
      <TextInput
        id={props.id}
        mono
        placeholder="all"
        list={listId}
        value={props.value}
        onFocus={() => setAsked(true)}
        onChange={(e) => props.onValue(e.target.value)}
        data-testid="dashboard-variable"
        data-variable={props.name}
      />
      <datalist id={listId} data-testid="dashboard-variable-values" data-variable={props.name}>
        {(values.data ?? []).map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
    </>
  );
}
